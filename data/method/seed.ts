// Derived seeds: every random choice of the method (tie-breaking, critic sampling, debate sampling)
// draws from a seed derived from the run's seed and the names of what is being decided, so the
// result depends neither on shard order nor on which worker ran it.

/** FNV-1a over the parts, as a non-negative 32-bit integer. */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of [seed, ...parts].join('\u001f')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The names under which a debate or rollout of `split` draws its sampling streams. Training draws
 * new streams in every variant and iteration, so each iteration learns from a new sample. Held-out
 * evaluation draws the same streams in every variant and iteration (common random numbers): agents
 * that did not change answer exactly as before, so a paired difference against iteration 0 or the
 * debate baseline measures what training changed rather than a second draw of the sampler.
 */
export function streamNames(split: string, perDraw: readonly (string | number)[]): (string | number)[] {
  return split === 'test' ? ['evaluation'] : [...perDraw];
}
