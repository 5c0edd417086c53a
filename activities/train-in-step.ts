// The part of a training step that SFT (finetuneAgent) and RL (policyUpdate) share: a retried
// attempt announces where it resumes, lm/ trains into the step's adapter/ with checkpoints/ to
// survive a crash, every optimizer step is heartbeated and logged to losses.parquet, and the
// checkpoints go once the adapter is written.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { trainingLogSchema, writeRows } from '../data/artifacts';
import type { OutputFile } from '../data/artifacts';
import { ADAPTER_DIR, CHECKPOINTS_DIR, inStep, LOSSES_FILE, LOSS_SCRATCH_FILE } from '../experiment/run-layout';
import type { StepHeartbeat, TrainSummary } from '../experiment/step-types';
import type { FinetuneProgress, FinetuneResult } from '../lm/types';
import type { ActivityDeps } from './deps';
import { heartbeatWhile } from './heartbeat-while';
import { listFiles } from './step-cache';
import { openTrainingLog } from './training-log';

/** Where and how lm/ trains for the step. */
export interface TrainingTarget {
  outDir: string;
  checkpointDir: string;
  onProgress(p: FinetuneProgress): void;
  signal: AbortSignal;
}

export async function trainInStep(
  deps: ActivityDeps,
  { dir, stepDir, trainee, examples }: { dir: string; stepDir: string; trainee: string; examples: number },
  train: (target: TrainingTarget) => Promise<FinetuneResult>,
): Promise<{ outputs: OutputFile[]; summary: TrainSummary }> {
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
  // Building the training session before step 1 (and a long step) reports nothing new.
  let beat: StepHeartbeat = last ?? { step: 0, total: 0 };
  const result = await heartbeatWhile(
    () => beat,
    () =>
      train({
        outDir,
        checkpointDir,
        onProgress: (p) => {
          log.record(p.step, p.loss);
          beat = { step: p.step, total: p.totalSteps, loss: p.loss, tokensPerSecond: p.tokensPerSecond };
          ctx.heartbeat(beat);
        },
        signal: ctx.cancellationSignal,
      }),
  );
  const losses = await writeRows(trainingLogSchema, join(dir, LOSSES_FILE), log.rows(result.resumedFromStep));
  // Checkpoints exist only to survive a crash of this attempt; the adapter is the result.
  await rm(checkpointDir, { recursive: true, force: true });
  return {
    outputs: [...(await listFiles(outDir)).map((path) => ({ path })), losses],
    summary: {
      trainee,
      adapter: inStep(stepDir, ADAPTER_DIR),
      examples,
      skipped: false,
      steps: result.steps,
      tokens: result.tokens,
      finalLoss: result.finalLoss,
      meanLoss: result.meanLoss,
      resumedFromStep: result.resumedFromStep,
    },
  };
}
