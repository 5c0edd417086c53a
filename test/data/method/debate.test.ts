// The debate as library code, without Temporal: who is asked what in which round, that rounds
// handed back from an earlier attempt give the rows an uninterrupted debate gives, and that one
// model call per round (every agent's adapter in one batch) gives the rows of one call per agent.
// Real model (a small random one, real ONNX Runtime, random adapters), real tasks and prompts.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebateRow } from '../../../data/artifacts';
import { callsInDebate, callsInRound, runDebate } from '../../../data/method/debate';
import type { DebateSetup } from '../../../data/method/debate';
import { deriveSeed } from '../../../data/method/seed';
import { generateArithmeticQuestions } from '../../../data/tasks/arithmetic';
import { getTask } from '../../../data/tasks';
import { openModel, writeRandomAdapterDir, writeRandomModelDir } from '../../../lm';
import type { LanguageModel } from '../../../lm/types';
import { callPerStreamSeed } from '../../lm/call-per-stream-seed';

const dir = mkdtempSync(join(tmpdir(), 'maft-debate-'));
let model: LanguageModel;
let generateCalls = 0;
before(async () => {
  await writeRandomModelDir(dir, { seed: 5, initStd: 0.5 });
  for (const k of [1, 2]) await writeRandomAdapterDir(join(dir, `adapter-${k}`), dir, { seed: k, rank: 4, alpha: 8, std: 0.3 });
  const real = await openModel(dir, { device: 'cpu' });
  model = { ...real, info: real.info, close: () => real.close(), score: (r) => real.score(r), generate: (r, o) => (generateCalls++, real.generate(r, o)) };
});
after(() => model.close());

const task = getTask('arithmetic', { promptStyle: 'compact' });
const questions = generateArithmeticQuestions(11, 3);

function setup(over: Partial<DebateSetup> = {}): DebateSetup {
  return {
    task,
    questions,
    agents: 2,
    rounds: 3,
    style: 'debate',
    summarize: false,
    generationAdapters: [undefined, undefined],
    criticAdapters: [undefined, undefined],
    sampling: { maxNewTokens: 10, temperature: 0.9 },
    seedOf: (round, agent, role) => deriveSeed(7, round, agent, role),
    ...over,
  };
}

const cell = (rows: readonly DebateRow[], q: string, round: number, agent: number, role = 'critic'): DebateRow => {
  const row = rows.find((r) => r.questionId === q && r.round === round && r.agent === agent && r.role === role);
  assert.ok(row, `row ${q}/${round}/${agent}/${role}`);
  return row;
};

describe('runDebate', () => {
  it('asks every generation agent in round 1 and every critic, given its own and the others\' answers, after it', async () => {
    const { rows, calls } = await runDebate(model, setup());
    assert.equal(rows.length, 3 * 2 * 3, 'questions × agents × rounds');
    assert.equal(calls, 18);
    for (const q of questions) {
      const first = [1, 2].map((a) => cell(rows, q.id, 1, a, 'generation'));
      assert.equal(first[0].prompt, task.generationPrompt(q));
      const second = cell(rows, q.id, 2, 1);
      assert.equal(second.prompt, task.criticPrompt(q, first[0].response, [first[1].response]));
      const third = cell(rows, q.id, 3, 2);
      assert.equal(third.prompt, task.criticPrompt(q, cell(rows, q.id, 2, 2).response, [second.response]));
      assert.equal(third.answer, task.extractAnswer(third.response));
    }
    // Sorted by question, round, agent.
    assert.deepEqual(rows.slice(0, 6).map((r) => [r.questionId, r.round, r.agent]), [1, 2, 3].flatMap((m) => [1, 2].map((a) => [questions[0].id, m, a])));
  });

  it('summarizes the others\' answers with the base model before each critic call when asked to', async () => {
    const withSummary = setup({ summarize: true, rounds: 2 });
    assert.equal(callsInRound(withSummary, 1), 2);
    assert.equal(callsInRound(withSummary, 2), 4);
    assert.equal(callsInDebate(withSummary), 6);
    assert.equal(callsInDebate(setup({ summarize: true, style: 'cooperative' })), 6, 'cooperative debates never summarize');
    const { rows } = await runDebate(model, withSummary);
    const q = questions[1];
    const summary = cell(rows, q.id, 2, 1, 'summarizer');
    assert.equal(summary.prompt, task.summarizerPrompt(q, [cell(rows, q.id, 1, 2, 'generation').response]));
    assert.equal(summary.answer, null);
    assert.equal(cell(rows, q.id, 2, 1).prompt, task.criticSummaryPrompt(q, cell(rows, q.id, 1, 1, 'generation').response, summary.response));
    const i = rows.indexOf(summary);
    assert.equal(rows[i + 1].role, 'critic', 'a summarizer row comes just before the critic it is for');
  });

  it('continues after rounds handed back with the same rows, calling the model only for the rest', async () => {
    const whole = await runDebate(model, setup());
    const saved: DebateRow[][] = [];
    const beats: [number, number][] = [];
    await runDebate(model, setup({ rounds: 1 }), { afterRound: async (_round, rows) => void saved.push(rows), afterCall: (done, complete) => void beats.push([done, complete]) });
    assert.deepEqual(beats, [[2, 0]], 'one model call answers both agents');
    generateCalls = 0;
    const resumed = await runDebate(model, setup(), { finished: saved, afterCall: (done, complete) => void beats.push([done, complete]) });
    assert.equal(generateCalls, 2, 'one call for each of the two rounds left');
    assert.deepEqual(beats.slice(1), [[4, 1], [6, 2]], 'agent-call counts include the finished round');
    assert.deepEqual(resumed.rows, whole.rows);
    assert.equal(resumed.calls, whole.calls);
  });

  it('gives, in one call per round with each agent\'s adapter per row, the rows of one call per agent', async () => {
    const adapter = (k: number): string => join(dir, `adapter-${k}`);
    for (const over of [
      { generationAdapters: [adapter(1), undefined], criticAdapters: [adapter(2), adapter(1)] },
      { summarize: true, rounds: 2, generationAdapters: [adapter(2), adapter(1)], criticAdapters: [undefined, adapter(2)] },
    ]) {
      generateCalls = 0;
      const merged = await runDebate(model, setup(over));
      assert.equal(generateCalls, callsInDebate(setup(over)) / 2, 'one call per round (two with summaries) for both agents');
      const separate = await runDebate(callPerStreamSeed(model), setup(over));
      assert.deepEqual(merged.rows, separate.rows);
      assert.equal(merged.generatedTokens, separate.generatedTokens);
      const plain = await runDebate(model, setup({ ...over, generationAdapters: [undefined, undefined], criticAdapters: [undefined, undefined] }));
      assert.notDeepEqual(plain.rows.map((r) => r.response), merged.rows.map((r) => r.response), 'the adapters change what the agents say');
    }
  });

  it('names the question and agent a handed-back round lacks', async () => {
    const saved: DebateRow[][] = [];
    await runDebate(model, setup({ rounds: 1 }), { afterRound: async (_round, rows) => void saved.push(rows) });
    const broken = [saved[0].filter((r) => !(r.questionId === questions[2].id && r.agent === 2))];
    await assert.rejects(runDebate(model, setup(), { finished: broken }), new RegExp(`round 1 lacks question ${questions[2].id} of agent 2`));
  });
});
