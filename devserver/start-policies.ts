// Starting a workflow id: request_id idempotency, the ID conflict policy (a run is open) and the
// ID reuse policy (the last run is closed), with the errors Temporal returns.
import { Metadata } from '@grpc/grpc-js';
import type { Engine } from './engine';
import type { Run } from './run-registry';
import { isOpen } from './run-state';
import { alreadyExists, invalidArgument } from './errors';
import { api, RpcStatus } from './proto';

const { WorkflowIdReusePolicy: Reuse, WorkflowIdConflictPolicy: Conflict } = api.enums.v1;

export type StartDecision = { kind: 'start'; terminate?: Run } | { kind: 'existing'; run: Run; started: boolean };

export function decideStart(
  engine: Engine,
  namespace: string,
  workflowId: string,
  requestId: string | null | undefined,
  reusePolicy: number,
  conflictPolicy: number,
): StartDecision {
  if (reusePolicy === Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING && conflictPolicy !== Conflict.WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED) {
    throw invalidArgument('WorkflowIdReusePolicy TERMINATE_IF_RUNNING cannot be combined with a WorkflowIdConflictPolicy');
  }
  if (reusePolicy === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE && conflictPolicy === Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
    throw invalidArgument('WorkflowIdReusePolicy REJECT_DUPLICATE cannot be combined with WorkflowIdConflictPolicy TERMINATE_EXISTING');
  }
  if (requestId) {
    const previous = engine.runs.startedBy(requestId);
    if (previous && previous.state.workflowId === workflowId) return { kind: 'existing', run: previous, started: true };
  }
  const current = engine.runs.currentRun(namespace, workflowId);
  if (!current) return { kind: 'start' };
  if (isOpen(current.state)) {
    const conflict =
      reusePolicy === Reuse.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING
        ? Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING
        : conflictPolicy || Conflict.WORKFLOW_ID_CONFLICT_POLICY_FAIL;
    if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) return { kind: 'existing', run: current, started: false };
    if (conflict === Conflict.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) return { kind: 'start', terminate: current };
    throw alreadyStarted(current, requestId ?? '');
  }
  if (!mayReuse(current, reusePolicy)) {
    throw alreadyExists(
      `Workflow execution already finished and WorkflowIdReusePolicy doesn't allow a new run. WorkflowId: ${workflowId}, RunId: ${current.state.runId}.`,
      alreadyStartedDetails(current, requestId ?? ''),
    );
  }
  return { kind: 'start' };
}

/** Whether the closed `last` run of a workflow id may be followed by a new run under `reusePolicy`. */
export function mayReuse(last: Run, reusePolicy: number): boolean {
  if (reusePolicy === Reuse.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE) return false;
  if (reusePolicy === Reuse.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY) {
    return last.state.status !== 'completed' && last.state.status !== 'continuedAsNew';
  }
  return true;
}

function alreadyStarted(run: Run, requestId: string): Error {
  return alreadyExists(
    `Workflow execution is already running. WorkflowId: ${run.state.workflowId}, RunId: ${run.state.runId}.`,
    alreadyStartedDetails(run, requestId),
  );
}

/** grpc-status-details-bin: a google.rpc.Status carrying WorkflowExecutionAlreadyStartedFailure. */
function alreadyStartedDetails(run: Run, requestId: string): Metadata {
  const detail = api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure.encode({
    startRequestId: requestId,
    runId: run.state.runId,
  }).finish();
  const status = RpcStatus.encode({
    code: 6,
    message: `Workflow execution is already running. WorkflowId: ${run.state.workflowId}, RunId: ${run.state.runId}.`,
    details: [{ type_url: 'type.googleapis.com/api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure', value: detail }],
  }).finish();
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(status));
  return metadata;
}
