// MAGRPO end to end on the embedded tiny model: configs/magrpo-ci.yaml through the real CLI
// (`maft run --json`, embedded devserver, in-process workers), its artifacts read back with their
// schemas and checked against the method (mean-mode advantages sum to 0 per group, branches stop by
// the termination threshold); `maft resume` after a failed policy update recomputes nothing that
// had finished; a reward function that throws fails the run at once, without retries.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import { advantageSchema, checkStep, debateSchema, evalSchema, jointRewardSchema, readRows, rolloutSchema, trainingLogSchema } from '../../data/artifacts';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import { manifestTimes, runConfigViaCli, shippedConfig, startPipelineEnv } from './harness';

function magrpoCi(edits: [string, string][] = []): ExperimentConfig {
  return shippedConfig('configs/magrpo-ci.yaml', [['baselines: [shared-policy, multiagent-sft]', 'baselines: []'], ...edits]);
}

test('maft run --config configs/magrpo-ci.yaml completes with schema-valid results and artifacts', { timeout: 300_000 }, async () => {
  const { results, runDir, seconds } = await runConfigViaCli('configs/magrpo-ci.yaml', 'magrpo-ci-test');
  assert.equal(results.status, 'completed');
  assert.equal(results.config?.method, 'magrpo');
  assert.deepEqual(results.iterations.map((r) => r.iteration), [0, 1]);
  // The baselines, trained from the base model on the same questions (iteration 0 is the method's).
  assert.deepEqual(Object.keys(results.baselines), ['shared-policy', 'multiagent-sft']);
  assert.deepEqual(results.baselines['shared-policy'].map((r) => [r.iteration, r.training.map((t) => t.trainee)]), [[1, ['shared']]]);
  assert.deepEqual(results.baselines['multiagent-sft'].map((r) => r.iteration), [1]);
  for (const r of [...results.iterations, ...Object.values(results.baselines).flat()]) {
    assert.equal(r.questions, 8);
    assert.ok(Math.abs(r.stderr - Math.sqrt((r.accuracy * (1 - r.accuracy)) / 8)) < 1e-12);
    assert.equal(r.perRound.length, 2);
    assert.equal(r.perRound[1].accuracy, r.accuracy);
  }
  const trained = results.iterations[1].training;
  assert.deepEqual(trained.map((t) => t.trainee), ['agent-1', 'agent-2']);
  for (const t of trained) assert.ok(!t.skipped && t.steps > 0 && Number.isFinite(t.finalLoss ?? NaN), JSON.stringify(t));

  const iter = join(runDir, 'iter-1');
  const shards = readdirSync(join(iter, 'rollouts')).sort();
  assert.deepEqual(shards, ['shard-1', 'shard-2']);
  const rollouts = (await Promise.all(shards.map((s) => readRows(rolloutSchema, join(iter, 'rollouts', s, 'rollouts.parquet'))))).flat();
  const K = 2;
  assert.equal(rollouts.filter((r) => r.turn === 1).length, 8 * 2 * K, 'turn 1: every question, agent and sample');
  for (const r of rollouts) {
    assert.equal(r.tokenIds.length, r.logprobs.length);
    assert.ok(r.tokenIds.length > 0 && r.logprobs.every((lp) => lp <= 0));
  }
  // Each policy update's drift from the base (mean log π_sampling − log π_ref per token): iteration
  // 1 samples with the base model itself, so 0 exactly, over the tokens of the agent's completions.
  const drift = results.iterations[1].rlTraining?.[0].drift;
  assert.deepEqual(drift?.map((d) => d.trainee), ['agent-1', 'agent-2']);
  for (const [n, d] of drift!.entries()) {
    const tokens = [1, 2].map((turn) => rollouts.filter((r) => r.agent === n + 1 && r.turn === turn).reduce((sum, r) => sum + r.tokenIds.length, 0));
    assert.deepEqual(d, { trainee: `agent-${n + 1}`, logRatio: 0, logRatioPerTurn: [0, 0], tokensPerTurn: tokens });
  }
  assert.deepEqual(results.baselines['shared-policy'][0].rlTraining?.[0].drift?.map((d) => [d.trainee, d.logRatio, d.logRatioPerTurn]), [['shared', 0, [0, 0]]]);
  const joint = await readRows(jointRewardSchema, join(iter, 'advantages', 'joint-rewards.parquet'));
  const advantages = await readRows(advantageSchema, join(iter, 'advantages', 'advantages.parquet'));
  assert.equal(advantages.length, rollouts.length, 'one advantage per completion');
  // Termination: a root expands exactly when its mean joint reward is not above 0.75.
  for (const q of new Set(joint.map((j) => j.questionId))) {
    const root = joint.filter((j) => j.questionId === q && j.node === '0');
    assert.equal(root.length, K, 'aligned: K joint actions');
    const mean = root.reduce((s, j) => s + j.reward, 0) / K;
    const children = rollouts.filter((r) => r.questionId === q && r.turn === 2);
    assert.equal(children.length > 0, mean <= 0.75, `question ${q}: root mean reward ${mean}`);
    assert.ok(root.every((j) => j.expanded === children.length > 0));
  }
  for (const j of joint) assert.ok(j.reward >= 0 && j.reward <= 1);
  // Mean mode: every (question, node, agent) group of K advantages sums to 0.
  const groups = new Map<string, number[]>();
  for (const a of advantages) groups.set(`${a.questionId}/${a.node}/${a.agent}`, [...(groups.get(`${a.questionId}/${a.node}/${a.agent}`) ?? []), a.advantage]);
  for (const [key, as] of groups) {
    assert.equal(as.length, K, key);
    assert.ok(Math.abs(as.reduce((s, x) => s + x, 0)) < 1e-9, `${key}: ${as.join(', ')}`);
  }
  for (const n of [1, 2]) {
    assert.ok(existsSync(join(iter, `policy-agent-${n}`, 'adapter', 'adapter_model.safetensors')));
    assert.ok((await readRows(trainingLogSchema, join(iter, `policy-agent-${n}`, 'losses.parquet'))).length > 0);
  }
  for (const l of [0, 1]) {
    const d = join(runDir, `iter-${l}`);
    const evalDebate = await Promise.all(readdirSync(join(d, 'eval-debate')).map((s) => readRows(debateSchema, join(d, 'eval-debate', s, 'debate.parquet'))));
    assert.equal(evalDebate.flat().length, 8 * 2 * 2);
    assert.ok((await readRows(evalSchema, join(d, 'evaluate', 'eval.parquet'))).every((r) => r.method === 'magrpo'));
  }
  const steps = [...manifestTimes(runDir).keys()];
  assert.equal(steps.filter((s) => !s.startsWith('baselines/')).length, 1 + 3 + (2 + 1 + 2 + 3), `step manifests: ${steps.join(', ')}`);
  // shared-policy: rollouts, advantages, one policy update, evaluation; multiagent-sft: multiagent finetuning's iteration.
  assert.equal(steps.filter((s) => s.startsWith('baselines/shared-policy/')).length, 2 + 1 + 1 + 3);
  assert.ok(existsSync(join(runDir, 'baselines', 'shared-policy', 'iter-1', 'policy-shared', 'adapter', 'adapter_model.safetensors')));
  assert.ok(steps.some((s) => s.startsWith('baselines/multiagent-sft/iter-1/finetune-')));
  for (const step of steps) {
    const manifest = JSON.parse(readFileSync(join(runDir, step, 'manifest.json'), 'utf8')) as { inputHash: string };
    assert.ok((await checkStep(join(runDir, step), manifest.inputHash)).complete, `${step} does not match its manifest`);
  }
  const turn2 = rollouts.filter((r) => r.turn === 2).length / (2 * K);
  console.log(`magrpo-ci: ${seconds.toFixed(1)} s, accuracy ${results.iterations.map((r) => (100 * r.accuracy).toFixed(1)).join(' → ')} %, ${turn2} turn-2 nodes`);
});

test('MAGRPO: `maft resume` after a failed policy update reuses rollouts and advantages; a throwing reward is not retried', { timeout: 240_000 }, async () => {
  const env = await startPipelineEnv();
  try {
    let injected = 0;
    const workers = await env.startWorkers({
      beforeCompute: (step, stepDir) => {
        if (step === 'policyUpdate' && stepDir === 'iter-1/policy-agent-2' && injected++ === 0) {
          throw ApplicationFailure.nonRetryable('injected failure', 'InjectedFailure');
        }
      },
    });
    const { runId } = await env.maft.startRun(magrpoCi(), { runId: 'magrpo-resume' });
    const failed = await env.maft.getResults(runId, { wait: true });
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /injected failure/);
    const before = manifestTimes(env.runDir(runId));
    assert.ok(before.has('iter-1/advantages') && before.has('iter-1/rollouts/shard-1'));
    assert.ok(!before.has('iter-1/policy-agent-2'));
    await env.maft.resumeRun(runId);
    const resumed = await env.maft.getResults(runId, { wait: true });
    assert.equal(resumed.status, 'completed', resumed.error);
    const after = manifestTimes(env.runDir(runId));
    for (const [step, at] of before) assert.equal(after.get(step), at, `${step} was recomputed`);
    assert.ok(after.has('iter-1/policy-agent-2') && after.has('iter-1/evaluate'));

    const module = join(env.dir, 'throwing-reward.mjs');
    writeFileSync(module, 'export function score() { throw new Error("no tests to run"); }\n');
    const computed: string[] = [];
    await workers.shutdown();
    const counting = await env.startWorkers({ beforeCompute: (step, stepDir) => void computed.push(`${step} ${stepDir}`) });
    const config = magrpoCi([['reward: mean-correct', `reward: { module: ${JSON.stringify(module)}, export: score }`], ['includeBase: true', 'includeBase: false']]);
    const { runId: bad } = await env.maft.startRun(config, { runId: 'magrpo-bad-reward' });
    const badResult = await env.maft.getResults(bad, { wait: true });
    await counting.shutdown();
    assert.equal(badResult.status, 'failed');
    assert.match(badResult.error ?? '', /reward function .*throwing-reward\.mjs#score: question .*, turn 1, joint action \(0, 0\): threw Error: no tests to run/);
    assert.deepEqual(computed.filter((c) => c.startsWith('generateRollouts')).sort(), ['generateRollouts iter-1/rollouts/shard-1', 'generateRollouts iter-1/rollouts/shard-2'], 'not retried');
  } finally {
    await env.close();
  }
});

