// Activity tasks as workers see them: the poll response that starts an attempt, and the worker's
// reports on it (heartbeat, completed, failed, canceled) by task token or by activity id. A
// report on an attempt that is no longer the started one (timed out, retried, or its run closed)
// is NOT_FOUND, as on Temporal.
import type { Engine } from './engine';
import type { Activities, ActivityRef } from './activities';
import type { ActivityQueueTask } from './task-queues';
import { isOpen } from './run-state';
import { encodeTaskToken } from './task-tokens';
import { notFound } from './errors';
import { duration, timestamp, type Failure, type Payloads, type temporal } from './proto';

type ActivityTaskResponse = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;

export interface ActivityToken {
  runId: string;
  scheduledEventId: number;
  attempt: number;
}

export class ActivityTasks {
  constructor(
    private readonly engine: Engine,
    private readonly activities: Activities,
  ) {}

  /** Starts the attempt for a polled task; undefined when the task is stale. */
  start(task: ActivityQueueTask, identity: string): ActivityTaskResponse | undefined {
    const run = this.engine.runs.get(task.runId);
    const activity = run?.state.activities[task.scheduledEventId];
    if (!run || !activity || !isOpen(run.state) || activity.status !== 'scheduled' || activity.attempt !== task.attempt) return undefined;
    const ref = { run, activity };
    this.activities.machine.apply(ref, 'start', { identity });
    return this.response(ref);
  }

  /** The task of a started attempt, as a poll response (or the eager activities of a completion's reply). */
  response({ run, activity: a }: ActivityRef): ActivityTaskResponse {
    const s = run.state;
    return {
      taskToken: encodeTaskToken({ kind: 'activity', runId: s.runId, scheduledEventId: a.scheduledEventId, attempt: a.attempt }),
      workflowNamespace: s.namespace,
      workflowType: { name: s.workflowType },
      workflowExecution: { workflowId: s.workflowId, runId: s.runId },
      activityType: { name: a.activityType },
      activityId: a.activityId,
      header: a.header,
      input: a.input,
      heartbeatDetails: a.heartbeatDetails,
      scheduledTime: timestamp(a.firstScheduledAt),
      currentAttemptScheduledTime: timestamp(a.attemptScheduledAt),
      startedTime: timestamp(a.startedAt!),
      attempt: a.attempt,
      scheduleToCloseTimeout: duration(a.scheduleToCloseMs),
      startToCloseTimeout: duration(a.startToCloseMs),
      heartbeatTimeout: duration(a.heartbeatMs),
      retryPolicy: a.retryPolicy,
    };
  }

  /** Resolves an activity id (the *ById RPCs) to its current token. */
  tokenById(namespace: string, workflowId: string, runId: string | null | undefined, activityId: string): ActivityToken {
    const run = this.engine.runs.find(namespace, workflowId, runId);
    const a = Object.values(run.state.activities).find((x) => x.activityId === activityId);
    if (!a) throw notFound(`activity ${activityId} not found in workflow ${workflowId}`);
    return { runId: run.state.runId, scheduledEventId: a.scheduledEventId, attempt: a.attempt };
  }

  heartbeat(token: ActivityToken, details: Payloads | null | undefined): { cancelRequested: boolean } {
    const ref = this.started(token);
    this.activities.machine.apply(ref, 'heartbeat', { details });
    return { cancelRequested: ref.activity.cancelRequested };
  }

  complete(token: ActivityToken, result: Payloads | null | undefined, identity: string): void {
    this.activities.machine.apply(this.started(token), 'complete', { result, identity });
  }

  fail(token: ActivityToken, failure: Failure | null | undefined, identity: string, lastHeartbeatDetails?: Payloads | null): void {
    this.activities.failAttempt(this.started(token), failure ?? { message: 'activity failed' }, identity, lastHeartbeatDetails);
  }

  canceled(token: ActivityToken, details: Payloads | null | undefined, identity: string): void {
    this.activities.machine.apply(this.started(token), 'cancel', { details, identity });
  }

  /** The activity a worker reports on; NOT_FOUND when the token no longer matches a started attempt. */
  private started(token: ActivityToken): ActivityRef {
    const run = this.engine.runs.get(token.runId);
    const activity = run?.state.activities[token.scheduledEventId];
    if (!run || !activity || !isOpen(run.state) || activity.attempt !== token.attempt || activity.status !== 'started') {
      throw notFound('activity task not found (completed, timed out, or the workflow is closed)');
    }
    return { run, activity };
  }
}
