// Workflow tasks as workers see them: the poll response (sticky or full history, paged, with the
// queries riding on it), the completion with its commands, and the failure. What a task does to
// the run is its transition table (workflow-task-scheduling.ts); what each command does is
// commands.ts.
import type { Engine } from './engine';
import type { Commands } from './commands';
import { CLOSING_COMMANDS } from './commands';
import type { Queries } from './queries';
import type { Run } from './run-registry';
import { isOpen } from './run-state';
import { decodeTaskToken, encodeTaskToken } from './task-tokens';
import { invalidArgument, notFound } from './errors';
import { encodeHistoryPageToken } from './history-pages';
import { api, durationMs, long, temporal, timestamp, TaskQueueKind } from './proto';

type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type CompletedRequest = temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest;
type FailedRequest = temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest;
const { WorkflowTaskFailedCause } = api.enums.v1;

/** Events per history page handed to workers (the rest via GetWorkflowExecutionHistory). */
export const HISTORY_PAGE_SIZE = 1000;

export class WorkflowTasks {
  constructor(
    private readonly engine: Engine,
    private readonly commands: Commands,
    private readonly queries: Queries,
  ) {}

  /** Starts the task and renders the poll response; undefined when the queued task is stale. */
  start(runId: string, scheduledEventId: number, identity: string, requestId: string): PollResponse | undefined {
    const run = this.engine.runs.get(runId);
    if (!run || !this.engine.tasks.start(run, scheduledEventId, identity, requestId)) return undefined;
    const s = run.state;
    const first = s.wft.sticky ? s.lastCompletedStartedEventId + 1 : 1;
    const last = s.wft.startedEventId;
    const end = Math.min(last, first + HISTORY_PAGE_SIZE - 1);
    return {
      taskToken: encodeTaskToken({ kind: 'workflow', runId, scheduledEventId, attempt: s.wft.attempt }),
      workflowExecution: { workflowId: s.workflowId, runId },
      workflowType: { name: s.workflowType },
      previousStartedEventId: long(s.lastCompletedStartedEventId),
      startedEventId: long(last),
      attempt: s.wft.attempt,
      history: { events: run.events.slice(first - 1, end) },
      nextPageToken: end < last ? encodeHistoryPageToken({ runId, nextEventId: end + 1 }) : undefined,
      queries: this.queries.attach(run),
      workflowExecutionTaskQueue: { name: s.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      scheduledTime: timestamp(s.wft.scheduledAt),
      startedTime: timestamp(s.wft.startedAt),
    };
  }

  complete(req: CompletedRequest): temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedResponse {
    const { events, tasks, db } = this.engine;
    const run = this.startedTask(req.taskToken);
    const s = run.state;
    const commands = req.commands ?? [];
    const identity = req.identity ?? '';
    if (s.buffered.length > 0 && commands.some((c) => CLOSING_COMMANDS.has(c.commandType ?? 0))) {
      // New events arrived while the worker was deciding to close: it must see them first.
      tasks.machine.apply(run, 'fail', { cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, identity });
      throw invalidArgument('UnhandledCommand');
    }
    for (const c of commands) this.commands.validate(c);
    const wftCompletedEventId = events.append(run, 'workflowTaskCompleted', {
      scheduledEventId: long(s.wft.scheduledEventId),
      startedEventId: long(s.wft.startedEventId),
      identity,
      binaryChecksum: req.binaryChecksum,
      sdkMetadata: req.sdkMetadata,
      meteringMetadata: req.meteringMetadata,
      workerVersion: req.workerVersionStamp,
    });
    s.lastCompletedStartedEventId = s.wft.startedEventId;
    const eagerActivities: temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse[] = [];
    for (const command of commands) {
      if (!isOpen(s)) break;
      const eager = this.commands.apply(run, command, wftCompletedEventId, identity);
      if (eager) eagerActivities.push(eager);
    }
    if (isOpen(s)) {
      const worker = req.stickyAttributes?.workerTaskQueue?.name;
      tasks.machine.apply(run, 'complete', {
        stickyQueue: worker ? { queue: worker, scheduleToStartMs: durationMs(req.stickyAttributes?.scheduleToStartTimeout) || 10_000 } : undefined,
        forceNewTask: req.forceCreateNewWorkflowTask === true,
      });
    }
    db.touch(run);
    events.runDeferred();
    this.queries.afterCompletion(run, req.queryResults);
    return { activityTasks: isOpen(s) ? eagerActivities : [] };
  }

  fail(req: FailedRequest): void {
    this.engine.tasks.machine.apply(this.startedTask(req.taskToken), 'fail', { cause: req.cause ?? 0, identity: req.identity ?? '', failure: req.failure });
  }

  /** The run whose started task a worker reports on; NOT_FOUND when the token is stale. */
  private startedTask(token: Uint8Array | null | undefined): Run {
    const t = decodeTaskToken(token, 'workflow');
    const run = this.engine.runs.get(t.runId);
    const w = run?.state.wft;
    if (!run || !w || !isOpen(run.state) || w.status !== 'started' || w.scheduledEventId !== t.scheduledEventId || w.attempt !== t.attempt) {
      throw notFound('workflow task not found (already completed, timed out, or the workflow is closed)');
    }
    return run;
  }
}
