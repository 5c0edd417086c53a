// Seeded draws for question generation, split selection and dataset sampling. Math.random is
// never used in data/: a run must draw the same questions and the same splits from the same seed
// on any machine, so this generator (mulberry32, one word of state) is frozen: changing it would
// change every run's questions. lm/stream-rng.ts is the other generator, for what this one lacks:
// state saved in training checkpoints and independent streams per generation request.

export interface DrawRng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
}

/** mulberry32: tiny, fast and good enough for sampling; the seed is any safe integer. */
export function createDrawRng(seed: number): DrawRng {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${String(seed)}`);
  // Fold the high bits in so that seeds differing only above 2^32 give different streams.
  let state = (seed ^ Math.floor(seed / 0x100000000)) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(items: readonly T[], rng: DrawRng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
