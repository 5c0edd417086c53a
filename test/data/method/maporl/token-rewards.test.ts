import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenRewards } from '../../../../data/method/maporl/token-rewards';

test('−λ_KL · (log π − log π_ref) per token, R + incentive added at the last token', () => {
  // log-ratio (0.5, 0, 0.5) · −0.1 = (−0.05, 0, −0.05); last token + 0.8 → 0.75.
  const r = tokenRewards([-1, -2, -0.5], [-1.5, -2, -1], 0.1, 0.8);
  [-0.05, 0, 0.75].forEach((e, x) => assert.ok(Math.abs(r[x] - e) < 1e-12, `r[${x}] = ${r[x]}`));
  assert.deepEqual(tokenRewards([-1], [-1], 0.002, 1), [1]);
});

test('mismatched or empty log-probs are refused', () => {
  assert.throws(() => tokenRewards([], [], 0.1, 1), /empty response/);
  assert.throws(() => tokenRewards([-1, -2], [-1], 0.1, 1), /2 log-probs but 1 reference/);
});
