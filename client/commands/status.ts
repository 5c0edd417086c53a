// maft status RUN: where a run is — iteration, step, running activities with their heartbeats,
// accuracy so far, or the error it stopped with.
import type { Command } from 'commander';
import { followRun, progressLines } from '../report/progress-view';
import { followOptions, globalOptions, printJson, withClient } from './options';

export function registerStatus(program: Command): void {
  program
    .command('status <runId>')
    .description("a run's progress (add --follow to watch it until it ends)")
    .option('--json', 'print the progress as JSON')
    .option('--follow', 'keep watching until the run ends')
    .action(async (runId: string, opts: { json?: boolean; follow?: boolean }, command: Command) => {
      await withClient(globalOptions(command), async (maft) => {
        const progress = opts.follow
          ? await followRun(maft, runId, followOptions(opts.json))
          : await maft.getProgress(runId);
        if (opts.json) printJson(progress);
        else if (!opts.follow) for (const line of progressLines(progress)) console.log(line);
        process.exitCode = progress.status === 'FAILED' || progress.status === 'TERMINATED' ? 1 : 0;
      }, { readOnly: true });
    });
}
