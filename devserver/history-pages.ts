// GetWorkflowExecutionHistory: contiguous pages with our own cursor, and the long-poll used by
// `handle.result()` (close event only) and by followers of a run's history.
import type { Engine } from './engine';
import type { Run } from './run-registry';
import { isOpen } from './run-state';
import { invalidArgument } from './errors';
import { api, temporal, type HistoryEvent } from './proto';

type Request = temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest;
type Response = temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse;
const { HistoryEventFilterType } = api.enums.v1;

/** How long a wait_new_event poll is held before an empty page tells the client to ask again. */
export const HISTORY_LONG_POLL_MS = 20_000;
const DEFAULT_PAGE_SIZE = 1000;

export interface HistoryPageToken {
  runId: string;
  nextEventId: number;
}

export function encodeHistoryPageToken(t: HistoryPageToken): Uint8Array {
  return Buffer.from(JSON.stringify({ r: t.runId, n: t.nextEventId }));
}

function decodeHistoryPageToken(bytes: Uint8Array): HistoryPageToken {
  try {
    const o = JSON.parse(Buffer.from(bytes).toString('utf8')) as { r: unknown; n: unknown };
    if (typeof o.r === 'string' && typeof o.n === 'number') return { runId: o.r, nextEventId: o.n };
  } catch {
    // fall through to the error below
  }
  throw invalidArgument('invalid next_page_token');
}

export async function getHistory(engine: Engine, namespace: string, req: Request, onCancel: (cancel: () => void) => void): Promise<Response> {
  const execution = req.execution;
  if (!execution?.workflowId) throw invalidArgument('execution.workflow_id is required');
  const token = req.nextPageToken && req.nextPageToken.length > 0 ? decodeHistoryPageToken(req.nextPageToken) : undefined;
  const run = engine.runs.find(namespace, execution.workflowId, token?.runId ?? execution.runId);
  const closeOnly = req.historyEventFilterType === HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
  const from = token?.nextEventId ?? 1;
  const ready = (): boolean => !isOpen(run.state) || (!closeOnly && run.events.length >= from);
  if (req.waitNewEvent && !ready()) {
    await waitForChange(engine, run, ready, onCancel);
  }
  if (closeOnly) {
    if (isOpen(run.state)) return { history: { events: [] }, nextPageToken: encodeHistoryPageToken({ runId: run.state.runId, nextEventId: from }) };
    return { history: { events: [run.events.at(-1)!] } };
  }
  const pageSize = req.maximumPageSize && req.maximumPageSize > 0 ? req.maximumPageSize : DEFAULT_PAGE_SIZE;
  const events: HistoryEvent[] = run.events.slice(from - 1, from - 1 + pageSize);
  const next = from + events.length;
  const more = next <= run.events.length || (req.waitNewEvent === true && isOpen(run.state));
  return {
    history: { events },
    nextPageToken: more ? encodeHistoryPageToken({ runId: run.state.runId, nextEventId: next }) : undefined,
  };
}

function waitForChange(engine: Engine, run: Run, ready: () => boolean, onCancel: (cancel: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    let unsubscribe = (): void => {};
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const subscribe = (): void => {
      unsubscribe = engine.db.onRunChange(run.state.runId, () => (ready() ? done() : subscribe()));
    };
    const timer = setTimeout(done, HISTORY_LONG_POLL_MS);
    subscribe();
    onCancel(done);
  });
}
