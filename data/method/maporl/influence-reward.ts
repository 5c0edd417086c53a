// MAPoRL's influence-aware verification reward (Park et al. 2025, Definition 1): an agent's
// answer at turn t is rewarded for its own verifier score and, discounted, for the mean score
// of all agents in every later turn — the answers it influenced — normalized by the discount
// weights so that R stays on the verifier's scale:
//
//   R(t, i) = [ v(t, i) + Σ_{t' = t+1..T} γ^(t'−t) · (1/A) Σ_j v(t', j) ] / Σ_{t' = t..T} γ^(t'−t)
//
// The paper's expectation over the other agents' answers is estimated by the one sampled
// transcript, as MAPoRL's code does (score_rule, rule_horizon "discounted_sum", agent share
// "all", in trl/trl/trainer/utils_multi_unified.py). γ = 0 gives R = v(t, i); γ = 1 the plain
// mean of the agent's score and the later turns' mean scores.

/**
 * scores[t][i] = v(t + 1, i + 1), the verifier's score of agent i's answer in turn t (0-based),
 * for every turn the question reached. Returns R in the same layout.
 */
export function influenceAwareRewards(scores: readonly (readonly number[])[], gamma: number): number[][] {
  if (!(gamma >= 0 && gamma <= 1)) throw new RangeError(`γ must be in [0, 1], got ${gamma}`);
  const agents = scores[0]?.length ?? 0;
  if (scores.some((turn) => turn.length !== agents)) throw new RangeError('every turn needs one score per agent');
  const turnMeans = scores.map((turn) => turn.reduce((sum, v) => sum + v, 0) / agents);
  return scores.map((turn, t) => {
    let future = 0;
    let weights = 1; // γ^0 for turn t itself (0^0 = 1, so γ = 0 keeps v(t, i))
    for (let u = t + 1; u < scores.length; u++) {
      future += gamma ** (u - t) * turnMeans[u];
      weights += gamma ** (u - t);
    }
    return turn.map((v) => (v + future) / weights);
  });
}
