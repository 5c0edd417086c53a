// The evaluation of a multi-turn collaboration on held-out questions as MAPoRL reports it
// (Park et al. 2025, section 4.1), shared by MAPoRL and MAGRPO runs: the final turn's majority
// vote scored with ties by expectation, the same for every turn, and how agents revise their
// answers between turns given what the others answered. Turns are the debate's rounds.
import { accuracyOf } from './accuracy';
import type { Accuracy } from './accuracy';
import type { EvaluatedQuestion } from './evaluation-metrics';
import { expectedMajorityScore } from './majority-expectation';
import { agrees } from './majority-vote';
import type { Equivalence } from './majority-vote';
import { meanWithStderr } from './mean-stderr';
import { othersMajority } from './others-majority';
import type { Verdict } from './others-majority';
import type { QuestionOutcome } from './paired-comparison';

/**
 * A share of agents with its binomial SE (accuracy.ts): `correct` agents made the move out of
 * `total` that could (were in the starting state with that majority of the others).
 */
export type Share = Accuracy;

export interface RevisionShares {
  /** Of the agents wrong at t: the share right at t + 1. */
  wrongToRight: Share;
  /** Of the agents right at t: the share wrong at t + 1. */
  rightToWrong: Share;
}

/** Revisions from turn t to t + 1, split by the others' majority at t (others-majority.ts). */
export interface TurnTransitions {
  /** 1-based turn t the agents revise from. */
  turn: number;
  byOthers: Record<Verdict, RevisionShares>;
}

export interface CollaborationEvaluation {
  /** Mean expected correctness of the last turn's majority, ± the SE of that mean (mean-stderr.ts). */
  final: Accuracy;
  /** The same for turns 1..T. */
  perTurn: Accuracy[];
  /** Turns 1..T − 1. */
  transitions: TurnTransitions[];
  /** Per question, the final turn's expected correctness: pairedComparison's input. */
  outcomes: QuestionOutcome[];
}

export function evaluateCollaboration(questions: readonly EvaluatedQuestion[], isEquivalent: Equivalence): CollaborationEvaluation {
  const turns = questions[0]?.answers.length ?? 0;
  const agents = questions[0]?.answers[0]?.length ?? 0;
  for (const q of questions) {
    if (q.answers.length !== turns || q.answers.some((turn) => turn.length !== agents)) {
      throw new Error(`question ${q.questionId}: expected ${turns} turns of ${agents} answers`);
    }
  }
  const scores = questions.map((q) => q.answers.map((turn) => expectedMajorityScore(turn, q.reference, isEquivalent)));
  const perTurn = Array.from({ length: turns }, (_, t) => scoreMean(scores.map((s) => s[t])));
  const correctness = questions.map((q) => q.answers.map((turn) => turn.map((a) => (agrees(a, q.reference, isEquivalent) ? 1 : 0))));
  return {
    final: perTurn[turns - 1] ?? accuracyOf(0, 0),
    perTurn,
    transitions: Array.from({ length: Math.max(0, turns - 1) }, (_, t) => transitionsAt(correctness, t)),
    outcomes: questions.map((q, i) => ({ questionId: q.questionId, correct: scores[i][turns - 1] })),
  };
}

/** Accuracy's shape for fractional scores: `correct` is the sum of expected correctness. */
function scoreMean(scores: readonly number[]): Accuracy {
  const { mean, stderr } = meanWithStderr(scores);
  return { correct: scores.reduce((sum, s) => sum + s, 0), total: scores.length, accuracy: mean, stderr };
}

/** correctness[q][t][a] ∈ {0, 1}; t is 0-based here. */
function transitionsAt(correctness: readonly (readonly (readonly number[])[])[], t: number): TurnTransitions {
  const verdicts: Verdict[] = ['right', 'wrong', 'undecided'];
  const counts = new Map(verdicts.map((v) => [v, { wrong: 0, fixed: 0, right: 0, broken: 0 }]));
  for (const q of correctness) {
    q[t].forEach((before, a) => {
      const c = counts.get(othersMajority(q[t], a))!;
      const after = q[t + 1][a];
      if (before === 1) {
        c.right++;
        if (after === 0) c.broken++;
      } else {
        c.wrong++;
        if (after === 1) c.fixed++;
      }
    });
  }
  const byOthers = Object.fromEntries(
    verdicts.map((v) => {
      const c = counts.get(v)!;
      return [v, { wrongToRight: accuracyOf(c.fixed, c.wrong), rightToWrong: accuracyOf(c.broken, c.right) }];
    }),
  ) as Record<Verdict, RevisionShares>;
  return { turn: t + 1, byOthers };
}
