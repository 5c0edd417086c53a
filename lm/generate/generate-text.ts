// Text in, text out: tokenizes prompts (chat messages through the template), runs batched
// generation (generation batches mix adapters, one per row; scoring batches group requests by
// adapter), and turns token ids back into text cut at the first stop string.

import type { AdapterWeights, Decoder } from '../decoder';
import { LmInputError } from '../errors';
import type { ModelTokenizer } from '../tokenizer/model-tokenizer';
import type { HeadModel } from '../formats/head-model';
import type {
  Completion, GenerateRequest, Generation, HeadScoreRequest, HeadScores, Prompt, RequestStream, SamplingOptions, Score, ScoreRequest, TokenScoreOptions,
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
  /** Largest batch of one scoring forward, and the smallest limit of a generation batch. */
  maxBatchSize: number;
  /** Largest batch of one prefill/decode loop, where the KV-cache budget allows it. */
  maxGenerationBatchSize: number;
}

/**
 * KV-cache memory a generation batch may fill at its longest sequence. Larger batches decode
 * more tokens per second (fewer, fuller forwards: 96 rows at the demo's shapes), so a batch
 * takes up to maxGenerationBatchSize rows while its cache fits here, and never fewer than
 * maxBatchSize.
 */
const KV_BUDGET_BYTES = 2 ** 30;

function generationBatchSize(model: TextModel, longest: number): number {
  const { numLayers, numKvHeads, headDim } = model.decoder.config;
  // Keys and values in float32, room for the longest sequence (generate-tokens reserves it).
  const perRow = 2 * numLayers * numKvHeads * headDim * 4 * longest;
  return Math.min(model.maxGenerationBatchSize, Math.max(model.maxBatchSize, Math.floor(KV_BUDGET_BYTES / perRow)));
}

function checkStream(stream: RequestStream, i: number): void {
  if (!Number.isSafeInteger(stream.seed)) throw new LmInputError(`request ${i}: stream.seed: expected an integer, got ${stream.seed}`);
  if (!(Number.isSafeInteger(stream.index) && stream.index >= 0)) throw new LmInputError(`request ${i}: stream.index: expected an integer >= 0, got ${stream.index}`);
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
    if (r.stream) checkStream(r.stream, i);
    return ids;
  });

  const results: Generation[] = new Array(requests.length);
  const longest = Math.min(maxTotal, Math.max(0, ...prompts.map((p) => p.length)) + options.maxNewTokens);
  const size = generationBatchSize(model, longest);
  for (let start = 0; start < requests.length; start += size) {
    const batch = Array.from({ length: Math.min(size, requests.length - start) }, (_, j) => start + j);
    const dirs = [...new Set(batch.map((i) => requests[i].adapter).filter((d) => d !== undefined))];
    // A directory always gives an adapter (undefined is the base model's).
    const adapters = (await Promise.all(dirs.map((d) => model.adapter(d)))) as AdapterWeights[];
    const tokenRequests: TokenRequest[] = batch.map((i) => ({
      promptIds: prompts[i],
      rng: StreamRng.forStream(requests[i].stream?.seed ?? options.seed, requests[i].stream?.index ?? i),
      adapter: requests[i].adapter === undefined ? -1 : dirs.indexOf(requests[i].adapter!),
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
      adapters,
      maxNewTokens: options.maxNewTokens,
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
