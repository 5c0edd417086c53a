// What a run's clock does to it: the run timeout, the end of a retry's first-task backoff, a
// started workflow task's start-to-close timeout and a sticky task's schedule-to-start timeout.
// Each is an entry in the scheduler's heap that, when due, applies the matching action in a
// transaction — if the run is still open and the entry still describes its state (entries are
// never removed: a task that completed meanwhile simply no longer matches). Activities and timers
// arm theirs the same way, through `at`.
import type { Engine } from './engine';
import { isOpen } from './run-state';
import type { Run } from './run-registry';

export class Timeouts {
  constructor(private readonly engine: Engine) {}

  /** Runs `action` at time `at` in a transaction, if the run is still open then. */
  at(at: number, runId: string, action: (run: Run) => void): void {
    const { scheduler, db, runs } = this.engine;
    scheduler.at(at, () =>
      db.transact(() => {
        const run = runs.get(runId);
        if (run && isOpen(run.state)) action(run);
      }),
    );
  }

  /** The run times out at its deadline, whatever it is doing. */
  armRunTimeout(run: Run): void {
    const { runExpiresAt, runId } = run.state;
    if (runExpiresAt !== undefined) this.at(runExpiresAt, runId, (r) => this.engine.lifecycle.machine.apply(r, 'timeOut'));
  }

  /** A retry's first workflow task waits for the retry backoff. */
  armFirstTask(run: Run): void {
    const { firstTaskAt, runId } = run.state;
    if (firstTaskAt === undefined) return;
    this.at(firstTaskAt, runId, (r) => {
      if (r.state.firstTaskAt === undefined) return;
      r.state.firstTaskAt = undefined;
      this.engine.tasks.need(r);
    });
  }

  /** A started workflow task times out unless it ends first. */
  armStartToClose(run: Run): void {
    const { wft, workflowTaskTimeoutMs, runId } = run.state;
    const { startedEventId } = wft;
    this.at(wft.startedAt + workflowTaskTimeoutMs, runId, (r) => {
      if (r.state.wft.status === 'started' && r.state.wft.startedEventId === startedEventId) this.engine.tasks.machine.apply(r, 'timeOut');
    });
  }

  /** A task on a sticky queue that its worker does not pick up in time goes to the normal queue. */
  armStickyScheduleToStart(run: Run, scheduleToStartMs: number): void {
    const { scheduledEventId } = run.state.wft;
    this.at(this.engine.now() + scheduleToStartMs, run.state.runId, (r) => {
      const w = r.state.wft;
      if (w.status === 'scheduled' && w.scheduledEventId === scheduledEventId && w.sticky) this.engine.tasks.machine.apply(r, 'timeOut');
    });
  }
}
