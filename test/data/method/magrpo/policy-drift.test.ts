import assert from 'node:assert/strict';
import { test } from 'node:test';
import { samplingDrift } from '../../../../data/method/magrpo/policy-drift';

// Three completions of one agent, two turns. Sampler minus reference per token:
//   turn 1: [−0.5 − (−1), −1 − (−1.25)] = [0.5, 0.25] and [−2 − (−1.75)] = [−0.25]
//   turn 2: [−0.25 − (−1)] = [0.75]
// Turn 1: (0.5 + 0.25 − 0.25) / 3 = 1/6; turn 2: 0.75; all tokens: (0.5 + 0.25 − 0.25 + 0.75) / 4 = 0.3125
// (token-weighted: not the mean of the turns' means, (1/6 + 0.75) / 2 = 0.4583).
const completions = [
  { turn: 1, logprobs: [-0.5, -1] },
  { turn: 1, logprobs: [-2] },
  { turn: 2, logprobs: [-0.25] },
];
const ref = [[-1, -1.25], [-1.75], [-1]];

test('samplingDrift: token-weighted mean log π_sampling − log π_ref over every turn and per turn', () => {
  const d = samplingDrift(completions, ref, 2);
  assert.equal(d.logRatio, 0.3125);
  assert.ok(Math.abs(d.logRatioPerTurn[0] - 1 / 6) < 1e-15);
  assert.equal(d.logRatioPerTurn[1], 0.75);
  assert.deepEqual(d.tokensPerTurn, [3, 1]);
  // A turn no branch reached has no tokens: 0, as meanLogRatioPerTurn's summaries.
  assert.deepEqual(samplingDrift(completions.slice(0, 2), ref.slice(0, 2), 3).logRatioPerTurn.slice(1), [0, 0]);
  assert.deepEqual(samplingDrift([], [], 2), { logRatio: 0, logRatioPerTurn: [0, 0], tokensPerTurn: [0, 0] });
});

test('samplingDrift: sampled by the reference itself (iteration 1, the base model) is exactly 0', () => {
  const d = samplingDrift(completions, null, 2);
  assert.deepEqual(d, { logRatio: 0, logRatioPerTurn: [0, 0], tokensPerTurn: [3, 1] });
  assert.ok(Object.is(d.logRatio, 0) && d.logRatioPerTurn.every((x) => Object.is(x, 0)));
});

test('samplingDrift: reference scorings that do not match the completions are errors', () => {
  assert.throws(() => samplingDrift(completions, ref.slice(0, 2), 2), /2 reference scorings for 3 completions/);
  assert.throws(() => samplingDrift(completions, [[-1], [-1.75], [-1]], 2), /completion 0 has 2 tokens, its reference scoring 1/);
});
