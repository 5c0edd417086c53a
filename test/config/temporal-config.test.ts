import assert from 'node:assert/strict';
import { test } from 'node:test';
import { temporalConfigSchema, loadTemporalConfig, resolveStepOptions } from '../../config/temporal-config';
import { parseWithSchema, parseYaml } from '../../config/yaml-source';

test('the shipped temporal.yaml resolves every step', () => {
  const config = loadTemporalConfig('temporal.yaml');
  assert.equal(config.steps.finetuneAgent.taskQueue, 'maft-gpu');
  assert.equal(config.steps.majorityVote.taskQueue, 'maft-cpu');
  assert.equal(config.steps.finetuneAgent.startToCloseTimeoutMs, 12 * 3_600_000);
  assert.equal(config.steps.generateDebate.heartbeatTimeoutMs, 60_000);
});

test('step options: built-in defaults < activities.default < activities.<step>', () => {
  const config = parseWithSchema(
    parseYaml('t.yaml', 'activities:\n  default:\n    retry: { maximumAttempts: 2 }\n  evaluate:\n    heartbeatTimeout: 5s\n'),
    temporalConfigSchema,
  );
  const steps = resolveStepOptions(config);
  assert.equal(steps.evaluate.heartbeatTimeoutMs, 5000);
  assert.equal(steps.evaluate.retry.maximumAttempts, 2);
  assert.equal(steps.prepareRun.heartbeatTimeoutMs, 60_000);
  assert.equal(steps.prepareRun.retry.initialIntervalMs, 1000);
});

test('errors name the key and line', () => {
  const bad = (text: string): string => {
    try {
      parseWithSchema(parseYaml('t.yaml', text), temporalConfigSchema);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };
  assert.match(bad('server:\n  mode: cloud\n'), /^t\.yaml:2: server\.mode: /);
  assert.match(bad('activities:\n  finetuneAgent:\n    heartbeatTimeout: soon\n'), /^t\.yaml:3: activities\.finetuneAgent\.heartbeatTimeout: expected a duration/);
  assert.match(bad('taskQueues:\n  gpu: { name: g, maxConcurrentActivities: 0 }\n'), /taskQueues\.gpu\.maxConcurrentActivities/);
});
