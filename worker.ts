// `npm run worker [-- --queues cpu,gpu] [--temporal temporal.yaml] [--address host:port] [--wait 30]`:
// a worker process serving maft's task queues on the server of temporal.yaml. GPU machines
// joining a cluster run `--queues gpu`. A server that does not answer yet is waited for (--wait
// seconds, default 30: a worker is often started beside its server); then the worker exits 1
// with one line naming the address and where it came from.
import { Command, Option } from 'commander';
import { ConfigError } from './config/config-error';
import { loadTemporalConfig } from './config/temporal-config';
import { ensureServer } from './temporal/ensure-server';
import { installQuietRuntime } from './temporal/quiet-runtime';
import { TemporalServerError } from './temporal/server-error';
import { lmRuntime } from './worker/model-runtime';
import { startWorkers } from './worker/start-workers';
import type { QueueKind } from './worker/start-workers';

class UsageError extends Error {}

async function run(): Promise<void> {
  const opts = new Command('worker')
    .option('--temporal <file>', 'Temporal configuration', 'temporal.yaml')
    .option('--address <host:port>', 'Temporal server address (overrides temporal.yaml and TEMPORAL_ADDRESS)')
    .addOption(new Option('--queues <list>', 'task queues to serve: cpu, gpu or both').default('cpu,gpu'))
    .addOption(new Option('--wait <seconds>', 'how long to wait for the server to answer').default('30'))
    .parse(process.argv)
    .opts<{ temporal: string; address?: string; queues: string; wait: string }>();
  const queues = opts.queues.split(',').map((q) => q.trim());
  const unknown = queues.filter((q) => q !== 'cpu' && q !== 'gpu');
  if (unknown.length > 0 || queues.length === 0) throw new UsageError(`--queues: expected cpu, gpu or cpu,gpu; got "${opts.queues}"`);
  const waitSeconds = Number(opts.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new UsageError(`--wait: expected seconds ≥ 0; got "${opts.wait}"`);
  const temporal = loadTemporalConfig(opts.temporal, { address: opts.address });
  installQuietRuntime();
  const server = await ensureServer(temporal, { allowStart: false, waitMs: waitSeconds * 1000 });
  const workers = await startWorkers({
    temporal,
    address: server.address,
    queues: queues as QueueKind[],
    deps: { runsRoot: temporal.runsRoot, lm: lmRuntime(), log: { info: (m) => console.log(m) } },
  });
  console.log(`worker: serving ${queues.map((q) => temporal.taskQueues[q as QueueKind].name).join(', ')} on ${server.address}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void workers.shutdown());
  await workers.done;
}

run().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(`config error: ${err.message}`);
    else if (err instanceof UsageError || err instanceof TemporalServerError) console.error(`worker: ${err.message}`);
    else console.error(err);
    process.exit(1);
  },
);
