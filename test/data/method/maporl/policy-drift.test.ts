import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanLogRatio, meanLogRatioPerTurn } from '../../../../data/method/maporl/policy-drift';

test('the mean log π_old − log π_ref per token of each turn, weighted by tokens, 0 for a turn without responses', () => {
  const rows = [
    // Turn 1: differences 0, 0 → 0.
    { turn: 1, oldLogprobs: [-1, -2], refLogprobs: [-1, -2] },
    // Turn 2: differences 0.5, −0.1, 0.2 and 0.4 → (0.5 − 0.1 + 0.2 + 0.4) / 4 = 0.25.
    { turn: 2, oldLogprobs: [-0.5, -1.1, -0.3], refLogprobs: [-1, -1, -0.5] },
    { turn: 2, oldLogprobs: [-0.1], refLogprobs: [-0.5] },
  ];
  const drift = meanLogRatioPerTurn(rows, 3);
  assert.equal(drift[0], 0);
  assert.ok(Math.abs(drift[1] - 0.25) < 1e-12);
  assert.equal(drift[2], 0);
});

test('over given rows: token-weighted, NaN without tokens', () => {
  // (0.5 + 0.2 − 0.4) / 3 = 0.1: the two-token response counts twice.
  assert.ok(Math.abs(meanLogRatio([{ oldLogprobs: [-0.5, -1], refLogprobs: [-1, -1.2] }, { oldLogprobs: [-1], refLogprobs: [-0.6] }]) - 0.1) < 1e-12);
  assert.ok(Number.isNaN(meanLogRatio([])));
});
