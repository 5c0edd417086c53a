// The mean of per-question scores with its standard error. Scores are 0/1 for plain correctness
// and fractional where a tie is scored by expectation (majority-expectation.ts), so the binomial
// formula of accuracy.ts does not apply to them directly; this one reduces to it for 0/1 scores.

export interface MeanWithStderr {
  mean: number;
  /**
   * sqrt(v / n) with the plug-in (population) variance v = Σ(x − mean)² / n. For 0/1 scores
   * v = p(1 − p), so this is exactly accuracy.ts's binomial sqrt(p(1 − p) / n).
   */
  stderr: number;
}

export function meanWithStderr(values: readonly number[]): MeanWithStderr {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, stderr: Number.NaN };
  const mean = values.reduce((sum, x) => sum + x, 0) / n;
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / n;
  return { mean, stderr: Math.sqrt(variance / n) };
}
