// The worker process is killed with SIGKILL in the middle of a finetune and started again: the
// run completes, the interrupted finetune resumes from its checkpoint, and no step that had
// finished is computed again (its manifest keeps its completion time).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ciTiny, manifestTimes, spawnWorker, startPipelineEnv, waitFor } from './harness';
import type { PipelineEnv } from './harness';

let env: PipelineEnv;
const workers: ChildProcess[] = [];
before(async () => {
  env = await startPipelineEnv();
});
after(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await env.close();
});

test('SIGKILL of the worker mid-finetune: restarted, the run completes without recomputing finished steps', { timeout: 480_000 }, async () => {
  // Finetunes of 120 optimizer steps (lm/ checkpoints every 50), so that one is caught between
  // its first checkpoint and its end.
  const config = ciTiny([
    ['iterations: 2', 'iterations: 1'],
    ['epochs: 1', 'epochs: 120'],
  ]);
  workers.push(spawnWorker(env.temporalFile));
  const { runId } = await env.maft.startRun(config, { runId: 'kill-worker-test' });

  const iteration = join(env.runDir(runId), 'iter-1');
  const caught = await waitFor('a finetune past its first checkpoint', 300_000, async () => {
    const steps = existsSync(iteration) ? readdirSync(iteration).filter((d) => d.startsWith('finetune-')) : [];
    return steps.find((d) => existsSync(join(iteration, d, 'checkpoints', 'checkpoint.bin')) && !existsSync(join(iteration, d, 'manifest.json')));
  }, 20);
  workers[0].kill('SIGKILL');
  await new Promise((resolve) => workers[0].once('exit', resolve));
  const finishedBefore = manifestTimes(env.runDir(runId));
  assert.ok(!finishedBefore.has(`iter-1/${caught}`), 'killed in the middle of the finetune');
  assert.ok(finishedBefore.has('iter-0/evaluate') && finishedBefore.has('iter-1/datasets'));

  workers.push(spawnWorker(env.temporalFile));
  const results = await env.maft.getResults(runId, { wait: true });
  assert.equal(results.status, 'completed', results.error);
  const finishedAfter = manifestTimes(env.runDir(runId));
  for (const [step, completedAt] of finishedBefore) assert.equal(finishedAfter.get(step), completedAt, `${step} was recomputed`);
  const resumed = results.iterations[1].training.find((t) => `finetune-${t.trainee.replace(/^agent-(\d+)-(\w+)$/, '$2-$1')}` === caught);
  assert.ok(resumed && resumed.resumedFromStep >= 50 && resumed.steps > resumed.resumedFromStep, `${caught} did not resume from its checkpoint: ${JSON.stringify(resumed)}`);
  workers[1].kill('SIGTERM');
});
