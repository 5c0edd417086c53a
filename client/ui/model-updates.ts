// The model updates an RL step directory holds — MAGRPO's policy-<trainee>/ of an iteration,
// MAPoRL's policy-<trainee>/ and value-<trainee>/ of a PPO batch — each with its losses.parquet,
// found on disk so a running iteration shows the updates written so far.
import { trainingLogSchema } from '../../data/artifacts';
import type { TrainingStepRow } from '../../data/artifacts';
import { inStep, LOSSES_FILE } from '../../experiment/run-layout';
import type { RunArtifacts } from './artifacts';

export interface ModelUpdate {
  /** The step directory's name: policy-agent-1, value-agent-2-turn-2, … */
  name: string;
  model: 'policy' | 'value';
  stepDir: string;
  /** null while the update runs (or when it failed). */
  losses: TrainingStepRow[] | null;
}

export async function modelUpdates(artifacts: RunArtifacts, runId: string, dir: string): Promise<ModelUpdate[]> {
  const names = [...(await artifacts.subdirs(runId, dir, 'policy-')), ...(await artifacts.subdirs(runId, dir, 'value-'))];
  return Promise.all(
    names.map(async (name) => {
      const stepDir = `${dir}/${name}`;
      return { name, model: name.startsWith('value-') ? ('value' as const) : ('policy' as const), stepDir, losses: await artifacts.rows(trainingLogSchema, runId, inStep(stepDir, LOSSES_FILE)) };
    }),
  );
}
