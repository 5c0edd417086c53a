// Child workflows as a transition table: initiated by the parent's command, then started (a run
// of their own, once the completion carrying the command is recorded) or failed to start (the
// workflow id is taken), and closed as the last run of their chain closes — each step an event
// in the parent. And the other direction: when a parent closes, its open children get its
// parent-close policy (terminate, request cancel, or abandon).
//
// A child's state is not stored as such: it is `initiated` while the parent holds it without a
// run id, `started` once it has one; a closed child leaves the parent.
import type { Engine } from './engine';
import { StateMachine, type TransitionTable } from './state-machine';
import { childKey } from './run-records';
import { isOpen, type ChildState, type RunState } from './run-state';
import type { Run } from './run-registry';
import { api, durationMs, long, temporal, type EventAttributes } from './proto';

type StartChildAttrs = temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes;
const { ParentClosePolicy, StartChildWorkflowExecutionFailedCause } = api.enums.v1;

export type ChildStatus = 'none' | 'initiated' | 'started' | 'startFailed' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'timedOut';

/** A child of a parent run, by the id of its initiated event, with its state as its table sees it. */
export interface ChildRef {
  parent: Run;
  /** 0 until the child is initiated. */
  initiatedEventId: number;
  status: ChildStatus;
}

/** The command that initiated the child. */
interface Initiation {
  attrs: StartChildAttrs;
  wftCompletedEventId: number;
}

export interface ChildRequests {
  initiate: Initiation;
  start: Initiation;
  failStart: Initiation;
  /** The closing actions carry the child's closed run (the last of its chain). */
  complete: Run;
  fail: Run;
  cancel: Run;
  terminate: Run;
  timeOut: Run;
}

export interface ChildCallbacks {
  initiateChild: (child: ChildRef, request: Initiation) => void;
  startChildRun: (child: ChildRef, request: Initiation) => void;
  recordStartFailed: (child: ChildRef, request: Initiation) => void;
  childCompleted: (child: ChildRef, closed: Run) => void;
  childFailed: (child: ChildRef, closed: Run) => void;
  childCanceled: (child: ChildRef, closed: Run) => void;
  childTerminated: (child: ChildRef, closed: Run) => void;
  childTimedOut: (child: ChildRef, closed: Run) => void;
}

export const childTable: TransitionTable<ChildStatus, ChildRequests, ChildRef, ChildCallbacks> = {
  none: { initiate: ['initiated', 'initiateChild'] },
  initiated: { start: ['started', 'startChildRun'], failStart: ['startFailed', 'recordStartFailed'] },
  started: {
    complete: ['completed', 'childCompleted'],
    fail: ['failed', 'childFailed'],
    cancel: ['canceled', 'childCanceled'],
    terminate: ['terminated', 'childTerminated'],
    timeOut: ['timedOut', 'childTimedOut'],
  },
};

/** The child action that a closed run's status means for its parent. */
const CLOSE_ACTIONS: Partial<Record<RunState['status'], 'complete' | 'fail' | 'cancel' | 'terminate' | 'timeOut'>> = {
  completed: 'complete',
  failed: 'fail',
  canceled: 'cancel',
  terminated: 'terminate',
  timedOut: 'timeOut',
};

type ChildCloseKind = 'childWorkflowExecutionCompleted' | 'childWorkflowExecutionFailed' | 'childWorkflowExecutionCanceled' | 'childWorkflowExecutionTerminated' | 'childWorkflowExecutionTimedOut';
type CommonCloseAttrs = 'namespace' | 'workflowExecution' | 'workflowType' | 'initiatedEventId' | 'startedEventId';

export class Children implements ChildCallbacks {
  readonly machine = new StateMachine('child workflow', childTable, { get: (c: ChildRef) => c.status, set: (c: ChildRef, to) => (c.status = to) }, this);

  constructor(
    private readonly engine: Engine,
    /** Whether a new run may start for this workflow id (reuse policy); supplied by the start logic. */
    private readonly mayStart: (namespace: string, workflowId: string, reusePolicy: number) => boolean,
  ) {
    engine.lifecycle.onClosed.push((run) => this.onClosed(run));
  }

  /** The child a parent initiated with event `initiatedEventId`, in the state its stored data says. */
  ref(parent: Run, initiatedEventId: number): ChildRef {
    const child = parent.state.children[initiatedEventId];
    return { parent, initiatedEventId, status: child ? (child.runId ? 'started' : 'initiated') : 'none' };
  }

  /** The StartChildWorkflowExecution command. */
  start(parent: Run, attrs: StartChildAttrs, wftCompletedEventId: number): void {
    this.machine.apply({ parent, initiatedEventId: 0, status: 'none' }, 'initiate', { attrs, wftCompletedEventId });
  }

  // ---- callbacks ----

  initiateChild(ref: ChildRef, initiation: Initiation): void {
    const { parent } = ref;
    const { attrs, wftCompletedEventId } = initiation;
    const s = parent.state;
    const namespace = attrs.namespace || s.namespace;
    ref.initiatedEventId = this.engine.events.append(parent, 'startChildWorkflowExecutionInitiated', {
      ...attrs,
      namespace,
      taskQueue: { name: attrs.taskQueue?.name || s.taskQueue, kind: api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      workflowTaskTimeout: attrs.workflowTaskTimeout ?? { seconds: long(Math.floor(s.workflowTaskTimeoutMs / 1000)) },
      workflowTaskCompletedEventId: long(wftCompletedEventId),
    });
    const child: ChildState = {
      initiatedEventId: ref.initiatedEventId,
      namespace,
      workflowId: attrs.workflowId ?? '',
      workflowType: attrs.workflowType?.name ?? '',
      parentClosePolicy: attrs.parentClosePolicy ?? 0,
    };
    s.children[ref.initiatedEventId] = child;
    this.engine.db.touch(parent, childKey(ref.initiatedEventId));
    this.engine.events.defer(() => {
      if (!isOpen(s)) return;
      const mayStart = this.mayStart(namespace, child.workflowId, attrs.workflowIdReusePolicy ?? 0);
      this.machine.apply(ref, mayStart ? 'start' : 'failStart', initiation);
    });
  }

  startChildRun({ parent, initiatedEventId }: ChildRef, { attrs }: Initiation): void {
    const s = parent.state;
    const child = s.children[initiatedEventId];
    const childRun = this.engine.lifecycle.create({
      namespace: child.namespace,
      workflowId: child.workflowId,
      workflowType: child.workflowType,
      taskQueue: attrs.taskQueue?.name || s.taskQueue,
      input: attrs.input,
      header: attrs.header,
      executionTimeoutMs: durationMs(attrs.workflowExecutionTimeout),
      runTimeoutMs: durationMs(attrs.workflowRunTimeout),
      workflowTaskTimeoutMs: durationMs(attrs.workflowTaskTimeout) || s.workflowTaskTimeoutMs,
      memo: attrs.memo,
      searchAttributes: attrs.searchAttributes,
      retryPolicy: attrs.retryPolicy,
      parent: { namespace: s.namespace, workflowId: s.workflowId, runId: s.runId, initiatedEventId },
    });
    child.runId = childRun.state.runId;
    child.startedEventId = this.engine.events.add(parent, 'childWorkflowExecutionStarted', {
      namespace: child.namespace,
      initiatedEventId: long(initiatedEventId),
      workflowExecution: { workflowId: child.workflowId, runId: child.runId },
      workflowType: { name: child.workflowType },
      header: attrs.header,
    });
    this.engine.db.touch(parent, childKey(initiatedEventId));
    this.engine.tasks.need(parent);
  }

  recordStartFailed({ parent, initiatedEventId }: ChildRef, { attrs, wftCompletedEventId }: Initiation): void {
    const child = this.forget(parent, initiatedEventId);
    this.engine.events.add(parent, 'startChildWorkflowExecutionFailed', {
      namespace: child.namespace,
      workflowId: child.workflowId,
      workflowType: { name: child.workflowType },
      cause: StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS,
      control: attrs.control,
      initiatedEventId: long(initiatedEventId),
      workflowTaskCompletedEventId: long(wftCompletedEventId),
    });
    this.engine.tasks.need(parent);
  }

  childCompleted(ref: ChildRef, closed: Run): void {
    this.recordClose(ref, closed, 'childWorkflowExecutionCompleted', { result: closed.events.at(-1)?.workflowExecutionCompletedEventAttributes?.result });
  }

  childFailed(ref: ChildRef, closed: Run): void {
    const close = closed.events.at(-1)?.workflowExecutionFailedEventAttributes;
    this.recordClose(ref, closed, 'childWorkflowExecutionFailed', { failure: close?.failure, retryState: close?.retryState });
  }

  childCanceled(ref: ChildRef, closed: Run): void {
    this.recordClose(ref, closed, 'childWorkflowExecutionCanceled', { details: closed.events.at(-1)?.workflowExecutionCanceledEventAttributes?.details });
  }

  childTerminated(ref: ChildRef, closed: Run): void {
    this.recordClose(ref, closed, 'childWorkflowExecutionTerminated', {});
  }

  childTimedOut(ref: ChildRef, closed: Run): void {
    this.recordClose(ref, closed, 'childWorkflowExecutionTimedOut', { retryState: closed.events.at(-1)?.workflowExecutionTimedOutEventAttributes?.retryState });
  }

  // ---- helpers ----

  /** The parent's Child…Completed/Failed/… event, with what every close event of a child carries. */
  private recordClose<K extends ChildCloseKind>(ref: ChildRef, closed: Run, kind: K, attrs: Omit<EventAttributes<K>, CommonCloseAttrs>): void {
    const child = this.forget(ref.parent, ref.initiatedEventId);
    const s = closed.state;
    this.engine.events.add(ref.parent, kind, {
      ...attrs,
      namespace: s.namespace,
      workflowExecution: { workflowId: s.workflowId, runId: child.runId },
      workflowType: { name: s.workflowType },
      initiatedEventId: long(child.initiatedEventId),
      startedEventId: long(child.startedEventId ?? 0),
    } as EventAttributes<K>);
    this.engine.tasks.need(ref.parent);
  }

  private forget(parent: Run, initiatedEventId: number): ChildState {
    const child = parent.state.children[initiatedEventId];
    delete parent.state.children[initiatedEventId];
    this.engine.db.touch(parent, childKey(initiatedEventId));
    return child;
  }

  private onClosed(run: Run): void {
    const s = run.state;
    // A chain that goes on (continue-as-new, workflow retry) reports to the parent when it ends.
    if (s.newExecutionRunId === undefined) this.notifyParent(run);
    const { lifecycle, runs } = this.engine;
    for (const child of Object.values(s.children)) {
      if (!child.runId) continue;
      const childRun = runs.currentRun(child.namespace, child.workflowId);
      if (!childRun || !isOpen(childRun.state) || childRun.state.firstRunId !== runs.get(child.runId)?.state.firstRunId) continue;
      const policy = child.parentClosePolicy || ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE;
      if (policy === ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE) {
        lifecycle.machine.apply(childRun, 'terminate', { reason: 'by parent close policy', identity: 'devserver' });
      } else if (policy === ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL) {
        lifecycle.machine.apply(childRun, 'requestCancel', { cause: 'by parent close policy', identity: 'devserver' });
      }
    }
  }

  /** The final run of a child chain closed: the parent, if still open, is told. */
  private notifyParent(closed: Run): void {
    const { parent: info, status } = closed.state;
    const parent = info && this.engine.runs.get(info.runId);
    const action = CLOSE_ACTIONS[status];
    if (!parent || !isOpen(parent.state) || !parent.state.children[info.initiatedEventId] || !action) return;
    this.machine.apply(this.ref(parent, info.initiatedEventId), action, closed);
  }
}
