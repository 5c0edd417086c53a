// The SignalExternalWorkflowExecution and RequestCancelExternalWorkflowExecution commands: a
// request from one run to another, as a transition table both share. The command writes its
// …Initiated event; once the completion carrying it is recorded, the request is delivered to the
// target run (signalled, or asked to cancel) and the requester gets …Signaled /
// …CancelRequested, or, when no open run matches, …Failed (EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND).
// Both steps happen within the completion's transaction, so a request's state is never stored.
import type { Engine } from './engine';
import { StateMachine, type TransitionTable } from './state-machine';
import { isOpen } from './run-state';
import type { Run } from './run-registry';
import { api, long, temporal, type WorkflowExecution } from './proto';

type SignalAttrs = temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes;
type CancelAttrs = temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes;
const { SignalExternalWorkflowExecutionFailedCause, CancelExternalWorkflowExecutionFailedCause } = api.enums.v1;

export type ExternalRequestStatus = 'none' | 'initiated' | 'delivered' | 'failed';

/** One request, from its command to its outcome. */
export interface ExternalRequest<A> {
  requester: Run;
  attrs: A;
  namespace: string;
  wftCompletedEventId: number;
  /** 0 until initiated. */
  initiatedEventId: number;
  status: ExternalRequestStatus;
}

export interface ExternalRequestRequests {
  initiate: undefined;
  /** The open run the request reached. */
  deliver: Run;
  fail: undefined;
}

export interface ExternalRequestCallbacks<A> {
  initiateRequest: (request: ExternalRequest<A>) => void;
  deliverRequest: (request: ExternalRequest<A>, target: Run) => void;
  failRequest: (request: ExternalRequest<A>) => void;
}

export const externalRequestTable: TransitionTable<ExternalRequestStatus, ExternalRequestRequests, ExternalRequest<unknown>, ExternalRequestCallbacks<unknown>> = {
  none: { initiate: ['initiated', 'initiateRequest'] },
  initiated: { deliver: ['delivered', 'deliverRequest'], fail: ['failed', 'failRequest'] },
};

/** What differs between the two kinds of request: their events, and what the target is told. */
interface RequestKind<A> {
  entity: string;
  target(attrs: A): WorkflowExecution | null | undefined;
  /** Writes the …Initiated event; returns its id. */
  initiated(request: ExternalRequest<A>): number;
  /** Tells the target and writes the requester's success event. */
  delivered(request: ExternalRequest<A>, target: Run): void;
  /** Writes the requester's …Failed event. */
  failed(request: ExternalRequest<A>): void;
}

export class ExternalRequests<A> implements ExternalRequestCallbacks<A> {
  readonly machine: StateMachine<ExternalRequestStatus, ExternalRequestRequests, ExternalRequest<A>, ExternalRequestCallbacks<A>>;

  constructor(
    private readonly engine: Engine,
    private readonly kind: RequestKind<A>,
  ) {
    this.machine = new StateMachine<ExternalRequestStatus, ExternalRequestRequests, ExternalRequest<A>, ExternalRequestCallbacks<A>>(kind.entity, externalRequestTable, { get: (r) => r.status, set: (r, to) => (r.status = to) }, this);
  }

  /** The command, from the completion of `requester`'s workflow task. */
  request(requester: Run, attrs: A & { namespace?: string | null }, wftCompletedEventId: number): void {
    const namespace = attrs.namespace || requester.state.namespace;
    this.machine.apply({ requester, attrs, namespace, wftCompletedEventId, initiatedEventId: 0, status: 'none' }, 'initiate');
  }

  initiateRequest(request: ExternalRequest<A>): void {
    request.initiatedEventId = this.kind.initiated(request);
    this.engine.events.defer(() => {
      if (!isOpen(request.requester.state)) return;
      const target = this.target(request.namespace, this.kind.target(request.attrs));
      if (target) this.machine.apply(request, 'deliver', target);
      else this.machine.apply(request, 'fail');
    });
  }

  deliverRequest(request: ExternalRequest<A>, target: Run): void {
    this.kind.delivered(request, target);
    this.engine.tasks.need(request.requester);
  }

  failRequest(request: ExternalRequest<A>): void {
    this.kind.failed(request);
    this.engine.tasks.need(request.requester);
  }

  private target(namespace: string, execution: WorkflowExecution | null | undefined): Run | undefined {
    if (!execution?.workflowId) return undefined;
    const { runs } = this.engine;
    const run = execution.runId ? runs.get(execution.runId) : runs.currentRun(namespace, execution.workflowId);
    return run && isOpen(run.state) && run.state.workflowId === execution.workflowId ? run : undefined;
  }
}

const requesterExecution = (r: ExternalRequest<unknown>): WorkflowExecution => ({ workflowId: r.requester.state.workflowId, runId: r.requester.state.runId });
const targetExecution = (target: Run): WorkflowExecution => ({ workflowId: target.state.workflowId, runId: target.state.runId });

export const externalSignals = (engine: Engine): ExternalRequests<SignalAttrs> =>
  new ExternalRequests<SignalAttrs>(engine, {
    entity: 'signal-external request',
    target: (attrs) => attrs.execution,
    initiated: ({ requester, attrs, namespace, wftCompletedEventId }) =>
      engine.events.append(requester, 'signalExternalWorkflowExecutionInitiated', {
        workflowTaskCompletedEventId: long(wftCompletedEventId),
        namespace,
        workflowExecution: attrs.execution,
        signalName: attrs.signalName,
        input: attrs.input,
        control: attrs.control,
        childWorkflowOnly: attrs.childWorkflowOnly,
        header: attrs.header,
      }),
    delivered: (request, target) => {
      const { attrs } = request;
      engine.lifecycle.machine.apply(target, 'signal', {
        signalName: attrs.signalName,
        input: attrs.input,
        header: attrs.header,
        identity: '',
        externalWorkflowExecution: requesterExecution(request),
      });
      engine.events.add(request.requester, 'externalWorkflowExecutionSignaled', {
        initiatedEventId: long(request.initiatedEventId),
        namespace: request.namespace,
        workflowExecution: targetExecution(target),
        control: attrs.control,
      });
    },
    failed: ({ requester, attrs, namespace, wftCompletedEventId, initiatedEventId }) => {
      engine.events.add(requester, 'signalExternalWorkflowExecutionFailed', {
        cause: SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
        workflowTaskCompletedEventId: long(wftCompletedEventId),
        namespace,
        workflowExecution: attrs.execution,
        initiatedEventId: long(initiatedEventId),
        control: attrs.control,
      });
    },
  });

const cancelTarget = (attrs: CancelAttrs): WorkflowExecution => ({ workflowId: attrs.workflowId, runId: attrs.runId });

export const externalCancels = (engine: Engine): ExternalRequests<CancelAttrs> =>
  new ExternalRequests<CancelAttrs>(engine, {
    entity: 'cancel-external request',
    target: cancelTarget,
    initiated: ({ requester, attrs, namespace, wftCompletedEventId }) =>
      engine.events.append(requester, 'requestCancelExternalWorkflowExecutionInitiated', {
        workflowTaskCompletedEventId: long(wftCompletedEventId),
        namespace,
        workflowExecution: cancelTarget(attrs),
        control: attrs.control,
        childWorkflowOnly: attrs.childWorkflowOnly,
        reason: attrs.reason,
      }),
    delivered: (request, target) => {
      engine.lifecycle.machine.apply(target, 'requestCancel', {
        cause: request.attrs.reason ?? '',
        externalInitiatedEventId: long(request.initiatedEventId),
        externalWorkflowExecution: requesterExecution(request),
      });
      engine.events.add(request.requester, 'externalWorkflowExecutionCancelRequested', {
        initiatedEventId: long(request.initiatedEventId),
        namespace: request.namespace,
        workflowExecution: targetExecution(target),
      });
    },
    failed: ({ requester, attrs, namespace, wftCompletedEventId, initiatedEventId }) => {
      engine.events.add(requester, 'requestCancelExternalWorkflowExecutionFailed', {
        cause: CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
        workflowTaskCompletedEventId: long(wftCompletedEventId),
        namespace,
        workflowExecution: cancelTarget(attrs),
        initiatedEventId: long(initiatedEventId),
        control: attrs.control,
      });
    },
  });

