// Read-only views of a run: WorkflowExecutionInfo (Describe and List) and DescribeWorkflowExecution.
import type { Run } from './run-registry';
import { statusEnum } from './queries';
import { api, duration, long, temporal, timestamp, TaskQueueKind } from './proto';

type ExecutionInfo = temporal.api.workflow.v1.IWorkflowExecutionInfo;
type DescribeResponse = temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse;
const { PendingActivityState, PendingWorkflowTaskState } = api.enums.v1;

export function executionInfo(run: Run): ExecutionInfo {
  const s = run.state;
  return {
    execution: { workflowId: s.workflowId, runId: s.runId },
    type: { name: s.workflowType },
    startTime: timestamp(s.startTime),
    closeTime: s.closeTime !== undefined ? timestamp(s.closeTime) : undefined,
    status: statusEnum(s.status),
    historyLength: long(run.events.length),
    parentNamespaceId: s.parent?.namespace,
    parentExecution: s.parent ? { workflowId: s.parent.workflowId, runId: s.parent.runId } : undefined,
    executionTime: timestamp(s.executionTime),
    memo: s.memo ?? { fields: {} },
    searchAttributes: s.searchAttributes ?? { indexedFields: {} },
    taskQueue: s.taskQueue,
    stateTransitionCount: long(run.events.length),
    historySizeBytes: long(0),
    firstRunId: s.firstRunId,
    executionDuration: s.closeTime !== undefined ? duration(s.closeTime - s.executionTime) : undefined,
  };
}

export function describe(run: Run): DescribeResponse {
  const s = run.state;
  return {
    executionConfig: {
      taskQueue: { name: s.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      workflowExecutionTimeout: duration(s.executionTimeoutMs),
      workflowRunTimeout: duration(s.runTimeoutMs),
      defaultWorkflowTaskTimeout: duration(s.workflowTaskTimeoutMs),
    },
    workflowExecutionInfo: executionInfo(run),
    pendingActivities: Object.values(s.activities).map((a) => ({
      activityId: a.activityId,
      activityType: { name: a.activityType },
      state: a.cancelRequested
        ? PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
        : a.status === 'started'
          ? PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
          : PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
      heartbeatDetails: a.heartbeatDetails,
      lastHeartbeatTime: a.lastHeartbeatAt !== undefined ? timestamp(a.lastHeartbeatAt) : undefined,
      lastStartedTime: a.startedAt !== undefined ? timestamp(a.startedAt) : undefined,
      attempt: a.attempt,
      maximumAttempts: a.retryPolicy.maximumAttempts ?? 0,
      scheduledTime: timestamp(a.attemptScheduledAt),
      expirationTime: a.scheduleToCloseMs > 0 ? timestamp(a.firstScheduledAt + a.scheduleToCloseMs) : undefined,
      lastFailure: a.lastFailure,
      lastWorkerIdentity: a.identity,
      currentRetryInterval: a.status === 'backoff' ? duration(Math.max(0, a.attemptScheduledAt - (a.startedAt ?? a.attemptScheduledAt))) : undefined,
    })),
    pendingChildren: Object.values(s.children).map((c) => ({
      workflowId: c.workflowId,
      runId: c.runId,
      workflowTypeName: c.workflowType,
      initiatedId: long(c.initiatedEventId),
      parentClosePolicy: c.parentClosePolicy,
    })),
    pendingWorkflowTask:
      s.wft.status === 'none'
        ? undefined
        : {
            state:
              s.wft.status === 'started'
                ? PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
                : PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
            scheduledTime: timestamp(s.wft.scheduledAt),
            originalScheduledTime: timestamp(s.wft.scheduledAt),
            startedTime: s.wft.status === 'started' ? timestamp(s.wft.startedAt) : undefined,
            attempt: s.wft.attempt,
          },
  };
}
