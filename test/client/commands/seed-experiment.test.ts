// An experiment with several seeds: its run ids and seeds, and bad --seeds refused before any
// server is contacted.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { parseSeeds, seedExperiment } from '../../../client/commands/seed-experiment';
import { ciTiny, freePort, runCli, writeTemporalYaml } from '../../pipeline/harness';

void test('K runs <id>-s0 … <id>-s<K-1> with seeds seed, seed + 1, …; each memo names the experiment', () => {
  const config = ciTiny();
  const e = seedExperiment('exp', config, 3);
  assert.deepEqual(e.runs.map((r) => [r.runId, r.seed, r.config.seed]), [['exp-s0', 7, 7], ['exp-s1', 8, 8], ['exp-s2', 9, 9]]);
  assert.deepEqual(e.runs[2].memo, { seedExperiment: { id: 'exp', seeds: 3, index: 2, firstSeed: 7 } });
  assert.deepEqual({ ...e.runs[1].config, seed: 7 }, config, 'only the seed differs');
});

void test('--seeds must be a whole number ≥ 1; the ids must be valid run ids', () => {
  assert.equal(parseSeeds('2'), 2);
  for (const bad of ['0', '-1', '1.5', 'two', '']) assert.throws(() => parseSeeds(bad), { message: `--seeds: "${bad}" is not a whole number ≥ 1` });
  assert.throws(() => seedExperiment('-x', ciTiny(), 2), /run id "-x" must start with a letter or digit/);
  assert.throws(() => seedExperiment('x'.repeat(198), ciTiny(), 2), /run id "x+-s1" must/, 'the longest seed run id is checked too');
});

void test('maft run/start --seeds with a bad K: one line, exit 1, no server contacted', { timeout: 60_000 }, async () => {
  // Nothing listens at this address: a command that got as far as the server would say so instead.
  const temporalFile = writeTemporalYaml(mkdtempSync(`${tmpdir()}/maft-seeds-`), `127.0.0.1:${await freePort()}`);
  const outs = await Promise.all([
    runCli(['--temporal', temporalFile, 'run', '--config', 'configs/ci-tiny.yaml', '--seeds', '0'], 30_000),
    runCli(['--temporal', temporalFile, 'start', '--config', 'configs/ci-tiny.yaml', '--seeds', '2.5'], 30_000),
  ]);
  assert.deepEqual(outs.map((o) => [o.status, o.stderr.trim()]), [[1, '--seeds: "0" is not a whole number ≥ 1'], [1, '--seeds: "2.5" is not a whole number ≥ 1']]);
});
