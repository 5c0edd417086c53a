// generateRollouts resumes from its heartbeat: an attempt stopped after a turn is continued by the
// next attempt from the saved turns, with fewer model calls and a rollouts.parquet byte-identical
// to an uninterrupted shard's (seeds are per turn and agent, streams per node and sample). Saved
// turns that cannot be read, or are not the shard's, are generated again. MAGRPO's trees (K 2,
// rewards deciding which branches expand) and MAPoRL's debates (K 1); the embedded tiny model,
// real Parquet.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { parse } from 'yaml';
import { createActivities } from '../../activities';
import { countingModels } from './counting-models';
import type { RolloutHeartbeat, RolloutShardInput, RolloutShardSummary } from '../../experiment/step-types';
import { experimentSchema } from '../../experiment/experiment-schema';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import { magrpoVariant, maporlVariant } from '../../experiment/variants';
import { lmRuntime } from '../../worker/model-runtime';
import { questionToRow, questionsSchema, readRows, rolloutSchema, writeRows } from '../../data/artifacts';
import { generateArithmeticQuestions } from '../../data/tasks/arithmetic';

const root = mkdtempSync(join(tmpdir(), 'maft-rollouts-resume-'));
const runs = join(root, 'runs');
const counting = countingModels();
const models = counting.models;
const activities = createActivities({ runsRoot: runs, lm: lmRuntime() }, models);
const questions = generateArithmeticQuestions(3, 11);

// A joint reward that stops some branches and not others, so a resumed attempt must rebuild which
// nodes of a saved turn expand: the first question's root stops at turn 1, a turn-2 node stops
// when agent 1's completions of both joint actions are longer than 16 characters.
const rewardModule = join(root, 'reward.mjs');
writeFileSync(rewardModule, `export default ({ questionId, turn, completions }) => questionId === ${JSON.stringify(questions[0].id)} ? 1 : turn === 2 ? Number(completions[0].length > 16) : 0;\n`);

function configOf(method: 'magrpo' | 'maporl'): ExperimentConfig {
  return experimentSchema.parse(
    parse(`method: ${method}
seed: 7
task: { name: arithmetic, promptStyle: compact, trainSize: 3, testSize: 1 }
model: { path: ${resolve('data/models/tiny')} }
agents: 2
rounds: 3
iterations: 1
sampling: { temperature: 3, topP: 1, maxTokens: 16 }
${method === 'magrpo' ? `magrpo: { numGenerations: 2, jointMode: aligned, terminationThreshold: 0.75, reward: { module: ${rewardModule} } }` : ''}
`),
  );
}

const stepDir = 'iter-1/rollouts/shard-1';
const partial = (runId: string, turn: number): string => join(runs, runId, stepDir, 'partial', `turn-${turn}.parquet`);
const rollouts = (runId: string): Promise<Buffer> => readFile(join(runs, runId, stepDir, 'rollouts.parquet'));

/** Whether some agent's K samples at some node differ (else any seeds would give identical bytes). */
async function samplesDiffer(runId: string): Promise<boolean> {
  const rows = await readRows(rolloutSchema, join(runs, runId, stepDir, 'rollouts.parquet'));
  return rows.some((r) => rows.some((o) => o.questionId === r.questionId && o.node === r.node && o.agent === r.agent && o.completion !== r.completion));
}

async function prepare(method: 'magrpo' | 'maporl', runId: string): Promise<RolloutShardInput> {
  await writeRows(questionsSchema, join(runs, runId, 'questions', 'train.parquet'), questions.map(questionToRow));
  const config = configOf(method);
  const variant = method === 'magrpo' ? magrpoVariant(config) : maporlVariant(config);
  const policies = Array.from({ length: variant.rounds }, () => Array.from({ length: variant.agents }, () => null));
  return { runId, config, variant, iteration: 1, split: 'train', shard: { index: 0, count: 1, start: 0, end: 3 }, policies, stepDir };
}

/** The shard uninterrupted: its summary and the model calls it took (one per turn that has nodes). */
async function whole(method: 'magrpo' | 'maporl'): Promise<{ summary: RolloutShardSummary; calls: number }> {
  const input = await prepare(method, `${method}-whole`);
  counting.reset();
  const summary: RolloutShardSummary = await new MockActivityEnvironment().run(activities.generateRollouts, input);
  return { summary, calls: counting.calls() };
}

/** A first attempt cancelled once turn `turn` is saved; the heartbeat it leaves for the next attempt. */
async function interrupted(input: RolloutShardInput, turn: number): Promise<RolloutHeartbeat> {
  const env = new MockActivityEnvironment();
  let last: RolloutHeartbeat | undefined;
  env.on('heartbeat', (d: RolloutHeartbeat) => {
    last = d;
    if (d.turn === turn) env.cancel();
  });
  await assert.rejects(env.run(activities.generateRollouts, input), /cancel/i);
  assert.equal(last?.turn, turn);
  for (let t = 1; t <= 3; t++) assert.equal(existsSync(partial(input.runId, t)), t <= turn, `turn ${t} saved`);
  return last!;
}

async function retried(input: RolloutShardInput, heartbeat: RolloutHeartbeat): Promise<{ summary: RolloutShardSummary; calls: number }> {
  counting.reset();
  const summary: RolloutShardSummary = await new MockActivityEnvironment({ heartbeatDetails: heartbeat, attempt: 2 }).run(activities.generateRollouts, input);
  assert.ok(!existsSync(join(runs, input.runId, stepDir, 'partial')), 'saved turns are removed once the shard is done');
  return { summary, calls: counting.calls() };
}

test('MAGRPO: a shard stopped after turn 1 or 2 continues from it, byte-identical and without generating the saved turns again', { timeout: 180_000 }, async () => {
  const a = await whole('magrpo');
  const [, second, third] = a.summary.nodesPerTurn;
  assert.equal(second, 4, "the first question's root stopped, the others' each have K = 2 children");
  assert.ok(third > 0 && third < 2 * second, `some turn-2 nodes stopped and some expanded (turn 3: ${third} nodes)`);
  assert.equal(a.calls, 3, 'one call per turn covers every agent, node and sample');
  assert.ok(await samplesDiffer('magrpo-whole'), 'the K samples of a prompt differ: their streams matter');

  const input = await prepare('magrpo', 'magrpo-resumed');
  const b = await retried(input, await interrupted(input, 1));
  assert.equal(b.calls, 2, 'only turns 2 and 3 were generated');
  assert.deepEqual(b.summary, { ...a.summary, path: b.summary.path });
  assert.ok((await rollouts('magrpo-resumed')).equals(await rollouts('magrpo-whole')), 'rollouts.parquet is byte-identical');

  // After turn 2, whose rewards (of the texts saved) decide which of its nodes expand.
  const later = await prepare('magrpo', 'magrpo-resumed-2');
  const c = await retried(later, await interrupted(later, 2));
  assert.equal(c.calls, 1, 'only turn 3 was generated');
  assert.ok((await rollouts('magrpo-resumed-2')).equals(await rollouts('magrpo-whole')), 'rollouts.parquet is byte-identical');
});

test('MAPoRL (K 1): a debate stopped after turn 2 continues with turn 3 only, byte-identical', { timeout: 180_000 }, async () => {
  const a = await whole('maporl');
  assert.deepEqual(a.summary.nodesPerTurn, [3, 3, 3]);
  assert.equal(a.calls, 3);

  const input = await prepare('maporl', 'maporl-resumed');
  const b = await retried(input, await interrupted(input, 2));
  assert.equal(b.calls, 1, 'only turn 3 was generated');
  assert.deepEqual(b.summary, { ...a.summary, path: b.summary.path });
  assert.ok((await rollouts('maporl-resumed')).equals(await rollouts('maporl-whole')), 'rollouts.parquet is byte-identical');
});

test('saved turns that are unreadable or not the shard’s are generated again, with the same result', { timeout: 180_000 }, async () => {
  const expected = await rollouts('magrpo-whole');

  // Not Parquet at all: turn 1 is generated again, and so is every turn after it.
  const corrupt = await prepare('magrpo', 'magrpo-corrupt');
  const beat = await interrupted(corrupt, 1);
  await writeFile(partial('magrpo-corrupt', 1), 'not parquet');
  const c = await retried(corrupt, beat);
  assert.equal(c.calls, 3);
  assert.ok((await rollouts('magrpo-corrupt')).equals(expected));

  // A readable rollout file of another plan (MAPoRL's K 1 turn 1 of the same questions): the
  // nodes match, the samples do not.
  const foreign = await prepare('magrpo', 'magrpo-foreign');
  const foreignBeat = await interrupted(foreign, 1);
  const other = await prepare('maporl', 'maporl-foreign');
  await interrupted(other, 1);
  await copyFile(partial('maporl-foreign', 1), partial('magrpo-foreign', 1));
  const f = await retried(foreign, foreignBeat);
  assert.equal(f.calls, 3);
  assert.ok((await rollouts('magrpo-foreign')).equals(expected));

  // Turns saved by another activity (here: another seed, whose turn 1 answers the same prompts)
  // are never read: no heartbeat of this one names them.
  const stale = await prepare('magrpo', 'magrpo-stale');
  await interrupted({ ...stale, config: { ...stale.config, seed: 8 } }, 1);
  counting.reset();
  await new MockActivityEnvironment().run(activities.generateRollouts, stale);
  assert.equal(counting.calls(), 3);
  assert.ok((await rollouts('magrpo-stale')).equals(expected));
});
