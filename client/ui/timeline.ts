// The steps of a run as its Temporal histories record them: the run workflow `<runId>` and the
// child workflow of every iteration it started, each activity with when it was scheduled and
// closed, its attempts and its failure. An activity's retries are not events: the started event
// carries the attempt number and the previous attempt's failure. The embedded devserver writes
// ActivityTaskStarted only when the attempt ends, so a step's duration is close − scheduled
// (queueing included) everywhere.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type StepStatus = 'scheduled' | 'completed' | 'failed' | 'timed out' | 'cancelled';

export interface TimelineStep {
  activity: string;
  /** The step's summary (userMetadata) where the server keeps it, else its step directory from the input. */
  label: string;
  scheduledMs: number;
  closedMs: number | null;
  attempts: number;
  status: StepStatus;
  /** The last attempt's failure, or for a step that succeeded after retries, the failure before. */
  failure: string | null;
}

export interface WorkflowTimeline {
  workflowId: string;
  startMs: number;
  closeMs: number | null;
  status: string;
  steps: TimelineStep[];
  /** Child workflows started, in order. */
  children: string[];
}

export function workflowTimeline(workflowId: string, events: readonly HistoryEvent[]): WorkflowTimeline {
  const steps = new Map<string, TimelineStep>();
  const children: string[] = [];
  let closeMs: number | null = null;
  let status = 'running';
  const close = (id: unknown, at: number, s: StepStatus, failure?: temporal.api.failure.v1.IFailure | null): void => {
    const step = steps.get(String(id));
    if (!step) return;
    step.closedMs = at;
    step.status = s;
    if (failure) step.failure = failureMessage(failure);
  };
  for (const e of events) {
    const at = timeOf(e);
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const activity = a.activityType?.name ?? '?';
      steps.set(id, { activity, label: summaryOf(e) ?? labelFromInput(a.input?.payloads?.[0]) ?? activity, scheduledMs: at, closedMs: null, attempts: 1, status: 'scheduled', failure: null });
    } else if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      const step = steps.get(String(a.scheduledEventId));
      if (step) {
        step.attempts = a.attempt ?? 1;
        if (a.lastFailure) step.failure = failureMessage(a.lastFailure);
      }
    } else if (e.activityTaskCompletedEventAttributes) close(e.activityTaskCompletedEventAttributes.scheduledEventId, at, 'completed');
    else if (e.activityTaskFailedEventAttributes) close(e.activityTaskFailedEventAttributes.scheduledEventId, at, 'failed', e.activityTaskFailedEventAttributes.failure);
    else if (e.activityTaskTimedOutEventAttributes) close(e.activityTaskTimedOutEventAttributes.scheduledEventId, at, 'timed out', e.activityTaskTimedOutEventAttributes.failure);
    else if (e.activityTaskCanceledEventAttributes) close(e.activityTaskCanceledEventAttributes.scheduledEventId, at, 'cancelled');
    else if (e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId) children.push(e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId);
    else if (e.workflowExecutionCompletedEventAttributes) [closeMs, status] = [at, 'completed'];
    else if (e.workflowExecutionFailedEventAttributes) [closeMs, status] = [at, 'failed'];
    else if (e.workflowExecutionTimedOutEventAttributes) [closeMs, status] = [at, 'timed out'];
    else if (e.workflowExecutionCanceledEventAttributes) [closeMs, status] = [at, 'cancelled'];
    else if (e.workflowExecutionTerminatedEventAttributes) [closeMs, status] = [at, 'terminated'];
    else if (e.workflowExecutionContinuedAsNewEventAttributes) [closeMs, status] = [at, 'continued as new'];
  }
  return { workflowId, startMs: events.length > 0 ? timeOf(events[0]) : NaN, closeMs, status, steps: [...steps.values()], children };
}

/** The run workflow and every child it started (latest executions), in the order they started. */
export async function runTimeline(client: Client, runId: string): Promise<WorkflowTimeline[]> {
  const fetch = async (workflowId: string): Promise<WorkflowTimeline | null> => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory().catch(() => null);
    return history ? workflowTimeline(workflowId, history.events ?? []) : null;
  };
  const run = await fetch(runId);
  if (!run) return [];
  const children = await Promise.all([...new Set(run.children)].map(fetch));
  return [run, ...children.filter((c): c is WorkflowTimeline => c !== null)];
}

function timeOf(e: HistoryEvent): number {
  return Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
}

function summaryOf(e: HistoryEvent): string | null {
  const payload = e.userMetadata?.summary;
  if (!payload) return null;
  const summary = defaultPayloadConverter.fromPayload(payload);
  return typeof summary === 'string' && summary !== '' ? summary : null;
}

/** Every step's input names its directory; shards and trainees say which one. */
function labelFromInput(payload: temporal.api.common.v1.IPayload | null | undefined): string | null {
  if (!payload) return null;
  const input = defaultPayloadConverter.fromPayload(payload) as { stepDir?: string; split?: string; shard?: { index: number; count: number; start: number; end: number }; dataset?: { id: string; examples: number } } | null;
  if (!input?.stepDir) return null;
  if (input.shard) return `${input.stepDir}: questions ${input.shard.start + 1}–${input.shard.end} (shard ${input.shard.index + 1}/${input.shard.count})`;
  if (input.dataset) return `${input.stepDir}: ${input.dataset.id} on ${input.dataset.examples} examples`;
  return input.stepDir;
}

function failureMessage(f: temporal.api.failure.v1.IFailure): string {
  let message = f.message ?? 'failed';
  for (let c = f.cause; c; c = c.cause) if (c.message) message = c.message;
  return message;
}
