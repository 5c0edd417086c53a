// The summary numbers of the RL pages: means and spreads of rewards and advantages, per turn.

export interface MeanSd {
  mean: number;
  /** Population standard deviation (what advantage whitening makes 1); NaN without values. */
  sd: number;
  n: number;
}

export function meanSd(values: readonly number[]): MeanSd {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, n };
  const mean = values.reduce((s, x) => s + x, 0) / n;
  return { mean, sd: Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / n), n };
}

/** The mean of the values; NaN without any (the pages write it as "–"). */
export function mean(values: readonly number[]): number {
  return meanSd(values).mean;
}

/** The share of true values among the known ones (null: unknown, e.g. no task to judge an answer). */
export function share(values: readonly (boolean | null)[]): number {
  return mean(values.filter((v): v is boolean => v !== null).map(Number));
}

/** The rows of each turn present in `rows`, in turn order. */
export function byTurn<R>(rows: readonly R[], turnOf: (row: R) => number): { turn: number; rows: R[] }[] {
  const turns = [...new Set(rows.map(turnOf))].sort((a, b) => a - b);
  return turns.map((turn) => ({ turn, rows: rows.filter((r) => turnOf(r) === turn) }));
}
