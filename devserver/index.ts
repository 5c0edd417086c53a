// The embedded Temporal dev server: startDevServer() for tests and `npm start`, main.ts for the CLI.
import { LogStore } from './log-store';
import { Engine } from './engine';
import { systemClock, type Clock } from './clock';
import { Activities } from './activities';
import { ActivityTasks } from './activity-tasks';
import { Timers } from './timers';
import { Queries } from './queries';
import { Children } from './children';
import { externalCancels, externalSignals } from './external-requests';
import { Commands } from './commands';
import { WorkflowTasks } from './workflow-tasks';
import { Namespaces, type NamespaceRecord } from './namespaces';
import { Visibility } from './visibility-store';
import { mayReuse } from './start-policies';
import { isOpen } from './run-state';
import { workflowServiceHandlers, LONG_POLL_MS } from './workflow-service';
import { operatorServiceHandlers, SEARCH_ATTRIBUTES_GROUP } from './operator-service';
import { startGrpcServer } from './grpc-server';
import type { SearchAttributeType } from './visibility';

export interface DevServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  ip?: string;
  /** The log file; omitted = state in memory only. */
  dbPath?: string;
  clock?: Clock;
  /** How long empty long polls are held (default 55 s). */
  longPollMs?: number;
  /** Where unexpected internal errors are reported (default: stderr). */
  onError?: (err: unknown) => void;
}

export interface DevServer {
  /** host:port to give the SDK's `address` option. */
  address: string;
  close(): Promise<void>;
}

const NAMESPACES_GROUP = 'namespaces';

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const onError = options.onError ?? ((err: unknown) => console.error('devserver internal error:', err));
  const { store, groups } = LogStore.open(options.dbPath);
  const engine = new Engine(options.clock ?? systemClock, store, groups, onError);
  // Entity modules register their restart hooks as they are built: activities before timers.
  const activities = new Activities(engine);
  const activityTasks = new ActivityTasks(engine, activities);
  const timers = new Timers(engine);
  const queries = new Queries(engine);
  const children = new Children(engine, (namespace, workflowId, reusePolicy) => {
    const current = engine.runs.currentRun(namespace, workflowId);
    return !current || (!isOpen(current.state) && mayReuse(current, reusePolicy));
  });
  const commands = new Commands(engine, { activities, activityTasks, timers, children, signals: externalSignals(engine), cancels: externalCancels(engine) });
  const workflowTasks = new WorkflowTasks(engine, commands, queries);
  const namespaces = new Namespaces(
    (engine.db.loadedGlobal(NAMESPACES_GROUP).get('all') as NamespaceRecord[] | undefined) ?? [],
    (all) => engine.db.saveGlobal(NAMESPACES_GROUP, new Map([['all', all]])),
  );
  const visibility = new Visibility(engine);
  const savedAttributes = engine.db.loadedGlobal(SEARCH_ATTRIBUTES_GROUP).get('custom') as Record<string, SearchAttributeType> | undefined;
  for (const [name, type] of Object.entries(savedAttributes ?? {})) visibility.registry.register(name, type);
  engine.restore();

  const front = await startGrpcServer(
    ip,
    options.port ?? 0,
    {
      workflow: workflowServiceHandlers({
        engine,
        activityTasks,
        queries,
        workflowTasks,
        namespaces,
        visibility,
        longPollMs: options.longPollMs ?? LONG_POLL_MS,
      }),
      operator: operatorServiceHandlers(engine, visibility),
    },
    {
      beforeReply: () => engine.db.durable(),
      onInternalError: (method, err) => onError(new Error(`${method} failed`, { cause: err })),
    },
  );
  let closing: Promise<void> | undefined;
  return {
    address: `${ip}:${front.port}`,
    close: () =>
      (closing ??= (async () => {
        engine.scheduler.close();
        engine.workflowQueues.release(() => true);
        engine.activityQueues.release(() => true);
        await front.close();
        await store.close();
      })()),
  };
}
