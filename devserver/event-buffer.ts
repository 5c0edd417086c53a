// A run's history is written in an order the worker can follow. While a workflow task is started
// the worker is deciding on the history it was sent, so events from the outside world (signals,
// activity results, timers firing…) are buffered and written after the task's own events when
// it ends; task events, command events and closes are appended at once. Work that commands cause
// (a child to start, a signal to deliver, the next run of a chain) waits until the completion
// that carries them has been recorded, so that its events follow the completion's.
import type { Clock } from './clock';
import type { Persistence } from './persistence';
import { bufferedKey, childKey } from './run-records';
import type { Run } from './run-registry';
import { eventAttributes, eventKindOf, eventTypeOf, long, num, timestamp, timestampMs, type EventAttributes, type EventKind, type HistoryEvent } from './proto';

const makeEvent = <K extends EventKind>(eventId: number, time: number, kind: K, attrs: EventAttributes<K>): HistoryEvent =>
  ({ eventId: long(eventId), eventTime: timestamp(time), eventType: eventTypeOf(kind), [`${kind}EventAttributes`]: attrs }) as HistoryEvent;

export class EventBuffer {
  /** Work that must follow the current workflow-task completion. */
  private afterCompletion: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly db: Persistence,
  ) {}

  /** Appends an event now, bypassing the buffer (workflow-task events, command events, closes). */
  append<K extends EventKind>(run: Run, kind: K, attrs: EventAttributes<K>, time = this.clock.now()): number {
    const eventId = run.events.length + 1;
    run.events.push(makeEvent(eventId, time, kind, attrs));
    this.db.touch(run);
    return eventId;
  }

  /**
   * Adds an event caused by the outside world. While a workflow task is started it is buffered
   * (a negative temporary id is returned, resolved on flush) so the worker's view stays consistent.
   */
  add<K extends EventKind>(run: Run, kind: K, attrs: EventAttributes<K>): number {
    const s = run.state;
    if (s.wft.status !== 'started') return this.append(run, kind, attrs);
    const tempId = --s.nextTempEventId;
    const event = makeEvent(tempId, this.clock.now(), kind, attrs);
    s.buffered.push(event);
    this.db.touch(run);
    this.db.touch(run, bufferedKey(event));
    return tempId;
  }

  /** Moves buffered events into history, resolving temporary ids in references and child state. */
  flush(run: Run): void {
    const s = run.state;
    const ids = new Map<number, number>();
    for (const event of s.buffered) {
      this.db.touch(run, bufferedKey(event));
      const kind = eventKindOf(event);
      const attrs = eventAttributes(event, kind) as { startedEventId?: unknown };
      if (typeof attrs.startedEventId === 'object' && num(attrs.startedEventId as Long) < 0) {
        attrs.startedEventId = long(ids.get(num(attrs.startedEventId as Long)) ?? 0);
      }
      ids.set(num(event.eventId), this.append(run, kind, attrs as EventAttributes<typeof kind>, timestampMs(event.eventTime) ?? this.clock.now()));
    }
    for (const child of Object.values(s.children)) {
      if (child.startedEventId !== undefined && child.startedEventId < 0) {
        child.startedEventId = ids.get(child.startedEventId);
        this.db.touch(run, childKey(child.initiatedEventId));
      }
    }
    s.buffered = [];
    s.nextTempEventId = 0;
    this.db.touch(run);
  }

  /** Removes and returns the first buffered event that matches (a fire the workflow cancelled first). */
  retract(run: Run, matches: (event: HistoryEvent) => boolean): HistoryEvent | undefined {
    const s = run.state;
    const i = s.buffered.findIndex(matches);
    if (i < 0) return undefined;
    const [event] = s.buffered.splice(i, 1);
    this.db.touch(run, bufferedKey(event));
    if (s.buffered.length === 0) s.wftPending = false;
    return event;
  }

  /** Queues work to run once the current workflow-task completion has been recorded. */
  defer(fn: () => void): void {
    this.afterCompletion.push(fn);
  }

  runDeferred(): void {
    while (this.afterCompletion.length > 0) this.afterCompletion.shift()!();
  }
}
