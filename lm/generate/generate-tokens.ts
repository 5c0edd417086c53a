// Batched generation over a Decoder: one prefill of the left-padded prompts, then one decode
// step per new token against the KV cache. Finished sequences leave the batch (their cache
// rows are dropped), so a long answer does not make the short ones pay for it.

import type { AdapterWeights, Decoder, KvCache } from '../decoder';
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
  adapter?: AdapterWeights;
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
  let { logits, cache } = await decoder.forward({ ...prefill, adapter: options.adapter, lastOnly: true });

  for (;;) {
    const finished: number[] = [];
    rows.forEach((row, b) => {
      const raw = logits.subarray(b * vocab, (b + 1) * vocab);
      const processed = raw.slice();
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
    if (finished.length === rows.length) return results;
    if (finished.length > 0) {
      const keep = rows.map((_, b) => b).filter((b) => !finished.includes(b));
      cache = decoder.selectRows(cache, keep);
      mask = selectMaskRows(mask, maskLength, keep);
      rows = keep.map((b) => rows[b]);
    }
    ({ logits, cache, mask } = await decodeStep(decoder, rows, cache, mask, maskLength, options.adapter));
    maskLength++;
  }
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
  adapter: AdapterWeights | undefined,
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
