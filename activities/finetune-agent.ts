// finetuneAgent: SFT of one trainee on its dataset (Alg. 1 lines 27–28), as a LoRA adapter over
// the shared base, from the previous iteration's adapter or from the base. The training itself
// runs in lm/'s worker thread; this activity heartbeats its progress and, when retried after a
// crash, lm/ resumes from the newest checkpoint in the step's checkpoint directory. Every step's
// loss goes to losses.parquet (train-in-step.ts, shared with MAGRPO's policy update).
import { join } from 'node:path';
import { agentDatasetSchema, readRows } from '../data/artifacts';
import { deriveSeed } from '../data/method/seed';
import type { RoleFinetuneConfig } from '../experiment/experiment-schema';
import type { FinetuneOptions } from '../lm/types';
import type { ActivityDeps } from './deps';
import { cachedStep, runDirOf } from './step-cache';
import { trainInStep } from './train-in-step';
import type { FinetuneAgentInput, TrainSummary } from '../experiment/step-types';

export async function finetuneAgent(deps: ActivityDeps, input: FinetuneAgentInput): Promise<TrainSummary> {
  const { runId, config, iteration, dataset, init, stepDir } = input;
  const role = config.finetune[dataset.role];
  const seed = deriveSeed(config.seed, 'finetune', iteration, dataset.id);
  return cachedStep(deps, {
    step: 'finetuneAgent',
    runId,
    stepDir,
    // 'sft' as the removed finetune.method key always was: keeps the step cache keys of earlier runs.
    inputs: { model: config.model.path, method: 'sft', role, seed, trainee: dataset.id, init },
    inputPaths: [dataset.path, ...(init === null ? [] : [init])],
    compute: async (dir) => {
      const skipped: TrainSummary = { trainee: dataset.id, adapter: init, examples: 0, skipped: true, steps: 0, tokens: 0, finalLoss: null, meanLoss: null, resumedFromStep: 0 };
      if (dataset.examples === 0) return { outputs: [], summary: skipped };
      const runDir = runDirOf(deps, runId);
      const rows = await readRows(agentDatasetSchema, join(runDir, dataset.path));
      return trainInStep(deps, { dir, stepDir, trainee: dataset.id, examples: rows.length }, (target) =>
        deps.lm.finetune({
          modelDir: config.model.path,
          init: init === null ? undefined : join(runDir, init),
          examples: rows.map((r) => ({ prompt: r.prompt, completion: r.completion })),
          options: finetuneOptions(role, seed),
          runtime: { device: config.model.device, threads: config.model.threads },
          ...target,
        }),
      );
    },
  });
}

export function finetuneOptions(role: RoleFinetuneConfig, seed: number): FinetuneOptions {
  return {
    method: role.mode,
    lora: role.mode === 'lora' ? { rank: role.rank, alpha: role.alpha, dropout: role.dropout, targetModules: role.targetModules } : undefined,
    learningRate: role.learningRate,
    epochs: role.epochs,
    batchTokens: role.batchTokens,
    gradientAccumulation: role.gradientAccumulation,
    weightDecay: role.weightDecay,
    betas: [0.9, 0.999],
    warmupSteps: role.warmupSteps,
    schedule: role.schedule,
    maxGradNorm: role.maxGradNorm,
    seed,
  };
}
