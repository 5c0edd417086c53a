// Replays recorded histories (record-histories.ts) against the current workflow code: a change
// to workflows/ that would break running executions (non-determinism) fails here.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { installQuietRuntime } from '../../temporal/quiet-runtime';
import { workflowBundle } from '../../worker/start-workers';
import { historyFromFileJson } from './history-files';

const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('recorded histories exist for a completed run, both kinds of iteration and a cancellation', () => {
  assert.deepEqual(files, ['iteration-finetune.json', 'iteration-shared-finetune.json', 'run-cancelled.json', 'run-completed.json']);
});

test('every recorded history replays deterministically', { timeout: 120_000 }, async () => {
  installQuietRuntime();
  const bundle = await workflowBundle();
  for (const file of files) {
    const history = historyFromFileJson(readFileSync(new URL(file, dir), 'utf8'));
    assert.ok((history.events?.length ?? 0) > 10, `${file} is too short to mean anything`);
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, file);
  }
});
