// The contract between lm/train (the ONNX training loop) and its callers: lm/index.ts's
// finetune() (tokenized chat examples, PEFT in and out) and pretraining (issue 6, full
// training from initRandomWeights). Everything here is tokenized already; no files but the
// checkpoint directory.

import type { AdapterWeights } from '../decoder';
import type { ModelConfig } from '../model-config';
import type { FinetuneProgress, RlFinetuneOptions, RlObjective, RuntimeOptions, TrainingSummary } from '../types';

export interface TrainSequence {
  /** Prompt then completion token ids (include BOS/EOS as the caller wants them learned). */
  tokens: ArrayLike<number>;
  /** Loss is taken on tokens[promptLength..] only (each predicted from the tokens before it). */
  promptLength: number;
  /** RL objectives: what the sequence is trained towards. */
  signals?: SequenceSignals;
}

/** Per completion token (tokens.length − promptLength entries each), except the label. */
export interface SequenceSignals {
  advantages?: ArrayLike<number>;
  oldLogprobs?: ArrayLike<number>;
  refLogprobs?: ArrayLike<number>;
  returns?: ArrayLike<number>;
  oldValues?: ArrayLike<number>;
  /** Verifier label in [0, 1]. */
  label?: number;
}

export interface TrainModelRequest {
  config: ModelConfig;
  /** Base weights by Hugging Face name. Frozen for LoRA; the starting point for full training. */
  weights: Map<string, Float32Array>;
  /** LoRA only: continue from this adapter instead of a fresh one (A random, B = 0). */
  initAdapter?: AdapterWeights;
  /** Absent: SFT. With an objective, sequences carry its signals. */
  objective?: RlObjective;
  /** Head objectives: continue from this head [1, hiddenSize] instead of a fresh one. */
  initHead?: Float32Array;
  sequences: TrainSequence[];
  /** FinetuneOptions, or 'head' (only the scalar head of an RL objective trains). */
  options: RlFinetuneOptions;
  /** Longest packed row in tokens (default: the longest sequence). Longer sequences are an error. */
  maxSequenceLength?: number;
  /** Holds `checkpoint.bin` (+ `checkpoint.json`); an interrupted run resumes from it exactly. */
  checkpointDir: string;
  /** Optimizer steps between checkpoints (default 50; a checkpoint is always written at the end). */
  checkpointEvery?: number;
  runtime: Pick<RuntimeOptions, 'device' | 'threads' | 'spinning'>;
  onProgress?: (p: FinetuneProgress) => void;
  signal?: AbortSignal;
}

export interface TrainModelResult extends TrainingSummary {
  /** method 'full': every trained tensor by Hugging Face name (all weights of the model). */
  weights?: Map<string, Float32Array>;
  /** method 'lora': the trained adapter in graph layout (A [in, r], B [r, out]). */
  adapter?: AdapterWeights;
  /** Head objectives: the trained head [1, hiddenSize]. */
  head?: Float32Array;
}
