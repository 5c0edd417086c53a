// The worker process is SIGKILLed while a MAGRPO policy update is between its first checkpoint and
// its end, and a new worker finishes the run: every file the run wrote (Parquet tables of
// questions, rollouts, advantages, losses and evaluation; adapter safetensors and configs) is
// byte-identical to those of an uninterrupted run of the same config and run id on a separate
// server, every manifest records the same input and output hashes, and the interrupted update
// resumed from its step-50 checkpoint rather than starting over (which would be identical trivially).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import type { RunResults } from '../../client/report/results';
import { MANIFEST_FILE } from '../../data/artifacts';
import { fileHashes, killWorker, shippedConfig, spawnWorker, startPipelineEnv, TEST_ACTIVITY_DEFAULTS, waitForCheckpointedStep } from './harness';
import type { PipelineEnv } from './harness';

const RUN_ID = 'magrpo-kill';
/** lm/'s default checkpoint cadence (train-model.ts), which policyUpdate does not override. */
const CHECKPOINT_EVERY = 50;

// magrpo-ci with 150 training questions: each agent's policy update then has about 65 optimizer
// steps of 2,048 tokens (policyUpdate's POLICY_BATCH_TOKENS; 170 questions gave 73, 120 gave 52),
// so a checkpoint is written at step 50 and the kill has some 15 steps (5 s or more) to land in.
// Shards of 12 questions batch the rollouts' model calls better than magrpo-ci's 4 (38 shards of
// small calls took as long as the policy updates); the evaluation stays at 8 questions. Without
// the baselines, which would double the run (their SFT finetunes' kill is kill-worker.test.ts's).
const config = shippedConfig('configs/magrpo-ci.yaml', [
  ['trainSize: 8', 'trainSize: 150'],
  ['shardSize: 4', 'shardSize: 12'],
  ['baselines: [shared-policy, multiagent-sft]', 'baselines: []'],
]);

const envs: PipelineEnv[] = [];
const workers: ChildProcess[] = [];
after(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  for (const env of envs) await env.close();
});

/**
 * How long the server waits for a heartbeat before it retries a step elsewhere, which is also how
 * long it takes to notice the killed worker: the tests' 10 s, but 30 s for two steps that
 * otherwise time out on a loaded 2-core machine. policyUpdate heartbeats first after its first
 * optimizer step, and before that scores every completion under the base model for the KL term
 * (~800 here): 5–15 s at load 4–8. generateRollouts heartbeats once per model call, and one call
 * covers a turn of a whole shard.
 */
const SLOW_HEARTBEATS = { heartbeatTimeout: '30s' };

async function newEnv(): Promise<PipelineEnv> {
  const env = await startPipelineEnv({
    activities: { default: TEST_ACTIVITY_DEFAULTS, policyUpdate: SLOW_HEARTBEATS, generateRollouts: SLOW_HEARTBEATS },
    // One model activity at a time: the agents' policy updates score on one shared model, so the
    // second one's first heartbeat would wait for both scorings (over 30 s at load 8). Parallel
    // activities share the one model's thread anyway, and the artifacts do not depend on it.
    taskQueues: { gpu: { name: 'maft-gpu', maxConcurrentActivities: 1 } },
  });
  envs.push(env);
  return env;
}

function newWorker(env: PipelineEnv): ChildProcess {
  const worker = spawnWorker(env.temporalFile);
  workers.push(worker);
  return worker;
}

/** Manifests differ in their completion times; what they record of inputs and outputs must not. */
function manifestRecord(file: string): unknown {
  const { inputHash, outputs } = JSON.parse(readFileSync(file, 'utf8')) as { inputHash: string; outputs: unknown };
  return { inputHash, outputs };
}

function trainingOf(results: RunResults, stepDir: string): RunResults['iterations'][number]['training'][number] | undefined {
  return results.iterations[1].training.find((t) => `policy-${t.trainee}` === stepDir);
}

test('SIGKILL of the worker mid-policy-update: the resumed MAGRPO run writes the same bytes as an uninterrupted one', { timeout: 900_000 }, async () => {
  const started = Date.now();
  // The reference: one worker process from start to end, as the killed run's workers are.
  const reference = await newEnv();
  const referenceWorker = newWorker(reference);
  await reference.maft.startRun(config, { runId: RUN_ID });
  const expected = await reference.maft.getResults(RUN_ID, { wait: true });
  // Idle now; gone, it leaves both cores to the second run.
  await killWorker(referenceWorker);
  assert.equal(expected.status, 'completed', expected.error);
  for (const t of expected.iterations[1].training) {
    assert.ok(t.steps > CHECKPOINT_EVERY, `${t.trainee}: ${t.steps} optimizer steps reach no checkpoint before the end; the config no longer tests resuming`);
  }
  const referenceSeconds = (Date.now() - started) / 1000;

  const env = await newEnv();
  const first = newWorker(env);
  await env.maft.startRun(config, { runId: RUN_ID });
  const iteration = join(env.runDir(RUN_ID), 'iter-1');
  const caught = await waitForCheckpointedStep(iteration, 'policy-agent-', CHECKPOINT_EVERY, 400_000);
  await killWorker(first);
  assert.ok(!existsSync(join(iteration, caught, MANIFEST_FILE)), `${caught} finished before the kill landed`);
  assert.ok(existsSync(join(iteration, 'advantages', MANIFEST_FILE)), 'rollouts and advantages were complete');

  newWorker(env);
  const results = await env.maft.getResults(RUN_ID, { wait: true });
  assert.equal(results.status, 'completed', results.error);
  const resumed = trainingOf(results, caught);
  assert.ok(resumed && resumed.resumedFromStep >= CHECKPOINT_EVERY && resumed.steps > resumed.resumedFromStep, `${caught} did not resume from its checkpoint: ${JSON.stringify(resumed)}`);
  assert.equal(resumed.steps, trainingOf(expected, caught)?.steps);

  const want = fileHashes(reference.runDir(RUN_ID));
  const got = fileHashes(env.runDir(RUN_ID));
  assert.deepEqual([...got.keys()], [...want.keys()], 'the same files');
  const differing = [...want].filter(([file, hash]) => basename(file) !== MANIFEST_FILE && got.get(file) !== hash).map(([file]) => file);
  assert.deepEqual(differing, [], `files that differ from the uninterrupted run (${caught} was killed at or after step ${resumed.resumedFromStep})`);
  for (const file of want.keys()) {
    if (basename(file) !== MANIFEST_FILE) continue;
    assert.deepEqual(manifestRecord(join(env.runDir(RUN_ID), file)), manifestRecord(join(reference.runDir(RUN_ID), file)), file);
  }
  console.log(
    `kill-policy-update: ${caught} killed after its step-${resumed.resumedFromStep} checkpoint, resumed to step ${resumed.steps}; ` +
      `${want.size} files identical; reference run ${referenceSeconds.toFixed(1)} s, total ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
});
