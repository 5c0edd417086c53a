// The commands of a workflow-task completion, in order: each is checked before anything is
// written, then handed to the entity it acts on — an activity, a timer, a child, an external
// request, the run itself — whose transition writes the command's event (right after
// WorkflowTaskCompleted, in command order) and what follows from it. Markers, search-attribute
// upserts and memo changes only write their event.
import { randomUUID } from 'node:crypto';
import type { Engine } from './engine';
import type { Activities } from './activities';
import type { ActivityTasks } from './activity-tasks';
import type { Children } from './children';
import type { ExternalRequests } from './external-requests';
import type { Timers } from './timers';
import type { NewRunParams } from './run-lifecycle';
import type { Run } from './run-registry';
import { decideRetry, withRetryDefaults } from './retry';
import { invalidArgument } from './errors';
import { api, CommandType, durationMs, long, num, temporal, TaskQueueKind, type Command, type Memo, type SearchAttributes } from './proto';

type ActivityTaskResponse = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;
type Failure = temporal.api.failure.v1.IFailure;

/** The commands that close the run: with new events buffered, the workflow must see those first. */
export const CLOSING_COMMANDS = new Set<number>([
  CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

export class Commands {
  constructor(
    private readonly engine: Engine,
    private readonly entities: {
      activities: Activities;
      activityTasks: ActivityTasks;
      timers: Timers;
      children: Children;
      signals: ExternalRequests<temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes>;
      cancels: ExternalRequests<temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes>;
    },
  ) {}

  /** Rejects commands the server cannot apply, before anything is written. */
  validate(c: Command): void {
    switch (c.commandType) {
      case CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const a = c.scheduleActivityTaskCommandAttributes;
        if (!a?.activityId || !a.activityType?.name) throw invalidArgument('ScheduleActivityTask: activity id and type are required');
        if (!durationMs(a.scheduleToCloseTimeout) && !durationMs(a.startToCloseTimeout)) {
          throw invalidArgument(`ScheduleActivityTask ${a.activityId}: StartToClose or ScheduleToClose timeout is required`);
        }
        return;
      }
      case CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE:
      case CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION:
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION:
        throw invalidArgument(`${CommandType[c.commandType]} is not supported by this server`);
      default:
        return;
    }
  }

  /** Applies one command; returns an activity task started eagerly for the completing worker. */
  apply(run: Run, c: Command, wftcId: number, identity: string): ActivityTaskResponse | void {
    const { events, lifecycle } = this.engine;
    const { activities, activityTasks, timers, children, signals, cancels } = this.entities;
    const s = run.state;
    const wftCompletedEventId = long(wftcId);
    switch (c.commandType) {
      case CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const eager = activities.schedule(run, c.scheduleActivityTaskCommandAttributes!, wftcId, identity);
        return eager && activityTasks.response(eager);
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
        return activities.requestCancel(run, num(c.requestCancelActivityTaskCommandAttributes?.scheduledEventId), wftcId);
      case CommandType.COMMAND_TYPE_START_TIMER: {
        const a = c.startTimerCommandAttributes!;
        return timers.machine.apply(timers.ref(run, a.timerId ?? ''), 'start', { startToFireTimeout: a.startToFireTimeout, wftCompletedEventId: wftcId });
      }
      case CommandType.COMMAND_TYPE_CANCEL_TIMER:
        return timers.machine.apply(timers.ref(run, c.cancelTimerCommandAttributes?.timerId ?? ''), 'cancel', { wftCompletedEventId: wftcId, identity });
      case CommandType.COMMAND_TYPE_RECORD_MARKER: {
        const a = c.recordMarkerCommandAttributes!;
        events.append(run, 'markerRecorded', { markerName: a.markerName, details: a.details, header: a.header, failure: a.failure, workflowTaskCompletedEventId: wftCompletedEventId });
        return;
      }
      case CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const searchAttributes = c.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes;
        events.append(run, 'upsertWorkflowSearchAttributes', { workflowTaskCompletedEventId: wftCompletedEventId, searchAttributes });
        s.searchAttributes = { indexedFields: mergeFields(s.searchAttributes?.indexedFields, searchAttributes?.indexedFields) };
        return;
      }
      case CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES: {
        const upsertedMemo = c.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo;
        events.append(run, 'workflowPropertiesModified', { workflowTaskCompletedEventId: wftCompletedEventId, upsertedMemo });
        s.memo = { fields: mergeFields(s.memo?.fields, upsertedMemo?.fields) } satisfies Memo;
        return;
      }
      case CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
        return children.start(run, c.startChildWorkflowExecutionCommandAttributes!, wftcId);
      case CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
        return signals.request(run, c.signalExternalWorkflowExecutionCommandAttributes!, wftcId);
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
        return cancels.request(run, c.requestCancelExternalWorkflowExecutionCommandAttributes!, wftcId);
      case CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
        return lifecycle.machine.apply(run, 'complete', { result: c.completeWorkflowExecutionCommandAttributes?.result, workflowTaskCompletedEventId: wftCompletedEventId });
      case CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
        return this.failWorkflow(run, c.failWorkflowExecutionCommandAttributes?.failure, wftcId);
      case CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
        return lifecycle.machine.apply(run, 'cancel', { details: c.cancelWorkflowExecutionCommandAttributes?.details, workflowTaskCompletedEventId: wftCompletedEventId });
      case CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        return this.continueAsNew(run, c.continueAsNewWorkflowExecutionCommandAttributes!, wftcId);
      default:
        throw invalidArgument(`unknown command type ${c.commandType}`);
    }
  }

  /** FailWorkflowExecution: with a retry policy that allows it, the next attempt is a new run. */
  private failWorkflow(run: Run, failure: Failure | null | undefined, wftcId: number): void {
    const s = run.state;
    const decision = s.retryPolicy
      ? decideRetry({
          policy: withRetryDefaults(s.retryPolicy),
          attempt: s.attempt,
          failure,
          now: this.engine.now(),
          deadline: s.executionTimeoutMs > 0 ? s.startTime + s.executionTimeoutMs : 0,
          cancelRequested: false,
        })
      : ({ retry: false, retryState: api.enums.v1.RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET } as const);
    const first = run.events.at(0)!.workflowExecutionStartedEventAttributes!;
    const retry: NewRunParams | undefined = decision.retry
      ? {
          runId: randomUUID(),
          namespace: s.namespace,
          workflowId: s.workflowId,
          workflowType: s.workflowType,
          taskQueue: s.taskQueue,
          input: first.input,
          header: first.header,
          executionTimeoutMs: s.executionTimeoutMs,
          runTimeoutMs: s.runTimeoutMs,
          workflowTaskTimeoutMs: s.workflowTaskTimeoutMs,
          memo: s.memo,
          searchAttributes: s.searchAttributes,
          parent: s.parent,
          retryPolicy: s.retryPolicy,
          attempt: s.attempt + 1,
          firstTaskDelayMs: decision.backoffMs,
          continuedFrom: { runId: s.runId, firstRunId: s.firstRunId, initiator: api.enums.v1.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY, failure },
        }
      : undefined;
    this.engine.lifecycle.machine.apply(run, 'fail', {
      attrs: {
        failure,
        retryState: decision.retry ? api.enums.v1.RetryState.RETRY_STATE_IN_PROGRESS : decision.retryState,
        workflowTaskCompletedEventId: long(wftcId),
        newExecutionRunId: retry?.runId,
      },
      retry,
    });
  }

  private continueAsNew(run: Run, a: temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes, wftcId: number): void {
    const s = run.state;
    const next: NewRunParams = {
      runId: randomUUID(),
      namespace: s.namespace,
      workflowId: s.workflowId,
      workflowType: a.workflowType?.name || s.workflowType,
      taskQueue: a.taskQueue?.name || s.taskQueue,
      input: a.input,
      header: a.header,
      executionTimeoutMs: s.executionTimeoutMs,
      runTimeoutMs: durationMs(a.workflowRunTimeout) || s.runTimeoutMs,
      workflowTaskTimeoutMs: durationMs(a.workflowTaskTimeout) || s.workflowTaskTimeoutMs,
      memo: a.memo,
      searchAttributes: a.searchAttributes,
      parent: s.parent,
      retryPolicy: a.retryPolicy ?? s.retryPolicy,
      continuedFrom: { runId: s.runId, firstRunId: s.firstRunId, initiator: a.initiator ?? undefined, failure: a.failure, lastCompletionResult: a.lastCompletionResult },
    };
    this.engine.lifecycle.machine.apply(run, 'continueAsNew', {
      attrs: {
        newExecutionRunId: next.runId,
        workflowType: { name: next.workflowType },
        taskQueue: { name: next.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        input: a.input,
        workflowRunTimeout: a.workflowRunTimeout,
        workflowTaskTimeout: a.workflowTaskTimeout,
        workflowTaskCompletedEventId: long(wftcId),
        backoffStartInterval: a.backoffStartInterval,
        initiator: a.initiator,
        failure: a.failure,
        lastCompletionResult: a.lastCompletionResult,
        header: a.header,
        memo: a.memo,
        searchAttributes: a.searchAttributes,
      },
      next,
    });
  }
}

/** Upsert semantics of memo and search attributes: an empty (null) payload deletes the key. */
function mergeFields(current: SearchAttributes['indexedFields'], update: SearchAttributes['indexedFields']): NonNullable<SearchAttributes['indexedFields']> {
  const merged = { ...(current ?? {}) };
  for (const [key, payload] of Object.entries(update ?? {})) {
    const text = payload.data ? Buffer.from(payload.data).toString('utf8') : '';
    if (!payload.data || payload.data.length === 0 || text === 'null' || text === '[]') delete merged[key];
    else merged[key] = payload;
  }
  return merged;
}
