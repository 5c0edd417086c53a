// Both task queues' workers in this process on the real model runtime: `maft run`, the pipeline
// benchmark and the pipeline tests all run the experiment this way.
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import type { LoadedTemporalConfig } from '../config/temporal-config';
import { lmRuntime } from './model-runtime';
import { startWorkers, type RunningWorkers } from './start-workers';

export function startLocalWorkers(
  temporal: LoadedTemporalConfig,
  address: string,
  extra: { deps?: Partial<ActivityDeps>; activityInterceptors?: ActivityInterceptorsFactory[] } = {},
): Promise<RunningWorkers> {
  return startWorkers({
    temporal,
    address,
    queues: ['cpu', 'gpu'],
    deps: { runsRoot: temporal.runsRoot, lm: lmRuntime(), ...extra.deps },
    activityInterceptors: extra.activityInterceptors,
  });
}
