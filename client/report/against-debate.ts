// Every evaluated method and iteration against debate (the untrained agents debating) on the same
// held-out questions: questions fixed and broken, the difference ± paired SE and z. Independent
// standard errors of two accuracies overstate the uncertainty of their difference, since both
// are measured on the same questions; pairing removes the shared question difficulty.
import { join } from 'node:path';
import { evalSchema, readRows } from '../../data/artifacts';
import type { EvalRow } from '../../data/artifacts';
import { pairedComparison } from '../../data/method/paired-comparison';
import type { PairedComparison } from '../../data/method/paired-comparison';
import { mainMethod, methodReports } from './results';
import type { RunResults } from './results';

export interface PairedAgainstDebate extends PairedComparison {
  method: string;
  iteration: number;
}

export interface AgainstDebate {
  /** The debate evaluation compared against: the debate baseline, else the method's iteration 0. */
  reference: { method: string; iteration: number };
  rows: PairedAgainstDebate[];
}

/** Reads an eval.parquet (relative to the run directory); null when it is not there. */
export type EvalReader = (evalFile: string) => Promise<EvalRow[] | null>;

export function evalReaderOf(runsRoot: string, runId: string): EvalReader {
  return (evalFile) => readRows(evalSchema, join(runsRoot, runId, evalFile)).catch(() => null);
}

/** Null when the run evaluated no debate, or its eval files are not on this machine. */
export async function againstDebate(results: RunResults, read: EvalReader): Promise<AgainstDebate | null> {
  const main = mainMethod(results);
  const reports = methodReports(results);
  const reference = reports.find(([m, r]) => m === 'debate' && r.iteration === 0) ?? reports.find(([m, r]) => m === main && r.iteration === 0);
  if (!reference) return null;
  const referenceRows = await read(reference[1].evalFile);
  if (!referenceRows) return null;
  const rows: PairedAgainstDebate[] = [];
  for (const [method, r] of reports) {
    if (r.evalFile === reference[1].evalFile) continue;
    const evalRows = await read(r.evalFile);
    if (evalRows) rows.push({ method, iteration: r.iteration, ...pairedComparison(referenceRows, evalRows) });
  }
  return { reference: { method: reference[0], iteration: reference[1].iteration }, rows };
}

/** A difference of accuracies in points, with its sign: +3.0, -1.5. */
export function signedPoints(x: number): string {
  return `${x >= 0 ? '+' : '-'}${Math.abs(100 * x).toFixed(1)}`;
}

/** "+3.0 ± 1.4, z 2.10": a comparison in one short line (also the plot's annotation of its point). */
export function pairedLabel(p: Pick<PairedComparison, 'difference' | 'stderr' | 'z'>): string {
  return `${signedPoints(p.difference)} ± ${(100 * p.stderr).toFixed(1)}, z ${p.z === null ? '–' : p.z.toFixed(2)}`;
}

/** The comparison as lines under the results table. */
export function againstDebateLines(paired: AgainstDebate): string[] {
  const ref = `${paired.reference.method} iteration ${paired.reference.iteration}`;
  return [
    `paired against debate (${ref}), on the same held-out questions:`,
    ...paired.rows.map((p) => `  ${p.method} iter ${p.iteration}: ${signedPoints(p.difference)} ± ${(100 * p.stderr).toFixed(1)} points, ${p.fixed} fixed, ${p.broken} broken of ${p.questions}, z ${p.z === null ? '–' : p.z.toFixed(2)}`),
  ];
}
