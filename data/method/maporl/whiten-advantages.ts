// Advantage whitening as TRL does it (trl/core.py masked_whiten, shift_mean true), which MAPoRL
// applies to every rollout batch of one (turn, agent) after GAE: one mean and one variance over
// all response tokens of all responses in the batch — not per response —
//   mean = Σ a / n,  var = Σ (a − mean)² / (n − 1)   (Bessel-corrected: masked_var unbiased)
//   a' = (a − mean) / sqrt(var + 1e-8)
// Returns (GAE's value targets) are left as they were, as in TRL.

/** ε inside the square root, as TRL. */
const EPSILON = 1e-8;

/** advantages[k]: the per-token advantages of response k of the batch. */
export function whitenAdvantages(advantages: readonly (readonly number[])[]): number[][] {
  const all = advantages.flat();
  // TRL divides by n − 1 = 0 here; the caller must batch at least two tokens.
  if (all.length < 2) throw new RangeError(`whitening needs at least 2 tokens in the batch, got ${all.length}`);
  const mean = all.reduce((sum, a) => sum + a, 0) / all.length;
  const variance = all.reduce((sum, a) => sum + (a - mean) ** 2, 0) / (all.length - 1);
  const scale = 1 / Math.sqrt(variance + EPSILON);
  return advantages.map((response) => response.map((a) => (a - mean) * scale));
}
