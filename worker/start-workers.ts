// Temporal workers for the cpu and gpu task queues of one process. The cpu worker also runs the
// workflows; a machine with accelerators joins a cluster with `--queues gpu` only. Both share one
// set of activities, hence one open model.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { ActivityInterceptorsFactory, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, createModelPool } from '../activities';
import type { ActivityDeps } from '../activities';
import type { LoadedTemporalConfig } from '../config/temporal-config';

export type QueueKind = 'cpu' | 'gpu';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle is built once per process (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  return bundle;
}

export interface RunningWorkers {
  /** Resolves when every worker has stopped (after `shutdown()` or a fatal error). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export interface StartWorkersOptions {
  temporal: LoadedTemporalConfig;
  address: string;
  queues: readonly QueueKind[];
  deps: ActivityDeps;
  /** Force workflow replay on every task (tests of determinism). */
  maxCachedWorkflows?: number;
  /** Activity interceptors (the pipeline benchmark times every execution with one). */
  activityInterceptors?: ActivityInterceptorsFactory[];
}

export async function startWorkers(options: StartWorkersOptions): Promise<RunningWorkers> {
  const { temporal, queues, deps } = options;
  const connection = await NativeConnection.connect({ address: options.address });
  const models = createModelPool(deps.lm);
  const activities = createActivities(deps, models);
  const workers = await Promise.all(
    queues.map(async (queue) => {
      const { name, maxConcurrentActivities } = temporal.taskQueues[queue];
      return Worker.create({
        connection,
        namespace: temporal.server.namespace,
        taskQueue: name,
        activities,
        maxConcurrentActivityTaskExecutions: maxConcurrentActivities,
        interceptors: { activity: options.activityInterceptors ?? [] },
        ...(queue === 'cpu' ? { workflowBundle: await workflowBundle(), maxCachedWorkflows: options.maxCachedWorkflows } : {}),
        // Activities get this long to react to cancellation before the worker gives up on them.
        shutdownGraceTime: '5s',
        // Heartbeats carry the progress that `maft status` shows: send them at least every 2 s
        // (the SDK's default waits up to 80% of the heartbeat timeout).
        maxHeartbeatThrottleInterval: '2s',
      });
    }),
  );
  const done = Promise.all(workers.map((w) => w.run())).then(
    async () => {
      await models.close();
      await connection.close();
    },
    async (err: unknown) => {
      await models.close();
      await connection.close();
      throw err;
    },
  );
  return {
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
