import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitByAgent } from '../../../data/method/agent-splits';
import type { QuestionOutcome } from '../../../data/method/agent-splits';

const same = (a: string, b: string): boolean => a === b;

// Three agents, four hand-made debates. ŷ is the final-round majority.
const outcomes: QuestionOutcome[] = [
  // Everyone right from the start.
  { questionId: 'q1', majority: '10', firstAnswers: ['10', '10', '10'], finalAnswers: ['10', '10', '10'] },
  // Agent 2 corrected itself; agent 3 stayed wrong.
  { questionId: 'q2', majority: '5', firstAnswers: ['5', '4', '4'], finalAnswers: ['5', '5', '4'] },
  // Agent 1 was right first, then switched away: in neither critic set.
  { questionId: 'q3', majority: '8', firstAnswers: ['8', '8', null], finalAnswers: ['9', '8', '8'] },
  // No answer at all: nobody gets anything.
  { questionId: 'q4', majority: null, firstAnswers: [null, null, null], finalAnswers: [null, null, null] },
];

test('D^G, D⁻ and D⁺ follow Algorithm 1 for every agent', () => {
  const [a1, a2, a3] = splitByAgent(outcomes, 3, same);
  assert.deepEqual(a1, { generation: ['q1', 'q2', 'q3'], criticMinus: [], criticPlus: ['q1', 'q2'] });
  assert.deepEqual(a2, { generation: ['q1', 'q3'], criticMinus: ['q2'], criticPlus: ['q1', 'q3'] });
  // Agent 3 had no answer in round 1 of q3 and then gave ŷ: a correction (y_1 ≠ ŷ).
  assert.deepEqual(a3, { generation: ['q1'], criticMinus: ['q3'], criticPlus: ['q1'] });
});

test('a debate with the wrong number of agents is refused', () => {
  assert.throws(() => splitByAgent(outcomes, 2, same), /q1: expected answers of 2 agents/);
});
