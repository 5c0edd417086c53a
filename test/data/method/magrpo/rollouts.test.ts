// The rollout trees as library code with a scripted model: who is asked what at which node, K
// samples per prompt in one call per agent and turn, and branches stopping by the threshold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jointActions } from '../../../../data/method/magrpo/joint-actions';
import type { JointRewardInput } from '../../../../data/method/magrpo/joint-reward';
import { runRollouts } from '../../../../data/method/magrpo/rollouts';
import type { RolloutSetup } from '../../../../data/method/magrpo/rollouts';
import { getTask } from '../../../../data/tasks';
import { generateArithmeticQuestions } from '../../../../data/tasks/arithmetic';
import type { GenerateRequest, Generation, LanguageModel, SamplingOptions } from '../../../../lm/types';

const task = getTask('arithmetic', { promptStyle: 'compact' });
const questions = generateArithmeticQuestions(3, 2);

function scriptedModel(calls: { requests: GenerateRequest[]; seed: number }[]): LanguageModel {
  const generate = (requests: GenerateRequest[], options: SamplingOptions): Promise<Generation[]> => {
    calls.push({ requests, seed: options.seed });
    return Promise.resolve(requests.map((_, i): Generation => ({ text: `s${options.seed}-r${i}`, tokenIds: [i + 1, 2], logprobs: [-0.5, -0.25], finishReason: 'eos' })));
  };
  return { generate } as unknown as LanguageModel;
}

function setup(over: Partial<RolloutSetup>, rewardCalls: JointRewardInput[] = []): RolloutSetup {
  return {
    task,
    questions,
    agents: 2,
    turns: 2,
    k: 2,
    actions: jointActions(2, 2, 'aligned'),
    terminationThreshold: 0.5,
    // The first question's root is rewarded: it stops; the second's expands.
    reward: (input) => (rewardCalls.push(input), Promise.resolve(input.questionId === questions[0].id ? 1 : 0)),
    adapterOf: (_turn, agent) => (agent === 1 ? '/a1' : undefined),
    sampling: { maxNewTokens: 8, temperature: 1 },
    seedOf: (turn, agent) => 10 * turn + agent,
    ...over,
  };
}

test('turn 1: K samples of every question per agent in one call; a rewarded root stops, the other expands', async () => {
  const calls: { requests: GenerateRequest[]; seed: number }[] = [];
  const rewardCalls: JointRewardInput[] = [];
  const out = await runRollouts(scriptedModel(calls), setup({}, rewardCalls));
  assert.deepEqual(out.nodesPerTurn, [2, 2]);
  assert.equal(calls.length, 4, 'one call per agent and turn');
  const [first] = calls;
  assert.equal(first.requests.length, 2 * 2);
  assert.deepEqual(first.requests.map((r) => r.prompt), [0, 0, 1, 1].map((i) => task.generationPrompt(questions[i])));
  assert.deepEqual(first.requests.map((r) => r.adapter), ['/a1', '/a1', '/a1', '/a1']);
  assert.equal(rewardCalls.length, 2 * 2, 'K joint actions of each turn-1 node; none at the last turn');
  assert.deepEqual(rewardCalls[2].completions, ['s11-r2', 's12-r2']);

  assert.equal(out.rows.length, 2 * 2 * 2 + 2 * 2 * 2);
  const q1 = questions[1];
  assert.deepEqual([...new Set(out.rows.filter((r) => r.questionId === questions[0].id).map((r) => r.node))], ['0']);
  const child = out.rows.filter((r) => r.questionId === q1.id && r.node === '0.1');
  assert.deepEqual(child.map((r) => [r.turn, r.agent, r.sample]), [[2, 1, 0], [2, 1, 1], [2, 2, 0], [2, 2, 1]]);
  // Joint action 1 of q1's root is (sample 1, sample 1): requests 3 of the turn-1 calls.
  assert.equal(child[0].prompt, task.criticPrompt(q1, 's11-r3', ['s12-r3']));
  assert.equal(child[2].prompt, task.criticPrompt(q1, 's12-r3', ['s11-r3']));
  assert.deepEqual(child[0].tokenIds, [3, 2]);
  assert.deepEqual(child[0].logprobs, [-0.5, -0.25]);
});

test('without a threshold every branch expands and no reward is computed', async () => {
  const rewardCalls: JointRewardInput[] = [];
  const out = await runRollouts(scriptedModel([]), setup({ terminationThreshold: null }, rewardCalls));
  assert.deepEqual(out.nodesPerTurn, [2, 4]);
  assert.equal(rewardCalls.length, 0);
  assert.deepEqual([...new Set(out.rows.map((r) => r.node))], ['0', '0.0', '0.1']);
});
