// An activity's four timeouts and its retry backoff: how they are derived from the command, and
// the scheduler entries that apply the activity's `timeOut` or `reschedule` action when due — if
// the activity is still pending then, and still in the attempt and state the entry was armed for.
import type { Engine } from './engine';
import type { Activities, ActivityRef } from './activities';
import type { ActivityState } from './run-state';
import { durationMs, TimeoutType, type temporal } from './proto';
import { invalidArgument } from './errors';

type ScheduleAttrs = temporal.api.command.v1.IScheduleActivityTaskCommandAttributes;

export interface DerivedTimeouts {
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
}

/** Temporal's timeout derivation; throws INVALID_ARGUMENT when neither S2C nor S2C is set. */
export function deriveTimeouts(attrs: ScheduleAttrs, runTimeoutMs: number): DerivedTimeouts {
  let s2c = durationMs(attrs.scheduleToCloseTimeout);
  let s2s = durationMs(attrs.scheduleToStartTimeout);
  let stc = durationMs(attrs.startToCloseTimeout);
  if (s2c > 0) {
    s2s = s2s > 0 ? Math.min(s2s, s2c) : s2c;
    stc = stc > 0 ? Math.min(stc, s2c) : s2c;
  } else if (stc > 0) {
    s2c = runTimeoutMs;
    s2s = s2s > 0 ? s2s : runTimeoutMs;
  } else {
    throw invalidArgument(
      `BadScheduleActivityAttributes: a valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand (ActivityId: ${attrs.activityId})`,
    );
  }
  const cap = (ms: number): number => (runTimeoutMs > 0 && (ms === 0 || ms > runTimeoutMs) ? runTimeoutMs : ms);
  s2c = cap(s2c);
  s2s = cap(s2s);
  stc = cap(stc);
  let hb = durationMs(attrs.heartbeatTimeout);
  if (s2c > 0 && hb > s2c) hb = s2c;
  return { scheduleToCloseMs: s2c, scheduleToStartMs: s2s, startToCloseMs: stc, heartbeatMs: hb };
}

export class ActivityTimeouts {
  constructor(
    private readonly engine: Engine,
    private readonly activities: Activities,
  ) {}

  /** From the first scheduling, whatever the activity is doing. */
  armScheduleToClose(ref: ActivityRef): void {
    const a = ref.activity;
    if (a.scheduleToCloseMs > 0) this.at(ref, a.firstScheduledAt + a.scheduleToCloseMs, (r) => this.activities.timeOut(r, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE));
  }

  /** Per attempt, while it waits in its queue. */
  armScheduleToStart(ref: ActivityRef): void {
    const { attempt, scheduleToStartMs, attemptScheduledAt } = ref.activity;
    if (scheduleToStartMs <= 0) return;
    this.at(ref, attemptScheduledAt + scheduleToStartMs, (r) => {
      if (r.activity.attempt === attempt && r.activity.status === 'scheduled') this.activities.timeOut(r, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    });
  }

  /** Start-to-close and heartbeat, from the attempt's start (a heartbeat pushes the latter back). */
  armStarted(ref: ActivityRef): void {
    const a = ref.activity;
    const { attempt } = a;
    const startedAt = a.startedAt ?? this.engine.now();
    if (a.startToCloseMs > 0) {
      this.at(ref, startedAt + a.startToCloseMs, (r) => {
        if (r.activity.attempt === attempt && r.activity.status === 'started') this.activities.timeOut(r, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
      });
    }
    this.armHeartbeat(ref, (a.lastHeartbeatAt ?? startedAt) + a.heartbeatMs);
  }

  /** The next attempt is scheduled when its backoff is over. */
  armBackoff(ref: ActivityRef): void {
    const { attempt, attemptScheduledAt } = ref.activity;
    this.at(ref, attemptScheduledAt, (r) => {
      if (r.activity.attempt === attempt && r.activity.status === 'backoff') this.activities.machine.apply(r, 'reschedule');
    });
  }

  private armHeartbeat(ref: ActivityRef, dueAt: number): void {
    if (ref.activity.heartbeatMs <= 0) return;
    const { attempt } = ref.activity;
    this.at(ref, dueAt, (r) => {
      const a = r.activity;
      if (a.attempt !== attempt || a.status !== 'started') return;
      const due = Math.max(a.lastHeartbeatAt ?? 0, a.startedAt ?? 0) + a.heartbeatMs;
      if (due > this.engine.now()) this.armHeartbeat(r, due);
      else this.activities.timeOut(r, TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    });
  }

  /** Runs `fn` at `dueAt` in a transaction if the run is open and the activity still pending then. */
  private at(ref: ActivityRef, dueAt: number, fn: (ref: ActivityRef) => void): void {
    const id = ref.activity.scheduledEventId;
    this.engine.timeouts.at(dueAt, ref.run.state.runId, (run) => {
      const activity: ActivityState | undefined = run.state.activities[id];
      if (activity) fn({ run, activity });
    });
  }
}
