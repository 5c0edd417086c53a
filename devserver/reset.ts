// ResetWorkflowExecution (what `temporal workflow reset` does): a new run whose history is the
// base run's up to a workflow task, that task failed with RESET_WORKFLOW, the signals received
// after it re-applied, and a fresh workflow task. Activities and timers pending at the reset point
// are pending again; a still-running base run is terminated.
import { randomUUID } from 'node:crypto';
import type { Engine } from './engine';
import type { Run } from './run-registry';
import { isOpen, noWorkflowTask, type RunState, type TimerState } from './run-state';
import { invalidArgument } from './errors';
import { withRetryDefaults } from './retry';
import { decodeJson, encodeJson } from './json-codec';
import { api, durationMs, eventKindOf, num, timestampMs, type HistoryEvent, type temporal } from './proto';

type ResetRequest = Partial<temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest>;

export function resetWorkflow(engine: Engine, namespace: string, req: ResetRequest): { runId: string } {
  const workflowId = req.workflowExecution?.workflowId;
  if (!workflowId) throw invalidArgument('workflow_execution.workflow_id is required');
  const base = engine.runs.find(namespace, workflowId, req.workflowExecution?.runId);
  if (req.requestId) {
    const previous = engine.runs.startedBy(req.requestId);
    if (previous) return { runId: previous.state.runId };
  }
  const finishId = num(req.workflowTaskFinishEventId);
  const started = base.events.at(finishId - 2);
  if (finishId < 2 || !started || eventKindOf(started) !== 'workflowTaskStarted' || finishId > base.events.length + 1) {
    throw invalidArgument(
      `workflow_task_finish_event_id ${finishId} is not a reset point: it must follow a WorkflowTaskStarted event (usually it is a WorkflowTaskCompleted id)`,
    );
  }
  const kept = base.events.slice(0, finishId - 1);
  const laterSignals = base.events.slice(finishId - 1).filter((e) => eventKindOf(e) === 'workflowExecutionSignaled');
  if (isOpen(base.state)) engine.lifecycle.machine.apply(base, 'terminate', { reason: req.reason || 'reset', identity: 'history-resetter' });

  const now = engine.now();
  const newRunId = randomUUID();
  const b = base.state;
  const state: RunState = {
    ...(decodeJson(encodeJson({ ...b, activities: {}, timers: {}, children: {}, buffered: [] })) as RunState),
    runId: newRunId,
    status: 'none',
    startTime: now,
    executionTime: now,
    closeTime: undefined,
    runExpiresAt: b.runTimeoutMs > 0 ? now + b.runTimeoutMs : undefined,
    requestIds: req.requestId ? [req.requestId] : [],
    startRequestId: req.requestId || newRunId,
    wft: noWorkflowTask(),
    lastCompletedStartedEventId: 0,
    wftPending: false,
    sticky: undefined,
    nextTempEventId: 0,
    cancelRequested: false,
    newExecutionRunId: undefined,
  };
  replayPendingState(state, kept, now);
  const run: Run = { state, events: base.events.copy(finishId - 1), persistedEvents: 0, dirtyKeys: new Set() };
  engine.lifecycle.machine.apply(run, 'reset', {
    failedTask: {
      scheduledEventId: started.workflowTaskStartedEventAttributes?.scheduledEventId,
      startedEventId: started.eventId,
      cause: api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
      failure: { message: req.reason || 'reset', resetWorkflowFailureInfo: {} },
      identity: 'history-resetter',
      baseRunId: b.runId,
      newRunId,
    },
    signals: laterSignals.map((signal) => signal.workflowExecutionSignaledEventAttributes!),
  });
  return { runId: newRunId };
}

/** Walks the kept history: what was pending at the reset point is pending again. */
function replayPendingState(state: RunState, events: HistoryEvent[], now: number): void {
  for (const e of events) {
    const id = num(e.eventId);
    switch (eventKindOf(e)) {
      case 'workflowTaskStarted':
        break;
      case 'workflowTaskCompleted':
        state.lastCompletedStartedEventId = num(e.workflowTaskCompletedEventAttributes?.startedEventId);
        break;
      case 'workflowExecutionCancelRequested':
        state.cancelRequested = true;
        break;
      case 'activityTaskScheduled': {
        const a = e.activityTaskScheduledEventAttributes!;
        state.activities[id] = {
          scheduledEventId: id,
          activityId: a.activityId ?? '',
          activityType: a.activityType?.name ?? '',
          taskQueue: a.taskQueue?.name ?? state.taskQueue,
          header: a.header ?? undefined,
          input: a.input ?? undefined,
          scheduleToCloseMs: durationMs(a.scheduleToCloseTimeout),
          scheduleToStartMs: durationMs(a.scheduleToStartTimeout),
          startToCloseMs: durationMs(a.startToCloseTimeout),
          heartbeatMs: durationMs(a.heartbeatTimeout),
          retryPolicy: withRetryDefaults(a.retryPolicy),
          status: 'scheduled',
          attempt: 1,
          firstScheduledAt: now,
          attemptScheduledAt: now,
          cancelRequested: false,
        };
        break;
      }
      case 'activityTaskCompleted':
      case 'activityTaskFailed':
      case 'activityTaskTimedOut':
      case 'activityTaskCanceled': {
        const kind = eventKindOf(e) as 'activityTaskCompleted';
        delete state.activities[num(e[`${kind}EventAttributes`]?.scheduledEventId)];
        break;
      }
      case 'timerStarted': {
        const t = e.timerStartedEventAttributes!;
        const timer: TimerState = {
          timerId: t.timerId ?? '',
          startedEventId: id,
          dueAt: (timestampMs(e.eventTime) ?? now) + durationMs(t.startToFireTimeout),
        };
        state.timers[timer.timerId] = timer;
        break;
      }
      case 'timerFired':
        delete state.timers[e.timerFiredEventAttributes?.timerId ?? ''];
        break;
      case 'timerCanceled':
        delete state.timers[e.timerCanceledEventAttributes?.timerId ?? ''];
        break;
      default:
        break;
    }
  }
}
