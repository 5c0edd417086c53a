// How far the policies have moved from the reference (base) model when a PPO batch is sampled:
// the mean over every sampled token of log π_old − log π_ref — the sample estimate of
// KL(π_old ‖ π_ref) per token that the KL reward penalises (token-rewards.ts). Token-weighted, so
// long responses count by their length as the penalty does. π_old is whichever policy sampled the
// tokens: MAPoRL scores it (scoreRollouts); MAGRPO passes its rollouts' own sampler log-probs
// (magrpo/policy-drift.ts).

export interface ScoredTokens {
  /** The sampling policy's log-prob of each token. */
  oldLogprobs: readonly number[];
  /** The reference's, token by token. */
  refLogprobs: readonly number[];
}

/** Over every token of `rows`; NaN without tokens. */
export function meanLogRatio(rows: readonly ScoredTokens[]): number {
  let sum = 0;
  let tokens = 0;
  for (const row of rows) {
    row.oldLogprobs.forEach((logp, i) => (sum += logp - row.refLogprobs[i]));
    tokens += row.oldLogprobs.length;
  }
  return tokens === 0 ? Number.NaN : sum / tokens;
}

/** Per turn 1..T; 0 for a turn without tokens (as meanPerTurn's summaries). */
export function meanLogRatioPerTurn(rows: readonly (ScoredTokens & { turn: number })[], turns: number): number[] {
  return Array.from({ length: turns }, (_, t) => {
    const drift = meanLogRatio(rows.filter((row) => row.turn === t + 1));
    return Number.isNaN(drift) ? 0 : drift;
  });
}
