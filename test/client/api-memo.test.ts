// startRun's extra memo entries (how a seed run names its experiment) survive resumeRun, which
// starts a new execution: without them `maft results <experimentId>` would lose a resumed seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ciTiny, startPipelineEnv } from '../pipeline/harness';

void test('resumeRun keeps the memo of startRun', { timeout: 60_000 }, async () => {
  const env = await startPipelineEnv();
  try {
    const memo = { seedExperiment: { id: 'e', seeds: 2, index: 1, firstSeed: 7 } };
    // No worker: the run only needs to exist, stop and start again.
    await env.maft.startRun(ciTiny(), { runId: 'e-s1', memo });
    const handle = env.maft.client.workflow.getHandle('e-s1');
    await handle.terminate('test');
    await env.maft.resumeRun('e-s1');
    const d = await handle.describe();
    assert.equal(d.status.name, 'RUNNING', 'a new execution');
    assert.deepEqual(d.memo?.seedExperiment, memo.seedExperiment);
    assert.equal((d.memo?.config as { seed: number }).seed, 7);
    await handle.terminate('done');
  } finally {
    await env.close();
  }
});
