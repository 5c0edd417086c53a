// The paired comparison against debate of `maft results` (client/report/against-debate.ts), read
// through the page cache and placed on the run's plan.
import { evalSchema } from '../../data/artifacts';
import type { PairedComparison } from '../../data/method/paired-comparison';
import { againstDebate } from '../report/against-debate';
import type { RunResults } from '../report/results';
import { EVAL_FILE, inStep, stepDir } from '../../experiment/run-layout';
import type { RunArtifacts } from './artifacts';
import { findIteration } from './plan';
import type { PlannedIteration, PlannedMethod } from './plan';

export interface ComparedIteration extends PairedComparison {
  variant: string;
  iteration: number;
}

export function evalFileOf(it: PlannedIteration): string {
  return inStep(stepDir(it.dir, 'evaluate'), EVAL_FILE);
}

/** The reference (debate) iteration, or undefined when the run evaluates none. */
export function debateReference(plan: readonly PlannedMethod[]): PlannedIteration | undefined {
  // Else the method's own iteration 0 (the plan lists the method first).
  return findIteration(plan, 'debate', 0) ?? plan[0]?.iterations.find((i) => i.iteration === 0);
}

export async function compareWithDebate(artifacts: RunArtifacts, results: RunResults, plan: readonly PlannedMethod[]): Promise<{ reference: PlannedIteration; rows: ComparedIteration[] } | null> {
  const paired = await againstDebate(results, (evalFile) => artifacts.rows(evalSchema, results.runId, evalFile));
  const reference = paired ? findIteration(plan, paired.reference.method, paired.reference.iteration) : undefined;
  if (!paired || !reference) return null;
  return { reference, rows: paired.rows.map(({ method, ...p }) => ({ variant: method, ...p })) };
}
