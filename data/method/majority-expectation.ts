// MAPoRL's evaluation of a majority vote (Park et al. 2025, section 4.1): when several answers
// share the most votes, the question scores the expected correctness of picking one of them
// uniformly — "a continuous evaluation metric rather than an arbitrary tiebreaker". The seeded
// tie-break of majority-vote.ts stays what multiagent-ft's datasets are built from.
import { groupAnswers } from './majority-vote';
import type { Equivalence } from './majority-vote';

/**
 * (number of tied top answers equivalent to the reference) / (number of tied top answers).
 *
 * Agents without an answer count as MAPoRL's code counts its "invalid" answer
 * (utils/utils_cooperateLLM.py; the paper is silent): together they are one more candidate,
 * which scores 0 when it alone has the most votes and is dropped from a tie with real answers.
 * (multiagent-ft's majorityVote instead lets them abstain.)
 */
export function expectedMajorityScore(answers: readonly (string | null)[], reference: string, isEquivalent: Equivalence): number {
  const groups = groupAnswers(answers, isEquivalent);
  const unanswered = answers.filter((a) => a === null).length;
  const most = Math.max(0, ...groups.map((g) => g.votes));
  if (groups.length === 0 || unanswered > most) return 0;
  const top = groups.filter((g) => g.votes === most);
  return top.filter((g) => isEquivalent(g.answer, reference)).length / top.length;
}
