// maft ui [--port P] [--host H]: the run inspector in the browser, over the Temporal server of
// temporal.yaml (started for as long as the inspector runs when none answers, like `maft list`)
// and the runs directory. Read-only; binds 127.0.0.1 unless told otherwise. Runs until Ctrl-C.
import type { Command } from 'commander';
import { z } from 'zod';
import { CliError } from '../cli-error';
import { startUiServer } from '../ui/server';
import { globalOptions, withClient } from './options';

const optionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
});

export function registerUi(program: Command): void {
  program
    .command('ui')
    .description('browse runs in a local web app: results, debates, datasets, training, timelines (read-only)')
    .option('--port <port>', 'port to listen on (0: any free one)', '8080')
    .option('--host <host>', 'address to bind; anything but 127.0.0.1 exposes the runs to the network', '127.0.0.1')
    .action(async (opts: { port: string; host: string }, command: Command) => {
      const parsed = optionsSchema.safeParse(opts);
      if (!parsed.success) throw new CliError(`--port: "${opts.port}" is not a port number (0–65535)`);
      await withClient(globalOptions(command), async (maft) => {
        const ui = await startUiServer({ maft, runsRoot: maft.temporal.runsRoot, ...parsed.data }).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'EADDRINUSE') throw new CliError(`port ${parsed.data.port} on ${parsed.data.host} is in use; choose another with --port`);
          throw err;
        });
        console.log(`maft ui: ${ui.url} (Temporal server ${maft.temporal.server.address}, runs in ${maft.temporal.runsRoot}); Ctrl-C stops it`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await ui.close();
      }, { readOnly: true });
    });
}
