// The rollout trees as library code with a scripted model: who is asked what at which node, K
// samples per prompt of every agent in one call per turn, and branches stopping by the threshold;
// then on a real random model, that the one call per turn samples what one call per agent did.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RolloutRow } from '../../../../data/artifacts/kinds';
import { jointActions } from '../../../../data/method/magrpo/joint-actions';
import type { JointRewardInput } from '../../../../data/method/magrpo/joint-reward';
import { runRollouts } from '../../../../data/method/magrpo/rollouts';
import type { RolloutSetup } from '../../../../data/method/magrpo/rollouts';
import { getTask } from '../../../../data/tasks';
import { generateArithmeticQuestions } from '../../../../data/tasks/arithmetic';
import { openModel, writeRandomAdapterDir, writeRandomModelDir } from '../../../../lm';
import type { GenerateRequest, Generation, LanguageModel, SamplingOptions } from '../../../../lm/types';
import { callPerStreamSeed } from '../../../lm/call-per-stream-seed';

const task = getTask('arithmetic', { promptStyle: 'compact' });
const questions = generateArithmeticQuestions(3, 2);

/** Answers `s<seed>-r<index>` of each request's stream. */
function scriptedModel(calls: GenerateRequest[][]): LanguageModel {
  const generate = (requests: GenerateRequest[], options: SamplingOptions): Promise<Generation[]> => {
    calls.push(requests);
    return Promise.resolve(
      requests.map((r, i): Generation => {
        const { seed, index } = r.stream ?? { seed: options.seed, index: i };
        return { text: `s${seed}-r${index}`, tokenIds: [index + 1, 2], logprobs: [-0.5, -0.25], finishReason: 'eos' };
      }),
    );
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

test('turn 1: K samples of every question for every agent in one call; a rewarded root stops, the other expands', async () => {
  const calls: GenerateRequest[][] = [];
  const rewardCalls: JointRewardInput[] = [];
  const beats: number[] = [];
  const out = await runRollouts(scriptedModel(calls), setup({}, rewardCalls), (done) => void beats.push(done));
  assert.deepEqual(out.nodesPerTurn, [2, 2]);
  assert.equal(calls.length, 2, 'one call per turn');
  assert.deepEqual(beats, [2, 4], 'agent calls done');
  const [first] = calls;
  assert.equal(first.length, 2 * 2 * 2, 'agents × questions × K');
  assert.deepEqual(first.map((r) => r.prompt), [0, 0, 1, 1, 0, 0, 1, 1].map((i) => task.generationPrompt(questions[i])));
  assert.deepEqual(first.map((r) => r.adapter), ['/a1', '/a1', '/a1', '/a1', undefined, undefined, undefined, undefined]);
  assert.deepEqual(first.map((r) => r.stream), [11, 12].flatMap((seed) => [0, 1, 2, 3].map((index) => ({ seed, index }))), 'agent n samples stream j of its own seed');
  assert.equal(rewardCalls.length, 2 * 2, 'K joint actions of each turn-1 node; none at the last turn');
  assert.deepEqual(rewardCalls[2].completions, ['s11-r2', 's12-r2']);

  assert.equal(out.rows.length, 2 * 2 * 2 + 2 * 2 * 2);
  const q1 = questions[1];
  assert.deepEqual([...new Set(out.rows.filter((r) => r.questionId === questions[0].id).map((r) => r.node))], ['0']);
  const child = out.rows.filter((r) => r.questionId === q1.id && r.node === '0.1');
  assert.deepEqual(child.map((r) => [r.turn, r.agent, r.sample]), [[2, 1, 0], [2, 1, 1], [2, 2, 0], [2, 2, 1]]);
  // Joint action 1 of q1's root is (sample 1, sample 1): request 3 of each agent's turn-1 streams.
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

test('one call per turn on a real random model samples what one call per agent and turn samples', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'maft-rollouts-'));
  const model = await (async () => {
    await writeRandomModelDir(dir, { seed: 5, initStd: 0.5 });
    await writeRandomAdapterDir(join(dir, 'a1'), dir, { seed: 1, rank: 4, alpha: 8, std: 0.3 });
    return openModel(dir, { device: 'cpu', threads: 1 });
  })();
  try {
    const real = setup({ terminationThreshold: null, adapterOf: (_turn, agent) => (agent === 1 ? join(dir, 'a1') : undefined), sampling: { maxNewTokens: 6, temperature: 1 } });
    const merged = await runRollouts(model, real);
    const separate = await runRollouts(callPerStreamSeed(model), real);
    assert.deepEqual(merged.nodesPerTurn, [2, 4]);
    const strip = (rows: RolloutRow[]) => rows.map(({ logprobs: _, ...rest }) => rest);
    assert.deepEqual(strip(merged.rows), strip(separate.rows), 'the same prompts, tokens and completions');
    // Log-probs come from batches of another composition: the same up to float32 rounding.
    let worst = 0;
    merged.rows.forEach((r, i) => r.logprobs.forEach((lp, t) => (worst = Math.max(worst, Math.abs(lp - separate.rows[i].logprobs[t])))));
    assert.ok(worst < 1e-5, `log-probs differ by ${worst}`);
  } finally {
    await model.close();
    await rm(dir, { recursive: true, force: true });
  }
});
