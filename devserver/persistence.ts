// Persistence: every mutation runs in a transaction whose changes — the run entities it touched,
// the history events it appended, the global groups it set — become one log record
// (log-store.ts). Replies wait for that record to be on disk; followers of a run's history are
// woken once it is committed. At startup the log's run groups are read back into runs.
import { History } from './history';
import type { LoadedGroup, LogStore } from './log-store';
import { allRunEntities, isRunGroup, RUN_KEY, runEntity, runFromEntities, runGroup } from './run-records';
import type { Run, RunRegistry } from './run-registry';

export class Persistence {
  private dirty = new Set<Run>();
  private globalsDirty = false;
  private inTransaction = false;
  private lastDurable: Promise<void> = Promise.resolve();
  private readonly globals = new Map<string, Map<string, unknown>>();
  private readonly historyWaiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly store: LogStore,
    private readonly loaded: Map<string, LoadedGroup>,
    private readonly runs: RunRegistry,
  ) {}

  /**
   * Runs a mutation and writes what it changed as one log record. Durable transactions (the
   * default) must reach the disk before anyone is told about them: RPC replies wait for
   * `durable()`. Task starts pass `durable: false` (if lost, the task is dispatched again).
   * A transaction begun inside another is part of it.
   */
  transact<T>(fn: () => T, options: { durable?: boolean } = {}): T {
    if (this.inTransaction) return fn();
    this.inTransaction = true;
    try {
      return fn();
    } finally {
      this.inTransaction = false;
      this.commit(options.durable ?? true);
    }
  }

  /** Resolves once every durable transaction so far is on disk. */
  durable(): Promise<void> {
    return this.lastDurable;
  }

  /** Marks an entity of the run (default: its core fields) for the commit of this transaction. */
  touch(run: Run, key: string = RUN_KEY): void {
    run.dirtyKeys.add(key);
    this.dirty.add(run);
  }

  /** Marks every entity of a run that is new to the log (a reset's run, which arrives whole). */
  touchAll(run: Run): void {
    for (const key of allRunEntities(run.state).keys()) this.touch(run, key);
  }

  /** Sets a non-run group (namespaces, search attributes), committed with the current transaction. */
  saveGlobal(group: string, entities: Map<string, unknown>): void {
    this.globals.set(group, entities);
    this.store.stage(group, entities, []);
    this.globalsDirty = true;
  }

  /** A non-run group as it was loaded at startup. */
  loadedGlobal(group: string): Map<string, unknown> {
    return this.loaded.get(group)?.entities ?? new Map();
  }

  /** Reads the logged runs back into the registry (once, at startup); returns them. */
  loadRuns(): Run[] {
    const runs: Run[] = [];
    for (const [group, data] of this.loaded) {
      if (!isRunGroup(group)) continue;
      const run: Run = { state: runFromEntities(data.entities), events: new History(data.events as Uint8Array[]), persistedEvents: data.events.length, dirtyKeys: new Set() };
      this.runs.addRestored(run);
      runs.push(run);
      this.loaded.delete(group);
    }
    return runs;
  }

  /** Calls `wake` once after the next commit that touches the run. Returns an unsubscribe. */
  onRunChange(runId: string, wake: () => void): () => void {
    let set = this.historyWaiters.get(runId);
    if (!set) this.historyWaiters.set(runId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.historyWaiters.get(runId) === set) this.historyWaiters.delete(runId);
    };
  }

  /** Everything there is, for the store's compaction. */
  private *snapshot(): Iterable<[string, Map<string, unknown>, readonly Uint8Array[]]> {
    for (const [group, entities] of this.globals) yield [group, entities, []];
    for (const run of this.runs.all()) yield [runGroup(run.state.runId), allRunEntities(run.state), run.events.encodedFrom(0)];
  }

  private commit(durable: boolean): void {
    if (this.dirty.size === 0 && !this.globalsDirty) return;
    this.globalsDirty = false;
    const dirty = [...this.dirty];
    this.dirty.clear();
    for (const run of dirty) {
      const changes = new Map<string, unknown>();
      for (const key of run.dirtyKeys) changes.set(key, runEntity(run.state, key));
      run.dirtyKeys.clear();
      this.store.stage(runGroup(run.state.runId), changes, run.events.encodedFrom(run.persistedEvents));
      run.persistedEvents = run.events.length;
    }
    const synced = this.store.commit(durable, () => this.snapshot());
    if (synced) {
      // Unhandled here on purpose only if nobody replies; RPC replies await and surface it.
      synced.catch(() => {});
      this.lastDurable = synced;
    }
    for (const run of dirty) {
      const waiters = this.historyWaiters.get(run.state.runId);
      if (!waiters) continue;
      this.historyWaiters.delete(run.state.runId);
      for (const wake of waiters) wake();
    }
  }
}
