// maft run --config FILE: everything in one process — server per temporal.yaml, workers for both
// task queues, the run, live progress, the results table. Exit 0 when the run completed.
// With --seeds K, the config's K seeds (seed-experiment.ts) one after another, as one experiment:
// each seed's results as it ends, then the report across seeds; exit 0 when every seed completed.
import type { Command } from 'commander';
import { connectMaft } from '../api';
import { loadExperimentConfig } from '../../config/load-experiment';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import { withInProcessTemporal } from '../in-process';
import { followRun } from '../report/progress-view';
import { newRunId } from '../run-id';
import { followOptions, globalOptions, temporalConfigOf } from './options';
import { assertNewExperiment, parseSeeds, seedExperiment } from './seed-experiment';
import { showResults } from './show-results';
import { showSeedResults } from './show-seed-results';

interface RunOptions {
  config: string;
  runId?: string;
  seeds?: string;
  json?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run an experiment start to finish in this process (server, workers, progress, results)')
    .requiredOption('--config <file>', 'experiment YAML')
    .option('--run-id <id>', 'run id (default: <name>-<time>-<random>); with --seeds the experiment id')
    .option('--seeds <k>', 'K runs with seeds seed, seed+1, …, one after another, as one experiment <id> of runs <id>-s0 … <id>-s<K-1>')
    .option('--json', 'print the results as one JSON object (progress goes to stderr)')
    .action(async (opts: RunOptions, command: Command) => {
      // Every input is checked before the server starts.
      const seeds = opts.seeds === undefined ? null : parseSeeds(opts.seeds);
      const config = loadExperimentConfig(opts.config);
      const experiment = seeds === null ? null : seedExperiment(opts.runId ?? newRunId(config), config, seeds);
      const temporal = temporalConfigOf(globalOptions(command));
      const say = (line: string): void => void (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
      process.exitCode = await withInProcessTemporal(temporal, async (server) => {
        const maft = await connectMaft({ temporal, address: server.address });
        // One run started here and followed to its end; its results shown unless JSON waits for the experiment's.
        const runOne = async (runConfig: ExperimentConfig, start: { runId?: string; memo?: Record<string, unknown> }, what: string, show: boolean): Promise<boolean> => {
          const { runId } = await maft.startRun(runConfig, start);
          const ui = server.uiUrl ? ` — UI: ${server.uiUrl}/namespaces/${temporal.server.namespace}/workflows/${encodeURIComponent(runId)}` : '';
          say(`run ${runId}${what} on the ${server.kind} Temporal server at ${server.address}${ui}`);
          await followRun(maft, runId, followOptions(opts.json));
          const results = await maft.getResults(runId);
          if (show) await showResults(results, { json: opts.json, runsRoot: temporal.runsRoot });
          return results.status === 'completed';
        };
        try {
          if (!experiment) return (await runOne(config, { runId: opts.runId }, '', true)) ? 0 : 1;
          // Seeds one after another: side by side they would only share the same cores. A failed
          // seed does not stop the others (`maft resume <experimentId>` continues it).
          await assertNewExperiment(maft, experiment);
          let completed = 0;
          for (const run of experiment.runs) {
            const what = ` (experiment ${experiment.id}, seed ${run.seed}, ${run.index + 1} of ${experiment.runs.length})`;
            if (await runOne(run.config, { runId: run.runId, memo: run.memo }, what, !opts.json)) completed++;
          }
          await showSeedResults(maft, experiment, { json: opts.json });
          return completed === experiment.runs.length ? 0 : 1;
        } finally {
          await maft.close();
        }
      });
    });
}
