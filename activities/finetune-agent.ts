// finetuneAgent: SFT of one trainee on its dataset (Alg. 1 lines 27–28), as a LoRA adapter over
// the shared base, from the previous iteration's adapter or from the base. The training itself
// runs in lm/'s worker thread; this activity heartbeats its progress and, when retried after a
// crash, lm/ resumes from the newest checkpoint in the step's checkpoint directory. Every step's
// loss goes to losses.parquet (training-log.ts carries the steps of earlier attempts over).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { agentDatasetSchema, readRows, trainingLogSchema, writeRows } from '../data/artifacts';
import { deriveSeed } from '../data/method/seed';
import type { RoleFinetuneConfig } from '../experiment/experiment-schema';
import type { FinetuneOptions } from '../lm/types';
import { ADAPTER_DIR, CHECKPOINTS_DIR, LOSSES_FILE, LOSS_SCRATCH_FILE, inStep } from '../experiment/run-layout';
import type { ActivityDeps } from './deps';
import { cachedStep, listFiles, runDirOf } from './step-cache';
import { openTrainingLog } from './training-log';
import type { FinetuneAgentInput, StepHeartbeat, TrainSummary } from '../experiment/step-types';

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
      const ctx = Context.current();
      const last = ctx.info.heartbeatDetails as StepHeartbeat | undefined;
      if (last) {
        deps.log?.info(`${stepDir}: attempt ${ctx.info.attempt} resumes after step ${last.step}/${last.total}`);
        // Keep the last known progress visible until the first new step reports.
        ctx.heartbeat(last);
      }
      const outDir = join(dir, ADAPTER_DIR);
      const checkpointDir = join(dir, CHECKPOINTS_DIR);
      const log = await openTrainingLog(join(checkpointDir, LOSS_SCRATCH_FILE));
      const result = await deps.lm.finetune({
        modelDir: config.model.path,
        init: init === null ? undefined : join(runDir, init),
        examples: rows.map((r) => ({ prompt: r.prompt, completion: r.completion })),
        options: finetuneOptions(role, seed),
        outDir,
        checkpointDir,
        runtime: { device: config.model.device, threads: config.model.threads },
        onProgress: (p) => {
          log.record(p.step, p.loss);
          ctx.heartbeat({ step: p.step, total: p.totalSteps, loss: p.loss, tokensPerSecond: p.tokensPerSecond } satisfies StepHeartbeat);
        },
        signal: ctx.cancellationSignal,
      });
      const losses = await writeRows(trainingLogSchema, join(dir, LOSSES_FILE), log.rows(result.resumedFromStep));
      // Checkpoints exist only to survive a crash of this attempt; the adapter is the result.
      await rm(checkpointDir, { recursive: true, force: true });
      return {
        outputs: [...(await listFiles(outDir)).map((path) => ({ path })), losses],
        summary: {
          trainee: dataset.id,
          adapter: inStep(stepDir, ADAPTER_DIR),
          examples: rows.length,
          skipped: false,
          steps: result.steps,
          tokens: result.tokens,
          finalLoss: result.finalLoss,
          meanLoss: result.meanLoss,
          resumedFromStep: result.resumedFromStep,
        },
      };
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
