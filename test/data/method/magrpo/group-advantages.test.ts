import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupAdvantages } from '../../../../data/method/magrpo/group-advantages';

test('mean, rloo and raw baselines over a group of K = 4, without std normalization', () => {
  // R = (1, 2, 3, 6): mean 3 → (−2, −1, 0, 3)
  assert.deepEqual(groupAdvantages([1, 2, 3, 6], 'mean'), [-2, -1, 0, 3]);
  // rloo: R_j − mean of the other three: 1 − 11/3, 2 − 10/3, 3 − 3, 6 − 2 = (−8/3, −4/3, 0, 4)
  groupAdvantages([1, 2, 3, 6], 'rloo').forEach((a, j) => assert.ok(Math.abs(a - [-8 / 3, -4 / 3, 0, 4][j]) < 1e-12));
  assert.deepEqual(groupAdvantages([1, 2, 3, 6], 'raw'), [1, 2, 3, 6]);
  // rloo of one sample falls back to the mean baseline, as CoMLRL: 0.
  assert.deepEqual(groupAdvantages([5], 'rloo'), [0]);
});
