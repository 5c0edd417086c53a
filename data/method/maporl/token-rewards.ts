// The per-token reward of one agent's response in one turn (Park et al. 2025, section 3.2):
//   r_x = −λ_KL · (log π(s_x) − log π_ref(s_x))          every token x
//       + R(t, i) + incentive(t, i)                        added at the last token
// The log-ratio is the one-sample KL estimate TRL's PPOv2 uses (kl = logprobs − ref_logprobs).
// The paper puts R at x = length(s) — the last token, as here. TRL's PPOv2 (and so MAPoRL's code)
// adds it one position later where the padded batch has room (sequence_lengths + 1, the first
// padding position, which its value loss still covers); in a response of its own there is no
// such position, and the paper's placement is the one followed.

export function tokenRewards(logprobs: readonly number[], refLogprobs: readonly number[], klCoef: number, finalReward: number): number[] {
  if (logprobs.length === 0) throw new RangeError('an empty response has no token to reward');
  if (refLogprobs.length !== logprobs.length) throw new RangeError(`${logprobs.length} log-probs but ${refLogprobs.length} reference log-probs`);
  const rewards = logprobs.map((lp, x) => -klCoef * (lp - refLogprobs[x]));
  rewards[rewards.length - 1] += finalReward;
  return rewards;
}
