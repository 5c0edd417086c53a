// Held-out evaluation samples on common random numbers: the same agents answer the test questions
// identically in every iteration and variant (so a paired difference against iteration 0 is 0 when
// training changed nothing), while training debates and rollouts draw new streams every iteration.
// The embedded tiny model at a high temperature, so that different streams do give different text;
// real Parquet.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { parse } from 'yaml';
import { createActivities } from '../../activities';
import { countingModels } from './counting-models';
import type { DebateShardSummary, EvaluationSummary, RolloutShardSummary, Split } from '../../experiment/step-types';
import { experimentSchema } from '../../experiment/experiment-schema';
import { lmRuntime } from '../../worker/model-runtime';
import { debateSchema, evalSchema, questionToRow, questionsSchema, readRows, rolloutSchema, writeRows } from '../../data/artifacts';
import { generateArithmeticQuestions } from '../../data/tasks/arithmetic';
import { baseAgents } from '../../experiment/agents';
import { baselineVariant, mainVariant, maporlVariant } from '../../experiment/variants';
import type { Variant } from '../../experiment/variants';

const root = mkdtempSync(join(tmpdir(), 'maft-evaluation-streams-'));
const runs = join(root, 'runs');
const activities = createActivities({ runsRoot: runs, lm: lmRuntime() }, countingModels().models);
const shard = { index: 0, count: 1, start: 0, end: 4 };

const configOf = (method: 'multiagent-ft' | 'maporl') =>
  experimentSchema.parse(
    parse(`method: ${method}
seed: 5
task: { name: arithmetic, promptStyle: compact, trainSize: 4, testSize: 4 }
model: { path: ${resolve('data/models/tiny')} }
agents: 2
rounds: 2
iterations: 2
sampling: { temperature: 3, topP: 1, maxTokens: 12 }
`),
  );

/** A run whose train and test questions are the same four, so only the split's streams differ. */
async function runWith(runId: string): Promise<void> {
  const rows = generateArithmeticQuestions(4, 9).map(questionToRow);
  for (const split of ['train', 'test']) await writeRows(questionsSchema, join(runs, runId, 'questions', `${split}.parquet`), rows);
}

async function debateText(runId: string, variant: Variant, iteration: number, split: Split): Promise<string[]> {
  await runWith(runId);
  const input = { runId, config: configOf('multiagent-ft'), variant, iteration, split, shard, agents: baseAgents(variant), stepDir: 'debate' };
  const summary: DebateShardSummary = await new MockActivityEnvironment().run(activities.generateDebate, input);
  const rows = await readRows(debateSchema, join(runs, runId, summary.path));
  return rows.map((r) => `${r.questionId}/${r.round}/${r.agent}: ${r.response}`);
}

/** The evaluate step's verdicts on the run's held-out debate: each question's majority answer. */
async function evaluation(runId: string, variant: Variant, iteration: number): Promise<{ ties: number; answers: (string | null)[] }> {
  const input = { runId, config: configOf('multiagent-ft'), variant, iteration, debate: ['debate/shard-1/debate.parquet'], agents: baseAgents(variant), stepDir: 'evaluate' };
  const summary: EvaluationSummary = await new MockActivityEnvironment().run(activities.evaluate, input);
  return { ties: summary.ties, answers: (await readRows(evalSchema, join(runs, runId, summary.path))).map((r) => r.answer) };
}

async function rolloutText(runId: string, iteration: number, split: Split): Promise<string[]> {
  await runWith(runId);
  const config = configOf('maporl');
  const variant = maporlVariant(config);
  const policies = Array.from({ length: variant.rounds }, () => Array.from({ length: variant.agents }, () => null));
  const input = { runId, config, variant, iteration, split, shard, policies, stepDir: 'rollouts' };
  const summary: RolloutShardSummary = await new MockActivityEnvironment().run(activities.generateRollouts, input);
  const rows = await readRows(rolloutSchema, join(runs, runId, summary.path));
  return rows.map((r) => `${r.questionId}/${r.turn}/${r.agent}: ${r.completion}`);
}

test('the same agents answer held-out questions identically in every iteration and variant; training debates draw anew', { timeout: 120_000 }, async () => {
  const config = configOf('multiagent-ft');
  const main = mainVariant(config);
  const test1 = await debateText('test-1', main, 1, 'test');
  assert.deepEqual(await debateText('test-2', main, 2, 'test'), test1);
  assert.deepEqual(await debateText('test-single', baselineVariant('single-agent-ft', config), 2, 'test'), test1, 'a baseline with as many agents samples on the same streams');
  // Ties between the two agents' answers break the same way too, so equal transcripts score equally.
  const scored = await Promise.all(['test-1', 'test-2'].map((runId, i) => evaluation(runId, main, i + 1)));
  assert.ok(scored[0].ties > 0, 'the fixture has ties to break');
  assert.deepEqual(scored[1], scored[0]);
  const train1 = await debateText('train-1', main, 1, 'train');
  assert.notDeepEqual(await debateText('train-2', main, 2, 'train'), train1, 'training debates sample anew each iteration');
  assert.notDeepEqual(train1, test1, 'training and evaluation streams differ');
});

test("MAPoRL's held-out rollouts repeat across iterations; its training rollouts do not", { timeout: 120_000 }, async () => {
  const test1 = await rolloutText('rl-test-1', 1, 'test');
  assert.deepEqual(await rolloutText('rl-test-2', 2, 'test'), test1);
  assert.notDeepEqual(await rolloutText('rl-train-2', 2, 'train'), await rolloutText('rl-train-1', 1, 'train'));
});
