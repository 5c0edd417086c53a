import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { experimentSchema } from '../../experiment/experiment-schema';
import { agentsAfter, baseAgents, traineesOf } from '../../experiment/agents';
import { questionShards } from '../../workflows/shards';
import { baselineVariant, mainVariant } from '../../experiment/variants';

// The schema alone: these tests need no model directory on disk.
const config = experimentSchema.parse(
  parse(`task: { name: arithmetic, trainSize: 8, testSize: 4 }
agents: 3
rounds: 2
iterations: 2
debate: { summarize: true }
baselines: [base, majority, debate, majority-ft, single-agent-ft, without-summary, without-critics]
`),
);

test('baselines change only what the paper says they change', () => {
  const main = mainVariant(config);
  assert.deepEqual([main.agents, main.rounds, main.iterations, main.summarize, main.training], [3, 2, 2, true, 'per-agent']);
  const v = Object.fromEntries(config.baselines.map((b) => [b, baselineVariant(b, config)]));
  assert.deepEqual([v.base.agents, v.base.rounds, v.base.iterations], [1, 1, 0]);
  assert.deepEqual([v.majority.agents, v.majority.rounds, v.majority.iterations], [3, 1, 0]);
  assert.deepEqual([v.debate.rounds, v.debate.iterations, v.debate.summarize], [2, 0, true]);
  assert.deepEqual([v['majority-ft'].rounds, v['majority-ft'].training], [1, 'shared']);
  assert.deepEqual([v['single-agent-ft'].rounds, v['single-agent-ft'].training], [2, 'shared']);
  assert.equal(v['without-summary'].summarize, false);
  assert.equal(v['without-critics'].training, 'generation-only');
});

test('2N trainees for the method, N without critics, one shared model for single-agent FT', () => {
  assert.deepEqual(traineesOf(mainVariant(config)).map((t) => t.id), [
    'agent-1-generation', 'agent-2-generation', 'agent-3-generation', 'agent-1-critic', 'agent-2-critic', 'agent-3-critic',
  ]);
  assert.equal(traineesOf(baselineVariant('without-critics', config)).length, 3);
  assert.deepEqual(traineesOf(baselineVariant('single-agent-ft', config)), [{ id: 'shared', agent: 0, role: 'generation' }]);
});

test('trained adapters replace their agents; untrained ones stay', () => {
  const main = mainVariant(config);
  const after = agentsAfter(main, baseAgents(main), { 'agent-1-generation': 'g1', 'agent-3-critic': 'c3', 'agent-2-critic': null });
  assert.deepEqual(after, { generation: ['g1', null, null], critic: [null, null, 'c3'] });
  const noCritics = baselineVariant('without-critics', config);
  assert.deepEqual(agentsAfter(noCritics, baseAgents(noCritics), { 'agent-2-generation': 'g2' }), {
    generation: [null, 'g2', null],
    critic: [null, 'g2', null],
  });
  const shared = baselineVariant('single-agent-ft', config);
  assert.deepEqual(agentsAfter(shared, baseAgents(shared), { shared: 's' }), { generation: ['s', 's', 's'], critic: ['s', 's', 's'] });
});

test('question shards cover every question once', () => {
  assert.deepEqual(questionShards(20, 8).map((s) => [s.start, s.end]), [[0, 8], [8, 16], [16, 20]]);
  assert.deepEqual(questionShards(0, 8), []);
});
