// A complete, loadable model directory with random weights: a byte-level BPE tokenizer trained
// on a given corpus, a Llama config sized to it, and safetensors from initRandomWeights. Tests
// and benchmarks across maft use it where any real model would do; outputs are
// deterministic for a seed.

import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic } from '../files/atomic-write';
import { toHfConfig } from './formats/hf-config';
import { saveModelWeights } from './formats/model-weights';
import type { ModelConfig } from './model-config';
import { initRandomWeights } from './model/init-random-weights';
import { buildByteLevelBpeTokenizer, saveTokenizer } from './tokenizer/bpe-trainer';

export const defaultChatTemplate =
  '{{ bos_token }}{% for message in messages %}<|{{ message.role }}|>\n{{ message.content }}{{ eos_token }}\n{% endfor %}' +
  '{% if add_generation_prompt %}<|assistant|>\n{% endif %}';

const defaultCorpus = [
  'Question: What is 3 + 4 * 2 - 5? Answer: 6.',
  'The answer is 42. Let us check: 40 + 2 = 42.',
  'Agents debate and agree on the final answer (12).',
  'Café, naïve, résumé — and an emoji 🙂.',
];

export interface RandomModelOptions {
  seed: number;
  /** Text the tokenizer learns its merges from. */
  corpus?: string[];
  /** Tokenizer size to aim for (the model's vocab_size is what the tokenizer reaches). */
  vocabSize?: number;
  /** Architecture fields to override (sizes, layers, ...). */
  config?: Partial<ModelConfig>;
  chatTemplate?: string;
  /**
   * Standard deviation of the random matrices (initRandomWeights' default 0.02 makes a model that
   * repeats one token; larger values give varied text, which exercises generation better).
   */
  initStd?: number;
}

export async function writeRandomModelDir(dir: string, options: RandomModelOptions): Promise<ModelConfig> {
  const tokenizer = buildByteLevelBpeTokenizer(
    options.corpus ?? defaultCorpus,
    options.vocabSize ?? 320,
    { bos: '<|bos|>', eos: '<|eos|>', pad: '<|pad|>' },
    options.chatTemplate ?? defaultChatTemplate,
  );
  const config: ModelConfig = {
    architecture: 'llama',
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 64,
    intermediateSize: 128,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 16,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    maxPositionEmbeddings: 512,
    tieWordEmbeddings: true,
    attentionBias: false,
    mlpBias: false,
    bosTokenId: 0,
    eosTokenIds: [1],
    ...options.config,
  };
  const weights = initRandomWeights(config, options.seed, options.initStd);
  await writeDirAtomic(dir, async (temp) => {
    await saveModelWeights(temp, weights, config);
    await writeFileAtomic(join(temp, 'config.json'), JSON.stringify(toHfConfig(config), null, 2) + '\n');
    await saveTokenizer(temp, tokenizer);
  });
  return config;
}
