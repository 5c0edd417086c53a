// Several seeds as one experiment through the real CLI on the embedded devserver: `maft run
// --seeds 2` interrupted (Ctrl-C) during its first seed, `maft results` of the experiment then
// (one seed running, one not started), `maft resume` of the experiment completing both, and
// the report across seeds against each seed's own results; ci-tiny with one iteration and the
// debate baseline (which is iteration 0's evaluation, so it costs nothing).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SeedsReport } from '../../client/report/across-seeds';
import type { RunResults } from '../../client/report/results';
import type { AgainstDebate } from '../../client/report/against-debate';
import { freePort, runCli, waitFor, writeTemporalYaml } from './harness';

test('maft run --seeds 2, interrupted, then maft resume and maft results of the experiment', { timeout: 400_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maft-seeds-'));
  const temporalFile = writeTemporalYaml(dir, '', { server: { mode: 'embedded', address: `127.0.0.1:${await freePort()}`, dbPath: join(dir, 'temporal.db') } });
  const configFile = join(dir, 'ci-tiny-1.yaml');
  writeFileSync(configFile, `${readFileSync('configs/ci-tiny.yaml', 'utf8').replace(/^iterations: 2\b/m, 'iterations: 1')}baselines: [debate]\n`);
  const runs = join(dir, 'runs');
  const maft = (args: string[], timeoutMs = 120_000) => runCli(['--temporal', temporalFile, ...args], timeoutMs);
  const started = Date.now();

  // Ctrl-C once the first seed has its questions: the second has not started.
  const run = spawn(process.execPath, ['--import', 'tsx', 'client/bin.ts', '--temporal', temporalFile, 'run', '--config', configFile, '--seeds', '2', '--run-id', 'exp', '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let runErr = '';
  run.stderr.on('data', (d: Buffer) => (runErr += d.toString()));
  const exited = new Promise<number | null>((resolve) => run.once('close', resolve));
  await waitFor('the first seed to prepare its questions', 120_000, async () => (existsSync(join(runs, 'exp-s0', 'questions', 'test.parquet')) ? true : undefined));
  run.kill('SIGINT');
  assert.equal(await exited, 1, runErr);
  assert.match(runErr, /run exp-s0 \(experiment exp, seed 7, 1 of 2\)/);
  assert.match(runErr, /interrupted/);

  const partial = await maft(['results', 'exp', '--json']);
  assert.equal(partial.status, 0, `a running experiment is no error when one only looks:\n${partial.stderr}`);
  assert.deepEqual((JSON.parse(partial.stdout) as SeedsReport).runs.map((r) => [r.runId, r.seed, r.status]), [['exp-s0', 7, 'running'], ['exp-s1', 8, 'not started']]);

  const resumed = await maft(['resume', 'exp', '--in-process', '--json'], 300_000);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /still running: run exp-s0 .*\n(.*\n)*started: run exp-s1/);
  const report = JSON.parse(resumed.stdout) as SeedsReport;
  assert.deepEqual(report.runs.map((r) => [r.runId, r.status]), [['exp-s0', 'completed'], ['exp-s1', 'completed']]);
  assert.deepEqual(report.reference, { method: 'debate', iteration: 0 });
  assert.deepEqual(report.rows.map((r) => [r.method, r.iteration, r.accuracy.seeds, r.againstDebate?.seeds ?? null]), [['multiagent-ft', 0, 2, null], ['multiagent-ft', 1, 2, 2], ['debate', 0, 2, null]]);

  // The report is the mean ± SE across the seeds' own results; the second seed ran with seed 8.
  const second = await maft(['results', 'exp-s1', '--json']);
  const s1 = JSON.parse(second.stdout) as RunResults & { againstDebate: AgainstDebate };
  assert.equal(s1.config?.seed, 8);
  for (const row of report.rows) {
    const own = (row.method === 'multiagent-ft' ? s1.iterations : s1.baselines[row.method]).find((r) => r.iteration === row.iteration)!;
    assert.equal(row.perSeed[1].accuracy, own.accuracy);
    assert.equal(row.perSeed[1].difference, s1.againstDebate.rows.find((p) => p.method === row.method && p.iteration === row.iteration)?.difference ?? null);
    const [a, b] = row.perSeed.map((p) => p.accuracy);
    assert.ok(Math.abs(row.accuracy.mean - (a + b) / 2) < 1e-12 && Math.abs(row.accuracy.stderr! - Math.abs(a - b) / 2) < 1e-12, 'for two seeds SE = |a − b| / 2');
  }

  const text = await maft(['results', 'exp']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^experiment exp: 2 seeds \(7, 8\)$/m);
  assert.match(text.stdout, /^multiagent-ft +1 +2 +[\d.]+ +[\d.]+ +[+-][\d.]+ +[\d.]+ +[012]\/2$/m);
  const plot = readFileSync(join(runs, 'exp', 'accuracy.svg'), 'utf8');
  assert.equal(plot.match(/<g class="error-bar"/g)?.length, 2, 'multiagent FT at iterations 0 and 1');
  assert.equal(plot.match(/<text class="annotation" [^>]*>[+-][\d.]+ ± [\d.]+, z ≥ 2 in [012]\/2<\/text>/g)?.length, 1, 'iteration 1; iteration 0 is the debate');
  assert.match(readFileSync(join(runs, 'exp-s0', 'accuracy.svg'), 'utf8'), /<text class="annotation" [^>]*>[+-][\d.]+ ± [\d.]+, z (–|-?[\d.]+)<\/text>/);

  const [unknown, again] = [await maft(['results', 'nosuch']), await maft(['resume', 'exp', '--in-process'])];
  assert.deepEqual([unknown.status, unknown.stderr.trim()], [1, `no run or seed experiment "nosuch" on ${readFileSync(temporalFile, 'utf8').match(/address: (\S+)/)![1]} (namespace default)`]);
  assert.deepEqual([again.status, again.stderr.trim()], [1, 'experiment exp has completed (every seed); nothing to resume']);
  console.log(`seeds: ${((Date.now() - started) / 1000).toFixed(1)} s; multiagent FT iter 1 vs debate ${report.rows[1].againstDebate!.mean.toFixed(3)} ± ${report.rows[1].againstDebate!.stderr!.toFixed(3)}`);
});
