// Prints results (table or JSON) and writes accuracy.svg next to the run's artifacts.
import { againstDebate, againstDebateLines, evalReaderOf } from '../report/against-debate';
import type { AgainstDebate } from '../report/against-debate';
import type { RunResults } from '../report/results';
import { resultsTable } from '../report/results-table';
import { writeAccuracyPlot } from '../report/write-plot';
import { printJson } from './options';

/** The run's paired comparison against debate, and its plot written (its path; null when none). */
export async function reportRun(results: RunResults, runsRoot: string): Promise<{ paired: AgainstDebate | null; plot: string | null }> {
  const paired = await againstDebate(results, evalReaderOf(runsRoot, results.runId));
  const plot = await writePlotOrSay(() => writeAccuracyPlot(results, runsRoot, paired));
  return { paired, plot };
}

/** The results come from the server: a plot that cannot be written (a full disk) must not hide them. */
export function writePlotOrSay(write: () => Promise<string | null>): Promise<string | null> {
  return write().catch((err: unknown) => {
    console.error(`plot not written: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  });
}

export async function showResults(results: RunResults, options: { json?: boolean; runsRoot: string }): Promise<void> {
  const { paired, plot } = await reportRun(results, options.runsRoot);
  if (options.json) {
    printJson({ ...results, againstDebate: paired });
    return;
  }
  console.log(`run ${results.runId}: ${results.status}${results.error ? ` — ${results.error}` : ''}`);
  if (results.iterations.length > 0 || Object.keys(results.baselines).length > 0) console.log(resultsTable(results));
  if (paired && paired.rows.length > 0) console.log(againstDebateLines(paired).join('\n'));
  if (plot) console.log(`plot: ${plot}`);
}
