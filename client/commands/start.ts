// maft start --config FILE: starts a run on a running server; workers run elsewhere (`npm run worker`).
// With --seeds K, the experiment's K seed runs (seed-experiment.ts) all at once: how many run side
// by side is the workers' concurrency.
import type { Command } from 'commander';
import { loadExperimentConfig } from '../../config/load-experiment';
import { newRunId } from '../run-id';
import { globalOptions, printJson, withClient } from './options';
import { assertNewExperiment, parseSeeds, seedExperiment } from './seed-experiment';

interface StartOptions {
  config: string;
  runId?: string;
  seeds?: string;
  json?: boolean;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a run on a running Temporal server (workers: `npm run worker`)')
    .requiredOption('--config <file>', 'experiment YAML')
    .option('--run-id <id>', 'run id (default: <name>-<time>-<random>); with --seeds the experiment id')
    .option('--seeds <k>', 'K runs with seeds seed, seed+1, …, all started now, as one experiment <id> of runs <id>-s0 … <id>-s<K-1>')
    .option('--json', 'print {"runId": …} (with --seeds {"experimentId": …, "runIds": […]})')
    .action(async (opts: StartOptions, command: Command) => {
      const seeds = opts.seeds === undefined ? null : parseSeeds(opts.seeds);
      const config = loadExperimentConfig(opts.config);
      const experiment = seeds === null ? null : seedExperiment(opts.runId ?? newRunId(config), config, seeds);
      await withClient(globalOptions(command), async (maft) => {
        if (!experiment) {
          const { runId } = await maft.startRun(config, { runId: opts.runId });
          if (opts.json) printJson({ runId });
          else console.log(`started run ${runId}; follow it with \`maft status ${runId}\``);
          return;
        }
        await assertNewExperiment(maft, experiment);
        for (const run of experiment.runs) await maft.startRun(run.config, { runId: run.runId, memo: run.memo });
        const runIds = experiment.runs.map((r) => r.runId);
        if (opts.json) printJson({ experimentId: experiment.id, runIds });
        else console.log(`started experiment ${experiment.id}: runs ${runIds.join(', ')}; its results: \`maft results ${experiment.id} --wait\``);
      });
    });
}
