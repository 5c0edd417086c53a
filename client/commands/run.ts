// maft run --config FILE: everything in one process — server per temporal.yaml, workers for both
// task queues, the run, live progress, the results table. Exit 0 when the run completed.
import type { Command } from 'commander';
import { connectMaft } from '../api';
import { loadExperimentConfig } from '../../config/load-experiment';
import { withInProcessTemporal } from '../in-process';
import { followRun } from '../report/progress-view';
import { globalOptions, temporalConfigOf } from './options';
import { showResults } from './show-results';

interface RunOptions {
  config: string;
  runId?: string;
  json?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run an experiment start to finish in this process (server, workers, progress, results)')
    .requiredOption('--config <file>', 'experiment YAML')
    .option('--run-id <id>', 'run id (default: <name>-<time>-<random>)')
    .option('--json', 'print the results as one JSON object (progress goes to stderr)')
    .action(async (opts: RunOptions, command: Command) => {
      const config = loadExperimentConfig(opts.config);
      const temporal = temporalConfigOf(globalOptions(command));
      const say = (line: string): void => void (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
      process.exitCode = await withInProcessTemporal(temporal, async (server) => {
        const maft = await connectMaft({ temporal, address: server.address });
        try {
          const { runId } = await maft.startRun(config, { runId: opts.runId });
          const ui = server.uiUrl ? ` — UI: ${server.uiUrl}/namespaces/${temporal.server.namespace}/workflows/${encodeURIComponent(runId)}` : '';
          say(`run ${runId} on the ${server.kind} Temporal server at ${server.address}${ui}`);
          await followRun(maft, runId, {
            tty: !opts.json && process.stdout.isTTY,
            write: (text) => void (opts.json ? process.stderr : process.stdout).write(text),
          });
          const results = await maft.getResults(runId);
          await showResults(results, { json: opts.json, runsRoot: temporal.runsRoot });
          return results.status === 'completed' ? 0 : 1;
        } finally {
          await maft.close();
        }
      });
    });
}
