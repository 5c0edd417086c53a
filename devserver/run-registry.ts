// The runs the server knows, and how requests name them: by run id, as the current (latest) run
// of a workflow id, or by the request_id that started them.
import type { History } from './history';
import type { RunState } from './run-state';
import { notFound } from './errors';

export interface Run {
  state: RunState;
  events: History;
  /** Number of events already handed to the store. */
  persistedEvents: number;
  /** Entities changed in the current transaction (see run-records.ts for the keys). */
  dirtyKeys: Set<string>;
}

const currentKey = (namespace: string, workflowId: string): string => `${namespace}/${workflowId}`;

export class RunRegistry {
  private readonly byId = new Map<string, Run>();
  /** Latest run of each workflow id. */
  private readonly current = new Map<string, string>();
  private readonly byStartRequest = new Map<string, string>();

  /** Registers a new run; it becomes the current run of its workflow id. */
  add(run: Run): void {
    const s = run.state;
    this.byId.set(s.runId, run);
    this.current.set(currentKey(s.namespace, s.workflowId), s.runId);
    this.byStartRequest.set(s.startRequestId, s.runId);
  }

  /** Registers a run read back from the log; the latest-started run of a workflow id is its current one. */
  addRestored(run: Run): void {
    const s = run.state;
    const existing = this.currentRun(s.namespace, s.workflowId);
    this.add(run);
    if (existing && existing.state.startTime > s.startTime) this.current.set(currentKey(s.namespace, s.workflowId), existing.state.runId);
  }

  get(runId: string): Run | undefined {
    return this.byId.get(runId);
  }

  /** The run a start request_id started, if any. */
  startedBy(requestId: string): Run | undefined {
    const runId = this.byStartRequest.get(requestId);
    return runId === undefined ? undefined : this.byId.get(runId);
  }

  all(): Iterable<Run> {
    return this.byId.values();
  }

  /** The run named by an execution (run id optional: the latest run of the workflow id); NOT_FOUND otherwise. */
  find(namespace: string, workflowId: string, runId?: string | null): Run {
    const run = runId ? this.byId.get(runId) : this.currentRun(namespace, workflowId);
    if (!run || run.state.workflowId !== workflowId || run.state.namespace !== namespace) {
      throw notFound(`workflow execution not found: WorkflowId ${workflowId}${runId ? `, RunId ${runId}` : ''}`);
    }
    return run;
  }

  currentRun(namespace: string, workflowId: string): Run | undefined {
    const runId = this.current.get(currentKey(namespace, workflowId));
    return runId === undefined ? undefined : this.byId.get(runId);
  }
}
