// The WorkflowService RPC handlers: validate the request, run one engine transaction, answer.
import type { Engine } from './engine';
import type { Run } from './run-registry';
import type { ActivityTasks } from './activity-tasks';
import type { Queries } from './queries';
import type { WorkflowTasks } from './workflow-tasks';
import type { Namespaces } from './namespaces';
import type { Visibility } from './visibility-store';
import { decideStart } from './start-policies';
import { queueKey, type TaskQueues } from './task-queues';
import { describe } from './describe';
import { getHistory } from './history-pages';
import { resetWorkflow } from './reset';
import { decodeTaskToken } from './task-tokens';
import { isOpen } from './run-state';
import { invalidArgument, notFound } from './errors';
import { api, durationMs, temporal } from './proto';

type WS = typeof temporal.api.workflowservice.v1;
/** Request and response types of a WorkflowService method, by method name. */
type Req<M extends keyof WS> = WS[M] extends { prototype: infer T } ? Partial<T> : never;

export interface CallContext {
  /** Registers a callback for when the client goes away (deadline or cancel). */
  onCancel(fn: () => void): void;
  readonly cancelled: boolean;
}

export type Handler = (request: never, ctx: CallContext) => unknown;

/** How long an empty long poll is held (the SDKs' poll deadline is 70 s). */
export const LONG_POLL_MS = 55_000;

export function workflowServiceHandlers(deps: {
  engine: Engine;
  activityTasks: ActivityTasks;
  queries: Queries;
  workflowTasks: WorkflowTasks;
  namespaces: Namespaces;
  visibility: Visibility;
  longPollMs: number;
}): Record<string, Handler> {
  const { engine, activityTasks, queries, workflowTasks, namespaces, visibility, longPollMs } = deps;
  const ns = (name: string | null | undefined): string => namespaces.require(name);
  const required = (value: string | null | undefined, field: string): string => {
    if (!value) throw invalidArgument(`${field} is required`);
    return value;
  };

  /**
   * Waits up to the long-poll time for a task on `key` that `respond` turns into a poll response;
   * {} when none came. A task whose client left meanwhile goes back to the front of its queue; one
   * with no response (its run moved on meanwhile) is dropped and the wait goes on.
   */
  const longPoll = async <T, R>(queues: TaskQueues<T>, key: string, identity: string, ctx: CallContext, respond: (task: T) => R | null | undefined): Promise<R | object> => {
    const deadline = Date.now() + longPollMs;
    for (;;) {
      const task = await queues.poll(key, identity, deadline - Date.now(), (c) => ctx.onCancel(c));
      if (!task) return {};
      if (ctx.cancelled) {
        queues.offer(key, task, true);
        return {};
      }
      const response = respond(task);
      if (response) return response;
      if (Date.now() >= deadline) return {};
    }
  };

  type StartRequest = Req<'StartWorkflowExecutionRequest'> | Req<'SignalWithStartWorkflowExecutionRequest'>;
  /** The fields both start RPCs require, validated before their transaction. */
  const startTarget = (req: StartRequest) => ({
    namespace: ns(req.namespace),
    workflowId: required(req.workflowId, 'workflow_id'),
    workflowType: required(req.workflowType?.name, 'workflow_type.name'),
    taskQueue: required(req.taskQueue?.name, 'task_queue.name'),
  });
  /** Within the transaction, once decideStart allows it: ends the run the new one replaces, then creates it. */
  const startRun = (req: StartRequest, target: ReturnType<typeof startTarget>, terminate: Run | undefined, beforeFirstTask?: (run: Run) => void): Run => {
    if (terminate) engine.lifecycle.machine.apply(terminate, 'terminate', { reason: 'terminated by new runID', identity: req.identity ?? '' });
    return engine.lifecycle.create({
      ...target,
      input: req.input,
      header: req.header,
      executionTimeoutMs: durationMs(req.workflowExecutionTimeout),
      runTimeoutMs: durationMs(req.workflowRunTimeout),
      workflowTaskTimeoutMs: durationMs(req.workflowTaskTimeout),
      memo: req.memo,
      searchAttributes: visibility.validateSearchAttributes(req.searchAttributes),
      retryPolicy: req.retryPolicy,
      identity: req.identity ?? '',
      requestId: req.requestId ?? undefined,
      beforeFirstTask,
    });
  };

  const handlers = {
    GetSystemInfo: () => ({
      serverVersion: '1.24.0-maft-devserver',
      capabilities: {
        signalAndQueryHeader: true,
        internalErrorDifferentiation: true,
        activityFailureIncludeHeartbeat: true,
        supportsSchedules: false,
        encodedFailureAttributes: true,
        buildIdBasedVersioning: false,
        upsertMemo: true,
        eagerWorkflowStart: false,
        sdkMetadata: true,
        countGroupByExecutionStatus: true,
        nexus: false,
      },
    }),

    DescribeNamespace: (req: Req<'DescribeNamespaceRequest'>) => namespaces.describe(req.namespace || req.id || ''),
    ListNamespaces: () => ({ namespaces: namespaces.list() }),
    RegisterNamespace: (req: Req<'RegisterNamespaceRequest'>) => {
      engine.db.transact(() => namespaces.register(required(req.namespace, 'namespace'), req.description ?? '', durationMs(req.workflowExecutionRetentionPeriod)));
      return {};
    },

    StartWorkflowExecution: (req: Req<'StartWorkflowExecutionRequest'>) => {
      const target = startTarget(req);
      return engine.db.transact(() => {
        const decision = decideStart(engine, target.namespace, target.workflowId, req.requestId, req.workflowIdReusePolicy ?? 0, req.workflowIdConflictPolicy ?? 0);
        if (decision.kind === 'existing') return { runId: decision.run.state.runId, started: decision.started };
        return { runId: startRun(req, target, decision.terminate).state.runId, started: true };
      });
    },

    SignalWithStartWorkflowExecution: (req: Req<'SignalWithStartWorkflowExecutionRequest'>) => {
      const target = startTarget(req);
      const signalName = required(req.signalName, 'signal_name');
      const signal = { signalName, input: req.signalInput, identity: req.identity ?? '', header: req.header };
      return engine.db.transact(() => {
        const current = engine.runs.currentRun(target.namespace, target.workflowId);
        if (current && isOpen(current.state) && req.workflowIdConflictPolicy !== api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
          engine.lifecycle.machine.apply(current, 'signal', signal);
          return { runId: current.state.runId, started: false };
        }
        const decision = decideStart(engine, target.namespace, target.workflowId, undefined, req.workflowIdReusePolicy ?? 0, req.workflowIdConflictPolicy ?? 0);
        if (decision.kind === 'existing') return { runId: decision.run.state.runId, started: false };
        const run = startRun(req, target, decision.terminate, (r) => engine.events.append(r, 'workflowExecutionSignaled', signal));
        return { runId: run.state.runId, started: true };
      });
    },

    PollWorkflowTaskQueue: async (req: Req<'PollWorkflowTaskQueueRequest'>, ctx: CallContext) => {
      const namespace = ns(req.namespace);
      const key = queueKey(namespace, 'wf', required(req.taskQueue?.name, 'task_queue.name'));
      const identity = req.identity ?? '';
      return longPoll(engine.workflowQueues, key, identity, ctx, (task) =>
        task.kind === 'wft'
          ? engine.db.transact(() => workflowTasks.start(task.runId, task.scheduledEventId, identity, `${identity}-${Date.now()}`), { durable: false })
          : queries.legacyTask(task.queryId),
      );
    },

    RespondWorkflowTaskCompleted: (req: Req<'RespondWorkflowTaskCompletedRequest'>) =>
      engine.db.transact(() => workflowTasks.complete(req)),

    RespondWorkflowTaskFailed: (req: Req<'RespondWorkflowTaskFailedRequest'>) => {
      engine.db.transact(() => workflowTasks.fail(req));
      return {};
    },

    PollActivityTaskQueue: async (req: Req<'PollActivityTaskQueueRequest'>, ctx: CallContext) => {
      const namespace = ns(req.namespace);
      const key = queueKey(namespace, 'act', required(req.taskQueue?.name, 'task_queue.name'));
      const identity = req.identity ?? '';
      return longPoll(engine.activityQueues, key, identity, ctx, (task) => engine.db.transact(() => activityTasks.start(task, identity), { durable: false }));
    },

    RecordActivityTaskHeartbeat: (req: Req<'RecordActivityTaskHeartbeatRequest'>) =>
      engine.db.transact(() => activityTasks.heartbeat(decodeTaskToken(req.taskToken, 'activity'), req.details)),
    RecordActivityTaskHeartbeatById: (req: Req<'RecordActivityTaskHeartbeatByIdRequest'>) =>
      engine.db.transact(() =>
        activityTasks.heartbeat(activityTasks.tokenById(ns(req.namespace), req.workflowId ?? '', req.runId, req.activityId ?? ''), req.details),
      ),
    RespondActivityTaskCompleted: (req: Req<'RespondActivityTaskCompletedRequest'>) => {
      engine.db.transact(() => activityTasks.complete(decodeTaskToken(req.taskToken, 'activity'), req.result, req.identity ?? ''));
      return {};
    },
    RespondActivityTaskCompletedById: (req: Req<'RespondActivityTaskCompletedByIdRequest'>) => {
      engine.db.transact(() =>
        activityTasks.complete(activityTasks.tokenById(ns(req.namespace), req.workflowId ?? '', req.runId, req.activityId ?? ''), req.result, req.identity ?? ''),
      );
      return {};
    },
    RespondActivityTaskFailed: (req: Req<'RespondActivityTaskFailedRequest'>) => {
      engine.db.transact(() => activityTasks.fail(decodeTaskToken(req.taskToken, 'activity'), req.failure, req.identity ?? '', req.lastHeartbeatDetails));
      return {};
    },
    RespondActivityTaskFailedById: (req: Req<'RespondActivityTaskFailedByIdRequest'>) => {
      engine.db.transact(() =>
        activityTasks.fail(
          activityTasks.tokenById(ns(req.namespace), req.workflowId ?? '', req.runId, req.activityId ?? ''),
          req.failure,
          req.identity ?? '',
          req.lastHeartbeatDetails,
        ),
      );
      return {};
    },
    RespondActivityTaskCanceled: (req: Req<'RespondActivityTaskCanceledRequest'>) => {
      engine.db.transact(() => activityTasks.canceled(decodeTaskToken(req.taskToken, 'activity'), req.details, req.identity ?? ''));
      return {};
    },
    RespondActivityTaskCanceledById: (req: Req<'RespondActivityTaskCanceledByIdRequest'>) => {
      engine.db.transact(() =>
        activityTasks.canceled(activityTasks.tokenById(ns(req.namespace), req.workflowId ?? '', req.runId, req.activityId ?? ''), req.details, req.identity ?? ''),
      );
      return {};
    },

    GetWorkflowExecutionHistory: (req: Req<'GetWorkflowExecutionHistoryRequest'>, ctx: CallContext) =>
      getHistory(engine, ns(req.namespace), req, (c) => ctx.onCancel(c)),

    SignalWorkflowExecution: (req: Req<'SignalWorkflowExecutionRequest'>) => {
      const namespace = ns(req.namespace);
      const signalName = required(req.signalName, 'signal_name');
      engine.db.transact(() => {
        const run = engine.runs.find(namespace, required(req.workflowExecution?.workflowId, 'workflow_execution.workflow_id'), req.workflowExecution?.runId);
        if (!isOpen(run.state)) throw notFound('workflow execution already completed');
        if (req.requestId && run.state.requestIds.includes(req.requestId)) return;
        if (req.requestId) run.state.requestIds.push(req.requestId);
        engine.lifecycle.machine.apply(run, 'signal', { signalName, input: req.input, identity: req.identity ?? '', header: req.header, requestId: req.requestId ?? '' });
      });
      return {};
    },

    RequestCancelWorkflowExecution: (req: Req<'RequestCancelWorkflowExecutionRequest'>) => {
      const namespace = ns(req.namespace);
      engine.db.transact(() => {
        const run = engine.runs.find(namespace, required(req.workflowExecution?.workflowId, 'workflow_execution.workflow_id'), req.workflowExecution?.runId);
        engine.lifecycle.machine.apply(run, 'requestCancel', { cause: req.reason ?? '', identity: req.identity ?? '' });
      });
      return {};
    },

    TerminateWorkflowExecution: (req: Req<'TerminateWorkflowExecutionRequest'>) => {
      const namespace = ns(req.namespace);
      engine.db.transact(() => {
        const run = engine.runs.find(namespace, required(req.workflowExecution?.workflowId, 'workflow_execution.workflow_id'), req.workflowExecution?.runId);
        if (!isOpen(run.state)) throw notFound('workflow execution already completed');
        engine.lifecycle.machine.apply(run, 'terminate', { reason: req.reason ?? '', identity: req.identity ?? '', details: req.details });
      });
      return {};
    },

    QueryWorkflow: (req: Req<'QueryWorkflowRequest'>, ctx: CallContext) => {
      const namespace = ns(req.namespace);
      if (!req.query?.queryType) throw invalidArgument('query.query_type is required');
      const run = engine.runs.find(namespace, required(req.execution?.workflowId, 'execution.workflow_id'), req.execution?.runId);
      return queries.query(run, req.query, req.queryRejectCondition ?? 0, (c) => ctx.onCancel(c));
    },

    RespondQueryTaskCompleted: (req: Req<'RespondQueryTaskCompletedRequest'>) => {
      const token = decodeTaskToken(req.taskToken, 'query');
      queries.respond(token.queryId, req.completedType ?? 0, req.queryResult, req.errorMessage ?? req.failure?.message ?? '');
      return {};
    },

    DescribeWorkflowExecution: (req: Req<'DescribeWorkflowExecutionRequest'>) => {
      const namespace = ns(req.namespace);
      return describe(engine.runs.find(namespace, required(req.execution?.workflowId, 'execution.workflow_id'), req.execution?.runId));
    },

    ListWorkflowExecutions: (req: Req<'ListWorkflowExecutionsRequest'>) => visibility.list(ns(req.namespace), req.query ?? '', req.pageSize ?? 0, req.nextPageToken),
    ScanWorkflowExecutions: (req: Req<'ScanWorkflowExecutionsRequest'>) => visibility.list(ns(req.namespace), req.query ?? '', req.pageSize ?? 0, req.nextPageToken),
    CountWorkflowExecutions: (req: Req<'CountWorkflowExecutionsRequest'>) => visibility.count(ns(req.namespace), req.query ?? ''),
    GetSearchAttributes: () => ({ keys: visibility.searchAttributeKeys() }),

    ResetWorkflowExecution: (req: Req<'ResetWorkflowExecutionRequest'>) => {
      const namespace = ns(req.namespace);
      return engine.db.transact(() => resetWorkflow(engine, namespace, req));
    },

    ResetStickyTaskQueue: (req: Req<'ResetStickyTaskQueueRequest'>) => {
      const namespace = ns(req.namespace);
      engine.db.transact(() => {
        const run = engine.runs.find(namespace, required(req.execution?.workflowId, 'execution.workflow_id'), req.execution?.runId);
        engine.tasks.machine.apply(run, 'resetSticky');
      });
      return {};
    },

    ShutdownWorker: (req: Req<'ShutdownWorkerRequest'>) => {
      const namespace = ns(req.namespace);
      const identity = req.identity ?? '';
      if (req.stickyTaskQueue) engine.tasks.dropStickyQueue(namespace, req.stickyTaskQueue);
      // The worker waits for its outstanding polls before it finishes shutting down.
      engine.workflowQueues.release((_key, w) => w.identity === identity);
      engine.activityQueues.release((_key, w) => w.identity === identity);
      return {};
    },
  };
  return handlers as unknown as Record<string, Handler>;
}
