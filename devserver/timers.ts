// User timers (StartTimer / CancelTimer commands) as a transition table. A timer is started by
// its command and then fires when due, or is canceled by a later command. A timer that fires
// while a workflow task is running has its TimerFired buffered: if that task's completion cancels
// the timer, the cancel wins and the buffered fire is dropped (the workflow never saw it).
//
// A timer's state is not stored as such: it is `started` while the run holds it, `fired` while
// its fire is still buffered, and otherwise `none` (no pending timer of that id: Temporal lets a
// workflow reuse the id of a timer that fired or was canceled).
import type { Engine } from './engine';
import { StateMachine, type TransitionTable } from './state-machine';
import { timerKey } from './run-records';
import type { Run } from './run-registry';
import { durationMs, long, num, type Duration, type HistoryEvent } from './proto';

export type TimerStatus = 'none' | 'started' | 'fired' | 'canceled';

/** A timer of a run, by id, with its state as its table sees it. */
export interface TimerRef {
  run: Run;
  timerId: string;
  status: TimerStatus;
}

export interface TimerRequests {
  start: { startToFireTimeout?: Duration | null; wftCompletedEventId: number };
  fire: undefined;
  cancel: { wftCompletedEventId: number; identity: string };
}

export interface TimerCallbacks {
  startTimer: (timer: TimerRef, request: TimerRequests['start']) => void;
  fireTimer: (timer: TimerRef) => void;
  cancelTimer: (timer: TimerRef, request: TimerRequests['cancel']) => void;
  withdrawFire: (timer: TimerRef, request: TimerRequests['cancel']) => void;
  cancelUnknownTimer: (timer: TimerRef, request: TimerRequests['cancel']) => void;
}

export const timerTable: TransitionTable<TimerStatus, TimerRequests, TimerRef, TimerCallbacks> = {
  // A cancel for no pending timer is written as sent (Temporal fails the task: README, divergences).
  none: { start: ['started', 'startTimer'], cancel: ['canceled', 'cancelUnknownTimer'] },
  // A start that reuses a pending timer's id replaces that timer (the same divergence).
  started: { start: ['started', 'startTimer'], fire: ['fired', 'fireTimer'], cancel: ['canceled', 'cancelTimer'] },
  fired: { cancel: ['canceled', 'withdrawFire'] },
};

const isFireOf = (timerId: string) => (event: HistoryEvent) => event.timerFiredEventAttributes?.timerId === timerId;

export class Timers implements TimerCallbacks {
  readonly machine = new StateMachine('timer', timerTable, { get: (t: TimerRef) => t.status, set: (t: TimerRef, to) => (t.status = to) }, this);

  constructor(private readonly engine: Engine) {
    engine.onResume.push((run) => {
      for (const timerId of Object.keys(run.state.timers)) this.arm(run, timerId);
    });
  }

  /** The timer `timerId` of a run, in the state its stored data says. */
  ref(run: Run, timerId: string): TimerRef {
    const status = run.state.timers[timerId] ? 'started' : run.state.buffered.some(isFireOf(timerId)) ? 'fired' : 'none';
    return { run, timerId, status };
  }

  // ---- callbacks ----

  startTimer({ run, timerId }: TimerRef, { startToFireTimeout, wftCompletedEventId }: TimerRequests['start']): void {
    const startedEventId = this.engine.events.append(run, 'timerStarted', {
      timerId,
      startToFireTimeout,
      workflowTaskCompletedEventId: long(wftCompletedEventId),
    });
    run.state.timers[timerId] = { timerId, startedEventId, dueAt: this.engine.now() + durationMs(startToFireTimeout) };
    this.engine.db.touch(run, timerKey(timerId));
    this.arm(run, timerId);
  }

  fireTimer({ run, timerId }: TimerRef): void {
    const { startedEventId } = run.state.timers[timerId];
    this.forget(run, timerId);
    this.engine.events.add(run, 'timerFired', { timerId, startedEventId: long(startedEventId) });
    this.engine.tasks.need(run);
  }

  cancelTimer({ run, timerId }: TimerRef, request: TimerRequests['cancel']): void {
    const { startedEventId } = run.state.timers[timerId];
    this.forget(run, timerId);
    this.writeCanceled(run, timerId, startedEventId, request);
  }

  withdrawFire({ run, timerId }: TimerRef, request: TimerRequests['cancel']): void {
    const fire = this.engine.events.retract(run, isFireOf(timerId))!;
    this.writeCanceled(run, timerId, num(fire.timerFiredEventAttributes?.startedEventId), request);
  }

  cancelUnknownTimer({ run, timerId }: TimerRef, request: TimerRequests['cancel']): void {
    this.writeCanceled(run, timerId, 0, request);
  }

  // ---- helpers ----

  /** Fires the timer when due, if it is still the same pending timer then. */
  private arm(run: Run, timerId: string): void {
    const { startedEventId, dueAt } = run.state.timers[timerId];
    this.engine.timeouts.at(dueAt, run.state.runId, (r) => {
      if (r.state.timers[timerId]?.startedEventId === startedEventId) this.machine.apply(this.ref(r, timerId), 'fire');
    });
  }

  private forget(run: Run, timerId: string): void {
    delete run.state.timers[timerId];
    this.engine.db.touch(run, timerKey(timerId));
  }

  private writeCanceled(run: Run, timerId: string, startedEventId: number, { wftCompletedEventId, identity }: TimerRequests['cancel']): void {
    this.engine.events.append(run, 'timerCanceled', {
      timerId,
      startedEventId: long(startedEventId),
      workflowTaskCompletedEventId: long(wftCompletedEventId),
      identity,
    });
  }
}
