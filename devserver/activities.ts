// Activities as a transition table: scheduled by a command, started by a worker's poll (or at once
// for an eager one), then completed, failed or canceled by the worker, or timed out; a failed or
// timed-out attempt that the retry policy allows waits in backoff and is scheduled again. No
// history is written until the terminal moment (ActivityTaskStarted is written together with the
// result), as Temporal does. A cancel request cancels a not-started activity at once; a started
// one learns of it on its next heartbeat.
import type { Engine } from './engine';
import { StateMachine, type TransitionTable } from './state-machine';
import { ActivityTimeouts, deriveTimeouts } from './activity-timeouts';
import { decideRetry, withRetryDefaults } from './retry';
import { activityKey } from './run-records';
import { queueKey } from './task-queues';
import type { ActivityState, ActivityStatus } from './run-state';
import type { Run } from './run-registry';
import { duration, long, RetryState, TaskQueueKind, TimeoutType, type Failure, type Payloads, type temporal } from './proto';

type ScheduleAttrs = temporal.api.command.v1.IScheduleActivityTaskCommandAttributes;

/** An activity of a run. */
export interface ActivityRef {
  run: Run;
  activity: ActivityState;
}

/** How an attempt failed, and what the retry policy says about it. */
interface FinalFailure {
  failure: Failure;
  retryState: number;
}

export interface ActivityRequests {
  /** `eager`: the completing worker starts it at once (it rides on the completion's reply) instead of a queue. */
  schedule: { attrs: ScheduleAttrs; wftCompletedEventId: number; eager: boolean };
  start: { identity: string };
  heartbeat: { details?: Payloads | null };
  complete: { result?: Payloads | null; identity: string };
  fail: FinalFailure & { identity: string };
  /** `heartbeatDetails`: what the failing worker last recorded, for the next attempt. */
  retry: { failure: Failure; backoffMs: number; heartbeatDetails?: Payloads | null };
  timeOut: FinalFailure;
  requestCancel: { cancelRequestedEventId: number };
  cancel: { details?: Payloads | null; identity: string };
  reschedule: undefined;
}

export interface ActivityCallbacks {
  scheduleActivity: (ref: ActivityRef, request: ActivityRequests['schedule']) => void;
  startAttempt: (ref: ActivityRef, request: ActivityRequests['start']) => void;
  recordHeartbeat: (ref: ActivityRef, request: ActivityRequests['heartbeat']) => void;
  recordCompleted: (ref: ActivityRef, request: ActivityRequests['complete']) => void;
  recordFailed: (ref: ActivityRef, request: ActivityRequests['fail']) => void;
  scheduleRetry: (ref: ActivityRef, request: ActivityRequests['retry']) => void;
  recordTimeout: (ref: ActivityRef, request: FinalFailure) => void;
  recordStartedTimeout: (ref: ActivityRef, request: FinalFailure) => void;
  cancelBeforeStart: (ref: ActivityRef, request: ActivityRequests['requestCancel']) => void;
  markCancelRequested: (ref: ActivityRef, request: ActivityRequests['requestCancel']) => void;
  recordCanceled: (ref: ActivityRef, request: ActivityRequests['cancel']) => void;
  dispatchRetry: (ref: ActivityRef) => void;
}

export const activityTable: TransitionTable<ActivityStatus, ActivityRequests, ActivityRef, ActivityCallbacks> = {
  none: { schedule: ['scheduled', 'scheduleActivity'] },
  scheduled: {
    start: ['started', 'startAttempt'],
    timeOut: ['timedOut', 'recordTimeout'],
    requestCancel: ['canceled', 'cancelBeforeStart'],
  },
  started: {
    heartbeat: ['started', 'recordHeartbeat'],
    complete: ['completed', 'recordCompleted'],
    fail: ['failed', 'recordFailed'],
    retry: ['backoff', 'scheduleRetry'],
    timeOut: ['timedOut', 'recordStartedTimeout'],
    requestCancel: ['started', 'markCancelRequested'],
    cancel: ['canceled', 'recordCanceled'],
  },
  // No timeOut here: a retry is only scheduled to start before the schedule-to-close deadline (retry.ts).
  backoff: {
    reschedule: ['scheduled', 'dispatchRetry'],
    requestCancel: ['canceled', 'cancelBeforeStart'],
  },
};

export class Activities implements ActivityCallbacks {
  readonly machine = new StateMachine('activity', activityTable, { get: (r: ActivityRef) => r.activity.status, set: (r: ActivityRef, to) => (r.activity.status = to) }, this);
  private readonly timeouts: ActivityTimeouts;

  constructor(private readonly engine: Engine) {
    this.timeouts = new ActivityTimeouts(engine, this);
    engine.onResume.push((run) => {
      for (const activity of Object.values(run.state.activities)) this.resume({ run, activity });
    });
  }

  /**
   * The ScheduleActivityTask command. With `eagerFor` (the completing worker's identity) an
   * activity on the workflow's own task queue that asked for eager execution starts at once and
   * is returned, to ride on the completion's reply.
   */
  schedule(run: Run, attrs: ScheduleAttrs, wftCompletedEventId: number, eagerFor?: string): ActivityRef | undefined {
    const now = this.engine.now();
    const activity: ActivityState = {
      scheduledEventId: 0,
      activityId: attrs.activityId ?? '',
      activityType: attrs.activityType?.name ?? '',
      taskQueue: attrs.taskQueue?.name || run.state.taskQueue,
      header: attrs.header ?? undefined,
      input: attrs.input ?? undefined,
      ...deriveTimeouts(attrs, run.state.runTimeoutMs),
      retryPolicy: withRetryDefaults(attrs.retryPolicy),
      status: 'none',
      attempt: 1,
      firstScheduledAt: now,
      attemptScheduledAt: now,
      cancelRequested: false,
    };
    const ref = { run, activity };
    const eagerIdentity = attrs.requestEagerExecution && activity.taskQueue === run.state.taskQueue ? eagerFor : undefined;
    this.machine.apply(ref, 'schedule', { attrs, wftCompletedEventId, eager: eagerIdentity !== undefined });
    if (eagerIdentity === undefined) return undefined;
    this.machine.apply(ref, 'start', { identity: eagerIdentity });
    return ref;
  }

  /** The RequestCancelActivityTask command: its event, and the activity told if it is still pending. */
  requestCancel(run: Run, scheduledEventId: number, wftCompletedEventId: number): void {
    const cancelRequestedEventId = this.engine.events.append(run, 'activityTaskCancelRequested', {
      scheduledEventId: long(scheduledEventId),
      workflowTaskCompletedEventId: long(wftCompletedEventId),
    });
    // One that already finished (its result not yet seen by the workflow) has nothing to cancel.
    const activity = run.state.activities[scheduledEventId];
    if (activity) this.machine.apply({ run, activity }, 'requestCancel', { cancelRequestedEventId });
  }

  /** An attempt failed (reported by its worker, or a retryable timeout): retry after backoff, or the activity fails. */
  failAttempt(ref: ActivityRef, failure: Failure, identity: string, heartbeatDetails?: Payloads | null): void {
    const a = ref.activity;
    const decision = decideRetry({
      policy: a.retryPolicy,
      attempt: a.attempt,
      failure,
      now: this.engine.now(),
      deadline: a.scheduleToCloseMs > 0 ? a.firstScheduledAt + a.scheduleToCloseMs : 0,
      cancelRequested: a.cancelRequested,
    });
    if (decision.retry) this.machine.apply(ref, 'retry', { failure, backoffMs: decision.backoffMs, heartbeatDetails });
    else if (failure.timeoutFailureInfo) this.machine.apply(ref, 'timeOut', { failure, retryState: decision.retryState });
    else this.machine.apply(ref, 'fail', { failure, identity, retryState: decision.retryState });
  }

  /** A timeout fired: start-to-close and heartbeat fail the attempt; schedule-to-start and schedule-to-close end the activity. */
  timeOut(ref: ActivityRef, timeoutType: number): void {
    const a = ref.activity;
    const kind = TimeoutType[timeoutType].slice('TIMEOUT_TYPE_'.length);
    const failure: Failure = {
      message: `activity ${kind} timeout`,
      source: 'Server',
      cause: a.lastFailure,
      timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: a.heartbeatDetails },
    };
    if (timeoutType === TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE || timeoutType === TimeoutType.TIMEOUT_TYPE_HEARTBEAT) this.failAttempt(ref, failure, a.identity ?? '');
    else this.machine.apply(ref, 'timeOut', { failure, retryState: RetryState.RETRY_STATE_TIMEOUT });
  }

  // ---- callbacks ----

  scheduleActivity(ref: ActivityRef, { attrs, wftCompletedEventId, eager }: ActivityRequests['schedule']): void {
    const { run, activity: a } = ref;
    a.scheduledEventId = this.engine.events.append(run, 'activityTaskScheduled', {
      activityId: attrs.activityId,
      activityType: attrs.activityType,
      taskQueue: { name: a.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      header: attrs.header,
      input: attrs.input,
      scheduleToCloseTimeout: duration(a.scheduleToCloseMs),
      scheduleToStartTimeout: duration(a.scheduleToStartMs),
      startToCloseTimeout: duration(a.startToCloseMs),
      heartbeatTimeout: duration(a.heartbeatMs),
      workflowTaskCompletedEventId: long(wftCompletedEventId),
      retryPolicy: a.retryPolicy,
    });
    run.state.activities[a.scheduledEventId] = a;
    this.touch(ref);
    this.timeouts.armScheduleToClose(ref);
    if (!eager) this.dispatch(ref);
  }

  startAttempt(ref: ActivityRef, { identity }: ActivityRequests['start']): void {
    ref.activity.startedAt = this.engine.now();
    ref.activity.identity = identity;
    this.touch(ref);
    this.timeouts.armStarted(ref);
  }

  recordHeartbeat(ref: ActivityRef, { details }: ActivityRequests['heartbeat']): void {
    if (details) ref.activity.heartbeatDetails = details;
    ref.activity.lastHeartbeatAt = this.engine.now();
    this.touch(ref);
  }

  recordCompleted(ref: ActivityRef, { result, identity }: ActivityRequests['complete']): void {
    const startedEventId = this.writeStarted(ref);
    this.engine.events.add(ref.run, 'activityTaskCompleted', { result, scheduledEventId: long(ref.activity.scheduledEventId), startedEventId: long(startedEventId), identity });
    this.finish(ref);
  }

  recordFailed(ref: ActivityRef, { failure, identity, retryState }: ActivityRequests['fail']): void {
    const startedEventId = this.writeStarted(ref);
    this.engine.events.add(ref.run, 'activityTaskFailed', {
      failure,
      scheduledEventId: long(ref.activity.scheduledEventId),
      startedEventId: long(startedEventId),
      identity,
      retryState,
    });
    this.finish(ref);
  }

  scheduleRetry(ref: ActivityRef, { failure, backoffMs, heartbeatDetails }: ActivityRequests['retry']): void {
    const a = ref.activity;
    if (heartbeatDetails) a.heartbeatDetails = heartbeatDetails;
    a.lastFailure = failure;
    a.attempt += 1;
    a.attemptScheduledAt = this.engine.now() + backoffMs;
    a.startedAt = undefined;
    this.touch(ref);
    this.timeouts.armBackoff(ref);
  }

  recordTimeout(ref: ActivityRef, request: FinalFailure): void {
    this.writeTimedOut(ref, 0, request);
  }

  recordStartedTimeout(ref: ActivityRef, request: FinalFailure): void {
    this.writeTimedOut(ref, this.writeStarted(ref), request);
  }

  cancelBeforeStart(ref: ActivityRef, { cancelRequestedEventId }: ActivityRequests['requestCancel']): void {
    this.engine.events.add(ref.run, 'activityTaskCanceled', {
      scheduledEventId: long(ref.activity.scheduledEventId),
      latestCancelRequestedEventId: long(cancelRequestedEventId),
      startedEventId: long(0),
    });
    this.finish(ref);
  }

  markCancelRequested(ref: ActivityRef, { cancelRequestedEventId }: ActivityRequests['requestCancel']): void {
    ref.activity.cancelRequested = true;
    ref.activity.cancelRequestedEventId = cancelRequestedEventId;
    this.touch(ref);
  }

  recordCanceled(ref: ActivityRef, { details, identity }: ActivityRequests['cancel']): void {
    const a = ref.activity;
    const startedEventId = this.writeStarted(ref);
    this.engine.events.add(ref.run, 'activityTaskCanceled', {
      details,
      latestCancelRequestedEventId: long(a.cancelRequestedEventId ?? 0),
      scheduledEventId: long(a.scheduledEventId),
      startedEventId: long(startedEventId),
      identity,
    });
    this.finish(ref);
  }

  dispatchRetry(ref: ActivityRef): void {
    this.touch(ref);
    this.dispatch(ref);
  }

  // ---- helpers ----

  /** Queues the current attempt for a worker, with its schedule-to-start timeout. */
  private dispatch(ref: ActivityRef): void {
    const { run, activity: a } = ref;
    this.engine.activityQueues.offer(queueKey(run.state.namespace, 'act', a.taskQueue), { runId: run.state.runId, scheduledEventId: a.scheduledEventId, attempt: a.attempt });
    this.timeouts.armScheduleToStart(ref);
  }

  /** Back in motion after a restart or a reset: queued again, or waiting for its attempt's timeouts or backoff. */
  private resume(ref: ActivityRef): void {
    // A started attempt may have been lost with the crashed server's connections; its worker may
    // still report on it (the token stays valid) and the start-to-close timeout bounds the wait.
    const { status } = ref.activity;
    if (status === 'scheduled') this.dispatch(ref);
    else if (status === 'started') this.timeouts.armStarted(ref);
    else this.timeouts.armBackoff(ref);
    this.timeouts.armScheduleToClose(ref);
  }

  /** ActivityTaskStarted, written only at the terminal moment, right before the result event. */
  private writeStarted({ run, activity: a }: ActivityRef): number {
    return this.engine.events.add(run, 'activityTaskStarted', {
      scheduledEventId: long(a.scheduledEventId),
      identity: a.identity,
      requestId: `${run.state.runId}-${a.scheduledEventId}-${a.attempt}`,
      attempt: a.attempt,
      lastFailure: a.lastFailure,
    });
  }

  private writeTimedOut(ref: ActivityRef, startedEventId: number, { failure, retryState }: FinalFailure): void {
    this.engine.events.add(ref.run, 'activityTaskTimedOut', {
      failure,
      scheduledEventId: long(ref.activity.scheduledEventId),
      startedEventId: long(startedEventId),
      retryState,
    });
    this.finish(ref);
  }

  /** The activity leaves the run; the workflow sees its outcome. */
  private finish(ref: ActivityRef): void {
    delete ref.run.state.activities[ref.activity.scheduledEventId];
    this.touch(ref);
    this.engine.tasks.need(ref.run);
  }

  private touch(ref: ActivityRef): void {
    this.engine.db.touch(ref.run, activityKey(ref.activity.scheduledEventId));
  }
}
