import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RewardFunctionError, builtinReward, scoreJointAction } from '../../../../data/method/magrpo/joint-reward';
import type { JointRewardInput } from '../../../../data/method/magrpo/joint-reward';

const same = (a: string, b: string): boolean => a === b;
const input = (answers: (string | null)[]): JointRewardInput => ({ questionId: 'q7', question: '2+3=?', reference: '5', turn: 2, completions: answers.map((a) => `A: ${a ?? '?'}`), answers });

test('mean-correct: the share of agents whose answer is right', async () => {
  const r = builtinReward('mean-correct', same);
  assert.equal(await r(input(['5', '4'])), 0.5);
  assert.equal(await r(input(['5', '5', null])), 2 / 3);
});

test('majority-correct: the majority\'s correctness, a tie by expectation', async () => {
  const r = builtinReward('majority-correct', same);
  assert.equal(await r(input(['5', '5', '4'])), 1);
  assert.equal(await r(input(['5', '4'])), 0.5);
  assert.equal(await r(input([null, null, '5'])), 0);
});

test('a user function that throws, or returns no finite number, is a RewardFunctionError naming it', async () => {
  const boom = (): number => {
    throw new TypeError('tests is undefined');
  };
  const err = await scoreJointAction(boom, 'rewards/code.ts#score', input(['5', '4']), [1, 3]).then(
    () => assert.fail('no error'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RewardFunctionError);
  assert.equal(err.name, 'RewardFunctionError');
  assert.equal(err.message, 'reward function rewards/code.ts#score: question q7, turn 2, joint action (1, 3): threw TypeError: tests is undefined');
  assert.ok(err.cause instanceof TypeError);
  await assert.rejects(scoreJointAction(() => Number.NaN, 'f', input(['5']), [0]), /returned NaN, not a finite number/);
  await assert.rejects(scoreJointAction(() => '1' as unknown as number, 'f', input(['5']), [0]), /returned string, not a finite number/);
  assert.equal(await scoreJointAction(async ({ completions }) => completions.length, 'f', input(['5', '4']), [0, 0]), 2);
});
