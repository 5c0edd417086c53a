// MAPoRL end to end on the embedded tiny model: configs/maporl-ci.yaml through the real CLI
// (`maft run --json`, embedded devserver, in-process workers) — the verifier trained on its own
// questions, two PPO batches, each with its transcripts, scores, advantages and the PPO updates of
// both agents' turn-2 policy and value model — its artifacts read back with their schemas and
// checked against the method (the advantages recomputed from the scores file; turn 1 untrained;
// the first batch without value models); `maft resume` after a failed value update recomputes
// nothing that had finished.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import {
  checkStep,
  evalSchema,
  questionsSchema,
  readRows,
  responseAdvantageSchema,
  responseScoreSchema,
  rolloutSchema,
  trainingLogSchema,
} from '../../data/artifacts';
import { batchAdvantages } from '../../data/method/maporl/response-advantages';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import { manifestTimes, runConfigViaCli, shippedConfig, startPipelineEnv } from './harness';

const QUESTIONS = 8;
const BATCH = 4;
const AGENTS = 2;
const TURNS = 2;

test('maft run --config configs/maporl-ci.yaml completes with schema-valid results and artifacts', { timeout: 300_000 }, async () => {
  const { results, runDir, seconds } = await runConfigViaCli('configs/maporl-ci.yaml', 'maporl-ci-test');
  assert.equal(results.status, 'completed', results.error);
  assert.equal(results.config?.method, 'maporl');
  assert.deepEqual(results.iterations.map((r) => r.iteration), [0, 1]);
  // The baselines, trained from the base model on the same questions (iteration 0 is the method's).
  assert.deepEqual(Object.keys(results.baselines), ['shared-policy', 'multiagent-sft']);
  assert.deepEqual(results.baselines['shared-policy'].map((r) => [r.iteration, r.training.map((t) => t.trainee)]), [[1, ['policy-shared', 'value-shared']]]);
  assert.deepEqual(results.baselines['multiagent-sft'].map((r) => r.iteration), [1]);
  assert.ok(results.baselines['multiagent-sft'][0].training.length > 0);
  for (const r of [...results.iterations, ...Object.values(results.baselines).flat()]) {
    assert.equal(r.questions, QUESTIONS);
    assert.equal(r.perRound.length, TURNS);
    assert.equal(r.perRound[TURNS - 1].accuracy, r.accuracy);
  }
  // The RL evaluation: expected-tie majority per turn (it differs from the seeded vote only on ties) and revisions between turns.
  for (const r of [...results.iterations, ...results.baselines['shared-policy']]) {
    const c = r.collaboration!;
    assert.equal(c.perTurn.length, TURNS);
    assert.ok(Math.abs(c.final.accuracy - r.accuracy) <= r.ties / QUESTIONS + 1e-12, `${c.final.accuracy} vs ${r.accuracy} with ${r.ties} ties`);
    assert.equal(c.transitions.length, TURNS - 1);
    const moves = c.transitions[0].byOthers;
    assert.equal(moves.right.wrongToRight.total + moves.wrong.wrongToRight.total + moves.undecided.wrongToRight.total + moves.right.rightToWrong.total + moves.wrong.rightToWrong.total + moves.undecided.rightToWrong.total, QUESTIONS * AGENTS);
  }
  assert.equal(results.baselines['multiagent-sft'][0].collaboration, undefined);
  const trained = results.iterations[1].training;
  assert.deepEqual(trained.map((t) => t.trainee), ['policy-agent-1-turn-2', 'value-agent-1-turn-2', 'policy-agent-2-turn-2', 'value-agent-2-turn-2']);
  for (const t of trained) assert.ok(!t.skipped && t.steps > 0 && Number.isFinite(t.finalLoss ?? NaN), JSON.stringify(t));
  // What training saw, per PPO batch: the first batch samples the base model (no drift), the second the updated policies.
  const seen = results.iterations[1].rlTraining!;
  assert.deepEqual(seen.map((b) => b.batch), [1, 2]);
  assert.equal(seen[0].logRatioPerTurn![1], 0);
  assert.notEqual(seen[1].logRatioPerTurn![1], 0);
  for (const b of seen) assert.ok(b.verifier!.responses === QUESTIONS / 2 * AGENTS * TURNS && b.verifier!.brier >= 0 && b.verifier!.brier <= 1, JSON.stringify(b.verifier));
  assert.equal(results.iterations[0].rlTraining, undefined);

  // The verifier: its own questions, disjoint from the RL ones, and the labelled answers it learned from.
  const verifierQuestions = await readRows(questionsSchema, join(runDir, 'questions', 'verifier.parquet'));
  const trainIds = new Set((await readRows(questionsSchema, join(runDir, 'questions', 'train.parquet'))).map((q) => q.id));
  assert.equal(verifierQuestions.length, 8);
  assert.equal(trainIds.size, QUESTIONS);
  assert.ok(verifierQuestions.every((q) => !trainIds.has(q.id)), 'verifier questions are apart from the RL ones');
  assert.equal((await readRows(rolloutSchema, join(runDir, 'verifier', 'samples.parquet'))).length, 8 * 2);
  assert.ok(existsSync(join(runDir, 'verifier', 'adapter', 'adapter_model.safetensors')));

  const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')) as ExperimentConfig;
  assert.ok(config.method === 'maporl');
  const { rewardDiscount, incentives, ppo } = config.maporl;
  for (const batch of [1, 2]) {
    const dir = join(runDir, 'iter-1', `batch-${batch}`);
    const rollouts = await readRows(rolloutSchema, join(dir, 'rollouts', 'rollouts.parquet'));
    assert.equal(rollouts.length, BATCH * AGENTS * TURNS, 'one response per question, agent and turn');
    assert.ok(rollouts.every((r) => r.sample === 0));
    const scores = await readRows(responseScoreSchema, join(dir, 'scores', 'scores.parquet'));
    assert.equal(scores.length, rollouts.length);
    scores.forEach((s, k) => {
      const r = rollouts[k];
      assert.deepEqual([s.questionId, s.turn, s.agent], [r.questionId, r.turn, r.agent]);
      assert.equal(s.oldLogprobs.length, r.tokenIds.length);
      assert.equal(s.refLogprobs.length, r.tokenIds.length);
      assert.equal(s.values.length, r.tokenIds.length);
      assert.ok(s.score > 0 && s.score < 1, `the verifier's probability, got ${s.score}`);
      // Turn 1 is not trained (trainTurns from-2): its policy is the base model, so log π_old = log π_ref
      // (up to float rounding: the two calls batch the requests differently).
      if (s.turn === 1) s.oldLogprobs.forEach((lp, j) => assert.ok(Math.abs(lp - s.refLogprobs[j]) <= 1e-4 * Math.abs(lp) + 1e-9, `token ${j}: ${lp} vs ${s.refLogprobs[j]}`));
      // Values: none before the first update, and never for the untrained turn 1.
      const valued = s.values.some((v) => v !== 0);
      assert.equal(valued, batch === 2 && s.turn === 2, `batch ${batch}, turn ${s.turn}: values ${s.values.slice(0, 3).join(', ')}…`);
    });
    // advantages.parquet is what the method computes from scores.parquet.
    const advantages = await readRows(responseAdvantageSchema, join(dir, 'advantages', 'advantages.parquet'));
    const ids = [...new Set(scores.map((s) => s.questionId))];
    const grid = <T>(q: string, f: (s: (typeof scores)[number]) => T): T[][] =>
      Array.from({ length: TURNS }, (_, t) => Array.from({ length: AGENTS }, (_, i) => f(scores.find((s) => s.questionId === q && s.turn === t + 1 && s.agent === i + 1)!)));
    const expected = batchAdvantages(
      ids.map((q) => ({ scores: grid(q, (s) => s.score), correct: grid(q, (s) => (s.correct ? 1 : 0)), logprobs: grid(q, (s) => s.oldLogprobs), refLogprobs: grid(q, (s) => s.refLogprobs), values: grid(q, (s) => s.values) })),
      { rewardDiscount, incentives, klCoef: ppo.klCoef, gamma: ppo.gamma, lambda: ppo.lambda, whiten: ppo.whitenAdvantages },
    );
    for (const a of advantages) {
      const e = expected[ids.indexOf(a.questionId)];
      assert.ok(Math.abs(a.reward - e.reward[a.turn - 1][a.agent - 1]) < 1e-12);
      assert.ok(Math.abs(a.incentive - e.incentive[a.turn - 1][a.agent - 1]) < 1e-12);
      a.advantages.forEach((x, j) => assert.ok(Math.abs(x - e.advantages[a.turn - 1][a.agent - 1][j]) < 1e-5, `advantage ${j} of ${a.questionId}`));
    }
    for (const trainee of ['agent-1-turn-2', 'agent-2-turn-2']) {
      for (const model of ['policy', 'value']) {
        assert.ok(existsSync(join(dir, `${model}-${trainee}`, 'adapter', 'adapter_model.safetensors')), `${model}-${trainee}`);
        assert.ok((await readRows(trainingLogSchema, join(dir, `${model}-${trainee}`, 'losses.parquet'))).length > 0);
      }
    }
  }
  for (const l of [0, 1]) {
    const d = join(runDir, `iter-${l}`);
    const transcripts = await Promise.all([1, 2].map((k) => readRows(rolloutSchema, join(d, 'eval-rollouts', `shard-${k}`, 'rollouts.parquet'))));
    assert.equal(transcripts.flat().length, QUESTIONS * AGENTS * TURNS);
    assert.ok((await readRows(evalSchema, join(d, 'evaluate', 'eval.parquet'))).every((r) => r.method === 'maporl'));
  }
  const steps = [...manifestTimes(runDir).keys()];
  // prepareRun, trainVerifier; iteration 0: 2 eval shards + evaluate; iteration 1: per batch
  // rollouts, scores, advantages and 4 updates, then 2 eval shards + evaluate; shared-policy the
  // same with 2 updates per batch; multiagent-sft's iteration 1 under baselines/.
  assert.equal(steps.filter((s) => !s.startsWith('baselines/')).length, 2 + 3 + (2 * 7 + 3), `step manifests: ${steps.join(', ')}`);
  assert.equal(steps.filter((s) => s.startsWith('baselines/shared-policy/')).length, 2 * 5 + 3);
  assert.ok(steps.some((s) => s.startsWith('baselines/multiagent-sft/iter-1/finetune-')));
  for (const step of steps) {
    const manifest = JSON.parse(readFileSync(join(runDir, step, 'manifest.json'), 'utf8')) as { inputHash: string };
    assert.ok((await checkStep(join(runDir, step), manifest.inputHash)).complete, `${step} does not match its manifest`);
  }
  console.log(`maporl-ci: ${seconds.toFixed(1)} s, accuracy ${results.iterations.map((r) => (100 * r.accuracy).toFixed(1)).join(' → ')} %`);
});

test('MAPoRL: `maft resume` after a failed value update reuses every finished step', { timeout: 240_000 }, async () => {
  const env = await startPipelineEnv();
  try {
    let injected = 0;
    const workers = await env.startWorkers({
      beforeCompute: (step, stepDir) => {
        if (step === 'ppoUpdate' && stepDir === 'iter-1/batch-2/value-agent-2-turn-2' && injected++ === 0) {
          throw ApplicationFailure.nonRetryable('injected failure', 'InjectedFailure');
        }
      },
    });
    const { runId } = await env.maft.startRun(shippedConfig('configs/maporl-ci.yaml', [['includeBase: true', 'includeBase: false'], ['baselines: [shared-policy, multiagent-sft]', 'baselines: []']]), { runId: 'maporl-resume' });
    const failed = await env.maft.getResults(runId, { wait: true });
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /injected failure/);
    const before = manifestTimes(env.runDir(runId));
    assert.ok(before.has('verifier') && before.has('iter-1/batch-1/value-agent-2-turn-2') && before.has('iter-1/batch-2/advantages'));
    assert.ok(!before.has('iter-1/batch-2/value-agent-2-turn-2'));
    await env.maft.resumeRun(runId);
    const resumed = await env.maft.getResults(runId, { wait: true });
    assert.equal(resumed.status, 'completed', resumed.error);
    const after = manifestTimes(env.runDir(runId));
    for (const [step, at] of before) assert.equal(after.get(step), at, `${step} was recomputed`);
    assert.ok(after.has('iter-1/batch-2/value-agent-2-turn-2') && after.has('iter-1/evaluate'));
    await workers.shutdown();
  } finally {
    await env.close();
  }
});
