// The paired comparison of every evaluated iteration against debate (the base agents debating,
// the method's iteration 0, or the debate baseline's own when it ran one) on the same held-out
// questions, read from their eval.parquet files.
import { evalSchema } from '../../data/artifacts';
import { pairedComparison } from '../../data/method/paired-comparison';
import type { PairedComparison } from '../../data/method/paired-comparison';
import { EVAL_FILE, inStep, stepDir } from '../../experiment/run-layout';
import type { RunArtifacts } from './artifacts';
import { MAIN, findIteration } from './plan';
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
  return findIteration(plan, 'debate', 0) ?? findIteration(plan, MAIN, 0);
}

export async function compareWithDebate(artifacts: RunArtifacts, runId: string, plan: readonly PlannedMethod[]): Promise<{ reference: PlannedIteration; rows: ComparedIteration[] } | null> {
  const reference = debateReference(plan);
  const referenceRows = reference ? await artifacts.rows(evalSchema, runId, evalFileOf(reference)) : null;
  if (!reference || !referenceRows) return null;
  const rows: ComparedIteration[] = [];
  for (const method of plan) {
    for (const it of method.iterations) {
      if (it.dir === reference.dir) continue;
      const evalRows = await artifacts.rows(evalSchema, runId, evalFileOf(it));
      if (evalRows) rows.push({ variant: it.variant, iteration: it.iteration, ...pairedComparison(referenceRows, evalRows) });
    }
  }
  return { reference, rows };
}
