// maft start --config FILE: starts a run on a running server; workers run elsewhere (`npm run worker`).
import type { Command } from 'commander';
import { loadExperimentConfig } from '../../config/load-experiment';
import { globalOptions, printJson, withClient } from './options';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a run on a running Temporal server (workers: `npm run worker`)')
    .requiredOption('--config <file>', 'experiment YAML')
    .option('--run-id <id>', 'run id (default: <name>-<time>-<random>)')
    .option('--json', 'print {"runId": …}')
    .action(async (opts: { config: string; runId?: string; json?: boolean }, command: Command) => {
      const config = loadExperimentConfig(opts.config);
      await withClient(globalOptions(command), async (maft) => {
        const { runId } = await maft.startRun(config, { runId: opts.runId });
        if (opts.json) printJson({ runId });
        else console.log(`started run ${runId}; follow it with \`maft status ${runId}\``);
      });
    });
}
