// generateDebate resumes from its heartbeat: an attempt stopped after round 1 is continued by the
// next attempt from the saved round, with fewer model calls and the same transcript as an
// uninterrupted debate (seeds are per round and agent). Real model (a small random one), real Parquet.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { parse } from 'yaml';
import { createActivities } from '../../activities';
import { countingModels } from './counting-models';
import type { DebateHeartbeat, DebateShardInput, DebateShardSummary } from '../../experiment/step-types';
import { experimentSchema } from '../../experiment/experiment-schema';
import { lmRuntime } from '../../worker/model-runtime';
import { debateSchema, questionToRow, questionsSchema, readRows, writeRows } from '../../data/artifacts';
import { generateArithmeticQuestions } from '../../data/tasks/arithmetic';
import { writeRandomModelDir } from '../../lm';
import { baseAgents } from '../../experiment/agents';
import { mainVariant } from '../../experiment/variants';

const root = mkdtempSync(join(tmpdir(), 'maft-debate-resume-'));
const modelDir = join(root, 'model');
const counting = countingModels();
const models = counting.models;

const config = experimentSchema.parse(
  parse(`task: { name: arithmetic, promptStyle: compact, trainSize: 3, testSize: 1 }
model: { path: ${modelDir} }
agents: 2
rounds: 3
iterations: 1
sampling: { temperature: 0.8, maxTokens: 12 }
`),
);

async function prepare(runId: string): Promise<DebateShardInput> {
  await writeRows(questionsSchema, join(root, 'runs', runId, 'questions', 'train.parquet'), generateArithmeticQuestions(5, 3).map(questionToRow));
  const variant = mainVariant(config);
  return { runId, config, variant, iteration: 1, split: 'train', shard: { index: 0, count: 1, start: 0, end: 3 }, agents: baseAgents(variant), stepDir: 'iter-1/debate' };
}

test('an interrupted debate continues after its last saved round, with the same result', { timeout: 120_000 }, async () => {
  await writeRandomModelDir(modelDir, { seed: 3, initStd: 0.5 });
  const activities = createActivities({ runsRoot: join(root, 'runs'), lm: lmRuntime() }, models);

  const whole = await prepare('whole');
  counting.reset();
  await new MockActivityEnvironment().run(activities.generateDebate, whole);
  assert.equal(counting.calls(), 3, 'one call per round covers both agents');

  // Cancelled once round 1 is saved: the heartbeat says so and the next attempt starts there.
  const interrupted = await prepare('interrupted');
  const first = new MockActivityEnvironment();
  let last: DebateHeartbeat | undefined;
  first.on('heartbeat', (d: DebateHeartbeat) => {
    last = d;
    if (d.round === 1) first.cancel();
  });
  await assert.rejects(first.run(activities.generateDebate, interrupted), /cancel/i);
  assert.equal(last?.round, 1);
  assert.ok(existsSync(join(root, 'runs', 'interrupted', 'iter-1', 'debate', 'shard-1', 'partial', 'round-1.parquet')));

  counting.reset();
  const summary: DebateShardSummary = await new MockActivityEnvironment({ heartbeatDetails: last, attempt: 2 }).run(activities.generateDebate, interrupted);
  assert.equal(counting.calls(), 2, 'only rounds 2 and 3 were generated');
  assert.ok(!existsSync(join(root, 'runs', 'interrupted', 'iter-1', 'debate', 'shard-1', 'partial')), 'partial rounds are removed once the shard is done');

  const strip = (rows: { prompt: string; response: string; round: number; agent: number; questionId: string }[]) => rows.map(({ questionId, round, agent, prompt, response }) => ({ questionId, round, agent, prompt, response }));
  const a = await readRows(debateSchema, join(root, 'runs', 'whole', 'iter-1', 'debate', 'shard-1', 'debate.parquet'));
  const b = await readRows(debateSchema, join(root, 'runs', 'interrupted', summary.path));
  assert.equal(b.length, 3 * 2 * 3);
  assert.deepEqual(strip(b), strip(a));
});

test('summarized debates add summarizer turns; cooperative debates combine answers', { timeout: 60_000 }, async () => {
  const activities = createActivities({ runsRoot: join(root, 'runs'), lm: lmRuntime() }, models);
  const variant = { ...mainVariant(config), rounds: 2 };
  const summarized = { ...(await prepare('summarized')), variant: { ...variant, summarize: true } };
  const s: DebateShardSummary = await new MockActivityEnvironment().run(activities.generateDebate, summarized);
  const rows = await readRows(debateSchema, join(root, 'runs', 'summarized', s.path));
  const summaries = rows.filter((r) => r.role === 'summarizer');
  assert.equal(summaries.length, 3 * 2, 'one summary per question and critic');
  for (const critic of rows.filter((r) => r.role === 'critic')) {
    const summary = summaries.find((x) => x.questionId === critic.questionId && x.agent === critic.agent);
    assert.ok(summary && critic.prompt.includes(summary.response.trim()), 'the critic sees its summary');
    assert.equal(summary.answer, null);
  }

  const cooperative = { ...(await prepare('cooperative')), variant, config: { ...config, debate: { ...config.debate, style: 'cooperative' as const } } };
  const c: DebateShardSummary = await new MockActivityEnvironment().run(activities.generateDebate, cooperative);
  const roles = (await readRows(debateSchema, join(root, 'runs', 'cooperative', c.path))).map((r) => `${r.round}:${r.role}`);
  assert.deepEqual([...new Set(roles)].sort(), ['1:generation', '2:cooperative']);
});
