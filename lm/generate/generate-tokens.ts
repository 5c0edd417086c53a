// Batched generation over a Decoder: one prefill of the left-padded prompts, then one decode
// step per new token against the KV cache. Each row runs its own adapter (or the base model).
// Finished sequences leave the batch, so a long answer does not make the short ones pay for it:
// the last live rows move into their places, so a step moves only as many cache rows as finished
// instead of shifting every row behind them (quadratic in the batch size over a call).

import type { AdapterWeights, Decoder, KvCache, RowAdapters } from '../decoder';
import { LmInputError } from '../errors';
import { logSoftmaxAt } from './logits';
import type { LogitsProcessor } from './logits-processors';
import type { StreamRng } from '../stream-rng';
import type { Sampler } from './samplers';
import type { FinishReason, SequenceState, StoppingCriterion } from './stopping-criteria';

export interface TokenRequest {
  promptIds: number[];
  /** This sequence's own random stream (see StreamRng.forStream). */
  rng: StreamRng;
  /** Index into GenerateTokensOptions.adapters, or -1 for the base model. */
  adapter: number;
  /** Checked in order after every token; generation of this sequence ends at the first that fires. */
  stopping: StoppingCriterion[];
}

export interface TokenGeneration {
  tokenIds: number[];
  /** log p(token) under the unprocessed model distribution. */
  logprobs: number[];
  finishReason: FinishReason;
}

export interface GenerateTokensOptions {
  processors: LogitsProcessor[];
  sampler: Sampler;
  padTokenId: number;
  /** The adapters the requests name by index. */
  adapters: readonly AdapterWeights[];
  /** The most tokens a request may generate (its stopping criteria's limit): the KV cache is sized for them once. */
  maxNewTokens: number;
}

interface Row extends SequenceState {
  request: TokenRequest;
  index: number;
  logprobs: number[];
  position: number;
}

/** Prefill input for left-padded prompts: padding positions are 0 and masked out. */
export function leftPad(prompts: number[][], padTokenId: number) {
  const batch = prompts.length;
  const length = Math.max(...prompts.map((p) => p.length));
  const tokens = new Int32Array(batch * length).fill(padTokenId);
  const attentionMask = new Uint8Array(batch * length);
  const positions = new Int32Array(batch * length);
  prompts.forEach((prompt, b) => {
    const pad = length - prompt.length;
    for (let t = 0; t < prompt.length; t++) {
      tokens[b * length + pad + t] = prompt[t];
      attentionMask[b * length + pad + t] = 1;
      positions[b * length + pad + t] = t;
    }
  });
  return { tokens, attentionMask, positions, batch, length };
}

export async function generateTokens(
  decoder: Decoder,
  requests: TokenRequest[],
  options: GenerateTokensOptions,
): Promise<TokenGeneration[]> {
  const vocab = decoder.config.vocabSize;
  for (const [i, r] of requests.entries()) {
    if (r.promptIds.length === 0) throw new LmInputError(`request ${i}: the prompt has no tokens`);
    const bad = r.promptIds.find((id) => !(id >= 0 && id < vocab));
    if (bad !== undefined) throw new LmInputError(`request ${i}: token id ${bad} is outside the model's vocabulary (${vocab})`);
  }
  const results: TokenGeneration[] = new Array(requests.length);
  if (requests.length === 0) return results;

  const prefill = leftPad(requests.map((r) => r.promptIds), options.padTokenId);
  let rows: Row[] = requests.map((request, index) => ({
    request, index, promptLength: request.promptIds.length, generated: [], logprobs: [], position: request.promptIds.length,
  }));
  let mask: Uint8Array = prefill.attentionMask;
  let maskLength = prefill.length;
  const adaptersOf = (rs: Row[]): RowAdapters => ({ adapters: options.adapters, rowAdapter: Int32Array.from(rs, (r) => r.request.adapter) });
  // The last token is sampled, never fed: prompt + maxNewTokens − 1 slots.
  const reserve = prefill.length + options.maxNewTokens - 1;
  let { logits, cache } = await decoder.forward({ ...prefill, adapter: adaptersOf(rows), lastOnly: true, reserve });

  const processed = new Float32Array(vocab); // one row at a time, reused
  for (;;) {
    const finished: number[] = [];
    rows.forEach((row, b) => {
      const raw = logits.subarray(b * vocab, (b + 1) * vocab);
      processed.set(raw);
      for (const process of options.processors) process(processed);
      const token = options.sampler(processed, row.request.rng);
      row.generated.push(token);
      row.logprobs.push(logSoftmaxAt(raw, token));
      for (const criterion of row.request.stopping) {
        const reason = criterion(row);
        if (reason) {
          results[row.index] = { tokenIds: row.generated, logprobs: row.logprobs, finishReason: reason };
          finished.push(b);
          break;
        }
      }
    });
    if (finished.length === rows.length) {
      decoder.release(cache);
      return results;
    }
    if (finished.length > 0) {
      const keep = fillFromEnd(rows.length, finished);
      cache = decoder.selectRows(cache, keep);
      mask = selectMaskRows(mask, maskLength, keep);
      rows = keep.map((b) => rows[b]);
    }
    ({ logits, cache, mask } = await decodeStep(decoder, rows, cache, mask, maskLength, adaptersOf(rows)));
    maskLength++;
  }
}

/** The rows that stay, batch size − finished of them: each finished row's place goes to the last live row. */
export function fillFromEnd(size: number, finished: readonly number[]): number[] {
  const done = new Set(finished);
  const keep: number[] = [];
  let last = size - 1;
  for (let b = 0; b < size - done.size; b++) {
    if (!done.has(b)) {
      keep.push(b);
      continue;
    }
    while (done.has(last)) last--;
    keep.push(last--);
  }
  return keep;
}

function selectMaskRows(mask: Uint8Array, length: number, keep: number[]): Uint8Array {
  const out = new Uint8Array(keep.length * length);
  keep.forEach((b, i) => out.set(mask.subarray(b * length, (b + 1) * length), i * length));
  return out;
}

async function decodeStep(
  decoder: Decoder,
  rows: Row[],
  cache: KvCache,
  mask: Uint8Array,
  maskLength: number,
  adapter: RowAdapters,
): Promise<{ logits: Float32Array; cache: KvCache; mask: Uint8Array }> {
  const batch = rows.length;
  const grown = new Uint8Array(batch * (maskLength + 1));
  for (let b = 0; b < batch; b++) {
    grown.set(mask.subarray(b * maskLength, (b + 1) * maskLength), b * (maskLength + 1));
    grown[b * (maskLength + 1) + maskLength] = 1;
  }
  const tokens = Int32Array.from(rows, (r) => r.generated[r.generated.length - 1]);
  const positions = Int32Array.from(rows, (r) => r.position++);
  const out = await decoder.forward({ tokens, batch, length: 1, attentionMask: grown, positions, cache, adapter, lastOnly: true });
  return { logits: out.logits, cache: out.cache, mask: grown };
}
