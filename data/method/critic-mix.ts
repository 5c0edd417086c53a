// D^C_n = w·D⁻_n + (1 − w)·D⁺_n (paper eq. 1): a seeded sample in which a share w of the
// examples comes from D⁻. D⁻ (self-corrections) is usually the small side, so what happens when
// a side is short is a policy, and what was done is reported:
//   shrink  — keep the share exactly w, without repeats: the largest such dataset.
//   replace — keep |D⁻| + |D⁺| examples; the short side is sampled with replacement.
import { createDrawRng, shuffled } from '../draw-rng';
import type { DrawRng } from '../draw-rng';

export type Shortfall = 'shrink' | 'replace';

export interface CriticMix<T> {
  examples: T[];
  fromMinus: number;
  fromPlus: number;
  /** Examples that repeat an earlier one (replace policy only). */
  repeats: number;
  /** The realized share of D⁻ (NaN when empty). */
  share: number;
}

export function mixCriticDataset<T>(minus: readonly T[], plus: readonly T[], w: number, shortfall: Shortfall, seed: number): CriticMix<T> {
  if (!(w >= 0 && w <= 1)) throw new Error(`w must be in [0, 1], got ${w}`);
  const rng = createDrawRng(seed);
  const [nMinus, nPlus] = shortfall === 'shrink' ? shrinkSizes(minus.length, plus.length, w) : replaceSizes(minus.length, plus.length, w);
  const a = draw(minus, nMinus, rng);
  const b = draw(plus, nPlus, rng);
  const examples = shuffled([...a.items, ...b.items], rng);
  return { examples, fromMinus: nMinus, fromPlus: nPlus, repeats: a.repeats + b.repeats, share: nMinus / (nMinus + nPlus) };
}

function shrinkSizes(minus: number, plus: number, w: number): [number, number] {
  if (w === 0) return [0, plus];
  if (w === 1) return [minus, 0];
  // The largest total T with round(w·T) ≤ |D⁻| and T − round(w·T) ≤ |D⁺|, both sides present:
  // with 0 < w < 1 a dataset from one side only would have share 0 or 1, not w.
  for (let total = minus + plus; total > 1; total--) {
    const fromMinus = Math.round(w * total);
    const fromPlus = total - fromMinus;
    if (fromMinus >= 1 && fromPlus >= 1 && fromMinus <= minus && fromPlus <= plus) return [fromMinus, fromPlus];
  }
  return [0, 0];
}

function replaceSizes(minus: number, plus: number, w: number): [number, number] {
  // A side that is empty cannot be sampled from at all: the other side takes everything.
  if (minus === 0) return [0, plus];
  if (plus === 0) return [minus, 0];
  const total = minus + plus;
  const fromMinus = Math.round(w * total);
  return [fromMinus, total - fromMinus];
}

/** `count` items: without repeats while they last, then with replacement. */
function draw<T>(items: readonly T[], count: number, rng: DrawRng): { items: T[]; repeats: number } {
  const first = shuffled(items, rng).slice(0, count);
  const extra = Array.from({ length: count - first.length }, () => items[rng.int(0, items.length - 1)]);
  return { items: [...first, ...extra], repeats: extra.length };
}
