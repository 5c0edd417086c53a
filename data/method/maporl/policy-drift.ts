// How far the policies have moved from the reference (base) model when a PPO batch is sampled:
// per turn, the mean over every sampled token of log π_old − log π_ref — the sample estimate of
// KL(π_old ‖ π_ref) per token that the KL reward penalises (token-rewards.ts). Token-weighted, so
// long responses count by their length as the penalty does.

export function meanLogRatioPerTurn(rows: readonly { turn: number; oldLogprobs: readonly number[]; refLogprobs: readonly number[] }[], turns: number): number[] {
  return Array.from({ length: turns }, (_, t) => {
    let sum = 0;
    let tokens = 0;
    for (const row of rows) {
      if (row.turn !== t + 1) continue;
      row.oldLogprobs.forEach((logp, i) => (sum += logp - row.refLogprobs[i]));
      tokens += row.oldLogprobs.length;
    }
    return tokens === 0 ? 0 : sum / tokens;
  });
}
