// The ci-tiny run through the real CLI (`maft run --json`): embedded devserver, in-process
// workers, real model, real Parquet. Its results and artifacts must match their schemas.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { agentDatasetSchema, checkStep, debateSchema, evalSchema, questionsSchema, readRows, votesSchema } from '../../data/artifacts';
import { manifestTimes, runConfigViaCli } from './harness';

test('maft run --config configs/ci-tiny.yaml completes with schema-valid results and artifacts', { timeout: 300_000 }, async () => {
  const { results, runDir, seconds } = await runConfigViaCli('configs/ci-tiny.yaml', 'ci-tiny-test');

  assert.equal(results.runId, 'ci-tiny-test');
  assert.equal(results.status, 'completed');
  assert.equal(results.config?.agents, 3);
  assert.deepEqual(results.iterations.map((r) => r.iteration), [0, 1, 2]);
  for (const r of results.iterations) {
    assert.equal(r.questions, 16);
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1);
    assert.ok(Math.abs(r.stderr - Math.sqrt((r.accuracy * (1 - r.accuracy)) / 16)) < 1e-12);
    assert.equal(r.perRound.length, 2);
    assert.equal(r.perRound[1].accuracy, r.accuracy);
    assert.ok(r.diversity.consensus !== null && r.diversity.consensus >= 0 && r.diversity.consensus <= 2 / 3 + 1e-12, 'at least ŷ agrees with itself');
    assert.ok(r.diversity.nll !== null && r.diversity.nll > 0);
    if (r.iteration === 0) continue;
    assert.equal(r.votes?.questions, 16);
    assert.deepEqual(r.datasets.map((d) => d.trainee).sort(), ['agent-1-critic', 'agent-1-generation', 'agent-2-critic', 'agent-2-generation', 'agent-3-critic', 'agent-3-generation']);
    for (const d of r.datasets.filter((x) => x.role === 'critic')) {
      assert.equal(d.examples, (d.fromMinus ?? 0) + (d.fromPlus ?? 0));
      assert.ok((d.fromMinus ?? 0) <= (d.dMinus ?? 0) && (d.fromPlus ?? 0) <= (d.dPlus ?? 0));
    }
    assert.equal(r.training.length, 6);
    for (const t of r.training) assert.ok(t.skipped ? t.examples === 0 : t.steps > 0 && Number.isFinite(t.finalLoss ?? NaN));
  }
  assert.ok(results.iterations.some((r) => r.training.some((t) => !t.skipped)), 'no agent was finetuned at all');

  // Every artifact reads back with its schema, and every step's manifest matches its outputs.
  assert.equal((await readRows(questionsSchema, join(runDir, 'questions', 'train.parquet'))).length, 16);
  for (const l of [0, 1, 2]) {
    const iter = join(runDir, `iter-${l}`);
    const evalDebate = await Promise.all(readdirSync(join(iter, 'eval-debate')).map((s) => readRows(debateSchema, join(iter, 'eval-debate', s, 'debate.parquet'))));
    assert.equal(evalDebate.flat().length, 16 * 3 * 2);
    assert.equal((await readRows(evalSchema, join(iter, 'evaluate', 'eval.parquet'))).length, 16);
    if (l === 0) continue;
    const debate = await Promise.all(readdirSync(join(iter, 'debate')).map((s) => readRows(debateSchema, join(iter, 'debate', s, 'debate.parquet'))));
    assert.equal(debate.length, 2, 'two shards of 8 questions');
    assert.equal((await readRows(votesSchema, join(iter, 'votes', 'votes.parquet'))).length, 16);
    for (const n of [1, 2, 3]) for (const role of ['generation', 'critic']) await readRows(agentDatasetSchema, join(iter, 'datasets', `agent-${n}-${role}.parquet`));
  }
  const steps = [...manifestTimes(runDir).keys()];
  assert.ok(steps.length >= 1 + 3 * 3 + 2 * 9, `only ${steps.length} step manifests`);
  for (const step of steps) {
    const manifest = JSON.parse(readFileSync(join(runDir, step, 'manifest.json'), 'utf8')) as { inputHash: string };
    assert.ok((await checkStep(join(runDir, step), manifest.inputHash)).complete, `${step} does not match its manifest`);
  }
  assert.ok(existsSync(join(runDir, 'accuracy.svg')));
  console.log(`ci-tiny: ${seconds.toFixed(1)} s, accuracy ${results.iterations.map((r) => (100 * r.accuracy).toFixed(1)).join(' → ')} %`);
});
