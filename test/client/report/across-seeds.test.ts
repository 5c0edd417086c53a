// The report of an experiment with several seeds: mean ± SE across seeds of the accuracy and of
// the paired difference against debate, on hand-computed values; its table and its plot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanAcrossSeeds, seedsReport } from '../../../client/report/across-seeds';
import type { SeedRunResults } from '../../../client/report/across-seeds';
import type { AgainstDebate } from '../../../client/report/against-debate';
import type { IterationReport, RunResults } from '../../../client/report/results';
import { seedsLines } from '../../../client/report/seeds-table';
import { accuracyPlotSvg, seedsPlotSvg } from '../../../client/report/write-plot';

const close = (actual: number | null, expected: number, what: string): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
};

const report = (iteration: number, accuracy: number): IterationReport => ({
  iteration, evalFile: `iter-${iteration}/evaluate/eval.parquet`, accuracy, stderr: 0.1, questions: 16, perRound: [], diversity: { consensus: null, nll: null }, ties: 0, datasets: [], training: [],
});

const results = (runId: string, status: string, main: number[], base: number[]): RunResults => ({
  runId, status, config: null, method: 'multiagent-ft',
  iterations: main.map((a, l) => report(l, a)),
  baselines: base.length ? { base: base.map((a, l) => report(l, a)) } : {},
});

const paired = (rows: [string, number, number, number, number | null][]): AgainstDebate => ({
  reference: { method: 'multiagent-ft', iteration: 0 },
  rows: rows.map(([method, iteration, difference, stderr, z]) => ({ method, iteration, difference, stderr, z, questions: 16, fixed: 0, broken: 0 })),
});

// Seed 7 and 8 ran both iterations; seed 9 failed after iteration 0; seed 10 never started.
const seeds: SeedRunResults[] = [
  { index: 0, seed: 7, runId: 'e-s0', results: results('e-s0', 'completed', [0.5, 0.6], [0.4]), paired: paired([['multiagent-ft', 1, 0.1, 0.04, 2.5], ['base', 0, -0.1, 0.05, -2]]) },
  { index: 1, seed: 8, runId: 'e-s1', results: results('e-s1', 'completed', [0.4, 0.55], [0.3]), paired: paired([['multiagent-ft', 1, 0.15, 0.1, 1.5], ['base', 0, -0.1, 0.1, -1]]) },
  { index: 2, seed: 9, runId: 'e-s2', results: { ...results('e-s2', 'failed', [0.45], []), error: 'boom' }, paired: paired([]) },
  { index: 3, seed: 10, runId: 'e-s3', results: null, paired: null },
];

void test('mean ± SE across seeds: the sample SD (n − 1) over √n; no SE for one seed', () => {
  // (0.5, 0.4, 0.45): mean 0.45, Σ(x − mean)² = 0.005, s² = 0.005 / 2 = 0.0025, SE = √(0.0025 / 3) = 0.0288675…
  const three = meanAcrossSeeds([0.5, 0.4, 0.45]);
  close(three.mean, 0.45, 'mean');
  close(three.stderr, Math.sqrt(0.0025 / 3), 'SE');
  assert.equal(three.seeds, 3);
  // (0.1, 0.15): s² = 2 · 0.025² / 1 = 0.00125, SE = √(0.00125 / 2) = 0.025.
  close(meanAcrossSeeds([0.1, 0.15]).stderr, 0.025, 'SE of two');
  assert.deepEqual(meanAcrossSeeds([0.3]), { mean: 0.3, stderr: null, seeds: 1 });
  assert.throws(() => meanAcrossSeeds([]), /no values/);
});

void test('per method and iteration: accuracy and paired difference across the seeds that reached it, seeds with z ≥ 2', () => {
  const r = seedsReport('e', seeds);
  assert.deepEqual(r.reference, { method: 'multiagent-ft', iteration: 0 });
  assert.deepEqual(r.runs.map((x) => [x.runId, x.seed, x.status, x.error]), [['e-s0', 7, 'completed', undefined], ['e-s1', 8, 'completed', undefined], ['e-s2', 9, 'failed', 'boom'], ['e-s3', 10, 'not started', undefined]]);
  assert.deepEqual(r.rows.map((x) => [x.method, x.iteration, x.accuracy.seeds]), [['multiagent-ft', 0, 3], ['multiagent-ft', 1, 2], ['base', 0, 2]]);
  const [iter0, iter1, base] = r.rows;
  close(iter0.accuracy.mean, 0.45, 'iteration 0');
  close(iter0.accuracy.stderr, Math.sqrt(0.0025 / 3), 'iteration 0 SE');
  assert.equal(iter0.againstDebate, null, 'the reference is not compared with itself');
  // Accuracy (0.6, 0.55): 0.575 ± 0.025; difference (0.1, 0.15): +0.125 ± 0.025; z 2.5 and 1.5: one seed with z ≥ 2.
  close(iter1.accuracy.mean, 0.575, 'iteration 1');
  close(iter1.accuracy.stderr, 0.025, 'iteration 1 SE');
  close(iter1.againstDebate!.mean, 0.125, 'difference');
  close(iter1.againstDebate!.stderr, 0.025, 'difference SE');
  assert.equal(iter1.againstDebate!.zAtLeast2, 1);
  assert.deepEqual(iter1.perSeed.map((p) => p.runId), ['e-s0', 'e-s1']);
  // Base (0.4, 0.3): 0.35 ± 0.05; difference −0.1 in both: ± 0, and z = −2 is no improvement.
  close(base.accuracy.mean, 0.35, 'base');
  close(base.accuracy.stderr, 0.05, 'base SE');
  close(base.againstDebate!.mean, -0.1, 'base difference');
  close(base.againstDebate!.stderr, 0, 'base difference SE');
  assert.equal(base.againstDebate!.zAtLeast2, 0);
});

void test('the table: the seeds with their status, one line per method and iteration', () => {
  const lines = seedsLines(seedsReport('e', seeds));
  assert.equal(lines[0], 'experiment e: 4 seeds (7, 8, 9, 10)');
  assert.ok(lines.includes('  e-s2 (seed 9): failed — boom') && lines.includes('  e-s3 (seed 10): not started'));
  const cells = (method: string, iteration: string): string[] | undefined => lines.map((l) => l.trim().split(/\s{2,}/)).find((c) => c[0] === method && c[1] === iteration);
  assert.deepEqual(cells('multiagent-ft', '0'), ['multiagent-ft', '0', '3', '45.0', '2.9', '–', '–', '–']);
  assert.deepEqual(cells('multiagent-ft', '1'), ['multiagent-ft', '1', '2', '57.5', '2.5', '+12.5', '2.5', '1/2']);
  assert.deepEqual(cells('base', '0'), ['base', '0', '2', '35.0', '5.0', '-10.0', '0.0', '0/2']);
  assert.match(lines[lines.length - 1], /mean ± SE across seeds .*multiagent-ft iteration 0/);
});

void test('the plot of the seeds: mean ± SE error bars, each point annotated with the paired difference across seeds', () => {
  const svg = seedsPlotSvg(seedsReport('e', seeds))!;
  const bars = [...svg.matchAll(/<g class="error-bar" data-iteration="(\d)" data-accuracy="([\d.]+)" data-stderr="([\d.]+)"/g)].map((m) => m.slice(1).map(Number));
  assert.equal(bars.length, 2);
  close(bars[0][1], 0.45, 'bar 0');
  close(bars[0][2], Math.sqrt(0.0025 / 3), 'bar 0 SE');
  close(bars[1][2], 0.025, 'bar 1 SE');
  assert.match(svg, /<text class="annotation" [^>]*>\+12\.5 ± 2\.5, z ≥ 2 in 1\/2<\/text>/);
  assert.ok(svg.includes('base (35.0% ± 5.0%)'), 'a baseline without iterations is a reference line');
  assert.ok(svg.includes('4 seeds') && svg.includes('experiment e: mean ± SE across seeds'));
});

void test("a run's plot annotates each point with its paired difference against debate", () => {
  const run = seeds[0];
  const svg = accuracyPlotSvg(run.results!, run.paired)!;
  const annotations = [...svg.matchAll(/<text class="annotation" [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(annotations, ['+10.0 ± 4.0, z 2.50'], 'iteration 1; iteration 0 is the reference, base a reference line');
  assert.ok(!accuracyPlotSvg(run.results!)!.includes('class="annotation"'), 'nothing without the comparison');
});
