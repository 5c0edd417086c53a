import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTask } from '../../data/tasks';
import { arithmeticQuestion } from '../../data/tasks/arithmetic';
import { criticRoundReport, stepsResult } from '../../pretraining/critic-round';

const task = getTask('arithmetic', { promptStyle: 'compact' });
// 3+4*5+6-7*8 = -27; 1+2*3+4-5*6 = -19.
const q1 = arithmeticQuestion([3, 4, 5, 6, 7, 8]);
const q2 = arithmeticQuestion([1, 2, 3, 4, 5, 6]);
const says = (steps: string, answer: number) => ` ${steps} Answer: ${answer}`;
const right1 = says('4*5=20 7*8=56 3+20=23 23+6=29 29-56=-(56-29) 56-20=36 36-9=27', -27);
const wrong1 = says('4*5=20 7*8=54 3+20=23 23+6=29 29-54=-(54-29) 54-20=34 34-9=25', -25);
const right2 = says('2*3=6 5*6=30 1+6=7 7+4=11 11-30=-(30-11) 30-10=20 20-1=19', -19);
const wrong2 = says('2*3=6 5*6=36 1+6=7 7+4=11 11-36=-(36-11) 36-10=26 26-1=25', -25);

void test("a response's steps arrive at their last value, negated after a sign step, votes or not", () => {
  assert.equal(stepsResult(right1), -27);
  assert.equal(stepsResult(' 229-209=(229-209) 229-200=29 29-9=20 votes: 20 21 20 Answer: 20'), 20);
  assert.equal(stepsResult(' no steps here'), null);
});

void test('round accuracies, where critic answers come from, and transitions by how many others were right', () => {
  const round1 = [
    [right1, wrong2],
    [wrong1, right2],
    [wrong1, wrong2],
  ];
  const round2 = [
    // agent 0: q1 keeps its right steps; q2 its steps say -25 but it copies the shown -19.
    [right1, ' 2*3=6 5*6=36 1+6=7 7+4=11 11-36=-(36-11) 36-10=26 26-1=25 Answer: -19'],
    // agent 1: q1 resolves to the right answer; q2 slips to a new wrong answer of its own.
    [right1, says('2*3=6 5*6=31 1+6=7 7+4=11 11-31=-(31-11) 31-10=21 21-1=20', -20)],
    // agent 2: q1 stays wrong; q2 answers a number that is neither its steps nor shown.
    [wrong1, ' 2*3=6 5*6=36 1+6=7 7+4=11 11-36=-(36-11) 36-10=26 26-1=25 Answer: -7'],
  ];
  const r = criticRoundReport(task, [q1, q2], round1, round2);
  assert.equal(r.responses, 6);
  assert.equal(r.round1, 2 / 6);
  assert.equal(r.round2, 3 / 6);
  // From their steps: a0 q1, a1 q1, a1 q2, a2 q1. Copied: a0 q2 (-19 was shown). Neither: a2 q2.
  assert.equal(r.ownSteps, 4 / 6);
  assert.equal(r.copiedShown, 1 / 6);
  assert.deepEqual(r.transitions, {
    'right→right, 0 others right': 1, // a0 q1
    'wrong→right, 1 others right': 2, // a0 q2 (a1 right), a1 q1 (a0 right)
    'right→wrong, 0 others right': 1, // a1 q2
    'wrong→wrong, 1 others right': 2, // a2 q1 (a0 right), a2 q2 (a1 right)
  });
});
