// How far a trained verifier's v(t, i) can be trusted as MAPoRL's reward, read on the responses it
// scored during training (scoreRollouts has both its probability and the ground truth): the
// Brier score (mean squared error of the probability against the 0/1 label; 0.25 is what a
// constant 0.5 scores), agreement at the 0.5 threshold, and the mean probability it gives right
// and wrong responses (their gap is how well it separates them).

export interface VerifierCalibration {
  responses: number;
  brier: number;
  /** Share of responses where (v ≥ 0.5) equals correctness. */
  agreement: number;
  /** Mean v over right responses; NaN when there are none. */
  meanOnRight: number;
  /** Mean v over wrong responses; NaN when there are none. */
  meanOnWrong: number;
}

export function verifierCalibration(scored: readonly { score: number; correct: boolean }[]): VerifierCalibration {
  const mean = (xs: number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    responses: scored.length,
    brier: mean(scored.map((s) => (s.score - (s.correct ? 1 : 0)) ** 2)),
    agreement: mean(scored.map((s) => (s.score >= 0.5 === s.correct ? 1 : 0))),
    meanOnRight: mean(scored.filter((s) => s.correct).map((s) => s.score)),
    meanOnWrong: mean(scored.filter((s) => !s.correct).map((s) => s.score)),
  };
}
