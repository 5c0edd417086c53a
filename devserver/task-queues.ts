// Matching: FIFO queues of tasks per (namespace, kind, queue name), with long-poll waiters.
// Queues are not persisted; the engine rebuilds them from run state at startup.

/** What a workflow task queue holds: a run's workflow task, or a legacy query task. */
export type WorkflowQueueTask = { kind: 'wft'; runId: string; scheduledEventId: number } | { kind: 'query'; queryId: string };
export interface ActivityQueueTask {
  runId: string;
  scheduledEventId: number;
  attempt: number;
}

/** The key of a task queue (normal or sticky) of one kind in a namespace. */
export const queueKey = (namespace: string, kind: 'wf' | 'act', name: string): string => `${namespace}|${kind}|${name}`;
export interface PollWaiter<T> {
  identity: string;
  resolve(task: T | undefined): void;
}

interface Queue<T> {
  tasks: T[];
  waiters: PollWaiter<T>[];
}

export class TaskQueues<T> {
  private queues = new Map<string, Queue<T>>();

  private queue(key: string): Queue<T> {
    let q = this.queues.get(key);
    if (!q) {
      q = { tasks: [], waiters: [] };
      this.queues.set(key, q);
    }
    return q;
  }

  /** Hands the task to the longest-waiting poller, or queues it. `front` puts it back first in line. */
  offer(key: string, task: T, front = false): void {
    const q = this.queue(key);
    const waiter = q.waiters.shift();
    if (waiter) waiter.resolve(task);
    else if (front) q.tasks.unshift(task);
    else q.tasks.push(task);
  }

  /** Waits up to `timeoutMs` for a task; resolves undefined on timeout, cancel or release. */
  poll(key: string, identity: string, timeoutMs: number, onCancel: (cancel: () => void) => void): Promise<T | undefined> {
    const q = this.queue(key);
    const task = q.tasks.shift();
    if (task !== undefined) return Promise.resolve(task);
    return new Promise((resolve) => {
      const waiter: PollWaiter<T> = {
        identity,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
      const remove = (): void => {
        const i = q.waiters.indexOf(waiter);
        if (i >= 0) q.waiters.splice(i, 1);
        waiter.resolve(undefined);
      };
      const timer = setTimeout(remove, timeoutMs);
      q.waiters.push(waiter);
      onCancel(remove);
    });
  }

  /** Answers (empty) every waiter matching the filter: worker shutdown and server close. */
  release(filter: (key: string, waiter: PollWaiter<T>) => boolean): void {
    for (const [key, q] of this.queues) {
      const released = q.waiters.filter((w) => filter(key, w));
      q.waiters = q.waiters.filter((w) => !filter(key, w));
      for (const w of released) w.resolve(undefined);
    }
  }

  /** Removes and returns every queued task (a dead sticky queue's backlog). */
  take(key: string): T[] {
    const q = this.queues.get(key);
    if (!q) return [];
    const tasks = q.tasks;
    q.tasks = [];
    return tasks;
  }
}
