// What the activities need from the outside world, injected by worker.ts (real lm/, real file
// system) or by tests (the same real pieces, plus a fault hook).
import type { PipelineStep } from '../experiment/pipeline-steps';
import type { FinetuneRequest, FinetuneResult, LanguageModel, RlFinetuneRequest, RuntimeOptions } from '../lm/types';

export interface ModelRuntime {
  openModel(modelDir: string, runtime: RuntimeOptions): Promise<LanguageModel>;
  finetune(request: FinetuneRequest): Promise<FinetuneResult>;
  /** RL objectives (MAGRPO's policy update). */
  finetuneRl(request: RlFinetuneRequest): Promise<FinetuneResult>;
}

export interface ActivityLog {
  info(message: string, attrs?: Record<string, unknown>): void;
}

export interface ActivityDeps {
  /** Absolute directory holding the run directories. */
  runsRoot: string;
  lm: ModelRuntime;
  log?: ActivityLog;
  /**
   * Called when a step is about to compute (not when its finished outputs are reused). Tests use
   * it to inject a failure at a chosen step.
   */
  beforeCompute?(step: PipelineStep, stepDir: string): void | Promise<void>;
}
