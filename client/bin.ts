#!/usr/bin/env -S npx tsx
// Entry point of the `maft` CLI (`npm run maft -- …`).
import { CliError } from './cli-error';
import { ConfigError } from '../config/config-error';
import { TemporalServerError } from '../temporal/server-error';
import { installQuietRuntime } from '../temporal/quiet-runtime';
import { maftProgram } from './program';

async function run(): Promise<void> {
  installQuietRuntime();
  await maftProgram().parseAsync(process.argv);
}

run().then(
  // Connections and worker threads may keep handles open; the command is done.
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(`config error: ${err.message}`);
    else if (err instanceof CliError || err instanceof TemporalServerError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  },
);
