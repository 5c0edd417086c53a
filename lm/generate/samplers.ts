// Samplers choose the next token from (processed) logits.

import { argmax } from './logits';
import type { StreamRng } from '../stream-rng';

export type Sampler = (logits: Float32Array, rng: StreamRng) => number;

export const greedySampler: Sampler = (logits) => argmax(logits);

/** One row's weights, reused: the sampler runs for every token of every row. */
let scratch = new Float64Array(0);

/** Draws from softmax(logits) by inverse CDF over token ids in order. */
export const multinomialSampler: Sampler = (logits, rng) => {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  if (scratch.length < logits.length) scratch = new Float64Array(logits.length);
  const weights = scratch;
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    weights[i] = Math.exp(logits[i] - max);
    total += weights[i];
  }
  let target = rng.uniform() * total;
  let last = 0;
  for (let i = 0; i < logits.length; i++) {
    if (weights[i] === 0) continue;
    last = i;
    target -= weights[i];
    if (target < 0) return i;
  }
  return last; // rounding left a sliver of mass: the last possible token takes it
};
