// `maft run` (and `resume --in-process`): server per temporal.yaml and both task-queue workers in
// this process, for as long as `fn` runs.
import { CliError } from './cli-error';
import type { LoadedTemporalConfig } from '../config/temporal-config';
import { ensureServer } from '../temporal/ensure-server';
import type { ServerHandle } from '../temporal/ensure-server';
import { installQuietRuntime } from '../temporal/quiet-runtime';
import { startLocalWorkers } from '../worker/local-workers';

export async function withInProcessTemporal<T>(temporal: LoadedTemporalConfig, fn: (server: ServerHandle) => Promise<T>): Promise<T> {
  installQuietRuntime();
  const server = await ensureServer(temporal, { allowStart: true });
  try {
    const workers = await startLocalWorkers(temporal, server.address);
    // The SDK stops the workers on SIGINT/SIGTERM; the command must then stop too.
    const stopped = workers.done.then(() => {
      throw new CliError('interrupted: the workers stopped; the run stays on the server — continue it with `maft resume <runId> --in-process`');
    });
    try {
      return await Promise.race([fn(server), stopped]);
    } finally {
      stopped.catch(() => undefined);
      await workers.shutdown();
    }
  } finally {
    await server.close();
  }
}
