import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateCollaboration } from '../../../data/method/collaboration-evaluation';

const same = (a: string, b: string): boolean => a === b;

// Two agents, three turns.
//   a (reference 5): (4, 5) → (5, 5) → (5, 5)   agent 1 persuaded by a right agent 2
//   b (reference 7): (7, 7) → (7, 3) → (3, 3)   agent 2 goes wrong, then drags agent 1 along
const questions = [
  { questionId: 'a', reference: '5', answers: [['4', '5'], ['5', '5'], ['5', '5']] },
  { questionId: 'b', reference: '7', answers: [['7', '7'], ['7', '3'], ['3', '3']] },
];

test('majority accuracy per turn with ties by expectation, ± the SE of the mean score', () => {
  const e = evaluateCollaboration(questions, same);
  // turn scores: a (0.5 tie, 1, 1), b (1, 0.5 tie, 0)
  // turns 1, 2: mean 0.75, v = 0.0625, SE = sqrt(0.0625 / 2); turn 3: mean 0.5, v = 0.25, SE = sqrt(0.25 / 2)
  assert.deepEqual(e.perTurn.map((a) => a.accuracy), [0.75, 0.75, 0.5]);
  assert.deepEqual(e.perTurn.map((a) => a.correct), [1.5, 1.5, 1]);
  [Math.sqrt(0.0625 / 2), Math.sqrt(0.0625 / 2), Math.sqrt(0.125)].forEach((se, t) => assert.ok(Math.abs(e.perTurn[t].stderr - se) < 1e-15));
  assert.equal(e.final, e.perTurn[2]);
  assert.deepEqual(e.outcomes, [{ questionId: 'a', correct: 1 }, { questionId: 'b', correct: 0 }]);
});

test('collaboration transitions per turn, split by the others\' majority at t', () => {
  const [first, second] = evaluateCollaboration(questions, same).transitions;
  // turn 1 → 2: a: agent 1 W → R with agent 2 right; agent 2 stays R with agent 1 wrong.
  //             b: both R with the other right; agent 2 goes R → W.
  assert.equal(first.turn, 1);
  const share = (s: { correct: number; total: number }) => [s.correct, s.total];
  assert.deepEqual(share(first.byOthers.right.wrongToRight), [1, 1]);
  assert.deepEqual(share(first.byOthers.right.rightToWrong), [1, 2]);
  assert.ok(Math.abs(first.byOthers.right.rightToWrong.stderr - Math.sqrt(0.25 / 2)) < 1e-15, 'binomial SE of 1/2');
  assert.deepEqual(share(first.byOthers.wrong.rightToWrong), [0, 1]);
  assert.deepEqual(share(first.byOthers.wrong.wrongToRight), [0, 0]);
  assert.ok(Number.isNaN(first.byOthers.wrong.wrongToRight.accuracy), 'nobody could move: no share');
  assert.deepEqual(share(first.byOthers.undecided.rightToWrong), [0, 0]);
  // turn 2 → 3: a: both stay R (others right); b: agent 1 R → W with agent 2 wrong; agent 2 stays W with agent 1 right.
  assert.equal(second.turn, 2);
  assert.deepEqual(share(second.byOthers.right.rightToWrong), [0, 2]);
  assert.deepEqual(share(second.byOthers.right.wrongToRight), [0, 1]);
  assert.deepEqual(share(second.byOthers.wrong.rightToWrong), [1, 1]);
});

test('questions of different shapes are refused', () => {
  assert.throws(() => evaluateCollaboration([questions[0], { questionId: 'c', reference: '1', answers: [['1', '1']] }], same), /question c: expected 3 turns of 2 answers/);
});
