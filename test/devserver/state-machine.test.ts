// The transition tables: a machine moves its entity to the declared state and then runs the
// declared callback; every row of every entity's table does exactly that; every transition a
// table does not declare throws, naming the entity, the state and the action. (That the real
// callbacks do what the old server did, through every row, is transcript.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StateMachine, UndeclaredTransitionError, type StateAccess, type TransitionTable } from '../../devserver/state-machine';
import { Engine } from '../../devserver/engine';
import { LogStore } from '../../devserver/log-store';
import { systemClock } from '../../devserver/clock';
import { Activities } from '../../devserver/activities';
import { Timers } from '../../devserver/timers';
import { Children } from '../../devserver/children';
import { externalCancels, externalSignals } from '../../devserver/external-requests';
import type { Run } from '../../devserver/run-registry';
import { ENTITY_TABLES, rowsOf } from './tables';

// ---- the machine itself, on a small table ----

type DoorState = 'closed' | 'open' | 'locked';
interface DoorRequests {
  open: { by: string };
  close: undefined;
  lock: undefined;
}
interface Door {
  state: DoorState;
  log: string[];
}
interface DoorCallbacks {
  swingOpen: (door: Door, request: { by: string }) => void;
  swingShut: (door: Door) => void;
  turnKey: (door: Door) => void;
}
const doorTable: TransitionTable<DoorState, DoorRequests, Door, DoorCallbacks> = {
  closed: { open: ['open', 'swingOpen'], lock: ['locked', 'turnKey'] },
  open: { close: ['closed', 'swingShut'] },
};
const doorState: StateAccess<Door, DoorState> = { get: (d) => d.state, set: (d, to) => (d.state = to) };

function door(callbacks: Partial<DoorCallbacks> = {}): { machine: StateMachine<DoorState, DoorRequests, Door, DoorCallbacks>; door: Door } {
  const d: Door = { state: 'closed', log: [] };
  const machine = new StateMachine('door', doorTable, doorState, {
    swingOpen: (x, { by }) => x.log.push(`opened by ${by} (${x.state})`),
    swingShut: (x) => x.log.push(`shut (${x.state})`),
    turnKey: (x) => x.log.push(`locked (${x.state})`),
    ...callbacks,
  });
  return { machine, door: d };
}

test('a transition moves the entity to its declared state, then runs its callback with the request', () => {
  const { machine, door: d } = door();
  machine.apply(d, 'open', { by: 'ann' });
  machine.apply(d, 'close');
  assert.equal(d.state, 'closed');
  assert.deepEqual(d.log, ['opened by ann (open)', 'shut (closed)']);
});

test('a callback may move its entity on: the nested transition starts from the declared state', () => {
  const { machine, door: d } = door({
    swingShut: (x) => {
      x.log.push('shut, and locking');
      machine.apply(x, 'lock');
    },
  });
  machine.apply(d, 'open', { by: 'bo' });
  machine.apply(d, 'close');
  assert.equal(d.state, 'locked');
  assert.deepEqual(d.log, ['opened by bo (open)', 'shut, and locking', 'locked (locked)']);
});

test('an undeclared transition throws, naming the entity, its state and the action, and changes nothing', () => {
  const { machine, door: d } = door();
  assert.throws(() => machine.apply(d, 'close'), (err: Error) => err instanceof UndeclaredTransitionError && err.message === 'door: no transition for action "close" in state "closed"');
  machine.apply(d, 'lock');
  assert.throws(() => machine.apply(d, 'open', { by: 'cy' }), { message: 'door: no transition for action "open" in state "locked"' });
  assert.equal(d.state, 'locked');
  assert.deepEqual(d.log, ['locked (locked)']);
});

// ---- every entity's table ----

/** The devserver's machines as it wires them (no server, no log), with an entity of each in a given state. */
function realMachines(): { machine: StateMachine<string, Record<string, unknown>, unknown, unknown>; entityIn: (state: string) => unknown }[] {
  const { store, groups } = LogStore.open(undefined);
  const engine = new Engine(systemClock, store, groups, (err) => assert.fail(String(err)));
  const run = (state: string): Run => {
    const r = { state: { status: 'running', cancelRequested: false, wft: { status: 'none' } } } as unknown as Run;
    engine.lifecycle.machine.access.set(r, state as never);
    return r;
  };
  // Activities keep their state on their data; timers, children and requests on their handle.
  const withStatus = (status: string) => ({ status, activity: { status } });
  const machines = [
    { machine: engine.lifecycle.machine, entityIn: run },
    { machine: engine.tasks.machine, entityIn: (state: string) => ({ state: { wft: { status: state } } }) },
    { machine: new Activities(engine).machine, entityIn: withStatus },
    { machine: new Timers(engine).machine, entityIn: withStatus },
    { machine: new Children(engine, () => true).machine, entityIn: withStatus },
    { machine: externalSignals(engine).machine, entityIn: withStatus },
    { machine: externalCancels(engine).machine, entityIn: withStatus },
  ];
  return machines as unknown as ReturnType<typeof realMachines>;
}

test('every row of every table moves its entity to the row’s state and runs the row’s callback', () => {
  for (const [entity, table] of ENTITY_TABLES) {
    const calls: [callback: string, state: string, request: unknown][] = [];
    const recording = new Proxy({}, { get: (_target, name) => (e: { status: string }, request: unknown) => calls.push([String(name), e.status, request]) });
    const machine = new StateMachine(entity, table as TransitionTable<string, Record<string, unknown>, { status: string }, object>, { get: (e) => e.status, set: (e, to) => (e.status = to) }, recording);
    for (const { from, action, to, callback } of rowsOf(table)) {
      calls.length = 0;
      const e = { status: from };
      const request = { action };
      (machine.apply as (e: unknown, action: string, request: unknown) => void)(e, action, request);
      assert.equal(e.status, to, `${entity}: ${from} -${action}->`);
      assert.deepEqual(calls, [[callback, to, request]], `${entity}: ${from} -${action}->`);
    }
  }
});

test('in every state, every action of its table that the state does not declare throws, naming entity, state and action', () => {
  let checked = 0;
  for (const { machine, entityIn } of realMachines()) {
    const rows = rowsOf(machine.table);
    const states = new Set(rows.flatMap((r) => [r.from, r.to]));
    const actions = new Set(rows.map((r) => r.action));
    for (const state of states) {
      for (const action of actions) {
        if (rows.some((r) => r.from === state && r.action === action)) continue;
        const entity = entityIn(state);
        assert.throws(
          () => (machine.apply as (e: unknown, action: string, request?: unknown) => void)(entity, action, {}),
          (err: Error) => err instanceof UndeclaredTransitionError && err.message === `${machine.entity}: no transition for action "${action}" in state "${state}"`,
        );
        assert.equal(machine.access.get(entity), state, 'an undeclared transition leaves the state alone');
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `${checked} undeclared transitions checked`);
});
