// Options every command shares, and the client connection they open.
import type { Command } from 'commander';
import { connectMaft } from '../api';
import type { MaftClient } from '../api';
import { loadTemporalConfig } from '../../config/temporal-config';
import type { LoadedTemporalConfig } from '../../config/temporal-config';
import { ensureServer } from '../../temporal/ensure-server';
import type { FollowOptions } from '../report/progress-view';

export interface GlobalOptions {
  temporal: string;
  address?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function temporalConfigOf(options: GlobalOptions): LoadedTemporalConfig {
  return loadTemporalConfig(options.temporal, { address: options.address });
}

/**
 * A client of the server of temporal.yaml. Commands that only read (status, results, list) may
 * start it for their duration — its persisted state still holds the runs of an earlier
 * `maft run`; commands that need a server to outlive them (start, resume, cancel) never do.
 */
export async function withClient<T>(options: GlobalOptions, fn: (maft: MaftClient) => Promise<T>, { readOnly = false, selfStarting }: { readOnly?: boolean; selfStarting?: string } = {}): Promise<T> {
  const temporal = temporalConfigOf(options);
  const server = await ensureServer(temporal, { allowStart: readOnly, ...(selfStarting ? { selfStarting } : {}) });
  try {
    const maft = await connectMaft({ temporal, address: server.address });
    try {
      return await fn(maft);
    } finally {
      await maft.close();
    }
  } finally {
    await server.close();
  }
}

/** Progress of a followed run: bars on a terminal; on stderr when stdout carries JSON. */
export function followOptions(json: boolean | undefined): FollowOptions {
  return { tty: !json && process.stdout.isTTY, write: (text) => void (json ? process.stderr : process.stdout).write(text) };
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
