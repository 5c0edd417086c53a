// MAPoRL's collaboration incentives (Park et al. 2025, section 3.3, Tables 1 and 2), added to
// the influence-aware reward of an agent's answer. Correctness is thresholded at 0.5 and the
// "majority" is the other agents' (others-majority.ts), as in the code's bonus_rule
// (trl/trl/trainer/utils_multi_unified.py). The signs are the paper's tables as printed.
//
// Table 1 — the agent's own revision from t to t + 1, relative to the others' majority at t;
// applied to the agent's answer at t + 1:
//   answer(t)  answer(t+1)  majority(t)  incentive
//   R          W            R            −α1   abandoned a right answer the others shared
//   R          W            W            −α0   persuaded by wrong others
//   W          R            W            +α0   critical reasoning: right against wrong others
//   W          R            R            +α1   persuaded by right others
// Table 2 — the agent's influence: how the others' majority changed from t to t + 1, relative
// to the agent's answer at t; applied to the agent's answer at t:
//   majority(t)  majority(t+1)  answer(t)  incentive
//   R            W              R          −β1   right, but failed to keep the others right
//   R            W              W          −β0   wrong, and the others followed into error
//   W            R              W          +β0   wrong, yet useful enough to lead them right
//   W            R              R          +β1   right, and persuaded the others
// Every other case (no change, or a threshold tie of exactly 0.5) gets no incentive.
//
// How MAPoRL's code differs, reading its list `alpha` as [α0, α1, β0, β1] (its R → W rows match
// Table 1 in that order): the W → R rows of Table 1 are swapped (others W gives +α1, others R
// +α0), and every row of Table 2 has the opposite sign, its R → W rows with β0 and β1 swapped as
// well (R → W with answer W gives +β1, with answer R +β0; W → R with answer W gives −β0, with
// answer R −β1). maft follows the paper. The paper is silent on one agent (A = 1, self-correction): there the code's Table 1
// gives −α1 for R → W and +α1 for W → R with no majority to consult, and no Table 2 — maft does
// the same. The code also moves a total of exactly −1 by +0.001 (−1 is its "turn not reached"
// marker); maft has no such marker and does not.
import { othersMajority, verdictOf } from '../others-majority';

export interface IncentiveWeights {
  alpha0: number;
  alpha1: number;
  beta0: number;
  beta1: number;
}

/**
 * correctness[t][i] ∈ [0, 1] (1 right; MAPoRL's code uses ground-truth correctness here even when
 * the reward uses a verifier): the incentive of every (turn, agent), Table 1 and Table 2 summed.
 */
export function collaborationIncentives(correctness: readonly (readonly number[])[], w: IncentiveWeights): number[][] {
  const agents = correctness[0]?.length ?? 0;
  if (correctness.some((turn) => turn.length !== agents)) throw new RangeError('every turn needs one correctness per agent');
  return correctness.map((turn, t) =>
    turn.map((_, i) => (t > 0 ? revisionIncentive(correctness[t - 1], turn, i, w) : 0) + (t + 1 < correctness.length ? influenceIncentive(turn, correctness[t + 1], i, w) : 0)),
  );
}

/** Table 1 for agent i's answer at t + 1, from the turns t (`before`) and t + 1 (`after`). */
export function revisionIncentive(before: readonly number[], after: readonly number[], i: number, w: IncentiveWeights): number {
  const from = verdictOf(before[i]);
  const to = verdictOf(after[i]);
  if (before.length === 1) {
    if (from === 'right' && to === 'wrong') return -w.alpha1;
    if (from === 'wrong' && to === 'right') return w.alpha1;
    return 0;
  }
  const majority = othersMajority(before, i);
  if (from === 'right' && to === 'wrong') return majority === 'right' ? -w.alpha1 : majority === 'wrong' ? -w.alpha0 : 0;
  if (from === 'wrong' && to === 'right') return majority === 'wrong' ? w.alpha0 : majority === 'right' ? w.alpha1 : 0;
  return 0;
}

/** Table 2 for agent i's answer at t, from the turns t (`current`) and t + 1 (`next`). */
export function influenceIncentive(current: readonly number[], next: readonly number[], i: number, w: IncentiveWeights): number {
  const answer = verdictOf(current[i]);
  const from = othersMajority(current, i);
  const to = othersMajority(next, i);
  if (from === 'right' && to === 'wrong') return answer === 'right' ? -w.beta1 : answer === 'wrong' ? -w.beta0 : 0;
  if (from === 'wrong' && to === 'right') return answer === 'wrong' ? w.beta0 : answer === 'right' ? w.beta1 : 0;
  return 0;
}
