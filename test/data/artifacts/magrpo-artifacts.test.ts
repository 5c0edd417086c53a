// MAGRPO's artifact kinds: list columns of token ids and float32 log-probs survive a Parquet round
// trip (as float32), and bad values are refused naming the column.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { advantageSchema, jointRewardSchema, readRows, readTable, rolloutSchema, writeRows } from '../../../data/artifacts';
import type { AdvantageRow, JointRewardRow, RolloutRow } from '../../../data/artifacts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maft-magrpo-artifacts-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rollout = (over: Partial<RolloutRow> = {}): RolloutRow => ({
  questionId: 'q1',
  turn: 1,
  node: '0',
  agent: 1,
  sample: 0,
  prompt: 'What is 2+3?',
  completion: '2+3=5. The answer is 5.',
  answer: '5',
  tokenIds: [5, 17, 2],
  logprobs: [-0.5, -1.25, -0.1],
  finishReason: 'eos',
  ...over,
});

test('rollouts round-trip with int32[] token ids and float32[] log-probs (read back as float32)', async () => {
  const rows = [rollout(), rollout({ node: '0.1', turn: 2, agent: 2, sample: 1, answer: null, tokenIds: [], logprobs: [], finishReason: 'length' })];
  const path = join(dir, 'rollouts.parquet');
  await writeRows(rolloutSchema, path, rows);
  const table = await readTable(rolloutSchema, path);
  const type = table.schema.fields.find((f) => f.name === 'logprobs')?.type;
  assert.equal(String(type), 'List<Float32>');
  const back = await readRows(rolloutSchema, path);
  assert.deepEqual(back[1], rows[1]);
  assert.deepEqual(back[0].tokenIds, [5, 17, 2]);
  assert.deepEqual(back[0].logprobs, rows[0].logprobs.map(Math.fround));
  assert.deepEqual({ ...back[0], logprobs: [] }, { ...rows[0], logprobs: [] });
});

test('a non-finite log-prob or an unknown finish reason is refused with the column named', async () => {
  await assert.rejects(writeRows(rolloutSchema, join(dir, 'bad.parquet'), [rollout({ logprobs: [-1, Number.NaN] })]), /logprobs.*expected float32\[\]/s);
  await assert.rejects(
    writeRows(rolloutSchema, join(dir, 'bad.parquet'), [rollout({ finishReason: 'timeout' as RolloutRow['finishReason'] })]),
    /finish_reason.*not one of stop, eos, length/s,
  );
});

test('joint rewards and advantages round-trip', async () => {
  const joint: JointRewardRow[] = [{ questionId: 'q1', turn: 1, node: '0', action: 0, samples: [0, 0], reward: 0.5, return: 0.95, expanded: true }];
  const adv: AdvantageRow[] = [{ questionId: 'q1', turn: 1, node: '0', agent: 1, sample: 0, return: 0.95, advantage: -0.125 }];
  await writeRows(jointRewardSchema, join(dir, 'joint.parquet'), joint);
  await writeRows(advantageSchema, join(dir, 'adv.parquet'), adv);
  assert.deepEqual(await readRows(jointRewardSchema, join(dir, 'joint.parquet')), joint);
  assert.deepEqual(await readRows(advantageSchema, join(dir, 'adv.parquet')), adv);
});
