// The `temporal` CLI's development server (`temporal server start-dev`): the real Temporal
// server with its web UI, persisted to a SQLite file.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { splitAddress, waitForPort } from './port-open';
import { searchAttributeTypes } from './search-attributes';

export function temporalCliAvailable(): boolean {
  return spawnSync('temporal', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface CliServer {
  address: string;
  uiUrl: string;
  close(): Promise<void>;
}

export async function startCliServer(options: { address: string; namespace: string; dbPath: string; uiPort: number }): Promise<CliServer> {
  const { host, port } = splitAddress(options.address);
  mkdirSync(dirname(options.dbPath), { recursive: true });
  const args = ['server', 'start-dev', '--ip', host, '--port', String(port), '--ui-port', String(options.uiPort)];
  args.push('--db-filename', options.dbPath, '--namespace', options.namespace, '--log-level', 'error');
  for (const [name, type] of Object.entries(searchAttributeTypes)) args.push('--search-attribute', `${name}=${type}`);
  const child = spawn('temporal', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(options.address, 30_000);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  return {
    address: options.address,
    uiUrl: `http://${host}:${options.uiPort}`,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
