// Workflow queries. A query rides on the next workflow task when one is scheduled or running (the
// `queries` map, answered in `query_results`); otherwise it becomes a legacy query task (`query`
// field, answered by RespondQueryTaskCompleted): on the sticky queue with no history while the
// run is sticky, else on the normal queue with the full history.
import { randomUUID } from 'node:crypto';
import type { Engine } from './engine';
import type { Run } from './run-registry';
import { queueKey } from './task-queues';
import { isOpen } from './run-state';
import { encodeTaskToken } from './task-tokens';
import { invalidArgument } from './errors';
import { api, long, temporal, TaskQueueKind } from './proto';

type WorkflowQuery = temporal.api.query.v1.IWorkflowQuery;
type QueryResponse = temporal.api.workflowservice.v1.IQueryWorkflowResponse;
type QueryResult = temporal.api.query.v1.IWorkflowQueryResult;
const { QueryResultType, QueryRejectCondition, WorkflowExecutionStatus } = api.enums.v1;

interface PendingQuery {
  id: string;
  runId: string;
  query: WorkflowQuery;
  phase: 'waiting' | 'attached' | 'legacy';
  resolve(response: QueryResponse): void;
  reject(err: Error): void;
}

const STATUS_BY_NAME: Record<string, number> = {
  running: WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
  completed: WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
  failed: WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
  canceled: WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
  terminated: WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
  continuedAsNew: WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW,
  timedOut: WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
};
export const statusEnum = (status: string): number => STATUS_BY_NAME[status];

export class Queries {
  private pending = new Map<string, PendingQuery>();

  constructor(private readonly engine: Engine) {
    engine.tasks.reofferQuery = (id) => {
      const q = this.pending.get(id);
      if (q) this.dispatchLegacy(q);
    };
    // A new workflow task (after a timeout or failure too) carries the queries the last one did not answer.
    engine.tasks.onScheduled.push((run) => {
      for (const q of this.ofRun(run.state.runId)) if (q.phase === 'attached') q.phase = 'waiting';
    });
    engine.lifecycle.onClosed.push((run) => {
      for (const q of this.ofRun(run.state.runId)) if (q.phase !== 'legacy') this.dispatchLegacy(q);
    });
  }

  query(run: Run, query: WorkflowQuery, rejectCondition: number, onCancel: (cancel: () => void) => void): Promise<QueryResponse> {
    const s = run.state;
    const status = statusEnum(s.status);
    if (
      (rejectCondition === QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN && !isOpen(s)) ||
      (rejectCondition === QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY &&
        !isOpen(s) &&
        s.status !== 'completed')
    ) {
      return Promise.resolve({ queryRejected: { status } });
    }
    return new Promise((resolve, reject) => {
      const q: PendingQuery = { id: randomUUID(), runId: s.runId, query, phase: 'waiting', resolve, reject };
      this.pending.set(q.id, q);
      onCancel(() => this.pending.delete(q.id));
      if (!isOpen(s) || s.wft.status === 'none') this.dispatchLegacy(q);
    });
  }

  /** Queries to deliver with a workflow task being started now. */
  attach(run: Run): Record<string, WorkflowQuery> | undefined {
    const waiting = this.ofRun(run.state.runId).filter((q) => q.phase === 'waiting');
    if (waiting.length === 0) return undefined;
    for (const q of waiting) q.phase = 'attached';
    return Object.fromEntries(waiting.map((q) => [q.id, q.query]));
  }

  /** Answers carried by a workflow-task completion; what is left waits or goes legacy. */
  afterCompletion(run: Run, results: Record<string, QueryResult> | null | undefined): void {
    for (const [id, result] of Object.entries(results ?? {})) {
      const q = this.pending.get(id);
      if (!q) continue;
      this.pending.delete(id);
      this.settle(q, result.resultType ?? 0, result.answer, result.errorMessage ?? '');
    }
    this.afterTaskEnded(run);
  }

  /** The workflow task ended without answering: wait for the next one, or go legacy. */
  afterTaskEnded(run: Run): void {
    const s = run.state;
    for (const q of this.ofRun(s.runId)) {
      if (q.phase !== 'attached' && q.phase !== 'waiting') continue;
      q.phase = 'waiting';
      if (!isOpen(s) || s.wft.status === 'none') this.dispatchLegacy(q);
    }
  }

  /** RespondQueryTaskCompleted. */
  respond(queryId: string, resultType: number, answer: temporal.api.common.v1.IPayloads | null | undefined, errorMessage: string): void {
    const q = this.pending.get(queryId);
    if (!q) return;
    this.pending.delete(queryId);
    this.settle(q, resultType, answer, errorMessage);
  }

  /** The poll response for a legacy query task, or undefined if the query is gone. */
  legacyTask(queryId: string): temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse | undefined {
    const q = this.pending.get(queryId);
    const run = q && this.engine.runs.get(q.runId);
    if (!q || !run) return undefined;
    const s = run.state;
    const sticky = isOpen(s) && s.sticky !== undefined;
    return {
      taskToken: encodeTaskToken({ kind: 'query', queryId }),
      workflowExecution: { workflowId: s.workflowId, runId: s.runId },
      workflowType: { name: s.workflowType },
      previousStartedEventId: long(s.lastCompletedStartedEventId),
      startedEventId: long(0),
      attempt: 1,
      history: { events: sticky ? [] : run.events.slice(0) },
      query: q.query,
      workflowExecutionTaskQueue: { name: s.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    };
  }

  private dispatchLegacy(q: PendingQuery): void {
    const run = this.engine.runs.get(q.runId);
    if (!run) return;
    const s = run.state;
    q.phase = 'legacy';
    const queue = isOpen(s) && s.sticky ? s.sticky.queue : s.taskQueue;
    this.engine.workflowQueues.offer(queueKey(s.namespace, 'wf', queue), { kind: 'query', queryId: q.id });
  }

  private settle(q: PendingQuery, resultType: number, answer: temporal.api.common.v1.IPayloads | null | undefined, errorMessage: string): void {
    if (resultType === QueryResultType.QUERY_RESULT_TYPE_ANSWERED) q.resolve({ queryResult: answer });
    else q.reject(invalidArgument(errorMessage || 'query failed'));
  }

  private ofRun(runId: string): PendingQuery[] {
    return [...this.pending.values()].filter((q) => q.runId === runId);
  }
}
