// Finds or starts the Temporal server that temporal.yaml asks for:
//   address  — the configured address (a real cluster or a server started elsewhere);
//   cli      — `temporal server start-dev` (real Temporal, web UI);
//   embedded — maft's own devserver, offline and in-process;
//   auto     — the address if something answers there, else the CLI if installed, else embedded.
// Servers started here stop with `close()`; both persist their state to server.dbPath, so a
// later `maft status` or `maft resume` sees the same runs.
import { resolve } from 'node:path';
import type { LoadedTemporalConfig } from '../config/temporal-config';
import { portOpen, splitAddress } from './port-open';
import { unreachable } from './server-error';
import { startCliServer, temporalCliAvailable } from './temporal-cli';

export type ServerKind = 'address' | 'cli' | 'embedded';

export interface ServerHandle {
  kind: ServerKind;
  address: string;
  /** The Temporal web UI, when the server has one. */
  uiUrl: string | null;
  /** Stops a server started here; does nothing for an external one. */
  close(): Promise<void>;
}

export interface EnsureServerOptions {
  /** Start a server (cli or embedded mode) when none answers; otherwise one must be running. */
  allowStart: boolean;
  /** How long to wait for a server that does not answer yet (a worker started beside it). */
  waitMs?: number;
  /** The command that would do the same with a server of its own, for the error when none answers. */
  selfStarting?: string;
}

export async function ensureServer(config: LoadedTemporalConfig, options: EnsureServerOptions): Promise<ServerHandle> {
  const { mode, address, namespace, uiPort } = config.server;
  const dbPath = resolve(config.server.dbPath);
  const external: ServerHandle = { kind: 'address', address, uiUrl: null, close: async () => {} };
  if (mode === 'address' || !options.allowStart) {
    if (await answersWithin(address, options.waitMs ?? 0)) return external;
    const hint =
      mode === 'address'
        ? 'Check the address and that the server is up.'
        : `Start one with \`npm run devserver\` or \`temporal server start-dev\`, or use ${options.selfStarting ?? '`maft run`'}, which starts one itself.`;
    throw unreachable(address, config.addressFrom, hint);
  }
  if (mode === 'auto' && (await portOpen(address))) return external;
  if (mode === 'cli' || (mode === 'auto' && temporalCliAvailable())) {
    const server = await startCliServer({ address, namespace, dbPath, uiPort });
    return { kind: 'cli', address: server.address, uiUrl: server.uiUrl, close: () => server.close() };
  }
  const { host, port } = splitAddress(address);
  // Imported lazily: only the embedded mode needs it.
  const { startDevServer } = await import('../devserver');
  const server = await startDevServer({ ip: host, port, dbPath });
  return { kind: 'embedded', address: server.address, uiUrl: null, close: () => server.close() };
}

async function answersWithin(address: string, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await portOpen(address, 1000)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 500));
  }
}
