import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accuracyOf } from '../../../data/method/accuracy';
import { meanWithStderr } from '../../../data/method/mean-stderr';

test('for 0/1 scores the SE of the mean is the binomial SE; fractional scores use their own variance', () => {
  const scores = [...new Array<number>(294).fill(1), ...new Array<number>(206).fill(0)];
  const { mean, stderr } = meanWithStderr(scores);
  assert.ok(Math.abs(mean - 0.588) < 1e-12);
  assert.ok(Math.abs(stderr - accuracyOf(294, 500).stderr) < 1e-12);
  // (0.5, 1): mean 0.75, v = (0.0625 + 0.0625) / 2 = 0.0625, SE = sqrt(0.0625 / 2) = 0.1767767
  const half = meanWithStderr([0.5, 1]);
  assert.equal(half.mean, 0.75);
  assert.ok(Math.abs(half.stderr - Math.sqrt(0.0625 / 2)) < 1e-15);
  assert.ok(Number.isNaN(meanWithStderr([]).mean));
});
