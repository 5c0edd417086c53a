// Whether the other agents' majority was right: MAPoRL's incentives (maporl/incentives.ts) and
// the collaboration transitions of evaluation (collaboration-evaluation.ts) both condition on it.
// As MAPoRL's bonus_rule (trl/trl/trainer/utils_multi_unified.py): the others' mean correctness
// above 0.5 is a right majority, below 0.5 a wrong one, and exactly 0.5 (a tie) neither.

/** MAPoRL's correctness threshold (bonus_rule's correct_threshold = wrong_threshold = 0.5). */
export const CORRECTNESS_THRESHOLD = 0.5;

/** 'undecided': exactly at the threshold (a tie), or nobody to ask (no other agents). */
export type Verdict = 'right' | 'wrong' | 'undecided';

/** A correctness in [0, 1] (1 right, 0 wrong; a mean of several agents in between). */
export function verdictOf(correctness: number): Verdict {
  if (correctness > CORRECTNESS_THRESHOLD) return 'right';
  if (correctness < CORRECTNESS_THRESHOLD) return 'wrong';
  return 'undecided';
}

/** The verdict on the mean correctness of every agent but `agent` in one turn. */
export function othersMajority(correctness: readonly number[], agent: number): Verdict {
  const others = correctness.filter((_, a) => a !== agent);
  if (others.length === 0) return 'undecided';
  return verdictOf(others.reduce((sum, c) => sum + c, 0) / others.length);
}
