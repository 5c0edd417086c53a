// The typed client API of maft (the CLI is built on it):
//   const maft = await connectMaft();
//   const { runId } = await maft.startRun(loadExperimentConfig('configs/ci-tiny.yaml'));
//   console.log(await maft.getResults(runId, { wait: true }));
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { CliError } from './cli-error';
import type { ExperimentConfig } from '../experiment/experiment-schema';
import { CONFIG_FILE } from '../experiment/run-layout';
import { loadTemporalConfig } from '../config/temporal-config';
import type { LoadedTemporalConfig } from '../config/temporal-config';
import { runResults } from './report/results';
import type { RunResults } from './report/results';
import { checkRunId, newRunId } from './run-id';
import { connectTo } from '../temporal/connect';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { cancelSignal, iterationProgressQuery, progressQuery, runIdAttribute } from '../workflows/definitions';
import type { IterationProgress, RunInput, RunState } from '../experiment/run-types';
import type { StepHeartbeat } from '../experiment/step-types';
import type { multiagentFinetune } from '../workflows';

export interface RunningStep {
  activity: string;
  attempt: number;
  state: string;
  heartbeat: StepHeartbeat | null;
  lastFailure: string | null;
}

export interface RunProgress {
  runId: string;
  /** Temporal's status of the latest execution: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, … */
  status: string;
  run: RunState | null;
  iteration: IterationProgress | null;
  running: RunningStep[];
  error: string | null;
}

export interface RunListing {
  runId: string;
  status: string;
  startTime: Date;
  closeTime: Date | null;
  latestAccuracy: number | null;
}

export interface MaftClient {
  readonly temporal: LoadedTemporalConfig;
  readonly client: Client;
  /** Whether the server has maft's search attributes. */
  readonly searchAttributes: boolean;
  /** `memo`: entries stored beside the config in the workflow's memo (and kept by resumeRun). */
  startRun(config: ExperimentConfig, options?: { runId?: string; memo?: Record<string, unknown> }): Promise<{ runId: string }>;
  /** A new execution of a stopped run with the same memo; finished steps are reused, the rest computed. */
  resumeRun(runId: string): Promise<{ runId: string }>;
  getProgress(runId: string): Promise<RunProgress>;
  getResults(runId: string, options?: { wait?: boolean }): Promise<RunResults>;
  listRuns(): Promise<RunListing[]>;
  cancelRun(runId: string, reason?: string): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** temporal.yaml path, or the loaded config. */
  temporal?: string | LoadedTemporalConfig;
  /** Overrides temporal.yaml's server.address (also TEMPORAL_ADDRESS). */
  address?: string;
}

export async function connectMaft(options: ConnectOptions = {}): Promise<MaftClient> {
  const temporal =
    typeof options.temporal === 'object'
      ? options.address === undefined ? options.temporal : { ...options.temporal, server: { ...options.temporal.server, address: options.address }, addressFrom: 'the address option' }
      : loadTemporalConfig(options.temporal, { address: options.address });
  const address = temporal.server.address;
  const connection = await connectTo(address, temporal.addressFrom);
  const namespace = temporal.server.namespace;
  const client = new Client({ connection, namespace });
  const searchAttributes = temporal.searchAttributes && (await ensureSearchAttributes(connection, namespace));
  const handle = (runId: string): WorkflowHandle<typeof multiagentFinetune> => client.workflow.getHandle<typeof multiagentFinetune>(runId);

  const start = async (runId: string, config: ExperimentConfig, reuse: WorkflowIdReusePolicy, memo: Record<string, unknown> = {}): Promise<{ runId: string }> => {
    const input: RunInput = {
      runId,
      config,
      steps: temporal.steps,
      workflowTaskQueue: temporal.taskQueues.cpu.name,
      searchAttributes,
    };
    // The method decides the workflow; both take a RunInput and return a RunState.
    const workflowType = runWorkflowType(config);
    await client.workflow
      .start(workflowType, {
        workflowId: runId,
        taskQueue: temporal.taskQueues.cpu.name,
        args: [input],
        memo: { ...memo, config },
        workflowIdReusePolicy: reuse,
        staticSummary: `${methodTitle[config.method]}: ${config.task.name}, N = ${config.agents}, M = ${config.rounds}, L = ${config.iterations}`,
        ...(searchAttributes ? { typedSearchAttributes: [{ key: runIdAttribute, value: runId }] } : {}),
      })
      .catch((err: unknown) => {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          throw new CliError(`run ${runId} already exists; continue it with \`maft resume ${runId}\` or choose another --run-id`);
        }
        throw err;
      });
    // The config next to the artifacts, for people reading the run directory.
    const runDir = join(temporal.runsRoot, runId);
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    return { runId };
  };

  const describe = async (runId: string): Promise<WorkflowExecutionDescription> => {
    try {
      return await handle(runId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new CliError(`no run "${runId}" on ${address} (namespace ${namespace})`);
      throw err;
    }
  };

  const configOf = (d: WorkflowExecutionDescription): ExperimentConfig | null => (d.memo?.config as ExperimentConfig | undefined) ?? null;

  // Queries need a worker to answer; without one they would wait for the server's own timeout.
  const queryState = (runId: string): Promise<RunState> => withTimeout(handle(runId).query(progressQuery), queryTimeoutMs, 'no worker answered the progress query (is a worker running?)');

  const stateOf = async (runId: string, d: WorkflowExecutionDescription): Promise<{ run: RunState | null; error: string | null }> => {
    if (d.status.name === 'COMPLETED') return { run: await handle(runId).result(), error: null };
    if (d.status.name === 'RUNNING') return queryState(runId).then((run) => ({ run, error: null }), (err: unknown) => ({ run: null, error: rootMessage(err) }));
    const error = await handle(runId).result().then(
      () => null,
      (err: unknown) => rootMessage(err),
    );
    // A closed run's state up to its failure, when a worker can replay it.
    const run = await queryState(runId).catch(() => null);
    return { run, error };
  };

  return {
    temporal,
    client,
    searchAttributes,
    startRun: (config, opts = {}) => start(checkRunId(opts.runId ?? newRunId(config)), config, WorkflowIdReusePolicy.REJECT_DUPLICATE, opts.memo),

    async resumeRun(runId) {
      const d = await describe(runId);
      if (d.status.name === 'RUNNING') {
        throw new CliError(`run ${runId} is still running; it needs a worker (\`npm run worker\`, or \`maft resume ${runId} --in-process\`)`);
      }
      // A gracefully cancelled run completes its workflow with status "cancelled": resumable.
      if (d.status.name === 'COMPLETED' && (await handle(runId).result()).status !== 'cancelled') {
        throw new CliError(`run ${runId} has completed; nothing to resume`);
      }
      const config = configOf(d);
      if (!config) throw new CliError(`run ${runId} carries no config in its memo; start it again with the same --run-id`);
      return start(runId, config, WorkflowIdReusePolicy.ALLOW_DUPLICATE, d.memo);
    },

    async getProgress(runId) {
      const d = await describe(runId);
      const { run, error } = await stateOf(runId, d);
      let iteration: IterationProgress | null = null;
      let running: RunningStep[] = [];
      if (d.status.name === 'RUNNING' && run?.current) {
        const child = client.workflow.getHandle(run.current.workflowId);
        // The child may not have started its first task yet.
        iteration = await withTimeout(child.query(iterationProgressQuery), queryTimeoutMs, 'no answer').catch(() => null);
        running = await child.describe().then(pendingSteps, () => []);
      }
      return { runId, status: d.status.name, run, iteration, running, error };
    },

    async getResults(runId, opts = {}) {
      if (opts.wait) await handle(runId).result().catch(() => undefined);
      const d = await describe(runId);
      const { run, error } = await stateOf(runId, d);
      const status = run && d.status.name === 'COMPLETED' ? run.status : d.status.name.toLowerCase();
      return runResults(run, { runId, status, ...(error ? { error } : {}), config: configOf(d) });
    },

    async listRuns() {
      const out: RunListing[] = [];
      const types: readonly string[] = Object.values(runWorkflowTypes);
      for await (const w of client.workflow.list({ query: `WorkflowType IN (${types.map((t) => `'${t}'`).join(', ')})` })) {
        if (!types.includes(w.type)) continue;
        const accuracy = w.searchAttributes?.MaftAccuracy?.[0];
        out.push({
          runId: w.workflowId,
          status: w.status.name,
          startTime: w.startTime,
          closeTime: w.closeTime ?? null,
          latestAccuracy: typeof accuracy === 'number' ? accuracy : null,
        });
      }
      return out;
    },

    async cancelRun(runId, reason) {
      await handle(runId).signal(cancelSignal, reason);
    },

    close: () => connection.close(),
  };
}

/** The workflow type of each method (workflows/index.ts). */
const runWorkflowTypes = { 'multiagent-ft': 'multiagentFinetune', maporl: 'maporl', magrpo: 'magrpo' } as const;

const methodTitle = { 'multiagent-ft': 'multiagent finetuning', maporl: 'MAPoRL', magrpo: 'MAGRPO' } as const;

export function runWorkflowType(config: ExperimentConfig): (typeof runWorkflowTypes)[ExperimentConfig['method']] {
  return runWorkflowTypes[config.method];
}

function pendingSteps(d: WorkflowExecutionDescription): RunningStep[] {
  return (d.raw.pendingActivities ?? []).map((a) => {
    const payload = a.heartbeatDetails?.payloads?.[0];
    return {
      activity: a.activityType?.name ?? '?',
      attempt: a.attempt ?? 1,
      state: String(a.state ?? ''),
      heartbeat: payload ? (defaultPayloadConverter.fromPayload(payload) as StepHeartbeat) : null,
      lastFailure: a.lastFailure?.message ?? null,
    };
  });
}

const queryTimeoutMs = 5000;

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The innermost message of a failure chain (the activity's own error). */
export function rootMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  let message = String(err);
  while (e) {
    if (e.message) message = e.message;
    e = e.cause as typeof e;
  }
  return message;
}
