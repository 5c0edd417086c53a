// Public entry of maft's language-model runtime. Model work runs in worker threads, so
// callers (Temporal activities) keep their event loop.

export type * from './types';
export type { ModelConfig } from './model-config';
export { LmAbortError, LmInputError } from './errors';
export { openModel } from './runtime/open-model';
export { finetune, finetuneRl } from './runtime/finetune';
export { readModelConfig, parseHfConfig, toHfConfig } from './formats/hf-config';
export { loadModelWeights, saveModelWeights } from './formats/model-weights';
export { loadAdapter, saveAdapter, mergeAdapter } from './formats/peft-adapter';
export { baseModelFingerprint, loadHeadModel, saveHeadModel, type HeadModel } from './formats/head-model';
export { mergeAdapterIntoModel, saveModelDir } from './formats/model-dir';
export { loadTokenizer } from './tokenizer/model-tokenizer';
export { buildByteLevelBpeTokenizer, saveTokenizer } from './tokenizer/bpe-trainer';
export { writeRandomModelDir, defaultChatTemplate } from './random-model-dir';
export { writeRandomAdapterDir } from './random-adapter-dir';
