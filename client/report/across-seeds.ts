// The runs of one experiment with several seeds, summarized per method and iteration: the mean ±
// SE across seeds of the accuracy and of the paired difference against debate, and how many
// seeds' own pairing reached z ≥ 2. A seed changes everything random — the questions drawn, the
// samples, the tie-breaks, the finetunes — so the spread across seeds measures all of it, where a
// single run's SEs measure only its questions.
import type { AgainstDebate } from './against-debate';
import { methodReports } from './results';
import type { RunResults } from './results';

export interface MeanAcrossSeeds {
  mean: number;
  /**
   * s / √n with the sample standard deviation s (denominator n − 1): seeds are few independent
   * replicates, where the plug-in variance of the per-question SEs (mean-stderr.ts) would be
   * biased low; null for one seed, whose spread is unknown.
   */
  stderr: number | null;
  seeds: number;
}

export function meanAcrossSeeds(values: readonly number[]): MeanAcrossSeeds {
  const n = values.length;
  if (n === 0) throw new Error('meanAcrossSeeds: no values');
  const mean = values.reduce((sum, x) => sum + x, 0) / n;
  if (n === 1) return { mean, stderr: null, seeds: 1 };
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1);
  return { mean, stderr: Math.sqrt(variance / n), seeds: n };
}

/** One seed's run as the report reads it; `results` is null for a seed not started yet. */
export interface SeedRunResults {
  index: number;
  seed: number;
  runId: string;
  results: RunResults | null;
  paired: AgainstDebate | null;
}

export interface SeedsRow {
  method: string;
  iteration: number;
  accuracy: MeanAcrossSeeds;
  /** Across the seeds paired against their debate; null for the reference itself. */
  againstDebate: (MeanAcrossSeeds & { zAtLeast2: number }) | null;
  /** What was averaged, seed by seed (only seeds that reached this iteration). */
  perSeed: { runId: string; accuracy: number; difference: number | null; z: number | null }[];
}

export interface SeedsReport {
  experimentId: string;
  /** Every seed's own debate reference (the same method and iteration in every seed of one config). */
  reference: { method: string; iteration: number } | null;
  runs: { index: number; seed: number; runId: string; status: string; error?: string }[];
  rows: SeedsRow[];
}

export const NOT_STARTED = 'not started';

export function seedsReport(experimentId: string, seeds: readonly SeedRunResults[]): SeedsReport {
  const rows = new Map<string, { method: string; iteration: number; perSeed: SeedsRow['perSeed'] }>();
  for (const s of seeds) {
    if (!s.results) continue;
    for (const [method, r] of methodReports(s.results)) {
      const key = `${method}/${r.iteration}`;
      const row = rows.get(key) ?? { method, iteration: r.iteration, perSeed: [] };
      rows.set(key, row);
      const paired = s.paired?.rows.find((p) => p.method === method && p.iteration === r.iteration);
      row.perSeed.push({ runId: s.runId, accuracy: r.accuracy, difference: paired?.difference ?? null, z: paired?.z ?? null });
    }
  }
  return {
    experimentId,
    reference: seeds.find((s) => s.paired)?.paired?.reference ?? null,
    runs: seeds.map((s) => ({
      index: s.index,
      seed: s.seed,
      runId: s.runId,
      status: s.results?.status ?? NOT_STARTED,
      ...(s.results?.error ? { error: s.results.error } : {}),
    })),
    rows: [...rows.values()].map(({ method, iteration, perSeed }) => {
      const paired = perSeed.filter((p) => p.difference !== null);
      return {
        method,
        iteration,
        accuracy: meanAcrossSeeds(perSeed.map((p) => p.accuracy)),
        againstDebate:
          paired.length === 0
            ? null
            : { ...meanAcrossSeeds(paired.map((p) => p.difference as number)), zAtLeast2: paired.filter((p) => p.z !== null && p.z >= 2).length },
        perSeed,
      };
    }),
  };
}
