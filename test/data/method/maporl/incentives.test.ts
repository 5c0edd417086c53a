import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collaborationIncentives, influenceIncentive, revisionIncentive } from '../../../../data/method/maporl/incentives';

// Distinct powers of two, so a sum shows which rows applied.
const w = { alpha0: 1, alpha1: 2, beta0: 4, beta1: 8 };

// Agent 1 of two (index 0): the others' majority is agent 2's answer.
test('Table 1, every row: agent 1 revises between t and t + 1, agent 2 is the majority at t', () => {
  // answer(t) answer(t+1) majority(t) → incentive
  assert.equal(revisionIncentive([1, 1], [0, 1], 0, w), -2, 'R W R → −α1');
  assert.equal(revisionIncentive([1, 0], [0, 0], 0, w), -1, 'R W W → −α0');
  assert.equal(revisionIncentive([0, 0], [1, 0], 0, w), 1, 'W R W → +α0');
  assert.equal(revisionIncentive([0, 1], [1, 1], 0, w), 2, 'W R R → +α1');
  // No revision, no incentive, whatever the others do.
  for (const [before, after] of [[[1, 0], [1, 1]], [[0, 1], [0, 0]]]) assert.equal(revisionIncentive(before, after, 0, w), 0);
});

test('Table 2, every row: agent 1\'s answer at t, the others\' majority from t to t + 1', () => {
  // majority(t) majority(t+1) answer(t) → incentive
  assert.equal(influenceIncentive([1, 1], [1, 0], 0, w), -8, 'R W R → −β1');
  assert.equal(influenceIncentive([0, 1], [0, 0], 0, w), -4, 'R W W → −β0');
  assert.equal(influenceIncentive([0, 0], [0, 1], 0, w), 4, 'W R W → +β0');
  assert.equal(influenceIncentive([1, 0], [1, 1], 0, w), 8, 'W R R → +β1');
  // The majority did not change.
  assert.equal(influenceIncentive([1, 1], [0, 1], 0, w), 0);
});

test('a tied majority of the others (mean exactly 0.5) gives no incentive; thresholds are strict', () => {
  // A = 3: agent 1's others are (1, 0) at t — mean 0.5, neither right nor wrong.
  assert.equal(revisionIncentive([1, 1, 0], [0, 1, 0], 0, w), 0);
  assert.equal(influenceIncentive([1, 1, 0], [1, 1, 1], 0, w), 0);
  // A = 3, others (1, 1) → (1, 0) → (0, 0): R at t, W at t + 1 only once both are wrong.
  assert.equal(influenceIncentive([1, 1, 1], [1, 0, 0], 0, w), -8);
});

test('one agent (self-correction): ±α1 as the code, and no Table 2', () => {
  assert.equal(revisionIncentive([1], [0], 0, w), -2);
  assert.equal(revisionIncentive([0], [1], 0, w), 2);
  assert.deepEqual(collaborationIncentives([[1], [0], [1]], w), [[0], [-2], [2]]);
});

test('a 3-turn transcript of 2 agents: Table 1 applies from turn 2, Table 2 up to turn T − 1, summed', () => {
  // correctness: t1 (R, W), t2 (R, R), t3 (W, R)
  // (1, 1): Table 2 — agent 2 goes W → R, agent 1 was R            → +β1 = 8
  // (1, 2): Table 2 — agent 1 stays R                               → 0
  // (2, 1): Table 1 — R → R: 0; Table 2 — agent 2 stays R            → 0
  // (2, 2): Table 1 — W → R with agent 1 R at t1 → +α1 = 2;
  //         Table 2 — agent 1 goes R → W, agent 2 was R → −β1 = −8  → −6
  // (3, 1): Table 1 — R → W with agent 2 R at t2 → −α1               → −2
  // (3, 2): Table 1 — R → R                                          → 0
  assert.deepEqual(collaborationIncentives([[1, 0], [1, 1], [0, 1]], w), [[8, 0], [0, -6], [-2, 0]]);
  assert.deepEqual(collaborationIncentives([[1, 0], [1, 1], [0, 1]], { alpha0: 0, alpha1: 0, beta0: 0, beta1: 0 }), [[0, 0], [0, 0], [0, 0]], 'no weights, no incentives');
});
