// How the embedded tiny model is made: one seed, one corpus, one architecture, one training
// schedule. `npm run pretrain:tiny` follows this recipe, so the committed files are reproducible
// from it (same machine type, same onnxruntime; float reductions may differ across CPUs).
import type { ModelConfig } from '../lm/model-config';
import type { FinetuneOptions } from '../lm/types';
import type { CorpusOptions } from './corpus';

export interface TinyRecipe {
  seed: number;
  corpus: Omit<CorpusOptions, 'task' | 'seed' | 'exclude'>;
  /** Requested BPE size; digits never merge, so the learned vocabulary stays below it. */
  vocabSize: number;
  /** The architecture; vocabSize and eosTokenIds come from the tokenizer. */
  model: Omit<ModelConfig, 'vocabSize' | 'eosTokenIds' | 'bosTokenId'>;
  training: FinetuneOptions;
  evaluation: {
    /** Held-out questions (never in the corpus, nor in the demo's train or test sets). */
    questions: number;
    /** The demo's sampling temperature: the accuracy the README reports is at this temperature. */
    temperature: number;
    maxNewTokens: number;
  };
}

export const TINY_RECIPE: TinyRecipe = {
  seed: 20261122,
  corpus: {
    // About 10 M tokens, about 30 minutes on 2 quiet cores. At 1.9 M tokens a trial model
    // copied well but got only 7% of its products right; the previous model needed 7 M tokens
    // to multiply and add at 97%.
    size: 80_000,
    // Critics are the skill debate adds, so they get as many examples as generations.
    mix: { generation: 0.45, critic: 0.4, summarizer: 0.05, 'critic-summary': 0.1 },
    // 3% of steps wrong: with 5-7 steps that may slip, about 1 solution in 6 is wrong in the corpus
    // itself, before the model's own mistakes, so sampled answers disagree often enough for
    // voting and debate to matter.
    // One order of steps: with three, the model learned each far more slowly in trials.
    styles: ['products-first'],
    slipRate: 0.03,
    shownSlipRate: 0.08,
    criticSlipRate: 0.03,
    // The demo debates with N = 3 (two others); other N still get a few examples.
    othersWeights: [1, 6, 1, 0.5],
    criticDecisions: { plurality: 0.7, fresh: 0.15, keep: 0.15 },
    criticVotes: false,
  },
  vocabSize: 512,
  model: {
    architecture: 'llama',
    hiddenSize: 128,
    intermediateSize: 384,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 4,
    headDim: 32,
    rmsNormEps: 1e-5,
    ropeTheta: 10_000,
    // Critic prompts and their answers are at most ~130 tokens.
    maxPositionEmbeddings: 256,
    tieWordEmbeddings: true,
    attentionBias: false,
    mlpBias: false,
  },
  training: {
    method: 'full',
    learningRate: 3e-3,
    epochs: 1,
    batchTokens: 1024,
    gradientAccumulation: 1,
    weightDecay: 0.01,
    betas: [0.9, 0.95],
    warmupSteps: 100,
    schedule: 'cosine',
    maxGradNorm: 1,
    seed: 20261122,
  },
  evaluation: { questions: 400, temperature: 0.7, maxNewTokens: 128 },
};
