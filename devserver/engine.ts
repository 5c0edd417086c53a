// The workflow engine: runs, their histories, workflow tasks, and every mutation as one committed
// transaction. Activities, commands and queries live in their own modules and act through this.
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { Scheduler } from './scheduler';
import { TaskQueues } from './task-queues';
import type { LoadedGroup, LogStore } from './log-store';
import {
  allRunEntities,
  bufferedKey,
  childKey,
  runEntity,
  runFromEntities,
  RUN_KEY,
  runMachine,
  workflowTaskMachine,
  isOpen,
  type RunAction,
  type RunState,
  type ParentInfo,
} from './run-state';
import { api,
  duration,
  eventAttributes,
  eventKindOf,
  eventTypeOf,
  long,
  num,

  timestamp,
  timestampMs,
  TaskQueueKind,
  TimeoutType,
  type EventAttributes,
  type EventKind,
  type Failure,
  type Header,
  type HistoryEvent,
  type Memo,
  type Payloads,
  type RetryPolicy,
  type SearchAttributes,
} from './proto';
import { notFound } from './errors';
import { History } from './history';

export interface Run {
  state: RunState;
  events: History;
  /** Number of events already handed to the store. */
  persistedEvents: number;
  /** Entities changed in the current transaction (see run-state.ts for the keys). */
  dirtyKeys: Set<string>;
}

export type WorkflowQueueTask = { kind: 'wft'; runId: string; scheduledEventId: number } | { kind: 'query'; queryId: string };
export interface ActivityQueueTask {
  runId: string;
  scheduledEventId: number;
  attempt: number;
}

export interface NewRunParams {
  /** Preassigned when the id must be written before the run exists (continue-as-new, reset). */
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

const DEFAULT_WFT_TIMEOUT_MS = 10_000;
const MAX_WFT_TIMEOUT_MS = 120_000;

export const runGroup = (runId: string): string => `run/${runId}`;
export const currentKey = (namespace: string, workflowId: string): string => `${namespace}/${workflowId}`;
export const normalQueueKey = (namespace: string, kind: 'wf' | 'act', name: string): string => `${namespace}|${kind}|${name}`;

export class Engine {
  readonly runs = new Map<string, Run>();
  /** Latest run of each workflow id. */
  readonly current = new Map<string, string>();
  readonly startRequests = new Map<string, string>();
  readonly workflowQueues = new TaskQueues<WorkflowQueueTask>();
  readonly activityQueues = new TaskQueues<ActivityQueueTask>();
  readonly scheduler: Scheduler;
  private dirty = new Set<Run>();
  private historyWaiters = new Map<string, Set<() => void>>();
  /** Work that must follow the current workflow-task completion (child starts, external signals). */
  private deferred: (() => void)[] = [];
  private inTransaction = false;
  private globalsDirty = false;
  private lastDurable: Promise<void> = Promise.resolve();
  private readonly globals = new Map<string, Map<string, unknown>>();
  /** Hooks other modules register to rebuild their timers and queues at startup. */
  readonly onRestore: ((run: Run) => void)[] = [];
  readonly onRunClosed: ((run: Run) => void)[] = [];
  readonly onWorkflowTaskScheduled: ((run: Run) => void)[] = [];

  constructor(
    readonly clock: Clock,
    private readonly store: LogStore,
    private readonly loaded: Map<string, LoadedGroup>,
    onError: (err: unknown) => void,
  ) {
    this.scheduler = new Scheduler(clock, onError);
  }

  now(): number {
    return this.clock.now();
  }

  /** Rebuilds runs, queues and timers from the store; call once every module has registered hooks. */
  restore(): void {
    for (const [group, data] of this.loaded) {
      if (!group.startsWith('run/')) continue;
      const state = runFromEntities(data.entities);
      const run: Run = { state, events: new History(data.events as Uint8Array[]), persistedEvents: data.events.length, dirtyKeys: new Set() };
      this.runs.set(state.runId, run);
      const key = currentKey(state.namespace, state.workflowId);
      const existing = this.runs.get(this.current.get(key) ?? '');
      if (!existing || existing.state.startTime <= state.startTime) this.current.set(key, state.runId);
      this.startRequests.set(state.startRequestId, state.runId);
      this.loaded.delete(group);
    }
    for (const run of this.runs.values()) {
      if (!isOpen(run.state)) continue;
      this.armRunTimeout(run);
      this.armFirstTask(run);
      this.restoreWorkflowTask(run);
      for (const hook of this.onRestore) hook(run);
    }
  }

  /**
   * Runs a mutation and writes what it changed as one log record. Durable transactions (the
   * default) must reach the disk before anyone is told about them: RPC replies wait for
   * `durable()`. Task starts pass `durable: false` (if lost, the task is dispatched again).
   */
  transact<T>(fn: () => T, options: { durable?: boolean } = {}): T {
    if (this.inTransaction) return fn();
    this.inTransaction = true;
    try {
      return fn();
    } finally {
      this.inTransaction = false;
      this.commit(options.durable ?? true);
    }
  }

  /** Resolves once every durable transaction so far is on disk. */
  durable(): Promise<void> {
    return this.lastDurable;
  }

  /** Marks an entity of the run (default: its core fields) for the commit of this transaction. */
  touch(run: Run, key: string = RUN_KEY): void {
    run.dirtyKeys.add(key);
    this.dirty.add(run);
  }

  /** Sets a non-run group (namespaces, search attributes), committed with the current transaction. */
  saveGlobal(group: string, entities: Map<string, unknown>): void {
    this.globals.set(group, entities);
    this.store.stage(group, entities, []);
    this.globalsDirty = true;
  }

  /** A non-run group as it was loaded at startup. */
  loadedGlobal(group: string): Map<string, unknown> {
    return this.loaded.get(group)?.entities ?? new Map();
  }

  /** Everything there is, for the store's compaction. */
  *snapshot(): Iterable<[string, Map<string, unknown>, readonly Uint8Array[]]> {
    for (const [group, entities] of this.globals) yield [group, entities, []];
    for (const run of this.runs.values()) yield [runGroup(run.state.runId), allRunEntities(run.state), run.events.encodedFrom(0)];
  }

  private commit(durable: boolean): void {
    if (this.dirty.size === 0 && !this.globalsDirty) {
      return;
    }
    this.globalsDirty = false;
    const dirty = [...this.dirty];
    this.dirty.clear();
    for (const run of dirty) {
      const changes = new Map<string, unknown>();
      for (const key of run.dirtyKeys) changes.set(key, runEntity(run.state, key));
      run.dirtyKeys.clear();
      this.store.stage(runGroup(run.state.runId), changes, run.events.encodedFrom(run.persistedEvents));
      run.persistedEvents = run.events.length;
    }
    const synced = this.store.commit(durable, () => this.snapshot());
    if (synced) {
      // Unhandled here on purpose only if nobody replies; RPC replies await and surface it.
      synced.catch(() => {});
      this.lastDurable = synced;
    }
    for (const run of dirty) {
      const waiters = this.historyWaiters.get(run.state.runId);
      if (!waiters) continue;
      this.historyWaiters.delete(run.state.runId);
      for (const wake of waiters) wake();
    }
  }

  /** Calls `wake` once after the next commit that touches the run. Returns an unsubscribe. */
  onRunChange(runId: string, wake: () => void): () => void {
    let set = this.historyWaiters.get(runId);
    if (!set) this.historyWaiters.set(runId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.historyWaiters.get(runId) === set) this.historyWaiters.delete(runId);
    };
  }

  // ---- lookups ----

  getRun(runId: string): Run | undefined {
    return this.runs.get(runId);
  }

  /** The run named by an execution (run id optional: the latest run of the workflow id). */
  findRun(namespace: string, workflowId: string, runId?: string | null): Run {
    const id = runId || this.current.get(currentKey(namespace, workflowId));
    const run = id ? this.runs.get(id) : undefined;
    if (!run || run.state.workflowId !== workflowId || run.state.namespace !== namespace) {
      throw notFound(`workflow execution not found: WorkflowId ${workflowId}${runId ? `, RunId ${runId}` : ''}`);
    }
    return run;
  }

  currentRun(namespace: string, workflowId: string): Run | undefined {
    const id = this.current.get(currentKey(namespace, workflowId));
    return id ? this.runs.get(id) : undefined;
  }

  // ---- history ----

  /** Appends an event now, bypassing the buffer (workflow-task events, command events, closes). */
  appendEvent<K extends EventKind>(run: Run, kind: K, attrs: EventAttributes<K>, time = this.now()): number {
    const eventId = run.events.length + 1;
    run.events.push({
      eventId: long(eventId),
      eventTime: timestamp(time),
      eventType: eventTypeOf(kind),
      [`${kind}EventAttributes`]: attrs,
    } as HistoryEvent);
    this.touch(run);
    return eventId;
  }

  /**
   * Adds an event caused by the outside world. While a workflow task is started it is buffered
   * (a negative temporary id is returned, resolved on flush) so the worker's view stays consistent.
   */
  addEvent<K extends EventKind>(run: Run, kind: K, attrs: EventAttributes<K>): number {
    if (run.state.wft.status !== 'started') return this.appendEvent(run, kind, attrs);
    const tempId = --run.state.nextTempEventId;
    const event = {
      eventId: long(tempId),
      eventTime: timestamp(this.now()),
      eventType: eventTypeOf(kind),
      [`${kind}EventAttributes`]: attrs,
    } as HistoryEvent;
    run.state.buffered.push(event);
    this.touch(run);
    this.touch(run, bufferedKey(event));
    return tempId;
  }

  /** Moves buffered events into history, resolving temporary ids in references and child state. */
  flushBuffered(run: Run): void {
    const ids = new Map<number, number>();
    for (const event of run.state.buffered) {
      this.touch(run, bufferedKey(event));
      const kind = eventKindOf(event);
      const attrs = eventAttributes(event, kind) as { startedEventId?: unknown };
      if (typeof attrs.startedEventId === 'object' && num(attrs.startedEventId as Long) < 0) {
        attrs.startedEventId = long(ids.get(num(attrs.startedEventId as Long)) ?? 0);
      }
      ids.set(num(event.eventId), this.appendEvent(run, kind, attrs as EventAttributes<typeof kind>, timestampMs(event.eventTime) ?? this.now()));
    }
    for (const child of Object.values(run.state.children)) {
      if (child.startedEventId !== undefined && child.startedEventId < 0) {
        child.startedEventId = ids.get(child.startedEventId);
        this.touch(run, childKey(child.initiatedEventId));
      }
    }
    run.state.buffered = [];
    run.state.nextTempEventId = 0;
    this.touch(run);
  }

  // ---- runs ----

  /** Creates a run: WorkflowExecutionStarted, the first workflow task, the run timeout. */
  createRun(p: NewRunParams): Run {
    const now = this.now();
    const runId = p.runId ?? randomUUID();
    const executionTimeoutMs = p.executionTimeoutMs ?? 0;
    let runTimeoutMs = p.runTimeoutMs ?? 0;
    if (executionTimeoutMs > 0 && (runTimeoutMs === 0 || runTimeoutMs > executionTimeoutMs)) runTimeoutMs = executionTimeoutMs;
    let wftTimeoutMs = Math.min(p.workflowTaskTimeoutMs || DEFAULT_WFT_TIMEOUT_MS, MAX_WFT_TIMEOUT_MS);
    if (runTimeoutMs > 0) wftTimeoutMs = Math.min(wftTimeoutMs, runTimeoutMs);
    const firstRunId = p.continuedFrom?.firstRunId ?? runId;
    const state: RunState = {
      namespace: p.namespace,
      workflowId: p.workflowId,
      runId,
      firstRunId,
      workflowType: p.workflowType,
      taskQueue: p.taskQueue,
      status: 'running',
      startTime: now,
      executionTime: now + (p.firstTaskDelayMs ?? 0),
      runTimeoutMs,
      executionTimeoutMs,
      workflowTaskTimeoutMs: wftTimeoutMs,
      runExpiresAt: runTimeoutMs > 0 ? now + runTimeoutMs : undefined,
      memo: p.memo ?? undefined,
      searchAttributes: p.searchAttributes ?? undefined,
      parent: p.parent,
      retryPolicy: p.retryPolicy ?? undefined,
      attempt: p.attempt ?? 1,
      requestIds: p.requestId ? [p.requestId] : [],
      startRequestId: p.requestId || randomUUID(),
      wft: { status: 'none', scheduledEventId: 0, startedEventId: 0, attempt: 1, sticky: false, scheduledAt: 0, startedAt: 0 },
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
    this.runs.set(runId, run);
    this.current.set(currentKey(p.namespace, p.workflowId), runId);
    this.startRequests.set(state.startRequestId, runId);
    const parentExecution = p.parent ? { workflowId: p.parent.workflowId, runId: p.parent.runId } : undefined;
    this.touch(run);
    this.appendEvent(run, 'workflowExecutionStarted', {
      workflowType: { name: p.workflowType },
      parentWorkflowNamespace: p.parent?.namespace,
      parentWorkflowExecution: parentExecution,
      parentInitiatedEventId: p.parent ? long(p.parent.initiatedEventId) : undefined,
      taskQueue: { name: p.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      input: p.input,
      header: p.header,
      workflowExecutionTimeout: executionTimeoutMs > 0 ? duration(executionTimeoutMs) : undefined,
      workflowRunTimeout: runTimeoutMs > 0 ? duration(runTimeoutMs) : undefined,
      workflowTaskTimeout: duration(wftTimeoutMs),
      continuedExecutionRunId: p.continuedFrom?.runId,
      initiator: p.continuedFrom?.initiator,
      continuedFailure: p.continuedFrom?.failure,
      lastCompletionResult: p.continuedFrom?.lastCompletionResult,
      originalExecutionRunId: runId,
      identity: p.identity,
      firstExecutionRunId: firstRunId,
      retryPolicy: p.retryPolicy,
      attempt: state.attempt,
      workflowExecutionExpirationTime: executionTimeoutMs > 0 ? timestamp(now + executionTimeoutMs) : undefined,
      memo: p.memo,
      searchAttributes: p.searchAttributes,
      workflowId: p.workflowId,
      firstWorkflowTaskBackoff: p.firstTaskDelayMs ? duration(p.firstTaskDelayMs) : undefined,
    });
    p.beforeFirstTask?.(run);
    if (p.firstTaskDelayMs) {
      state.firstTaskAt = now + p.firstTaskDelayMs;
      this.armFirstTask(run);
    } else {
      this.scheduleWorkflowTask(run, 1);
    }
    this.armRunTimeout(run);
    return run;
  }

  private armFirstTask(run: Run): void {
    const { runId, firstTaskAt } = run.state;
    if (firstTaskAt === undefined) return;
    this.atOpenRun(firstTaskAt, runId, (r) => {
      if (r.state.firstTaskAt === undefined) return;
      r.state.firstTaskAt = undefined;
      this.needWorkflowTask(r);
    });
  }

  /** Registers a run built elsewhere (reset) with its copied history; it becomes the current run. */
  adoptRun(state: RunState, events: History): Run {
    const run: Run = { state, events, persistedEvents: 0, dirtyKeys: new Set() };
    this.runs.set(state.runId, run);
    this.current.set(currentKey(state.namespace, state.workflowId), state.runId);
    this.startRequests.set(state.startRequestId, state.runId);
    for (const key of allRunEntities(state).keys()) this.touch(run, key);
    this.armRunTimeout(run);
    return run;
  }

  /** Closes a run with its close event and applies the consequences (parent, children, waiters). */
  closeRun<K extends EventKind>(run: Run, action: RunAction, kind: K, attrs: EventAttributes<K>): void {
    const s = run.state;
    s.status = runMachine.next(s.status, action);
    s.wft.status = workflowTaskMachine.next(s.wft.status, 'drop');
    s.wftPending = false;
    s.sticky = undefined;
    s.closeTime = this.now();
    this.appendEvent(run, kind, attrs);
    for (const hook of this.onRunClosed) hook(run);
  }

  /** Terminates a run: a started workflow task is failed first, buffered events flushed. */
  terminate(run: Run, reason: string, identity: string, details?: Payloads | null): void {
    const s = run.state;
    if (s.wft.status === 'started') {
      this.appendEvent(run, 'workflowTaskFailed', {
        scheduledEventId: long(s.wft.scheduledEventId),
        startedEventId: long(s.wft.startedEventId),
        cause: api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
        identity,
      });
      s.wft.status = workflowTaskMachine.next(s.wft.status, 'fail');
    }
    this.flushBuffered(run);
    this.closeRun(run, 'terminate', 'workflowExecutionTerminated', { reason, details, identity });
  }

  requestCancel(run: Run, attrs: EventAttributes<'workflowExecutionCancelRequested'>): void {
    if (!isOpen(run.state) || run.state.cancelRequested) return;
    run.state.cancelRequested = true;
    this.addEvent(run, 'workflowExecutionCancelRequested', attrs);
    this.needWorkflowTask(run);
  }

  signal(run: Run, attrs: EventAttributes<'workflowExecutionSignaled'>): void {
    this.addEvent(run, 'workflowExecutionSignaled', attrs);
    this.needWorkflowTask(run);
  }

  private armRunTimeout(run: Run): void {
    const { runExpiresAt, runId } = run.state;
    if (runExpiresAt === undefined) return;
    this.atOpenRun(runExpiresAt, runId, (r) => {
      if (r.state.wft.status === 'started') {
        this.appendEvent(r, 'workflowTaskTimedOut', {
          scheduledEventId: long(r.state.wft.scheduledEventId),
          startedEventId: long(r.state.wft.startedEventId),
          timeoutType: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
        });
        r.state.wft.status = workflowTaskMachine.next(r.state.wft.status, 'timeOut');
      }
      this.flushBuffered(r);
      this.closeRun(r, 'timeOut', 'workflowExecutionTimedOut', {
        retryState: api.enums.v1.RetryState.RETRY_STATE_TIMEOUT,
      });
    });
  }

  /** Runs `action` at time `at` in a transaction, if the run is still open then. */
  private atOpenRun(at: number, runId: string, action: (run: Run) => void): void {
    this.scheduler.at(at, () =>
      this.transact(() => {
        const r = this.runs.get(runId);
        if (r && isOpen(r.state)) action(r);
      }),
    );
  }

  // ---- workflow tasks ----

  /** Something happened that the workflow must see: schedule a workflow task unless one is pending. */
  needWorkflowTask(run: Run): void {
    const s = run.state;
    if (!isOpen(s)) return;
    if (s.wft.status === 'none') this.scheduleWorkflowTask(run, 1);
    else if (s.wft.status === 'started') s.wftPending = true;
    this.touch(run);
  }

  scheduleWorkflowTask(run: Run, attempt: number): void {
    const s = run.state;
    s.wft.status = workflowTaskMachine.next(s.wft.status, 'schedule');
    s.wft.attempt = attempt;
    s.wft.sticky = s.sticky !== undefined;
    s.wft.scheduledAt = this.now();
    s.wft.startedEventId = 0;
    s.wftPending = false;
    s.wft.scheduledEventId = this.appendEvent(run, 'workflowTaskScheduled', {
      taskQueue: s.sticky
        ? { name: s.sticky.queue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY, normalName: s.taskQueue }
        : { name: s.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      startToCloseTimeout: duration(s.workflowTaskTimeoutMs),
      attempt,
    });
    this.dispatchWorkflowTask(run);
    for (const hook of this.onWorkflowTaskScheduled) hook(run);
  }

  private dispatchWorkflowTask(run: Run): void {
    const s = run.state;
    const task: WorkflowQueueTask = { kind: 'wft', runId: s.runId, scheduledEventId: s.wft.scheduledEventId };
    if (s.wft.sticky && s.sticky) {
      this.workflowQueues.offer(normalQueueKey(s.namespace, 'wf', s.sticky.queue), task);
      const { scheduledEventId } = s.wft;
      this.scheduler.at(this.now() + s.sticky.scheduleToStartMs, () =>
        this.transact(() => this.stickyScheduleToStartTimeout(s.runId, scheduledEventId)),
      );
    } else {
      this.workflowQueues.offer(normalQueueKey(s.namespace, 'wf', s.taskQueue), task);
    }
  }

  private restoreWorkflowTask(run: Run): void {
    const s = run.state;
    if (s.wft.status === 'scheduled') this.dispatchWorkflowTask(run);
    else if (s.wft.status === 'started') this.armWorkflowTaskTimeout(run);
  }

  /** The sticky worker did not pick the task up in time: move it to the normal queue. */
  private stickyScheduleToStartTimeout(runId: string, scheduledEventId: number): void {
    const run = this.runs.get(runId);
    if (!run) return;
    const s = run.state;
    if (!isOpen(s) || s.wft.status !== 'scheduled' || s.wft.scheduledEventId !== scheduledEventId || !s.wft.sticky) return;
    this.appendEvent(run, 'workflowTaskTimedOut', {
      scheduledEventId: long(scheduledEventId),
      timeoutType: TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
    });
    s.wft.status = workflowTaskMachine.next(s.wft.status, 'timeOut');
    s.sticky = undefined;
    this.scheduleWorkflowTask(run, s.wft.attempt);
  }

  /** Marks the workflow task started; returns false when the queued task is stale. */
  startWorkflowTask(run: Run, scheduledEventId: number, identity: string, requestId: string): boolean {
    const s = run.state;
    if (!isOpen(s) || s.wft.status !== 'scheduled' || s.wft.scheduledEventId !== scheduledEventId) return false;
    s.wft.status = workflowTaskMachine.next(s.wft.status, 'start');
    s.wft.startedAt = this.now();
    s.wft.startedEventId = this.appendEvent(run, 'workflowTaskStarted', {
      scheduledEventId: long(scheduledEventId),
      identity,
      requestId,
      historySizeBytes: long(0),
    });
    this.armWorkflowTaskTimeout(run);
    return true;
  }

  private armWorkflowTaskTimeout(run: Run): void {
    const s = run.state;
    const { startedEventId, scheduledEventId } = s.wft;
    this.atOpenRun(s.wft.startedAt + s.workflowTaskTimeoutMs, s.runId, (r) => {
      if (r.state.wft.status !== 'started' || r.state.wft.startedEventId !== startedEventId) return;
      this.appendEvent(r, 'workflowTaskTimedOut', {
        scheduledEventId: long(scheduledEventId),
        startedEventId: long(startedEventId),
        timeoutType: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
      });
      r.state.wft.status = workflowTaskMachine.next(r.state.wft.status, 'timeOut');
      this.retryWorkflowTask(r);
    });
  }

  /** After a failed or timed-out workflow task: flush, drop stickiness, schedule the next attempt. */
  retryWorkflowTask(run: Run): void {
    const s = run.state;
    this.flushBuffered(run);
    s.sticky = undefined;
    this.scheduleWorkflowTask(run, s.wft.attempt + 1);
  }

  /** Clears stickiness of runs on a dead sticky queue and moves their pending tasks to normal queues. */
  dropStickyQueue(namespace: string, queue: string): void {
    this.transact(() => {
      const key = normalQueueKey(namespace, 'wf', queue);
      this.workflowQueues.release((k) => k === key);
      const backlog = this.workflowQueues.take(key);
      for (const run of this.runs.values()) {
        const s = run.state;
        if (s.sticky?.queue !== queue || s.namespace !== namespace) continue;
        s.sticky = undefined;
        this.touch(run);
        if (s.wft.status === 'scheduled' && s.wft.sticky) {
          s.wft.sticky = false;
          this.workflowQueues.offer(normalQueueKey(namespace, 'wf', s.taskQueue), {
            kind: 'wft',
            runId: s.runId,
            scheduledEventId: s.wft.scheduledEventId,
          });
        }
      }
      for (const task of backlog) if (task.kind === 'query') this.reofferQuery?.(task.queryId);
    });
  }

  /** Set by the query module: re-dispatches a legacy query task whose sticky queue went away. */
  reofferQuery?: (queryId: string) => void;

  /** Queues work to run after the current workflow-task completion has been recorded. */
  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  runDeferred(): void {
    while (this.deferred.length > 0) this.deferred.shift()!();
  }

  newRunId(): string {
    return randomUUID();
  }
}

