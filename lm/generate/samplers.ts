// Samplers choose the next token from (processed) logits.

import { argmax } from './logits';
import type { StreamRng } from '../stream-rng';

export type Sampler = (logits: Float32Array, rng: StreamRng) => number;

export const greedySampler: Sampler = (logits) => argmax(logits);

/** Draws from softmax(logits) by inverse CDF over token ids in order. */
export const multinomialSampler: Sampler = (logits, rng) => {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    weights[i] = Math.exp(logits[i] - max);
    total += weights[i];
  }
  let target = rng.uniform() * total;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] === 0) continue;
    last = i;
    target -= weights[i];
    if (target < 0) return i;
  }
  return last; // rounding left a sliver of mass: the last possible token takes it
};
