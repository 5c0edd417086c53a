// An iteration's debate transcripts as DebateRows, whichever step wrote them: generateDebate's
// debate.parquet (multiagent finetuning, MAGRPO's evaluation) or generateRollouts'
// rollouts.parquet (MAPoRL's debates: one completion per agent and turn, turn t as round t).
import { rolloutAsDebateRow, rolloutSchema } from '../../data/artifacts';
import type { DebateRow } from '../../data/artifacts';
import { ROLLOUTS_FILE, stepDir } from '../../experiment/run-layout';
import type { Split } from '../../experiment/step-types';
import type { RunArtifacts } from './artifacts';
import type { PlannedIteration } from './plan';

/** The debate step of an iteration on a split: debate/ on training questions, eval-debate/ on held-out ones. */
export function debateDirOf(it: PlannedIteration, split: Split): string {
  return stepDir(it.dir, split === 'train' ? 'debate' : 'eval-debate');
}

/** The transcripts of the iteration's debate on a split; null when neither step has written any. */
export async function transcriptsOf(artifacts: RunArtifacts, runId: string, it: PlannedIteration, split: Split): Promise<DebateRow[] | null> {
  const debate = await artifacts.debate(runId, debateDirOf(it, split));
  if (debate || split === 'train') return debate;
  const rollouts = await artifacts.shards(rolloutSchema, runId, stepDir(it.dir, 'eval-rollouts'), ROLLOUTS_FILE);
  return rollouts?.map(rolloutAsDebateRow) ?? null;
}
