// A run's workflow task as a transition table: scheduled (on the run's sticky queue, or its
// normal one), started by a worker, then completed, failed or timed out — after a failure or a
// timeout the next attempt is scheduled at once. Something the workflow must see while a task is
// started only marks one pending, scheduled when the task completes. A run that closes drops its
// task; a dead sticky queue sends the task it holds to the normal queue.
import type { Engine } from './engine';
import { StateMachine, type TransitionTable } from './state-machine';
import { queueKey, type WorkflowQueueTask } from './task-queues';
import { isOpen, type WorkflowTaskStatus } from './run-state';
import type { Run } from './run-registry';
import { api, duration, long, TaskQueueKind, TimeoutType, type Failure } from './proto';

const { WorkflowTaskFailedCause } = api.enums.v1;

/** How a started task ends when its run closes: completed (the closing completion), failed (terminate) or timed out (run timeout). */
export type TaskEnding = { ending: 'completed' } | { ending: 'terminated'; identity: string } | { ending: 'timedOut' };

export interface WorkflowTaskRequests {
  schedule: { attempt: number };
  start: { identity: string; requestId: string };
  /** The worker's sticky queue for the next tasks (none: it does not cache the run); whether it asked for another task at once. */
  complete: { stickyQueue?: { queue: string; scheduleToStartMs: number }; forceNewTask: boolean };
  fail: { cause: number; identity: string; failure?: Failure | null };
  timeOut: undefined;
  close: TaskEnding;
  /** ResetStickyTaskQueue: the next task goes to the normal queue. */
  resetSticky: undefined;
  /** The worker behind the run's sticky queue shut down. */
  stickyQueueGone: undefined;
}

export interface WorkflowTaskCallbacks {
  scheduleTask: (run: Run, request: WorkflowTaskRequests['schedule']) => void;
  alreadyScheduled: (run: Run) => void;
  markPending: (run: Run) => void;
  startTask: (run: Run, request: WorkflowTaskRequests['start']) => void;
  completeTask: (run: Run, request: WorkflowTaskRequests['complete']) => void;
  failTask: (run: Run, request: WorkflowTaskRequests['fail']) => void;
  scheduleToStartTimedOut: (run: Run) => void;
  startToCloseTimedOut: (run: Run) => void;
  forgetTask: (run: Run) => void;
  endWithRun: (run: Run, request: TaskEnding) => void;
  forgetStickyQueue: (run: Run) => void;
  moveToNormalQueue: (run: Run) => void;
}

export const workflowTaskTable: TransitionTable<WorkflowTaskStatus, WorkflowTaskRequests, Run, WorkflowTaskCallbacks> = {
  none: {
    schedule: ['scheduled', 'scheduleTask'],
    close: ['none', 'forgetTask'],
    resetSticky: ['none', 'forgetStickyQueue'],
    stickyQueueGone: ['none', 'forgetStickyQueue'],
  },
  scheduled: {
    schedule: ['scheduled', 'alreadyScheduled'],
    start: ['started', 'startTask'],
    // Only a sticky task times out before it starts (schedule-to-start).
    timeOut: ['none', 'scheduleToStartTimedOut'],
    close: ['none', 'forgetTask'],
    resetSticky: ['scheduled', 'forgetStickyQueue'],
    stickyQueueGone: ['scheduled', 'moveToNormalQueue'],
  },
  started: {
    schedule: ['started', 'markPending'],
    complete: ['none', 'completeTask'],
    fail: ['none', 'failTask'],
    timeOut: ['none', 'startToCloseTimedOut'],
    close: ['none', 'endWithRun'],
    resetSticky: ['started', 'forgetStickyQueue'],
    stickyQueueGone: ['started', 'forgetStickyQueue'],
  },
};

export class WorkflowTaskScheduling implements WorkflowTaskCallbacks {
  readonly machine = new StateMachine('workflow task', workflowTaskTable, { get: (run: Run) => run.state.wft.status, set: (run: Run, to) => (run.state.wft.status = to) }, this);
  /** Called whenever a task is scheduled (queries left unanswered by the last one ride on it). */
  readonly onScheduled: ((run: Run) => void)[] = [];
  /** Set by the query module: re-dispatches a legacy query task whose sticky queue went away. */
  reofferQuery?: (queryId: string) => void;

  constructor(private readonly engine: Engine) {}

  /** Something happened that the workflow must see: a task, unless one is already coming. */
  need(run: Run): void {
    if (isOpen(run.state)) this.machine.apply(run, 'schedule', { attempt: 1 });
  }

  /** A worker polled the task; false when the queued task is stale (the run moved on meanwhile). */
  start(run: Run, scheduledEventId: number, identity: string, requestId: string): boolean {
    const w = run.state.wft;
    if (!isOpen(run.state) || w.status !== 'scheduled' || w.scheduledEventId !== scheduledEventId) return false;
    this.machine.apply(run, 'start', { identity, requestId });
    return true;
  }

  /** A run read back from the log: its scheduled task is queued again, a started one gets its timeout back. */
  restore(run: Run): void {
    const { status } = run.state.wft;
    if (status === 'scheduled') this.dispatch(run);
    else if (status === 'started') this.engine.timeouts.armStartToClose(run);
  }

  /** ShutdownWorker with a sticky queue: its pollers are answered, its tasks go to the normal queues. */
  dropStickyQueue(namespace: string, queue: string): void {
    const { db, workflowQueues, runs } = this.engine;
    db.transact(() => {
      const key = queueKey(namespace, 'wf', queue);
      workflowQueues.release((k) => k === key);
      const backlog = workflowQueues.take(key);
      for (const run of runs.all()) {
        if (run.state.sticky?.queue === queue && run.state.namespace === namespace) this.machine.apply(run, 'stickyQueueGone');
      }
      for (const task of backlog) if (task.kind === 'query') this.reofferQuery?.(task.queryId);
    });
  }

  // ---- callbacks ----

  scheduleTask(run: Run, { attempt }: WorkflowTaskRequests['schedule']): void {
    const s = run.state;
    s.wft.attempt = attempt;
    s.wft.sticky = s.sticky !== undefined;
    s.wft.scheduledAt = this.engine.now();
    s.wft.startedEventId = 0;
    s.wftPending = false;
    s.wft.scheduledEventId = this.engine.events.append(run, 'workflowTaskScheduled', {
      taskQueue: s.sticky
        ? { name: s.sticky.queue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: s.taskQueue }
        : { name: s.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      startToCloseTimeout: duration(s.workflowTaskTimeoutMs),
      attempt,
    });
    this.dispatch(run);
    for (const hook of this.onScheduled) hook(run);
  }

  alreadyScheduled(): void {
    // The scheduled task will carry whatever happened.
  }

  markPending(run: Run): void {
    run.state.wftPending = true;
    this.engine.db.touch(run);
  }

  startTask(run: Run, { identity, requestId }: WorkflowTaskRequests['start']): void {
    const w = run.state.wft;
    w.startedAt = this.engine.now();
    w.startedEventId = this.engine.events.append(run, 'workflowTaskStarted', {
      scheduledEventId: long(w.scheduledEventId),
      identity,
      requestId,
      historySizeBytes: long(0),
    });
    this.engine.timeouts.armStartToClose(run);
  }

  completeTask(run: Run, { stickyQueue, forceNewTask }: WorkflowTaskRequests['complete']): void {
    const s = run.state;
    s.wft.attempt = 1;
    this.engine.events.flush(run);
    s.sticky = stickyQueue;
    if (s.wftPending || forceNewTask) this.machine.apply(run, 'schedule', { attempt: 1 });
  }

  failTask(run: Run, { cause, identity, failure }: WorkflowTaskRequests['fail']): void {
    const s = run.state;
    this.engine.events.append(run, 'workflowTaskFailed', {
      scheduledEventId: long(s.wft.scheduledEventId),
      startedEventId: long(s.wft.startedEventId),
      cause,
      failure,
      identity,
    });
    // UnhandledCommand is not the worker's fault: the retry starts over at attempt 1.
    if (cause === WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND) s.wft.attempt = 0;
    this.retry(run);
  }

  scheduleToStartTimedOut(run: Run): void {
    const s = run.state;
    this.engine.events.append(run, 'workflowTaskTimedOut', {
      scheduledEventId: long(s.wft.scheduledEventId),
      timeoutType: TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
    });
    // Not the worker's fault either: same attempt, on the normal queue.
    s.sticky = undefined;
    this.machine.apply(run, 'schedule', { attempt: s.wft.attempt });
  }

  startToCloseTimedOut(run: Run): void {
    this.appendStartToCloseTimeout(run);
    this.retry(run);
  }

  forgetTask(run: Run): void {
    run.state.wftPending = false;
    run.state.sticky = undefined;
  }

  endWithRun(run: Run, request: TaskEnding): void {
    const w = run.state.wft;
    if (request.ending === 'terminated') {
      this.engine.events.append(run, 'workflowTaskFailed', {
        scheduledEventId: long(w.scheduledEventId),
        startedEventId: long(w.startedEventId),
        cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
        identity: request.identity,
      });
    } else if (request.ending === 'timedOut') {
      this.appendStartToCloseTimeout(run);
    }
    this.forgetTask(run);
  }

  forgetStickyQueue(run: Run): void {
    run.state.sticky = undefined;
    this.engine.db.touch(run);
  }

  moveToNormalQueue(run: Run): void {
    this.forgetStickyQueue(run);
    if (!run.state.wft.sticky) return;
    run.state.wft.sticky = false;
    this.engine.workflowQueues.offer(queueKey(run.state.namespace, 'wf', run.state.taskQueue), this.task(run));
  }

  // ---- helpers ----

  private task(run: Run): WorkflowQueueTask {
    return { kind: 'wft', runId: run.state.runId, scheduledEventId: run.state.wft.scheduledEventId };
  }

  private dispatch(run: Run): void {
    const s = run.state;
    if (s.wft.sticky && s.sticky) {
      this.engine.workflowQueues.offer(queueKey(s.namespace, 'wf', s.sticky.queue), this.task(run));
      this.engine.timeouts.armStickyScheduleToStart(run, s.sticky.scheduleToStartMs);
    } else {
      this.engine.workflowQueues.offer(queueKey(s.namespace, 'wf', s.taskQueue), this.task(run));
    }
  }

  private appendStartToCloseTimeout(run: Run): void {
    const w = run.state.wft;
    this.engine.events.append(run, 'workflowTaskTimedOut', {
      scheduledEventId: long(w.scheduledEventId),
      startedEventId: long(w.startedEventId),
      timeoutType: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
    });
  }

  /** After a failed or timed-out task: what was buffered is written, stickiness dropped, the next attempt scheduled. */
  private retry(run: Run): void {
    this.engine.events.flush(run);
    run.state.sticky = undefined;
    this.machine.apply(run, 'schedule', { attempt: run.state.wft.attempt + 1 });
  }
}
