// Prints the report of an experiment with several seeds (table or JSON) and writes its plot,
// runs/<experimentId>/accuracy.svg, and each started seed's own.
import type { MaftClient } from '../api';
import { NOT_STARTED, seedsReport } from '../report/across-seeds';
import type { SeedRunResults, SeedsReport } from '../report/across-seeds';
import { seedsLines } from '../report/seeds-table';
import { writeSeedsPlot } from '../report/write-plot';
import { printJson } from './options';
import { describeOrNull } from './seed-experiment';
import type { SeedExperiment } from './seed-experiment';
import { reportRun, writePlotOrSay } from './show-results';

export async function showSeedResults(maft: MaftClient, experiment: SeedExperiment, options: { json?: boolean; wait?: boolean }): Promise<SeedsReport> {
  const runsRoot = maft.temporal.runsRoot;
  const seeds: SeedRunResults[] = [];
  for (const run of experiment.runs) {
    const results = (await describeOrNull(maft, run.runId)) ? await maft.getResults(run.runId, { wait: options.wait }) : null;
    seeds.push({ index: run.index, seed: run.seed, runId: run.runId, results, paired: results ? (await reportRun(results, runsRoot)).paired : null });
  }
  const report = seedsReport(experiment.id, seeds);
  const plot = await writePlotOrSay(() => writeSeedsPlot(report, runsRoot));
  if (options.json) {
    printJson(report);
    return report;
  }
  console.log(seedsLines(report).join('\n'));
  if (plot) console.log(`plot: ${plot}`);
  if (report.runs.some((r) => r.status === NOT_STARTED)) console.log(`seeds not started yet: \`maft resume ${experiment.id}\` starts them`);
  return report;
}
