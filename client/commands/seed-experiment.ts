// One config run with K seeds as one experiment: K workflow runs `<experimentId>-s<k>`,
// k = 0 … K − 1, run k with `seed: <config's seed> + k`. Every run's memo records the experiment
// (id, K, k, first seed), so the experiment is found from its id alone — `maft results` and
// `maft resume` read run `<experimentId>-s0`, which is always started first — and a seed that
// never started (an interrupted `maft run --seeds`) can still be started with its own config.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { z } from 'zod';
import type { MaftClient } from '../api';
import { CliError } from '../cli-error';
import { NOT_STARTED } from '../report/across-seeds';
import { checkRunId } from '../run-id';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import type { RunState } from '../../experiment/run-types';

const seedMemoSchema = z.object({ id: z.string(), seeds: z.number().int().min(1), index: z.number().int().min(0), firstSeed: z.number().int().min(0) });

/** The memo entry of every run of a seed experiment. */
export const SEED_MEMO_KEY = 'seedExperiment';

export interface SeedRun {
  index: number;
  seed: number;
  runId: string;
  config: ExperimentConfig;
  memo: { [SEED_MEMO_KEY]: z.infer<typeof seedMemoSchema> };
}

export interface SeedExperiment {
  id: string;
  runs: SeedRun[];
}

const seedsSchema = z.coerce.number().int().min(1);

/** The value of --seeds: a whole number ≥ 1. */
export function parseSeeds(value: string): number {
  const parsed = seedsSchema.safeParse(value);
  if (!parsed.success) throw new CliError(`--seeds: "${value}" is not a whole number ≥ 1`);
  return parsed.data;
}

export const seedRunId = (experimentId: string, index: number): string => `${experimentId}-s${index}`;

export function seedExperiment(id: string, config: ExperimentConfig, seeds: number): SeedExperiment {
  // The experiment id names runs/<id>/ (its plot); the last run id is the longest.
  checkRunId(id);
  checkRunId(seedRunId(id, seeds - 1));
  const runs = Array.from({ length: seeds }, (_, index): SeedRun => ({
    index,
    seed: config.seed + index,
    runId: seedRunId(id, index),
    config: { ...config, seed: config.seed + index },
    memo: { [SEED_MEMO_KEY]: { id, seeds, index, firstSeed: config.seed } },
  }));
  return { id, runs };
}

export async function describeOrNull(maft: MaftClient, runId: string): Promise<WorkflowExecutionDescription | null> {
  try {
    return await maft.client.workflow.getHandle(runId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** The experiment `id` as recorded by its first run; null when `id` names none. */
export async function findSeedExperiment(maft: MaftClient, id: string): Promise<SeedExperiment | null> {
  const first = await describeOrNull(maft, seedRunId(id, 0));
  const memo = seedMemoSchema.safeParse(first?.memo?.[SEED_MEMO_KEY]);
  const config = first?.memo?.config as ExperimentConfig | undefined;
  if (!memo.success || memo.data.id !== id || !config) return null;
  return seedExperiment(id, { ...config, seed: memo.data.firstSeed }, memo.data.seeds);
}

/** A run id, or else the id of an experiment with several seeds; anything else is an error. */
export async function runOrSeedExperiment(maft: MaftClient, id: string): Promise<{ run: string } | { experiment: SeedExperiment }> {
  if (await describeOrNull(maft, id)) return { run: id };
  const experiment = await findSeedExperiment(maft, id);
  if (experiment) return { experiment };
  throw new CliError(`no run or seed experiment "${id}" on ${maft.temporal.server.address} (namespace ${maft.temporal.server.namespace})`);
}

/** Before anything starts: none of the experiment's ids may be taken. */
export async function assertNewExperiment(maft: MaftClient, experiment: SeedExperiment): Promise<void> {
  if (await describeOrNull(maft, experiment.id)) throw new CliError(`a run ${experiment.id} already exists; choose another --run-id for the experiment`);
  for (const run of experiment.runs) {
    if (await describeOrNull(maft, run.runId)) {
      throw new CliError(`run ${run.runId} of experiment ${experiment.id} already exists; continue it with \`maft resume ${experiment.id}\` or choose another --run-id`);
    }
  }
}

export type SeedState = typeof NOT_STARTED | 'running' | 'completed' | 'stopped';

/** Stopped: failed, terminated, timed out or cancelled — resumable. */
export async function seedState(maft: MaftClient, runId: string): Promise<SeedState> {
  const d = await describeOrNull(maft, runId);
  if (!d) return NOT_STARTED;
  if (d.status.name === 'RUNNING') return 'running';
  // A gracefully cancelled run completes its workflow with the run status "cancelled".
  if (d.status.name === 'COMPLETED' && ((await maft.client.workflow.getHandle(runId).result()) as RunState).status !== 'cancelled') return 'completed';
  return 'stopped';
}

/** Starts a seed not started yet or resumes a stopped one; a running or completed one is left as it is. */
export async function continueSeed(maft: MaftClient, run: SeedRun, state: SeedState): Promise<void> {
  if (state === NOT_STARTED) await maft.startRun(run.config, { runId: run.runId, memo: run.memo });
  else if (state === 'stopped') await maft.resumeRun(run.runId);
}
