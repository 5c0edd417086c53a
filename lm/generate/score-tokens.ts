// Log-likelihood of completions given prompts: one full forward per batch (no cache), giving
// log p(completion token | everything before it) for each token, optionally the entropy of
// each of those distributions and scalar heads (value / verifier) at the same positions.

import type { AdapterWeights, Decoder } from '../decoder';
import { LmInputError } from '../errors';
import type { Score } from '../types';
import { leftPad } from './generate-tokens';
import { entropyOf, logSoftmaxAt } from './logits';

export interface ScoreTokensRequest {
  promptIds: number[];
  completionIds: number[];
}

export interface TokenScoreOptions {
  adapter?: AdapterWeights;
  entropy?: boolean;
  /** Score softmax(logits / temperature) (default 1). */
  temperature?: number;
  /** One scalar head [hiddenSize] (value or verifier). */
  head?: Float32Array;
}

export interface TokenLogprobs {
  logprobs: number[];
  entropies?: number[];
  /** With a head: its value at the position that predicts each completion token, and after the last token. */
  head?: { values: number[]; final: number };
}

/** Batches are cut so that [batch, length, vocab] logits stay under this many floats (256 MB). */
const maxLogitFloats = 64 * 2 ** 20;

export async function tokenLogprobs(decoder: Decoder, requests: ScoreTokensRequest[], options: TokenScoreOptions = {}): Promise<TokenLogprobs[]> {
  const vocab = decoder.config.vocabSize;
  const { temperature } = options;
  if (temperature !== undefined && !(temperature > 0 && Number.isFinite(temperature))) throw new LmInputError(`score option temperature: expected a number > 0, got ${temperature}`);
  for (const [i, r] of requests.entries()) {
    if (r.promptIds.length === 0) throw new LmInputError(`score request ${i}: the prompt has no tokens`);
    const bad = r.completionIds.find((id) => !(Number.isInteger(id) && id >= 0 && id < vocab));
    if (bad !== undefined) throw new LmInputError(`score request ${i}: completion token id ${bad} is outside the model's vocabulary (${vocab})`);
  }
  const results: TokenLogprobs[] = [];
  let start = 0;
  while (start < requests.length) {
    let end = start + 1;
    const lengthOf = (r: ScoreTokensRequest) => r.promptIds.length + r.completionIds.length;
    let longest = lengthOf(requests[start]);
    while (end < requests.length && (end - start + 1) * Math.max(longest, lengthOf(requests[end])) * vocab <= maxLogitFloats) {
      longest = Math.max(longest, lengthOf(requests[end]));
      end++;
    }
    results.push(...(await scoreBatch(decoder, requests.slice(start, end), options)));
    start = end;
  }
  return results;
}

/** Sum and mean log-probability of each completion. */
export async function scoreTokens(decoder: Decoder, requests: ScoreTokensRequest[], adapter?: AdapterWeights): Promise<Score[]> {
  return (await tokenLogprobs(decoder, requests, { adapter })).map(({ logprobs }) => {
    let sum = 0;
    for (const lp of logprobs) sum += lp;
    const tokens = logprobs.length;
    return { sumLogprob: sum, meanLogprob: tokens ? sum / tokens : 0, tokens };
  });
}

async function scoreBatch(decoder: Decoder, requests: ScoreTokensRequest[], options: TokenScoreOptions): Promise<TokenLogprobs[]> {
  const vocab = decoder.config.vocabSize;
  const input = leftPad(requests.map((r) => [...r.promptIds, ...r.completionIds]), 0);
  const { logits, heads } = await decoder.forward({ ...input, adapter: options.adapter, lastOnly: false, heads: options.head });
  return requests.map((r, b) => {
    const pad = input.length - r.promptIds.length - r.completionIds.length;
    // Completion token j is predicted at position promptLength + j − 1 (after the padding).
    const at = (j: number) => b * input.length + pad + r.promptIds.length + j - 1;
    const raw = (j: number) => logits.subarray(at(j) * vocab, (at(j) + 1) * vocab);
    const temperature = options.temperature ?? 1;
    const rowOf = temperature === 1 ? raw : (j: number) => raw(j).map((x) => x / temperature);
    const scored: TokenLogprobs = { logprobs: r.completionIds.map((token, j) => logSoftmaxAt(rowOf(j), token)) };
    if (options.entropy) scored.entropies = r.completionIds.map((_, j) => entropyOf(rowOf(j)));
    if (heads) scored.head = { values: r.completionIds.map((_, j) => heads[at(j)]), final: heads[(b + 1) * input.length - 1] };
    return scored;
  });
}
