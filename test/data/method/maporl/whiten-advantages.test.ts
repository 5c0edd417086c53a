import assert from 'node:assert/strict';
import { test } from 'node:test';
import { whitenAdvantages } from '../../../../data/method/maporl/whiten-advantages';

test('one mean and one Bessel-corrected variance over every token of the batch, as TRL', () => {
  // tokens (1, 2, 3): mean 2, var = (1 + 0 + 1) / (3 − 1) = 1; a' = (a − 2) / sqrt(1 + 1e-8)
  const w = whitenAdvantages([[1, 2], [3]]);
  const scale = 1 / Math.sqrt(1 + 1e-8);
  assert.deepEqual(w.map((r) => r.length), [2, 1]);
  [[-scale, 0], [scale]].forEach((row, k) => row.forEach((e, x) => assert.ok(Math.abs(w[k][x] - e) < 1e-15)));
  // Per-response whitening would have made the first response (−0.707, 0.707) and the second NaN.
});

test('a batch of one token cannot be whitened (TRL divides by n − 1 = 0)', () => {
  assert.throws(() => whitenAdvantages([[0.5]]), /at least 2 tokens/);
});
