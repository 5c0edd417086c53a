// MAGRPO's group-relative advantages (CoMLRL magrpo.py, _compute_advantages): an agent's K
// completions at one node (their returns from joint-actions.ts's completionReturns) are its
// group, and each is compared with its siblings — no division by the group's std:
//   mean  A_j = R_j − mean_k R_k
//   rloo  A_j = R_j − mean_{k ≠ j} R_k  (= (K·R_j − Σ_k R_k) / (K − 1); K = 1 falls back to mean)
//   raw   A_j = R_j                       (no baseline)
// CoMLRL also has "max", A_j = R_j − max_k R_k: every advantage ≤ 0, so the best completion gets
// no gradient and the rest are only pushed down. It is not a group-relative baseline in the
// sense of GRPO, which the MAGRPO paper builds on, and maft leaves it out.

export type AdvantageMode = 'mean' | 'rloo' | 'raw';

export function groupAdvantages(returns: readonly number[], mode: AdvantageMode): number[] {
  const k = returns.length;
  const sum = returns.reduce((s, r) => s + r, 0);
  if (mode === 'raw') return [...returns];
  if (mode === 'rloo' && k > 1) return returns.map((r) => (k * r - sum) / (k - 1));
  return returns.map((r) => r - sum / k);
}
