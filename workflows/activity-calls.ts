// Calls to activities with the options of their pipeline step (from temporal.yaml, resolved by
// the client) and a summary that names what the call does in the Temporal UI.
import { proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { nonRetryableErrorNames } from '../experiment/error-names';
import type { PipelineStep, StepOptions } from '../experiment/pipeline-steps';

type Activities = ReturnType<typeof createActivities>;

// Options are set per call; these only satisfy the proxy's requirement of a timeout.
const activities = proxyActivities<Activities>({ startToCloseTimeout: '1 hour' });

export function activityOptions(options: StepOptions, summary: string): ActivityOptions {
  return {
    taskQueue: options.taskQueue,
    startToCloseTimeout: options.startToCloseTimeoutMs,
    heartbeatTimeout: options.heartbeatTimeoutMs,
    retry: {
      maximumAttempts: options.retry.maximumAttempts,
      initialInterval: options.retry.initialIntervalMs,
      backoffCoefficient: options.retry.backoffCoefficient,
      maximumInterval: options.retry.maximumIntervalMs,
      nonRetryableErrorTypes: [...nonRetryableErrorNames],
    },
    summary,
  };
}

export function callStep<K extends PipelineStep>(
  steps: Record<PipelineStep, StepOptions>,
  step: K,
  summary: string,
  input: Parameters<Activities[K]>[0],
): ReturnType<Activities[K]> {
  const fn = activities[step] as unknown as {
    executeWithOptions(options: ActivityOptions, args: unknown[]): ReturnType<Activities[K]>;
  };
  return fn.executeWithOptions(activityOptions(steps[step], summary), [input]);
}
