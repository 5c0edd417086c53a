// A workflow run as a transition table: started (by a start request, a child command, a
// continue-as-new or a workflow retry) or made by a reset, running — signalled, perhaps asked to
// cancel — and closed exactly once: completed, failed, canceled or continued-as-new by its own
// commands, terminated, or timed out. A close drops the run's workflow task (a started one is
// failed or timed out first when the close comes from outside) and tells the modules that care
// (parent and children, queries) through `onClosed`.
import { randomUUID } from 'node:crypto';
import type { Engine } from './engine';
import { History } from './history';
import { StateMachine, type TransitionTable } from './state-machine';
import { noWorkflowTask, type ParentInfo, type RunState, type RunStatus } from './run-state';
import type { Run } from './run-registry';
import type { TaskEnding } from './workflow-task-scheduling';
import {
  duration,
  long,
  timestamp,
  TaskQueueKind,
  api,
  type EventAttributes,
  type EventKind,
  type Failure,
  type Header,
  type Memo,
  type Payloads,
  type RetryPolicy,
  type SearchAttributes,
} from './proto';

export interface NewRunParams {
  /** Preassigned when the id must be written before the run exists (continue-as-new, workflow retry). */
  runId?: string;
  namespace: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input?: Payloads | null;
  header?: Header | null;
  executionTimeoutMs?: number;
  runTimeoutMs?: number;
  workflowTaskTimeoutMs?: number;
  memo?: Memo | null;
  searchAttributes?: SearchAttributes | null;
  parent?: ParentInfo;
  retryPolicy?: RetryPolicy | null;
  identity?: string;
  requestId?: string;
  continuedFrom?: { runId: string; firstRunId: string; initiator?: number; failure?: Failure | null; lastCompletionResult?: Payloads | null };
  attempt?: number;
  /** Delay of the first workflow task (a workflow retry's backoff). */
  firstTaskDelayMs?: number;
  /** Events written before the first workflow task (signal-with-start). */
  beforeFirstTask?: (run: Run) => void;
}

/** A run's state for its table: its stored status, with `cancelRequested` for a running run asked to cancel. */
export type RunPhase = RunStatus | 'cancelRequested';

export interface RunRequests {
  start: NewRunParams;
  /** A reset's new run, its history copied up to the reset point. */
  reset: { failedTask: EventAttributes<'workflowTaskFailed'>; signals: EventAttributes<'workflowExecutionSignaled'>[] };
  signal: EventAttributes<'workflowExecutionSignaled'>;
  requestCancel: EventAttributes<'workflowExecutionCancelRequested'>;
  complete: EventAttributes<'workflowExecutionCompleted'>;
  /** With `retry`, the failure starts the workflow's next attempt as a new run. */
  fail: { attrs: EventAttributes<'workflowExecutionFailed'>; retry?: NewRunParams };
  cancel: EventAttributes<'workflowExecutionCanceled'>;
  continueAsNew: { attrs: EventAttributes<'workflowExecutionContinuedAsNew'>; next: NewRunParams };
  terminate: { reason: string; identity: string; details?: Payloads | null };
  timeOut: undefined;
}

export interface RunCallbacks {
  startRun: (run: Run, request: NewRunParams) => void;
  startResetRun: (run: Run, request: RunRequests['reset']) => void;
  recordSignal: (run: Run, request: RunRequests['signal']) => void;
  recordCancelRequest: (run: Run, request: RunRequests['requestCancel']) => void;
  ignoreCancelRequest: (run: Run) => void;
  completeRun: (run: Run, request: RunRequests['complete']) => void;
  failRun: (run: Run, request: RunRequests['fail']) => void;
  cancelRun: (run: Run, request: RunRequests['cancel']) => void;
  continueAsNew: (run: Run, request: RunRequests['continueAsNew']) => void;
  terminateRun: (run: Run, request: RunRequests['terminate']) => void;
  timeOutRun: (run: Run) => void;
}

/** What an open run may do, asked to cancel or not. */
const closes = {
  complete: ['completed', 'completeRun'],
  fail: ['failed', 'failRun'],
  cancel: ['canceled', 'cancelRun'],
  continueAsNew: ['continuedAsNew', 'continueAsNew'],
  terminate: ['terminated', 'terminateRun'],
  timeOut: ['timedOut', 'timeOutRun'],
} as const;

export const runTable: TransitionTable<RunPhase, RunRequests, Run, RunCallbacks> = {
  none: { start: ['running', 'startRun'], reset: ['running', 'startResetRun'] },
  running: { signal: ['running', 'recordSignal'], requestCancel: ['cancelRequested', 'recordCancelRequest'], ...closes },
  cancelRequested: { signal: ['cancelRequested', 'recordSignal'], requestCancel: ['cancelRequested', 'ignoreCancelRequest'], ...closes },
  // RequestCancelWorkflowExecution on a closed run succeeds and does nothing.
  completed: { requestCancel: ['completed', 'ignoreCancelRequest'] },
  failed: { requestCancel: ['failed', 'ignoreCancelRequest'] },
  canceled: { requestCancel: ['canceled', 'ignoreCancelRequest'] },
  terminated: { requestCancel: ['terminated', 'ignoreCancelRequest'] },
  continuedAsNew: { requestCancel: ['continuedAsNew', 'ignoreCancelRequest'] },
  timedOut: { requestCancel: ['timedOut', 'ignoreCancelRequest'] },
};

const runPhase = {
  get: ({ state: s }: Run): RunPhase => (s.status === 'running' && s.cancelRequested ? 'cancelRequested' : s.status),
  set: ({ state: s }: Run, to: RunPhase): void => {
    if (to === 'cancelRequested') s.cancelRequested = true;
    s.status = to === 'cancelRequested' ? 'running' : to;
  },
};

const DEFAULT_WFT_TIMEOUT_MS = 10_000;
const MAX_WFT_TIMEOUT_MS = 120_000;

export class RunLifecycle implements RunCallbacks {
  readonly machine = new StateMachine('workflow run', runTable, runPhase, this);
  /** Called once a run's close event is written (the run's status already says how it closed). */
  readonly onClosed: ((run: Run) => void)[] = [];

  constructor(private readonly engine: Engine) {}

  /** Creates and starts a run: WorkflowExecutionStarted, the first workflow task, the run timeout. */
  create(p: NewRunParams): Run {
    const now = this.engine.now();
    const runId = p.runId ?? randomUUID();
    const executionTimeoutMs = p.executionTimeoutMs ?? 0;
    let runTimeoutMs = p.runTimeoutMs ?? 0;
    if (executionTimeoutMs > 0 && (runTimeoutMs === 0 || runTimeoutMs > executionTimeoutMs)) runTimeoutMs = executionTimeoutMs;
    let workflowTaskTimeoutMs = Math.min(p.workflowTaskTimeoutMs || DEFAULT_WFT_TIMEOUT_MS, MAX_WFT_TIMEOUT_MS);
    if (runTimeoutMs > 0) workflowTaskTimeoutMs = Math.min(workflowTaskTimeoutMs, runTimeoutMs);
    const state: RunState = {
      namespace: p.namespace,
      workflowId: p.workflowId,
      runId,
      firstRunId: p.continuedFrom?.firstRunId ?? runId,
      workflowType: p.workflowType,
      taskQueue: p.taskQueue,
      status: 'none',
      startTime: now,
      executionTime: now + (p.firstTaskDelayMs ?? 0),
      runTimeoutMs,
      executionTimeoutMs,
      workflowTaskTimeoutMs,
      runExpiresAt: runTimeoutMs > 0 ? now + runTimeoutMs : undefined,
      memo: p.memo ?? undefined,
      searchAttributes: p.searchAttributes ?? undefined,
      parent: p.parent,
      retryPolicy: p.retryPolicy ?? undefined,
      attempt: p.attempt ?? 1,
      requestIds: p.requestId ? [p.requestId] : [],
      startRequestId: p.requestId || randomUUID(),
      wft: noWorkflowTask(),
      lastCompletedStartedEventId: 0,
      wftPending: false,
      buffered: [],
      nextTempEventId: 0,
      cancelRequested: false,
      activities: {},
      timers: {},
      children: {},
    };
    const run: Run = { state, events: new History(), persistedEvents: 0, dirtyKeys: new Set() };
    this.machine.apply(run, 'start', p);
    return run;
  }

  // ---- callbacks ----

  startRun(run: Run, p: NewRunParams): void {
    const { db, events, runs, timeouts, tasks } = this.engine;
    const s = run.state;
    runs.add(run);
    db.touch(run);
    events.append(run, 'workflowExecutionStarted', {
      workflowType: { name: p.workflowType },
      parentWorkflowNamespace: p.parent?.namespace,
      parentWorkflowExecution: p.parent ? { workflowId: p.parent.workflowId, runId: p.parent.runId } : undefined,
      parentInitiatedEventId: p.parent ? long(p.parent.initiatedEventId) : undefined,
      taskQueue: { name: p.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      input: p.input,
      header: p.header,
      workflowExecutionTimeout: s.executionTimeoutMs > 0 ? duration(s.executionTimeoutMs) : undefined,
      workflowRunTimeout: s.runTimeoutMs > 0 ? duration(s.runTimeoutMs) : undefined,
      workflowTaskTimeout: duration(s.workflowTaskTimeoutMs),
      continuedExecutionRunId: p.continuedFrom?.runId,
      initiator: p.continuedFrom?.initiator,
      continuedFailure: p.continuedFrom?.failure,
      lastCompletionResult: p.continuedFrom?.lastCompletionResult,
      originalExecutionRunId: s.runId,
      identity: p.identity,
      firstExecutionRunId: s.firstRunId,
      retryPolicy: p.retryPolicy,
      attempt: s.attempt,
      workflowExecutionExpirationTime: s.executionTimeoutMs > 0 ? timestamp(s.startTime + s.executionTimeoutMs) : undefined,
      memo: p.memo,
      searchAttributes: p.searchAttributes,
      workflowId: p.workflowId,
      firstWorkflowTaskBackoff: p.firstTaskDelayMs ? duration(p.firstTaskDelayMs) : undefined,
    });
    p.beforeFirstTask?.(run);
    if (p.firstTaskDelayMs) {
      s.firstTaskAt = s.startTime + p.firstTaskDelayMs;
      timeouts.armFirstTask(run);
    } else {
      tasks.machine.apply(run, 'schedule', { attempt: 1 });
    }
    timeouts.armRunTimeout(run);
  }

  startResetRun(run: Run, { failedTask, signals }: RunRequests['reset']): void {
    const { db, events, runs, timeouts, tasks } = this.engine;
    runs.add(run);
    db.touchAll(run);
    timeouts.armRunTimeout(run);
    events.append(run, 'workflowTaskFailed', failedTask);
    for (const signal of signals) events.append(run, 'workflowExecutionSignaled', signal);
    tasks.machine.apply(run, 'schedule', { attempt: 1 });
    for (const resume of this.engine.onResume) resume(run);
  }

  recordSignal(run: Run, attrs: RunRequests['signal']): void {
    this.engine.events.add(run, 'workflowExecutionSignaled', attrs);
    this.engine.tasks.need(run);
  }

  recordCancelRequest(run: Run, attrs: RunRequests['requestCancel']): void {
    this.engine.events.add(run, 'workflowExecutionCancelRequested', attrs);
    this.engine.tasks.need(run);
  }

  ignoreCancelRequest(): void {
    // Asked before (the workflow has been told), or closed already.
  }

  completeRun(run: Run, attrs: RunRequests['complete']): void {
    this.closeByCommand(run, 'workflowExecutionCompleted', attrs);
  }

  failRun(run: Run, { attrs, retry }: RunRequests['fail']): void {
    run.state.newExecutionRunId = retry?.runId;
    this.closeByCommand(run, 'workflowExecutionFailed', attrs);
    if (retry) this.engine.events.defer(() => this.create(retry));
  }

  cancelRun(run: Run, attrs: RunRequests['cancel']): void {
    this.closeByCommand(run, 'workflowExecutionCanceled', attrs);
  }

  continueAsNew(run: Run, { attrs, next }: RunRequests['continueAsNew']): void {
    run.state.newExecutionRunId = next.runId;
    this.closeByCommand(run, 'workflowExecutionContinuedAsNew', attrs);
    this.engine.events.defer(() => this.create(next));
  }

  terminateRun(run: Run, { reason, identity, details }: RunRequests['terminate']): void {
    this.closeFromOutside(run, { ending: 'terminated', identity }, 'workflowExecutionTerminated', { reason, details, identity });
  }

  timeOutRun(run: Run): void {
    this.closeFromOutside(run, { ending: 'timedOut' }, 'workflowExecutionTimedOut', { retryState: api.enums.v1.RetryState.RETRY_STATE_TIMEOUT });
  }

  // ---- closing ----

  /** Closed by a command of the completing workflow task (which has written WorkflowTaskCompleted). */
  private closeByCommand<K extends EventKind>(run: Run, kind: K, attrs: EventAttributes<K>): void {
    this.engine.tasks.machine.apply(run, 'close', { ending: 'completed' });
    this.writeClose(run, kind, attrs);
  }

  /** Closed from outside: a started task ends first, then what was buffered is written, then the close. */
  private closeFromOutside<K extends EventKind>(run: Run, ending: TaskEnding, kind: K, attrs: EventAttributes<K>): void {
    this.engine.tasks.machine.apply(run, 'close', ending);
    this.engine.events.flush(run);
    this.writeClose(run, kind, attrs);
  }

  private writeClose<K extends EventKind>(run: Run, kind: K, attrs: EventAttributes<K>): void {
    run.state.closeTime = this.engine.now();
    this.engine.events.append(run, kind, attrs);
    for (const hook of this.onClosed) hook(run);
  }
}
