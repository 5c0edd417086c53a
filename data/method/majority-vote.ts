// Majority voting over the agents' final answers (paper Alg. 1 line 15). Answers are grouped by
// the task's equivalence; a tie between the largest groups is broken by a seeded choice, and the
// tie is recorded so that reports can count how often it happened.
import { createDrawRng } from '../draw-rng';
import { deriveSeed } from './seed';

export type Equivalence = (a: string, b: string) => boolean;

export interface VoteResult {
  /** ŷ: the majority answer, or null when no agent gave an answer. */
  answer: string | null;
  /** Agents whose answer is equivalent to ŷ. */
  votes: number;
  /** The answers tied for the most votes when a tie was broken (ŷ among them); empty otherwise. */
  tiedAnswers: string[];
}

/**
 * `answers[n]` is agent n's canonical answer (null: none). The tie-break seed is derived from
 * `seed` and `key` (the question id), so the same question always resolves the same way.
 */
export function majorityVote(answers: readonly (string | null)[], isEquivalent: Equivalence, seed: number, key: string): VoteResult {
  const groups = groupAnswers(answers, isEquivalent);
  if (groups.length === 0) return { answer: null, votes: 0, tiedAnswers: [] };
  const most = Math.max(...groups.map((g) => g.votes));
  const top = groups.filter((g) => g.votes === most);
  if (top.length === 1) return { answer: top[0].answer, votes: most, tiedAnswers: [] };
  const pick = top[createDrawRng(deriveSeed(seed, 'tie', key)).int(0, top.length - 1)];
  return { answer: pick.answer, votes: most, tiedAnswers: top.map((g) => g.answer) };
}

export interface AnswerGroup {
  /** The first answer given of the group (its representative). */
  answer: string;
  votes: number;
}

/** Answers grouped by equivalence, in order of first appearance; agents without an answer do not vote. */
export function groupAnswers(answers: readonly (string | null)[], isEquivalent: Equivalence): AnswerGroup[] {
  const groups: AnswerGroup[] = [];
  for (const answer of answers) {
    if (answer === null) continue;
    const group = groups.find((g) => isEquivalent(g.answer, answer));
    if (group) group.votes++;
    else groups.push({ answer, votes: 1 });
  }
  return groups;
}

/** Whether an agent's answer agrees with ŷ (no answer never agrees). */
export function agrees(answer: string | null, majority: string | null, isEquivalent: Equivalence): boolean {
  return answer !== null && majority !== null && isEquivalent(answer, majority);
}
