// The loss log of a finetune across attempts: a crashed attempt's steps up to the checkpoint the
// next attempt resumes from are kept, the ones after it are replaced by the redone steps, so the
// log equals that of an uninterrupted finetune.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTrainingLog } from '../../activities/training-log';

const loss = (step: number): number => 1 / step;

test('steps before the resume point come from the crashed attempt, the rest from the new one', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'maft-training-log-')), 'checkpoints', 'losses.tsv');
  const uninterrupted = Array.from({ length: 10 }, (_, i) => ({ step: i + 1, loss: loss(i + 1) }));

  // Attempt 1 reports steps 1..7 (its checkpoint is at step 5), then dies while writing step 8.
  const first = await openTrainingLog(file);
  for (let s = 1; s <= 7; s++) first.record(s, s > 5 ? 99 : loss(s));
  appendFileSync(file, '8\t0.12');

  // Attempt 2 resumes after step 5: steps 6..10.
  const second = await openTrainingLog(file);
  for (let s = 6; s <= 10; s++) second.record(s, loss(s));
  assert.deepEqual(second.rows(5), uninterrupted);

  // Attempt 3 dies after the final checkpoint, before writing the parquet: it reports nothing.
  const third = await openTrainingLog(file);
  assert.deepEqual(third.rows(10), uninterrupted);
});

test('a first attempt logs every step, NaN losses included', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'maft-training-log-')), 'losses.tsv');
  const log = await openTrainingLog(file);
  log.record(1, 0.5);
  log.record(2, Number.NaN);
  assert.deepEqual(log.rows(0), [{ step: 1, loss: 0.5 }, { step: 2, loss: Number.NaN }]);
  assert.deepEqual((await openTrainingLog(file)).rows(2), [{ step: 1, loss: 0.5 }, { step: 2, loss: Number.NaN }]);
});
