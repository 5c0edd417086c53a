// The mutable state of one workflow run: everything the server must remember between requests.
// How it is stored is run-records.ts; how each part of it changes is its entity's transition table
// (run-lifecycle.ts, workflow-task-scheduling.ts, activities.ts, timers.ts, children.ts).
import type { Failure, Header, HistoryEvent, Memo, Payloads, RetryPolicy, SearchAttributes } from './proto';

/**
 * Stored: `running` and the closed statuses. `none` is a run built but not yet started (it starts
 * in the same transaction, so it is never stored); `cancelRequested` is derived, see run-lifecycle.ts.
 */
export type RunStatus = 'none' | 'running' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'continuedAsNew' | 'timedOut';

export type WorkflowTaskStatus = 'none' | 'scheduled' | 'started';

/**
 * Stored: scheduled, started, backoff. `none` is an activity built but not yet scheduled, and the
 * final states are set as it leaves the run (it is removed in the same transaction).
 */
export type ActivityStatus = 'none' | 'scheduled' | 'started' | 'backoff' | 'completed' | 'failed' | 'canceled' | 'timedOut';

export interface WorkflowTaskState {
  status: WorkflowTaskStatus;
  scheduledEventId: number;
  startedEventId: number;
  attempt: number;
  /** Dispatched to the run's sticky queue (partial history) rather than its normal queue. */
  sticky: boolean;
  scheduledAt: number;
  startedAt: number;
}

export interface ActivityState {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  header?: Header;
  input?: Payloads;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  retryPolicy: RetryPolicy;
  status: ActivityStatus;
  attempt: number;
  firstScheduledAt: number;
  attemptScheduledAt: number;
  startedAt?: number;
  identity?: string;
  heartbeatDetails?: Payloads;
  lastHeartbeatAt?: number;
  lastFailure?: Failure;
  cancelRequested: boolean;
  cancelRequestedEventId?: number;
}

export interface TimerState {
  timerId: string;
  startedEventId: number;
  dueAt: number;
}

export interface ChildState {
  initiatedEventId: number;
  namespace: string;
  workflowId: string;
  workflowType: string;
  runId?: string;
  /** Negative while the ChildWorkflowExecutionStarted event is still buffered. */
  startedEventId?: number;
  parentClosePolicy: number;
}

export interface ParentInfo {
  namespace: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

export interface RunState {
  namespace: string;
  workflowId: string;
  runId: string;
  firstRunId: string;
  workflowType: string;
  taskQueue: string;
  status: RunStatus;
  startTime: number;
  executionTime: number;
  closeTime?: number;
  runTimeoutMs: number;
  executionTimeoutMs: number;
  workflowTaskTimeoutMs: number;
  /** Absolute deadline of the run timeout, if any. */
  runExpiresAt?: number;
  memo?: Memo;
  searchAttributes?: SearchAttributes;
  parent?: ParentInfo;
  retryPolicy?: RetryPolicy;
  attempt: number;
  /** request_ids already applied to this run (start, signals, cancels) for idempotency. */
  requestIds: string[];
  startRequestId: string;
  wft: WorkflowTaskState;
  lastCompletedStartedEventId: number;
  /** An event arrived while a workflow task was started: schedule another when it completes. */
  wftPending: boolean;
  sticky?: { queue: string; scheduleToStartMs: number };
  /** Events that arrived while a workflow task was started; their ids are assigned on flush. */
  buffered: HistoryEvent[];
  nextTempEventId: number;
  cancelRequested: boolean;
  newExecutionRunId?: string;
  /** A retry run's first workflow task waits for the retry backoff until this time. */
  firstTaskAt?: number;
  activities: Record<string, ActivityState>;
  timers: Record<string, TimerState>;
  children: Record<string, ChildState>;
}

export const isOpen = (state: RunState): boolean => state.status === 'running';

/** The workflow task of a run that has none scheduled or started. */
export const noWorkflowTask = (): WorkflowTaskState => ({
  status: 'none',
  scheduledEventId: 0,
  startedEventId: 0,
  attempt: 1,
  sticky: false,
  scheduledAt: 0,
  startedAt: 0,
});
