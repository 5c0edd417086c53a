// Text in, text out: tokenizes prompts (chat messages through the template), groups requests
// by adapter (one adapter per forward pass), runs batched generation, and turns token ids
// back into text cut at the first stop string.

import type { AdapterWeights, Decoder } from '../decoder';
import { LmInputError } from '../errors';
import type { ModelTokenizer } from '../tokenizer/model-tokenizer';
import type { HeadModel } from '../formats/head-model';
import type {
  Completion, GenerateRequest, Generation, HeadScoreRequest, HeadScores, Prompt, SamplingOptions, Score, ScoreRequest, TokenScoreOptions,
  TokenScoreRequest, TokenScores,
} from '../types';
import { generateTokens, type TokenRequest } from './generate-tokens';
import { samplingProcessors } from './logits-processors';
import { StreamRng } from '../stream-rng';
import { greedySampler, multinomialSampler } from './samplers';
import { eosCriterion, findStop, maxLengthCriterion, stopStringCriterion } from './stopping-criteria';
import { scoreTokens, tokenLogprobs, type ScoreTokensRequest } from './score-tokens';

export interface TextModel {
  decoder: Decoder;
  tokenizer: ModelTokenizer;
  /** Tokens that end a sequence (config.json's and the tokenizer's eos). */
  eosTokenIds: number[];
  /** Loads (or returns the cached) adapter of a directory; undefined means the base model. */
  adapter(dir: string | undefined): Promise<AdapterWeights | undefined>;
  /** Loads (or returns the cached) value/verifier model of a directory. */
  head(dir: string): Promise<HeadModel>;
  /** Largest batch given to one prefill/decode loop. */
  maxBatchSize: number;
}

/**
 * Longest sequence the decoder computes exactly: its position limit, and for Mistral/Phi3 the
 * sliding window, since the decoder attends to the whole sequence (identical within the window).
 */
export function maxSequenceLength(decoder: Decoder): number {
  const { maxPositionEmbeddings, slidingWindow } = decoder.config;
  return Math.min(maxPositionEmbeddings, slidingWindow ?? Infinity);
}

function checkSampling(options: SamplingOptions): void {
  const fail = (field: string, why: string): never => {
    throw new LmInputError(`sampling option ${field}: ${why}`);
  };
  if (!Number.isSafeInteger(options.maxNewTokens) || options.maxNewTokens < 1) fail('maxNewTokens', `expected a positive integer, got ${options.maxNewTokens}`);
  if (!(options.temperature >= 0)) fail('temperature', `expected a number >= 0, got ${options.temperature}`);
  if (options.topP !== undefined && !(options.topP > 0 && options.topP <= 1)) fail('topP', `expected 0 < topP <= 1, got ${options.topP}`);
  if (options.topK !== undefined && !(Number.isSafeInteger(options.topK) && options.topK >= 0)) fail('topK', `expected an integer >= 0, got ${options.topK}`);
  if (!Number.isSafeInteger(options.seed)) fail('seed', `expected an integer, got ${options.seed}`);
}

/** Request indices grouped by adapter (or head directory), in first-seen order, cut into batches of at most `size`. */
function batchesByKey(keys: (string | undefined)[], size: number): number[][] {
  const groups = new Map<string | undefined, number[]>();
  keys.forEach((key, i) => {
    const group = groups.get(key) ?? [];
    group.push(i);
    groups.set(key, group);
  });
  const batches: number[][] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += size) batches.push(group.slice(i, i + size));
  }
  return batches;
}

export async function generateText(model: TextModel, requests: GenerateRequest[], options: SamplingOptions): Promise<Generation[]> {
  checkSampling(options);
  const { tokenizer, decoder } = model;
  const decode = (ids: number[]) => tokenizer.decode(ids);
  const stops = (options.stop ?? []).filter((s) => s.length > 0);
  const greedy = options.temperature === 0;
  const processors = greedy ? [] : samplingProcessors(options);
  const padTokenId = tokenizer.padTokenId ?? model.eosTokenIds[0] ?? 0;
  const maxTotal = maxSequenceLength(decoder);
  const prompts = requests.map((r, i) => {
    let ids: number[];
    try {
      ids = tokenizer.encodePrompt(r.prompt);
    } catch (err) {
      throw new LmInputError(`request ${i}: ${(err as Error).message}`);
    }
    if (ids.length >= maxTotal) {
      throw new LmInputError(`request ${i}: the prompt has ${ids.length} tokens; the model handles at most ${maxTotal}`);
    }
    return ids;
  });

  const results: Generation[] = new Array(requests.length);
  for (const batch of batchesByKey(requests.map((r) => r.adapter), model.maxBatchSize)) {
    const adapter = await model.adapter(requests[batch[0]].adapter);
    const tokenRequests: TokenRequest[] = batch.map((i) => ({
      promptIds: prompts[i],
      rng: StreamRng.forStream(options.seed, i),
      stopping: [
        eosCriterion(model.eosTokenIds),
        ...(stops.length ? [stopStringCriterion(stops, decode)] : []),
        maxLengthCriterion(options.maxNewTokens, maxTotal),
      ],
    }));
    const generations = await generateTokens(decoder, tokenRequests, {
      processors,
      sampler: greedy ? greedySampler : multinomialSampler,
      padTokenId,
      adapter,
    });
    generations.forEach((g, j) => {
      const textIds = g.finishReason === 'eos' ? g.tokenIds.slice(0, -1) : g.tokenIds;
      let text = decode(textIds);
      const stopAt = g.finishReason === 'stop' ? findStop(text, stops) : -1;
      if (stopAt >= 0) text = text.slice(0, stopAt);
      results[batch[j]] = { text, tokenIds: g.tokenIds, logprobs: g.logprobs, finishReason: g.finishReason };
    });
  }
  return results;
}

/**
 * Prompt and completion ids as scoring sees them: text completions are encoded on their own
 * (exactly what generation would have produced after the prompt), token ids are taken as given.
 */
function encodeScored(model: TextModel, requests: { prompt: Prompt; completion: Completion }[]): ScoreTokensRequest[] {
  const maxLength = maxSequenceLength(model.decoder);
  return requests.map((r, i) => {
    let example: ScoreTokensRequest;
    try {
      example = typeof r.completion === 'string'
        ? model.tokenizer.encodeExample(r.prompt, r.completion, { appendEos: false })
        : { promptIds: model.tokenizer.encodePrompt(r.prompt), completionIds: r.completion };
    } catch (err) {
      throw new LmInputError(`score request ${i}: ${(err as Error).message}`);
    }
    const length = example.promptIds.length + example.completionIds.length;
    if (length > maxLength) throw new LmInputError(`score request ${i}: ${length} tokens; the model handles at most ${maxLength}`);
    return example;
  });
}

/** Runs `score` on batches of requests that share a key (adapter or head directory); results in request order. */
async function scoreByKey<R>(model: TextModel, keys: (string | undefined)[], score: (batch: number[], key: string | undefined) => Promise<R[]>): Promise<R[]> {
  const results: R[] = new Array(keys.length);
  for (const batch of batchesByKey(keys, model.maxBatchSize)) {
    const scored = await score(batch, keys[batch[0]]);
    batch.forEach((i, j) => (results[i] = scored[j]));
  }
  return results;
}

export async function scoreText(model: TextModel, requests: ScoreRequest[]): Promise<Score[]> {
  const encoded = encodeScored(model, requests);
  return scoreByKey(model, requests.map((r) => r.adapter), async (batch, dir) =>
    scoreTokens(model.decoder, batch.map((i) => encoded[i]), await model.adapter(dir)),
  );
}

export async function scoreTokenText(model: TextModel, requests: TokenScoreRequest[], options: TokenScoreOptions = {}): Promise<TokenScores[]> {
  const encoded = encodeScored(model, requests);
  return scoreByKey(model, requests.map((r) => r.adapter), async (batch, dir) => {
    const scored = await tokenLogprobs(model.decoder, batch.map((i) => encoded[i]), { adapter: await model.adapter(dir), entropy: options.entropy, temperature: options.temperature });
    return scored.map((s, j) => ({ tokenIds: encoded[batch[j]].completionIds, logprobs: s.logprobs, ...(s.entropies && { entropies: s.entropies }) }));
  });
}

export async function scoreHeadText(model: TextModel, requests: HeadScoreRequest[]): Promise<HeadScores[]> {
  const encoded = encodeScored(model, requests);
  return scoreByKey(model, requests.map((r) => r.head), async (batch, dir) => {
    const { adapter, head } = await model.head(dir!);
    const scored = await tokenLogprobs(model.decoder, batch.map((i) => encoded[i]), { adapter, head });
    return scored.map((s, j) => {
      const { values, final } = s.head!;
      return { tokenIds: encoded[batch[j]].completionIds, values, final, probability: 1 / (1 + Math.exp(-final)) };
    });
  });
}
