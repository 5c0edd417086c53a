// maft results RUN: accuracy ± SE per iteration, per round, diversity, dataset sizes and losses,
// for the method and its baselines; writes accuracy.svg into the run directory. Given the id of
// an experiment with several seeds, the report across its seeds. Exit status: see resultsExitCode.
import type { Command } from 'commander';
import { globalOptions, withClient } from './options';
import { resultsExitCode } from '../report/results';
import { runOrSeedExperiment } from './seed-experiment';
import { showResults } from './show-results';
import { showSeedResults } from './show-seed-results';

export function registerResults(program: Command): void {
  program
    .command('results <runId>')
    .description("a run's results table (or --json) and accuracy.svg; of an experiment id (run --seeds), mean ± SE across its seeds")
    .option('--json', 'print one JSON object: runId, status, config, iterations, baselines (experiment: experimentId, reference, runs, rows)')
    .option('--wait', 'wait for the run (every seed) to end first')
    .action(async (runId: string, opts: { json?: boolean; wait?: boolean }, command: Command) => {
      await withClient(globalOptions(command), async (maft) => {
        const waited = { waited: opts.wait === true };
        const target = await runOrSeedExperiment(maft, runId);
        if ('experiment' in target) {
          const report = await showSeedResults(maft, target.experiment, opts);
          process.exitCode = Math.max(...report.runs.map((r) => resultsExitCode(r.status, waited)));
          return;
        }
        const results = await maft.getResults(runId, { wait: opts.wait });
        await showResults(results, { json: opts.json, runsRoot: maft.temporal.runsRoot });
        process.exitCode = resultsExitCode(results.status, waited);
      }, { readOnly: true });
    });
}
