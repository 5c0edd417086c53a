// One finetune in the current thread: read the model directory, tokenize the examples the way
// generation and scoring see them, train with lm/train, and write the result atomically. SFT
// (runFinetune: completion + eos learned) writes a PEFT adapter or a full model directory; RL
// (runRlFinetune: completions with their advantages, log-probs, returns or labels) also writes
// value/verifier models as PEFT SEQ_CLS adapters with their score head. finetune() and
// finetuneRl() run these in a worker thread.

import { resolve } from 'node:path';
import type { AdapterWeights } from '../decoder';
import { LmInputError } from '../errors';
import { baseModelFingerprint, loadHeadModel, saveHeadModel } from '../formats/head-model';
import { readModelConfig } from '../formats/hf-config';
import { saveModelDir } from '../formats/model-dir';
import { loadModelWeights } from '../formats/model-weights';
import { loadAdapter, saveAdapter } from '../formats/peft-adapter';
import type { ModelConfig } from '../model-config';
import { loadTokenizer, type ModelTokenizer } from '../tokenizer/model-tokenizer';
import type { SequenceSignals, TrainModelResult, TrainSequence } from '../train/train-types';
import { trainModel } from '../train/train-model';
import type { FinetuneProgress, FinetuneRequest, FinetuneResult, RlExample, RlFinetuneRequest } from '../types';

/** A FinetuneRequest without its callbacks: what crosses into the worker thread. */
export type FinetuneJob = Omit<FinetuneRequest, 'onProgress' | 'signal'>;
export type RlFinetuneJob = Omit<RlFinetuneRequest, 'onProgress' | 'signal'>;

export interface FinetuneHooks {
  onProgress?: (p: FinetuneProgress) => void;
  signal?: AbortSignal;
}

interface LoadedBase {
  config: ModelConfig;
  tokenizer: ModelTokenizer;
}

async function loadBase(modelDir: string): Promise<LoadedBase> {
  const config = await readModelConfig(modelDir);
  const tokenizer = await loadTokenizer(modelDir);
  tokenizer.checkAgainst(config, `${modelDir}/config.json`);
  return { config, tokenizer };
}

/** Tokenizes each example with `encode`; a failure names the example. */
function tokenize<E>(examples: E[], encode: (example: E) => TrainSequence): TrainSequence[] {
  return examples.map((example, i) => {
    try {
      return encode(example);
    } catch (err) {
      throw new LmInputError(`finetune example ${i}: ${(err as Error).message}`);
    }
  });
}

function summary(result: TrainModelResult, outDir: string): FinetuneResult {
  const { steps, tokens, finalLoss, meanLoss, resumedFromStep } = result;
  return { steps, tokens, finalLoss, meanLoss, outDir, resumedFromStep };
}

export async function runFinetune(job: FinetuneJob, hooks: FinetuneHooks = {}): Promise<FinetuneResult> {
  const { modelDir, options } = job;
  if (job.examples.length === 0) throw new LmInputError('finetune: no training examples');
  const { config, tokenizer } = await loadBase(modelDir);
  const weights = await loadModelWeights(options.method === 'full' && job.init ? job.init : modelDir, config);
  let initAdapter: AdapterWeights | undefined;
  if (options.method === 'lora' && job.init) initAdapter = await loadAdapter(job.init, config);

  const sequences = tokenize(job.examples, (example) => {
    const { promptIds, completionIds } = tokenizer.encodeExample(example.prompt, example.completion, { appendEos: true });
    return { tokens: [...promptIds, ...completionIds], promptLength: promptIds.length };
  });

  const result = await trainModel({ config, weights, initAdapter, sequences, options, checkpointDir: job.checkpointDir, runtime: job.runtime, ...hooks });
  if (options.method === 'lora') {
    if (!result.adapter) throw new Error('trainModel returned no adapter for a LoRA finetune');
    await saveAdapter(job.outDir, result.adapter, { baseModel: resolve(modelDir), dropout: options.lora?.dropout });
  } else {
    if (!result.weights) throw new Error('trainModel returned no weights for a full finetune');
    await saveModelDir(job.outDir, modelDir, config, result.weights);
  }
  return summary(result, job.outDir);
}

/** An example's per-token signals; one advantage for every token, or one per token. */
function signalsOf(example: RlExample, completionLength: number): SequenceSignals {
  if (example.advantage !== undefined && example.advantages !== undefined) throw new LmInputError('give advantage (one for every token) or advantages (per token), not both');
  const { oldLogprobs, refLogprobs, returns, oldValues, label } = example;
  const advantages = example.advantage !== undefined ? new Array<number>(completionLength).fill(example.advantage) : example.advantages;
  return { advantages, oldLogprobs, refLogprobs, returns, oldValues, label };
}

export async function runRlFinetune(job: RlFinetuneJob, hooks: FinetuneHooks = {}): Promise<FinetuneResult> {
  const { modelDir, options, objective } = job;
  if (job.examples.length === 0) throw new LmInputError('finetuneRl: no training examples');
  if (objective.head && options.method === 'full') throw new LmInputError('finetuneRl: a head objective trains method "lora" or "head" (a value or verifier model is a PEFT SEQ_CLS adapter)');
  const { config, tokenizer } = await loadBase(modelDir);
  const weights = await loadModelWeights(options.method === 'full' && job.init ? job.init : modelDir, config);
  let initAdapter: AdapterWeights | undefined;
  let initHead: Float32Array | undefined;
  if (job.init && objective.head) {
    const init = await loadHeadModel(job.init, config, weights);
    if (init.adapter && options.method === 'head') throw new LmInputError(`finetuneRl: ${job.init} has a LoRA adapter; method "head" would drop it (use method "lora")`);
    ({ adapter: initAdapter, head: initHead } = init);
  } else if (job.init && options.method === 'lora') {
    initAdapter = await loadAdapter(job.init, config);
  }

  const sequences = tokenize(job.examples, (example) => {
    const promptIds = tokenizer.encodePrompt(example.prompt);
    const completionIds = typeof example.completion === 'string' ? tokenizer.encode(example.completion, { addSpecialTokens: false }) : example.completion;
    return { tokens: [...promptIds, ...completionIds], promptLength: promptIds.length, signals: signalsOf(example, completionIds.length) };
  });

  const result = await trainModel({
    config, weights, initAdapter, initHead, objective, sequences, options, checkpointDir: job.checkpointDir, checkpointEvery: job.checkpointEvery, runtime: job.runtime, ...hooks,
  });
  const saveOptions = { baseModel: resolve(modelDir), dropout: options.lora?.dropout };
  if (objective.head) {
    await saveHeadModel(job.outDir, { adapter: result.adapter, head: result.head! }, { ...saveOptions, baseFingerprint: baseModelFingerprint(config, weights) });
  } else if (options.method === 'lora') {
    await saveAdapter(job.outDir, result.adapter!, saveOptions);
  } else {
    await saveModelDir(job.outDir, modelDir, config, result.weights!);
  }
  return summary(result, job.outDir);
}
