import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifierCalibration } from '../../../../data/method/maporl/verifier-calibration';

test('Brier score, agreement at 0.5 and the mean probability on right and wrong responses, by hand', () => {
  // Errors² 0.1² 0.4² 0.7² 0.2² = 0.01 + 0.16 + 0.49 + 0.04 = 0.70 → Brier 0.175.
  // v ≥ 0.5 vs correct: 0.9/R yes, 0.6/R yes, 0.7/W no, 0.2/W yes → 3/4.
  const c = verifierCalibration([
    { score: 0.9, correct: true },
    { score: 0.6, correct: true },
    { score: 0.7, correct: false },
    { score: 0.2, correct: false },
  ]);
  assert.equal(c.responses, 4);
  assert.ok(Math.abs(c.brier - 0.175) < 1e-12);
  assert.equal(c.agreement, 0.75);
  assert.ok(Math.abs(c.meanOnRight - 0.75) < 1e-12);
  assert.ok(Math.abs(c.meanOnWrong - 0.45) < 1e-12);
});

test('a constant 0.5 scores Brier 0.25 and counts as calling every response right; empty groups are NaN', () => {
  const c = verifierCalibration([
    { score: 0.5, correct: true },
    { score: 0.5, correct: false },
  ]);
  assert.equal(c.brier, 0.25);
  assert.equal(c.agreement, 0.5);
  assert.ok(Number.isNaN(verifierCalibration([{ score: 0.3, correct: false }]).meanOnRight));
});
