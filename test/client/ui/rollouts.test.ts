// The Rollouts pages' readers and renderers over small Parquet fixtures written with the repo's
// writers: a MAPoRL iteration of two PPO batches (the second still running), a MAGRPO iteration
// of two rollout trees, and MAPoRL's held-out transcripts read as debate rows. Every number is
// worked out by hand here; every text from a run is escaped on the page.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { advantageSchema, debateSchema, jointRewardSchema, questionsSchema, responseAdvantageSchema, responseScoreSchema, rolloutSchema, trainingLogSchema, writeManifest, writeRows } from '../../../data/artifacts';
import type { ArtifactSchema, JointRewardRow, RolloutRow } from '../../../data/artifacts';
import { getTask } from '../../../data/tasks';
import { RunArtifacts } from '../../../client/ui/artifacts';
import { magrpoIteration } from '../../../client/ui/magrpo-trees';
import { maporlBatches } from '../../../client/ui/maporl-batches';
import { magrpoPage } from '../../../client/ui/pages/magrpo-page';
import { magrpoTreePage } from '../../../client/ui/pages/magrpo-tree-page';
import { maporlPage } from '../../../client/ui/pages/maporl-page';
import { transcriptsOf } from '../../../client/ui/transcripts';

const root = mkdtempSync(join(tmpdir(), 'maft-rollouts-'));
const artifacts = new RunArtifacts(root);
const write = <Row>(schema: ArtifactSchema<Row>, path: string, rows: Row[]) => writeRows(schema, join(root, path), rows);
const task = getTask('arithmetic', { promptStyle: 'compact' });
const questions = [
  { id: 'q1', question: '1+1=?', answer: '2', choices: null, metaJson: null },
  { id: 'q2', question: '2+2=?', answer: '4', choices: null, metaJson: null },
];
const XSS = '<script>alert(1)</script>';

function rollout(questionId: string, turn: number, agent: number, answer: string | null, extra: Partial<RolloutRow> = {}): RolloutRow {
  return { questionId, turn, node: turn === 1 ? '0' : '0.0', agent, sample: 0, prompt: `Q: ${questionId}`, completion: ` = ${answer ?? '?'}`, answer, tokenIds: [5, 6], logprobs: [-0.1, -0.2], finishReason: 'eos', ...extra };
}

before(async () => {
  for (const run of ['maporl', 'magrpo']) await write(questionsSchema, `${run}/questions/train.parquet`, questions);
  // MAPoRL batch 1: q1 right everywhere but agent 2 at turn 2; q2 wrong at turn 1, right at turn 2.
  const responses = [
    rollout('q1', 1, 1, '2'), rollout('q1', 1, 2, '2'), rollout('q1', 2, 1, '2'), rollout('q1', 2, 2, '3', { completion: XSS }),
    rollout('q2', 1, 1, '5'), rollout('q2', 1, 2, '5'), rollout('q2', 2, 1, '4'), rollout('q2', 2, 2, '4'),
  ];
  await write(rolloutSchema, 'maporl/iter-1/batch-1/rollouts/rollouts.parquet', responses);
  // Turn 1 untrained (old = ref); turn 2: old − ref = 0.5 per token for agent 1, 0.25 for agent 2 (exact in float32).
  await write(responseScoreSchema, 'maporl/iter-1/batch-1/scores/scores.parquet', responses.map((r) => {
    const d = r.turn === 1 ? 0 : r.agent === 1 ? 0.5 : 0.25;
    return { questionId: r.questionId, turn: r.turn, agent: r.agent, score: r.answer === (r.questionId === 'q1' ? '2' : '4') ? 1 : 0, correct: r.answer === (r.questionId === 'q1' ? '2' : '4'), oldLogprobs: [-1 + d, -2 + d], refLogprobs: [-1, -2], values: [0, 0] };
  }));
  await write(responseAdvantageSchema, 'maporl/iter-1/batch-1/advantages/advantages.parquet', responses.map((r, k) => ({ questionId: r.questionId, turn: r.turn, agent: r.agent, reward: k / 8, incentive: r.turn === 2 ? 0.5 : 0, advantages: [1, -1], returns: [0.5, 0.5] })));
  await write(trainingLogSchema, 'maporl/iter-1/batch-1/policy-agent-1-turn-2/losses.parquet', [{ step: 1, loss: 0.5 }, { step: 2, loss: 0.25 }, { step: 3, loss: -0.125 }]);
  await write(trainingLogSchema, 'maporl/iter-1/batch-1/value-agent-1-turn-2/losses.parquet', [{ step: 1, loss: 0.02 }, { step: 2, loss: 0.01 }]);
  // Batch 2 has only its debates so far.
  await write(rolloutSchema, 'maporl/iter-1/batch-2/rollouts/rollouts.parquet', [rollout('q1', 1, 1, '2'), rollout('q1', 1, 2, '2')]);
  // Held-out transcripts of MAPoRL in two shards, and of another iteration in eval-debate/.
  await write(rolloutSchema, 'maporl/iter-1/eval-rollouts/shard-1/rollouts.parquet', [rollout('q9', 1, 1, '7'), rollout('q9', 2, 1, '8')]);
  await write(rolloutSchema, 'maporl/iter-1/eval-rollouts/shard-2/rollouts.parquet', [rollout('q8', 1, 1, '1')]);
  await write(debateSchema, 'maporl/iter-0/eval-debate/shard-1/debate.parquet', [{ questionId: 'q9', round: 1, agent: 1, role: 'generation', prompt: 'p', response: 'r', answer: '7' }]);

  // MAGRPO, N = 2, K = 2, aligned: q1's root (4 completions, 3 right) expands joint action 0 into
  // node 0.0 (4 completions, 2 right); q2's root (shard 2) stops at turn 1.
  const completions = (q: string, node: string, turn: number, answers: string[]): RolloutRow[] =>
    answers.map((a, i) => rollout(q, turn, 1 + Math.floor(i / 2), a, { node, sample: i % 2, completion: node === '0.0' && i === 3 ? XSS : ` = ${a}` }));
  const q1 = [...completions('q1', '0', 1, ['2', '2', '2', '3']), ...completions('q1', '0.0', 2, ['2', '3', '2', '5'])];
  const q2 = completions('q2', '0', 1, ['4', '4', '4', '4']);
  await write(rolloutSchema, 'magrpo/iter-1/rollouts/shard-1/rollouts.parquet', q1);
  await write(rolloutSchema, 'magrpo/iter-1/rollouts/shard-2/rollouts.parquet', q2);
  const joint: JointRewardRow[] = [
    { questionId: 'q1', turn: 1, node: '0', action: 0, samples: [0, 0], reward: 1, return: 1.5, expanded: true },
    { questionId: 'q1', turn: 1, node: '0', action: 1, samples: [1, 1], reward: 0.5, return: 0.5, expanded: false },
    { questionId: 'q1', turn: 2, node: '0.0', action: 0, samples: [0, 0], reward: 1, return: 1, expanded: false },
    { questionId: 'q1', turn: 2, node: '0.0', action: 1, samples: [1, 1], reward: 0, return: 0, expanded: false },
    { questionId: 'q2', turn: 1, node: '0', action: 0, samples: [0, 0], reward: 1, return: 1, expanded: false },
    { questionId: 'q2', turn: 1, node: '0', action: 1, samples: [1, 1], reward: 1, return: 1, expanded: false },
  ];
  await write(jointRewardSchema, 'magrpo/iter-1/advantages/joint-rewards.parquet', joint);
  await write(advantageSchema, 'magrpo/iter-1/advantages/advantages.parquet', [...q1, ...q2].map((r) => {
    const j = joint.find((x) => x.questionId === r.questionId && x.node === r.node && x.action === r.sample)!;
    const group = joint.filter((x) => x.questionId === r.questionId && x.node === r.node);
    return { questionId: r.questionId, turn: r.turn, node: r.node, agent: r.agent, sample: r.sample, return: j.return, advantage: j.return - group.reduce((s, x) => s + x.return, 0) / group.length };
  }));
  await write(trainingLogSchema, 'magrpo/iter-1/policy-agent-1/losses.parquet', [{ step: 1, loss: 0.1 }, { step: 2, loss: 0.05 }]);
  // Its manifest: policyUpdate's summary with the sampling policy's drift from the base (turn 2 reached by no branch of its own here).
  const drift = { logRatio: 0.0125, logRatioPerTurn: [0.0125, 0], tokensPerTurn: [8, 0] };
  await writeManifest(join(root, 'magrpo/iter-1/policy-agent-1'), { step: 'policyUpdate', inputHash: 'h', outputs: [], summary: { trainee: 'agent-1', drift } });
});

const plannedIteration = (iteration: number) => ({ variant: 'maporl' as const, iteration, dir: `iter-${iteration}`, report: null });

test('MAPoRL batches: accuracy, KL per token, rewards and advantages per turn; a running batch without scores', async () => {
  const batches = await maporlBatches(artifacts, 'maporl', 'iter-1');
  assert.deepEqual(batches.map((b) => b.batch), [1, 2]);
  const [b1, b2] = batches;
  assert.deepEqual(b1.questions, ['q1', 'q2']);
  assert.deepEqual(b1.perTurn.map((t) => [t.turn, t.responses, t.accuracy, t.klPerToken, t.meanIncentive]), [[1, 4, 0.5, 0, 0], [2, 4, 0.75, 0.375, 0.5]]);
  // Rewards k/8 in file order: turn 1 holds k = 0, 1, 4, 5, turn 2 k = 2, 3, 6, 7.
  assert.deepEqual(b1.perTurn.map((t) => t.meanReward), [10 / 32, 18 / 32]);
  assert.deepEqual([b1.all!.advantage.mean, b1.all!.advantage.sd, b1.all!.advantage.n], [0, 1, 16]);
  assert.deepEqual(b1.updates.map((u) => [u.name, u.model, u.losses?.length]), [['policy-agent-1-turn-2', 'policy', 3], ['value-agent-1-turn-2', 'value', 2]]);
  assert.equal(b2.responses?.length, 2);
  assert.ok(b2.responses!.every((r) => r.score === null && r.advantage === null));
  assert.ok(Number.isNaN(b2.perTurn[0].accuracy));
  assert.deepEqual(b2.updates, []);

  const page = maporlPage({ runId: 'maporl', methods: [{ variant: 'maporl', iterations: [1] }], variant: 'maporl', iteration: 1, setup: 'MAPoRL · test', batches, selected: b1, questions: new Map(questions.map((q) => [q.id, { question: q.question, reference: q.answer }])), learnedVerifier: false });
  assert.match(page, /<tr data-batch="1" class="selected">[\s\S]*?<td class="num" data-key="accuracy">50\.0% → 75\.0%<\/td>[\s\S]*?data-key="kl">0\.0000 → 0\.3750</);
  assert.match(page, /<tr data-batch="2">[\s\S]*?data-key="accuracy">– → –<\/td>/);
  assert.match(page, /<tr data-turn="2"><td>2<\/td><td class="num">4<\/td><td class="num" data-key="accuracy">75\.0%<\/td>/);
  // One question block per question, each with its 2 × 2 responses; the loss curves step by step.
  assert.equal(page.match(/<details class="rollout"/g)?.length, 2);
  assert.equal(page.match(/<td class="cell" data-turn/g)?.length, 8);
  assert.match(page, /data-turn="2" data-agent="2"><div class="cell-head"><span class="pill wrong">3<\/span>/);
  assert.equal(page.match(/<g class="series" data-label="policy-agent-1-turn-2"[\s\S]*?<\/g>/)?.[0].match(/<circle/g)?.length, 3);
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;') && !page.includes(XSS), 'a completion is escaped');
  assert.ok(page.includes('href="/files/maporl/iter-1/batch-1/scores/scores.parquet"'));
});

test('MAGRPO trees: nodes and completions per turn, correctness against the reference, joint rewards, the tree page', async () => {
  const data = await magrpoIteration(artifacts, 'magrpo', 'iter-1', task);
  assert.deepEqual(data.trees!.map((t) => [t.questionId, t.reference, t.nodes.map((n) => n.node)]), [['q1', '2', ['0', '0.0']], ['q2', '4', ['0']]]);
  assert.deepEqual(data.perTurn.map((t) => [t.turn, t.nodes, t.completions, t.accuracy, t.jointActions, t.meanReward, t.expanded]), [[1, 2, 8, 7 / 8, 4, 0.875, 0.25], [2, 1, 4, 0.5, 2, 0.5, 0]]);
  assert.equal(data.perTurn[1].advantage.mean, 0);
  assert.deepEqual(data.updates.map((u) => u.name), ['policy-agent-1']);
  assert.deepEqual(data.drift, [{ name: 'policy-agent-1', drift: { logRatio: 0.0125, logRatioPerTurn: [0.0125, 0], tokensPerTurn: [8, 0] } }]);

  const page = magrpoPage({ runId: 'magrpo', methods: [{ variant: 'magrpo', iterations: [1] }], variant: 'magrpo', iteration: 1, setup: null, data });
  assert.match(page, /<tr data-question="q1"><td class="question"><a href="\/runs\/magrpo\/rollouts\/q1\?variant=magrpo&amp;iteration=1">/);
  assert.match(page, /<tr data-turn="1"><td>1<\/td><td class="num" data-key="nodes">2<\/td><td class="num" data-key="completions">8<\/td><td class="num" data-key="accuracy">87\.5%<\/td>/);
  assert.equal(page.match(/<g class="series" data-label="policy-agent-1"[\s\S]*?<\/g>/)?.[0].match(/<circle/g)?.length, 2);
  // The drift per turn ("–" for a turn without tokens) and over all turns.
  assert.match(page, /<tr data-update="policy-agent-1"><td>policy-agent-1<\/td><td class="num" data-turn="1" data-key="drift">0\.012500<\/td><td class="num" data-turn="2" data-key="drift">–<\/td><td class="num" data-key="drift-all">0\.012500<\/td><\/tr>/);

  const tree = magrpoTreePage({ runId: 'magrpo', variant: 'magrpo', iteration: 1, tree: data.trees![0], files: data.files });
  assert.equal(tree.match(/<section class="node"/g)?.length, 2);
  // Joint action 0 of the root was expanded: it links to node 0.0, which names its parent.
  assert.match(tree, /<tr data-action="0"><td class="num">0<\/td><td>#0 <span class="pill right">2<\/span><\/td><td>#0 <span class="pill right">2<\/span><\/td><td class="num" data-key="reward">1\.000<\/td><td class="num" data-key="return">1\.500<\/td>\s*<td><a href="#node-0\.0">/);
  assert.match(tree, /id="node-0\.0" data-node="0\.0"><h2>Turn 2 · node 0\.0 <span class="muted">from joint action 0 of <a href="#node-0">node 0<\/a>/);
  assert.match(tree, /<tr data-agent="2" data-sample="1"><td>2<\/td><td class="num">1<\/td><td><span class="pill wrong">5<\/span><\/td><td class="num">0\.000<\/td><td class="num" data-key="advantage">-0\.500<\/td>/);
  assert.ok(tree.includes('&lt;script&gt;') && !tree.includes(XSS));
});

test('held-out transcripts: eval-debate/ where generateDebate wrote it, else MAPoRL’s eval-rollouts/ as debate rows', async () => {
  const rows = await transcriptsOf(artifacts, 'maporl', plannedIteration(1), 'test');
  assert.deepEqual(rows?.map((r) => [r.questionId, r.round, r.agent, r.role, r.answer]), [['q9', 1, 1, 'generation', '7'], ['q9', 2, 1, 'critic', '8'], ['q8', 1, 1, 'generation', '1']]);
  assert.deepEqual((await transcriptsOf(artifacts, 'maporl', plannedIteration(0), 'test'))?.map((r) => r.response), ['r']);
  assert.equal(await transcriptsOf(artifacts, 'maporl', plannedIteration(2), 'test'), null);
  assert.equal(await transcriptsOf(artifacts, 'maporl', plannedIteration(1), 'train'), null, 'training transcripts are debate/ only');
});
