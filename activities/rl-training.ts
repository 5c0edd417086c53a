// What the RL steps (policyUpdate, ppoUpdate, trainVerifier) share when they train: a LoRA
// adapter (with a head for value and verifier objectives) under Adam with no weight decay, warmup
// or schedule and gradients clipped at norm 1 — the RL defaults of TRL and CoMLRL — through one
// lm/ finetuneRl call into the step's directory (train-in-step.ts: heartbeats, checkpoints, losses).
import { join } from 'node:path';
import type { OutputFile } from '../data/artifacts';
import type { ExperimentConfig } from '../experiment/experiment-schema';
import type { TrainSummary } from '../experiment/step-types';
import type { LoraOptions, RlExample, RlFinetuneOptions, RlObjective } from '../lm/types';
import type { ActivityDeps } from './deps';
import { runDirOf } from './step-cache';
import { trainInStep } from './train-in-step';

export function rlLoraOptions(o: { lora: LoraOptions; learningRate: number; epochs: number; batchTokens: number; seed: number }): RlFinetuneOptions {
  return { method: 'lora', ...o, gradientAccumulation: 1, weightDecay: 0, betas: [0.9, 0.999], warmupSteps: 0, schedule: 'constant', maxGradNorm: 1 };
}

export interface RlJob {
  /** The adapter (or value/verifier directory) to continue, relative to the run directory; null for a fresh one. */
  init: string | null;
  examples: RlExample[];
  objective: RlObjective;
  options: RlFinetuneOptions;
}

export function trainRlInStep(
  deps: ActivityDeps,
  config: ExperimentConfig,
  step: { runId: string; dir: string; stepDir: string; trainee: string },
  job: RlJob,
): Promise<{ outputs: OutputFile[]; summary: TrainSummary }> {
  const runDir = runDirOf(deps, step.runId);
  return trainInStep(deps, { dir: step.dir, stepDir: step.stepDir, trainee: step.trainee, examples: job.examples.length }, (target) =>
    deps.lm.finetuneRl({
      modelDir: config.model.path,
      init: job.init === null ? undefined : join(runDir, job.init),
      examples: job.examples,
      objective: job.objective,
      options: job.options,
      runtime: { device: config.model.device, threads: config.model.threads },
      ...target,
    }),
  );
}
