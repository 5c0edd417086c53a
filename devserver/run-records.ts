// How a run is stored in the log: a group `run/<runId>` of keyed entities — `run` (the core
// fields), one per activity (`a/…`), timer (`t/…`), child (`c/…`) and buffered event (`b/…`) —
// so that a change rewrites only what changed, plus the run's history events. This is the on-disk
// format of README.md; logs written by earlier versions replay through runFromEntities.
import { num, type HistoryEvent } from './proto';
import type { ActivityState, ChildState, RunState, TimerState } from './run-state';

export const runGroup = (runId: string): string => `run/${runId}`;
export const isRunGroup = (group: string): boolean => group.startsWith('run/');

export const RUN_KEY = 'run';
export const activityKey = (scheduledEventId: number | string): string => `a/${scheduledEventId}`;
export const timerKey = (timerId: string): string => `t/${timerId}`;
export const childKey = (initiatedEventId: number | string): string => `c/${initiatedEventId}`;
/** Buffered events are keyed by their (negative) temporary id. */
export const bufferedKey = (event: HistoryEvent): string => `b/${-num(event.eventId)}`;

type Core = Omit<RunState, 'activities' | 'timers' | 'children' | 'buffered'>;

/** The current value of one entity, undefined once it is gone. */
export function runEntity(state: RunState, key: string): unknown {
  if (key === RUN_KEY) {
    const { activities: _a, timers: _t, children: _c, buffered: _b, ...core } = state;
    return core satisfies Core;
  }
  const id = key.slice(2);
  switch (key.slice(0, 2)) {
    case 'a/':
      return state.activities[id];
    case 't/':
      return state.timers[id];
    case 'c/':
      return state.children[id];
    case 'b/':
      return state.buffered.find((e) => bufferedKey(e) === key);
    default:
      throw new Error(`unknown run entity key ${key}`);
  }
}

export function allRunEntities(state: RunState): Map<string, unknown> {
  const keys = [
    RUN_KEY,
    ...Object.keys(state.activities).map(activityKey),
    ...Object.keys(state.timers).map(timerKey),
    ...Object.keys(state.children).map(childKey),
    ...state.buffered.map(bufferedKey),
  ];
  return new Map(keys.map((k) => [k, runEntity(state, k)]));
}

export function runFromEntities(entities: Map<string, unknown>): RunState {
  const core = entities.get(RUN_KEY) as Core | undefined;
  if (!core) throw new Error('run entity missing');
  const state: RunState = { ...core, activities: {}, timers: {}, children: {}, buffered: [] };
  for (const [key, value] of entities) {
    const [prefix, id] = [key.slice(0, 2), key.slice(2)];
    if (prefix === 'a/') state.activities[id] = value as ActivityState;
    else if (prefix === 't/') state.timers[id] = value as TimerState;
    else if (prefix === 'c/') state.children[id] = value as ChildState;
    else if (prefix === 'b/') state.buffered.push(value as HistoryEvent);
  }
  state.buffered.sort((x, y) => num(y.eventId) - num(x.eventId));
  return state;
}
