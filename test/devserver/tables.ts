// The devserver's transition tables, for the tests that walk them (state-machine.test.ts,
// transcript.test.ts), with the names their machines give their entities.
import { runTable } from '../../devserver/run-lifecycle';
import { workflowTaskTable } from '../../devserver/workflow-task-scheduling';
import { activityTable } from '../../devserver/activities';
import { timerTable } from '../../devserver/timers';
import { childTable } from '../../devserver/children';
import { externalRequestTable } from '../../devserver/external-requests';

export const ENTITY_TABLES: [entity: string, table: object][] = [
  ['workflow run', runTable],
  ['workflow task', workflowTaskTable],
  ['activity', activityTable],
  ['timer', timerTable],
  ['child workflow', childTable],
  ['signal-external request', externalRequestTable],
  ['cancel-external request', externalRequestTable],
];

export interface Row {
  from: string;
  action: string;
  to: string;
  callback: string;
}

/** A table's rows, in declaration order. */
export const rowsOf = (table: object): Row[] =>
  Object.entries(table).flatMap(([from, actions]) =>
    Object.entries(actions as Record<string, readonly [string, string]>).map(([action, [to, callback]]) => ({ from, action, to, callback })),
  );
