// temporal.yaml: where the Temporal server is, which task queues the workers serve, and the
// timeouts and retries of every pipeline step. Infrastructure only; the science is in the
// experiment YAML.
import { resolve } from 'node:path';
import { z } from 'zod';
import { addressProblem } from './address';
import { ConfigError } from './config-error';
import { durationMs, durationSchema } from './duration';
import { parseWithSchema, readYamlFile } from './yaml-source';
import { pipelineSteps, stepQueue } from '../experiment/pipeline-steps';
import type { PipelineStep, StepOptions } from '../experiment/pipeline-steps';

const retrySchema = z
  .object({
    maximumAttempts: z.number().int().min(1),
    initialInterval: durationSchema,
    backoffCoefficient: z.number().min(1),
    maximumInterval: durationSchema,
  })
  .strict();

const stepOptionsSchema = z
  .object({
    startToCloseTimeout: durationSchema,
    heartbeatTimeout: durationSchema,
    retry: retrySchema.partial(),
  })
  .strict()
  .partial();

const queueSchema = z
  .object({
    name: z.string().min(1),
    /** Activities this worker runs at once; on one machine the gpu queue is the finetune bound. */
    maxConcurrentActivities: z.number().int().min(1),
  })
  .strict();

export const temporalConfigSchema = z
  .object({
    server: z
      .object({
        /**
         * auto: `address` if something answers there, else a `temporal` CLI on PATH
         * (start-dev, with the web UI), else the embedded devserver.
         */
        mode: z.enum(['auto', 'address', 'cli', 'embedded']).default('auto'),
        address: z.string().min(1).default('127.0.0.1:7233'),
        namespace: z.string().min(1).default('default'),
        /** Persisted server state for the cli and embedded modes. */
        dbPath: z.string().min(1).default('.temporal/maft.db'),
        uiPort: z.number().int().min(1).max(65535).default(8233),
      })
      .strict()
      .prefault({}),
    /** Run directories (artifacts, manifests, adapters); relative paths are from the working directory. */
    runsDir: z.string().min(1).default('runs'),
    taskQueues: z
      .object({
        cpu: queueSchema.prefault({ name: 'maft-cpu', maxConcurrentActivities: 4 }),
        gpu: queueSchema.prefault({ name: 'maft-gpu', maxConcurrentActivities: 2 }),
      })
      .strict()
      .prefault({}),
    activities: z
      .object({
        default: stepOptionsSchema.prefault({}),
        ...Object.fromEntries(pipelineSteps.map((s) => [s, stepOptionsSchema.optional()])),
      })
      .strict()
      .prefault({}),
    /** Custom search attributes (MaftRunId, MaftAccuracy); turned off if the server cannot register them. */
    searchAttributes: z.boolean().default(true),
  })
  .strict();

export type TemporalConfig = z.infer<typeof temporalConfigSchema>;

const builtinDefaults = {
  startToCloseTimeout: '2h',
  heartbeatTimeout: '60s',
  retry: { maximumAttempts: 5, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
};

/** The options of every step: built-in defaults < `activities.default` < `activities.<step>`. */
export function resolveStepOptions(config: TemporalConfig): Record<PipelineStep, StepOptions> {
  const activities = config.activities as Record<string, z.infer<typeof stepOptionsSchema> | undefined>;
  const base = activities.default ?? {};
  return Object.fromEntries(
    pipelineSteps.map((step) => {
      const own = activities[step] ?? {};
      const retry = { ...builtinDefaults.retry, ...base.retry, ...own.retry };
      const options: StepOptions = {
        taskQueue: config.taskQueues[stepQueue[step]].name,
        startToCloseTimeoutMs: durationMs(own.startToCloseTimeout ?? base.startToCloseTimeout ?? builtinDefaults.startToCloseTimeout),
        heartbeatTimeoutMs: durationMs(own.heartbeatTimeout ?? base.heartbeatTimeout ?? builtinDefaults.heartbeatTimeout),
        retry: {
          maximumAttempts: retry.maximumAttempts,
          initialIntervalMs: durationMs(retry.initialInterval),
          backoffCoefficient: retry.backoffCoefficient,
          maximumIntervalMs: durationMs(retry.maximumInterval),
        },
      };
      return [step, options];
    }),
  ) as Record<PipelineStep, StepOptions>;
}

export interface LoadedTemporalConfig extends TemporalConfig {
  file: string;
  /** Where server.address came from, for error messages: "<file>: server.address", "--address" or "TEMPORAL_ADDRESS". */
  addressFrom: string;
  /** runsDir made absolute. */
  runsRoot: string;
  steps: Record<PipelineStep, StepOptions>;
}

/**
 * temporal.yaml, with the server address overridden by `address` (a command's --address) or else
 * the TEMPORAL_ADDRESS variable; an override means "this server", so it sets mode `address`.
 */
export function loadTemporalConfig(file = 'temporal.yaml', overrides: { address?: string } = {}): LoadedTemporalConfig {
  const source = readYamlFile(file);
  const config = parseWithSchema(source, temporalConfigSchema);
  const override =
    overrides.address !== undefined ? { address: overrides.address, from: '--address' }
    : process.env.TEMPORAL_ADDRESS ? { address: process.env.TEMPORAL_ADDRESS, from: 'TEMPORAL_ADDRESS' }
    : null;
  const server = override ? { ...config.server, address: override.address, mode: 'address' as const } : config.server;
  const addressFrom = override?.from ?? `${file}: server.address`;
  const problem = addressProblem(server.address);
  if (problem !== null) {
    if (override) throw new ConfigError(override.from, '', problem);
    throw new ConfigError(file, 'server.address', problem, source.lineOf(['server', 'address']));
  }
  return { ...config, server, file, addressFrom, runsRoot: resolve(config.runsDir), steps: resolveStepOptions(config) };
}
