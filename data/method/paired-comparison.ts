// Two methods compared on the same held-out questions (McNemar-style pairing): per question the
// difference d = score(method) − score(reference), ∈ {−1, 0, 1} for plain correctness and in
// [−1, 1] where a tie is scored by its expected correctness (majority-expectation.ts). Pairing
// removes the shared question difficulty, so its standard error is far smaller than two
// independent binomial ones.
import { meanWithStderr } from './mean-stderr';

export interface QuestionOutcome {
  questionId: string;
  /** Right or wrong, or the expected correctness in [0, 1] of a tie scored by expectation. */
  correct: boolean | number;
}

export interface PairedComparison {
  /** Questions both methods answered (matched by questionId). */
  questions: number;
  /** Questions the method scores higher than the reference (wrong → right for 0/1 scores). */
  fixed: number;
  /** Questions the method scores lower than the reference (right → wrong for 0/1 scores). */
  broken: number;
  /** Mean of d: accuracy(method) − accuracy(reference) on the shared questions. */
  difference: number;
  /** sqrt(var(d) / n) with the population variance (mean-stderr.ts), as accuracy.ts's binomial sqrt(p(1 − p) / n). */
  stderr: number;
  /** difference / stderr; null when the stderr is 0 (the two agree on every question). */
  z: number | null;
}

export function pairedComparison(reference: readonly QuestionOutcome[], method: readonly QuestionOutcome[]): PairedComparison {
  const referenceById = new Map(reference.map((o) => [o.questionId, Number(o.correct)]));
  const differences: number[] = [];
  for (const o of method) {
    const before = referenceById.get(o.questionId);
    if (before !== undefined) differences.push(Number(o.correct) - before);
  }
  const { mean, stderr } = meanWithStderr(differences);
  return {
    questions: differences.length,
    fixed: differences.filter((d) => d > 0).length,
    broken: differences.filter((d) => d < 0).length,
    difference: mean,
    stderr,
    z: stderr > 0 ? mean / stderr : null,
  };
}
