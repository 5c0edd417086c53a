// majorityVote and splitAgentDatasets on a hand-made debate: the votes, ties and every agent's
// dataset (which transcript row each example comes from) are checked one by one. Also the step
// cache: a finished step is not computed again unless its input files change.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { parse } from 'yaml';
import { createActivities } from '../../activities';
import type { DatasetsSummary, VoteSummary } from '../../experiment/step-types';
import { experimentSchema } from '../../experiment/experiment-schema';
import { lmRuntime } from '../../worker/model-runtime';
import { agentDatasetSchema, debateSchema, questionToRow, questionsSchema, readRows, votesSchema, writeRows } from '../../data/artifacts';
import type { DebateRow } from '../../data/artifacts';
import { mainVariant } from '../../experiment/variants';

const runsRoot = mkdtempSync(join(tmpdir(), 'maft-activities-'));
const runId = 'hand-made';
const runDir = join(runsRoot, runId);
const config = experimentSchema.parse(parse('task: { name: arithmetic, trainSize: 3, testSize: 1 }\nagents: 3\nrounds: 2\niterations: 1\ncritic: { w: 0.5 }\n'));

// Final answers per question (agent 1..3), round 1 then round 2.
const transcripts: Record<string, [string[], string[]]> = {
  // Agent 3 corrects itself: D⁻ for critic 3; everyone else kept 7: D⁺.
  q1: [['7', '7', '9'], ['7', '7', '7']],
  // A three-way tie in the final round: ŷ is a seeded pick among 1, 2, 3.
  q2: [['1', '2', '3'], ['1', '2', '3']],
  // Agent 2 abandons the right first answer: in no critic set.
  q3: [['5', '5', '4'], ['5', '6', '5']],
};

async function writeHandMadeDebate(): Promise<void> {
  mkdirSync(join(runDir, 'iter-1', 'debate', 'shard-1'), { recursive: true });
  const rows: DebateRow[] = Object.entries(transcripts).flatMap(([questionId, rounds]) =>
    rounds.flatMap((answers, m) =>
      answers.map((answer, n) => ({
        questionId,
        round: m + 1,
        agent: n + 1,
        role: m === 0 ? ('generation' as const) : ('critic' as const),
        prompt: `${questionId} prompt for agent ${n + 1} in round ${m + 1}`,
        response: `${questionId} agent ${n + 1} round ${m + 1}: the answer is ${answer}`,
        answer,
      })),
    ),
  );
  await writeRows(debateSchema, join(runDir, 'iter-1', 'debate', 'shard-1', 'debate.parquet'), rows);
  const questions = [
    { id: 'q1', question: '3+4=?', answer: '7' },
    { id: 'q2', question: '1+1=?', answer: '2' },
    { id: 'q3', question: '2+3=?', answer: '5' },
  ];
  await writeRows(questionsSchema, join(runDir, 'questions', 'train.parquet'), questions.map(questionToRow));
}

test('votes and per-agent datasets from hand-made transcripts', async () => {
  await writeHandMadeDebate();
  const computed: string[] = [];
  const activities = createActivities({ runsRoot, lm: lmRuntime(), beforeCompute: (step) => void computed.push(step) });
  const env = new MockActivityEnvironment();
  const variant = mainVariant(config);
  const debate = ['iter-1/debate/shard-1/debate.parquet'];

  const votes: VoteSummary = await env.run(activities.majorityVote, { runId, config, iteration: 1, debate, rounds: 2, stepDir: 'iter-1/votes' });
  assert.deepEqual({ ...votes, majorityAccuracy: undefined }, { path: 'iter-1/votes/votes.parquet', questions: 3, ties: 1, noAnswer: 0, majorityAccuracy: undefined });
  const voteRows = await readRows(votesSchema, join(runDir, votes.path));
  const q2 = voteRows.find((v) => v.questionId === 'q2');
  assert.ok(q2 && q2.tie && q2.tieBreak === 'seeded-random' && ['1', '2', '3'].includes(q2.majorityAnswer ?? ''));
  assert.deepEqual(voteRows.find((v) => v.questionId === 'q3')?.voteCounts, [2, 1]);

  const split: DatasetsSummary = await env.run(activities.splitAgentDatasets, { runId, config, variant, iteration: 1, debate, votes: votes.path, stepDir: 'iter-1/datasets' });
  const byId = Object.fromEntries(split.datasets.map((d) => [d.id, d]));
  const rowsOf = async (id: string) => readRows(agentDatasetSchema, join(runDir, byId[id].path));

  // q2's ŷ decides which one agent's round-1 answer joins its generation set.
  const winner = Number(q2.majorityAnswer);
  for (const n of [1, 2, 3]) {
    const expected = ['q1', ...(winner === n ? ['q2'] : []), ...(n !== 3 ? ['q3'] : [])].filter((q) => !(q === 'q1' && n === 3));
    const rows = await rowsOf(`agent-${n}-generation`);
    assert.deepEqual(rows.map((r) => r.questionId).sort(), expected.sort(), `agent ${n} generation`);
    for (const r of rows) {
      assert.equal(r.prompt, `${r.questionId} prompt for agent ${n} in round 1`);
      assert.match(r.completion, new RegExp(`^${r.questionId} agent ${n} round 1:`));
      assert.equal(r.source, 'gen');
    }
  }
  // Critic 3: D⁻ = {q1, q3} (wrong first, ŷ at the end); D⁺ = {} unless it won q2's tie.
  assert.deepEqual([byId['agent-3-critic'].dMinus, byId['agent-3-critic'].dPlus], [2, winner === 3 ? 1 : 0]);
  // Critic 1: D⁺ = {q1, q3} (+ q2 if it won the tie), D⁻ empty → shrink with w = 0.5 keeps nothing.
  assert.deepEqual([byId['agent-1-critic'].dMinus, byId['agent-1-critic'].examples], [0, 0]);
  // Critic 2 left ŷ on q3: only q1 (and q2 if it won) count.
  assert.equal(byId['agent-2-critic'].dPlus, winner === 2 ? 2 : 1);
  for (const id of ['agent-1-critic', 'agent-2-critic', 'agent-3-critic']) {
    for (const r of await rowsOf(id)) {
      assert.match(r.prompt, /in round 2$/, 'critic examples are the final-round context');
      assert.ok(r.source === 'd_minus' || r.source === 'd_plus');
    }
  }

  // Finished steps are reused: same summaries, nothing computed again.
  assert.deepEqual(computed, ['majorityVote', 'splitAgentDatasets']);
  assert.deepEqual(await env.run(activities.majorityVote, { runId, config, iteration: 1, debate, rounds: 2, stepDir: 'iter-1/votes' }), votes);
  assert.deepEqual(computed, ['majorityVote', 'splitAgentDatasets']);
  // A changed input file invalidates the step.
  transcripts.q1[1][0] = '8';
  await writeHandMadeDebate();
  await env.run(activities.majorityVote, { runId, config, iteration: 1, debate, rounds: 2, stepDir: 'iter-1/votes' });
  assert.deepEqual(computed, ['majorityVote', 'splitAgentDatasets', 'majorityVote']);
});

test('with finetune.ties = skip, a tied question is in no agent dataset', async () => {
  await writeHandMadeDebate();
  const activities = createActivities({ runsRoot, lm: lmRuntime() });
  const env = new MockActivityEnvironment();
  const skipping = experimentSchema.parse({ ...config, finetune: { ...config.finetune, ties: 'skip' } });
  const debate = ['iter-1/debate/shard-1/debate.parquet'];
  const votes: VoteSummary = await env.run(activities.majorityVote, { runId, config: skipping, iteration: 1, debate, rounds: 2, stepDir: 'iter-1/votes' });
  const split: DatasetsSummary = await env.run(activities.splitAgentDatasets, {
    runId, config: skipping, variant: mainVariant(skipping), iteration: 1, debate, votes: votes.path, stepDir: 'iter-1/datasets-skip-ties',
  });
  const questionsOf = async (id: string) =>
    (await readRows(agentDatasetSchema, join(runDir, split.datasets.find((d) => d.id === id)!.path))).map((r) => r.questionId).sort();
  for (const n of [1, 2, 3]) {
    assert.deepEqual(await questionsOf(`agent-${n}-generation`), n === 3 ? [] : ['q1', 'q3'], `agent ${n}`);
  }
  const critic3 = split.datasets.find((d) => d.id === 'agent-3-critic')!;
  assert.deepEqual([critic3.dMinus, critic3.dPlus], [2, 0], 'critic 3 corrected itself on q1 and q3; q2 is left out');
});
