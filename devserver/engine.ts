// The workflow engine: the parts every request goes through, wired together. Runs are found in
// the registry; every mutation is a transaction of `db` (one log record); history is written
// through `events` (buffered while a workflow task runs); a run's life and its workflow task are
// the transition tables of `lifecycle` and `tasks`; `timeouts` arms what the clock does to a run.
// The parts reach each other through this object because they call each other both ways (a
// close drops the workflow task; a task's timeout is armed when it starts, and fires into it).
// The entity modules built on top (activities, timers, children, external requests, queries) are
// wired in index.ts.
import type { Clock } from './clock';
import { Scheduler } from './scheduler';
import { TaskQueues, type ActivityQueueTask, type WorkflowQueueTask } from './task-queues';
import type { LoadedGroup, LogStore } from './log-store';
import { RunRegistry, type Run } from './run-registry';
import { Persistence } from './persistence';
import { EventBuffer } from './event-buffer';
import { Timeouts } from './timeouts';
import { RunLifecycle } from './run-lifecycle';
import { WorkflowTaskScheduling } from './workflow-task-scheduling';
import { isOpen } from './run-state';

export class Engine {
  readonly scheduler: Scheduler;
  readonly runs = new RunRegistry();
  readonly db: Persistence;
  readonly events: EventBuffer;
  readonly workflowQueues = new TaskQueues<WorkflowQueueTask>();
  readonly activityQueues = new TaskQueues<ActivityQueueTask>();
  readonly timeouts = new Timeouts(this);
  readonly lifecycle = new RunLifecycle(this);
  readonly tasks = new WorkflowTaskScheduling(this);
  /**
   * Hooks of the entity modules: put a run's pending activities and timers back in motion — at
   * startup for every open run read back from the log, and for the new run of a reset.
   */
  readonly onResume: ((run: Run) => void)[] = [];

  constructor(
    readonly clock: Clock,
    store: LogStore,
    loaded: Map<string, LoadedGroup>,
    onError: (err: unknown) => void,
  ) {
    this.scheduler = new Scheduler(clock, onError);
    this.db = new Persistence(store, loaded, this.runs);
    this.events = new EventBuffer(clock, this.db);
  }

  now(): number {
    return this.clock.now();
  }

  /**
   * Rebuilds runs from the log, and their queues and timers (neither is stored); call once every
   * module has registered its hooks. Timers are armed at their original due times.
   */
  restore(): void {
    for (const run of this.db.loadRuns()) {
      if (!isOpen(run.state)) continue;
      this.timeouts.armRunTimeout(run);
      this.timeouts.armFirstTask(run);
      this.tasks.restore(run);
      for (const resume of this.onResume) resume(run);
    }
  }
}
