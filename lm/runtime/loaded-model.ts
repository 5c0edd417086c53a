// One model directory loaded in the current thread: config, weights, tokenizer and a Decoder,
// plus the adapters requested so far. The worker thread of openModel() holds one of these.

import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AdapterWeights, Decoder } from '../decoder';
import { LmInputError } from '../errors';
import { readModelConfig } from '../formats/hf-config';
import { loadModelWeights } from '../formats/model-weights';
import { loadAdapter } from '../formats/peft-adapter';
import type { ModelConfig } from '../model-config';
import { generateText, scoreHeadText, scoreText, scoreTokenText, type TextModel } from '../generate/generate-text';
import { loadHeadModel, type HeadModel } from '../formats/head-model';
import { loadTokenizer } from '../tokenizer/model-tokenizer';
import type { LanguageModel, RuntimeOptions } from '../types';
import { readJsonFile } from '../formats/json-file';

export type DecoderFactory = (config: ModelConfig, weights: Map<string, Float32Array>, runtime: RuntimeOptions) => Promise<Decoder>;

const maxBatchSize = 32;
/** Within the KV-cache budget of generate-text.ts. */
const maxGenerationBatchSize = 128;

/**
 * Instruct models often list their end-of-turn token (`<|im_end|>`, `<|eot_id|>`) only in
 * generation_config.json; generation must stop there too.
 */
async function generationEosIds(modelDir: string): Promise<number[]> {
  const path = join(modelDir, 'generation_config.json');
  const json = (await readJsonFile(path, { optional: true })) as { eos_token_id?: unknown } | undefined;
  if (json === undefined) return [];
  const eos = json.eos_token_id;
  const ids = eos == null ? [] : Array.isArray(eos) ? eos : [eos];
  if (!ids.every((id) => Number.isSafeInteger(id) && id >= 0)) {
    throw new LmInputError(`${path}: eos_token_id: expected a token id or a list of them, got ${JSON.stringify(eos)}`);
  }
  return ids as number[];
}

export async function loadModel(modelDir: string, runtime: RuntimeOptions, createDecoder: DecoderFactory): Promise<LanguageModel> {
  const config = await readModelConfig(modelDir);
  const tokenizer = await loadTokenizer(modelDir);
  tokenizer.checkAgainst(config, `${modelDir}/config.json`);
  const weights = await loadModelWeights(modelDir, config);
  let parameters = 0;
  for (const w of weights.values()) parameters += w.length;
  const decoder = await createDecoder(config, weights, runtime);

  const adapters = cachedPerDirectory((dir) => loadAdapter(dir, config));
  const heads = cachedPerDirectory((dir) => loadHeadModel(dir, config, weights));
  const eosTokenIds = [
    ...new Set([...config.eosTokenIds, ...(await generationEosIds(modelDir)), ...(tokenizer.eosTokenId === undefined ? [] : [tokenizer.eosTokenId])]),
  ];
  const text: TextModel = {
    decoder,
    tokenizer,
    eosTokenIds,
    maxBatchSize,
    maxGenerationBatchSize,
    adapter: (dir) => (dir === undefined ? Promise.resolve(undefined) : adapters(dir)),
    head: heads,
  };
  return {
    info: { modelDir, architecture: config.architecture, vocabSize: config.vocabSize, parameters },
    generate: (requests, options) => generateText(text, requests, options),
    score: (requests) => scoreText(text, requests),
    scoreTokens: (requests, options) => scoreTokenText(text, requests, options),
    scoreHead: (requests) => scoreHeadText(text, requests),
    close: () => decoder.close(),
  };
}

/**
 * `load` once per absolute directory. The entry remembers the weights file's mtime and size so
 * an adapter rewritten in place (a retried finetune) is read again; a failed load is forgotten.
 */
function cachedPerDirectory<T extends AdapterWeights | HeadModel>(load: (dir: string) => Promise<T>): (dir: string) => Promise<T> {
  const entries = new Map<string, { stamp: string; value: Promise<T> }>();
  return async (dir) => {
    const key = resolve(dir);
    const stamp = await stat(join(key, 'adapter_model.safetensors')).then(
      (s) => `${s.mtimeMs}:${s.size}`,
      () => 'missing', // the loader names the missing file
    );
    let entry = entries.get(key);
    if (!entry || entry.stamp !== stamp) {
      entry = { stamp, value: load(key) };
      entries.set(key, entry);
      entry.value.catch(() => entries.delete(key));
    }
    return entry.value;
  };
}
