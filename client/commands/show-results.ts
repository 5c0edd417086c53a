// Prints results (table or JSON) and writes accuracy.svg next to the run's artifacts.
import { againstDebate, againstDebateLines, evalReaderOf } from '../report/against-debate';
import type { RunResults } from '../report/results';
import { resultsTable } from '../report/results-table';
import { writeAccuracyPlot } from '../report/write-plot';
import { printJson } from './options';

export async function showResults(results: RunResults, options: { json?: boolean; runsRoot: string }): Promise<void> {
  // The results come from the server: a plot that cannot be written (a full disk) must not hide them.
  const plot = await writeAccuracyPlot(results, options.runsRoot).catch((err: unknown) => {
    console.error(`plot not written: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  });
  const paired = await againstDebate(results, evalReaderOf(options.runsRoot, results.runId));
  if (options.json) {
    printJson({ ...results, againstDebate: paired });
    return;
  }
  console.log(`run ${results.runId}: ${results.status}${results.error ? ` — ${results.error}` : ''}`);
  if (results.iterations.length > 0 || Object.keys(results.baselines).length > 0) console.log(resultsTable(results));
  if (paired && paired.rows.length > 0) console.log(againstDebateLines(paired).join('\n'));
  if (plot) console.log(`plot: ${plot}`);
}
