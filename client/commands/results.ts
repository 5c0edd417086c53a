// maft results RUN: accuracy ± SE per iteration, per round, diversity, dataset sizes and losses,
// for the method and its baselines; writes accuracy.svg into the run directory. Exit status: see
// resultsExitCode.
import type { Command } from 'commander';
import { globalOptions, withClient } from './options';
import { resultsExitCode } from '../report/results';
import { showResults } from './show-results';

export function registerResults(program: Command): void {
  program
    .command('results <runId>')
    .description("a run's results table (or --json) and accuracy.svg")
    .option('--json', 'print one JSON object: runId, status, config, iterations, baselines')
    .option('--wait', 'wait for the run to end first')
    .action(async (runId: string, opts: { json?: boolean; wait?: boolean }, command: Command) => {
      await withClient(globalOptions(command), async (maft) => {
        const results = await maft.getResults(runId, { wait: opts.wait });
        await showResults(results, { json: opts.json, runsRoot: maft.temporal.runsRoot });
        process.exitCode = resultsExitCode(results.status, { waited: opts.wait === true });
      }, { readOnly: true });
    });
}
