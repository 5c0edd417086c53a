import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  datasetFile,
  finetuneStepDir,
  inStep,
  iterationDir,
  iterationWorkflowId,
  partialRoundFile,
  questionsFile,
  runIdProblem,
  shardDir,
  stepDir,
} from '../../experiment/run-layout';

void test('the run layout names every path a run writes, relative to runs/<runId>/', () => {
  assert.equal(questionsFile('train'), 'questions/train.parquet');
  assert.equal(questionsFile('test'), 'questions/test.parquet');
  assert.equal(iterationDir('multiagent-ft', 0), 'iter-0');
  assert.equal(iterationDir('single-agent-ft', 2), 'baselines/single-agent-ft/iter-2');
  assert.equal(stepDir(iterationDir('multiagent-ft', 1), 'votes'), 'iter-1/votes');
  assert.equal(shardDir(stepDir('iter-1', 'eval-debate'), 0), 'iter-1/eval-debate/shard-1');
  assert.equal(datasetFile('iter-1/datasets', 'agent-3-critic'), 'iter-1/datasets/agent-3-critic.parquet');
  assert.equal(finetuneStepDir('iter-2', { agent: 1, role: 'generation' }), 'iter-2/finetune-generation-1');
  assert.equal(finetuneStepDir('baselines/majority-ft/iter-1', { agent: 0, role: 'generation' }), 'baselines/majority-ft/iter-1/finetune-shared');
  assert.equal(partialRoundFile(2), 'partial/round-2.parquet');
  assert.equal(inStep('iter-1/finetune-critic-2', 'adapter'), 'iter-1/finetune-critic-2/adapter');
  assert.equal(iterationWorkflowId('demo-1', 'debate', 0), 'demo-1/baselines/debate/iter-0');
});

void test('run ids that would escape the runs directory or misname a workflow are refused', () => {
  assert.equal(runIdProblem('demo-20261122-072039-f0c7'), null);
  for (const bad of ['../x', 'a/b', '', '.hidden', 'x'.repeat(201)]) assert.match(runIdProblem(bad) ?? '', /run id/);
});
