import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairedComparison } from '../../../data/method/paired-comparison';
import type { QuestionOutcome } from '../../../data/method/paired-comparison';

/** n questions: the first `fixed` fixed, the next `broken` broken, then `bothRight` right under both, the rest wrong under both. */
function outcomes(n: number, fixed: number, broken: number, bothRight: number): { reference: QuestionOutcome[]; method: QuestionOutcome[] } {
  const reference: QuestionOutcome[] = [];
  const method: QuestionOutcome[] = [];
  for (let i = 0; i < n; i++) {
    const questionId = `q${i}`;
    const kind = i < fixed ? 'fixed' : i < fixed + broken ? 'broken' : i < fixed + broken + bothRight ? 'right' : 'wrong';
    reference.push({ questionId, correct: kind === 'broken' || kind === 'right' });
    method.push({ questionId, correct: kind === 'fixed' || kind === 'right' });
  }
  return { reference, method };
}

test('the demo-2000 comparison by hand: 64 fixed, 41 broken of 400 → +5.75 points, paired SE 2.55, z 2.26', () => {
  const { reference, method } = outcomes(400, 64, 41, 150);
  const c = pairedComparison(reference, method);
  assert.equal(c.questions, 400);
  assert.equal(c.fixed, 64);
  assert.equal(c.broken, 41);
  // d̄ = 23/400 = 0.0575; E[d²] = 105/400 = 0.2625; var = 0.2625 − 0.0575² = 0.25919375;
  // SE = sqrt(0.25919375 / 400) = 0.0254556…; z = 0.0575 / 0.0254556 = 2.2588…
  assert.equal(c.difference, 0.0575);
  assert.ok(Math.abs(c.stderr - 0.0254556) < 1e-6, `stderr ${c.stderr}`);
  assert.ok(c.z !== null && Math.abs(c.z - 2.2588) < 1e-3, `z ${c.z}`);
});

test('questions are matched by id; ones only one method answered are left out', () => {
  const c = pairedComparison(
    [{ questionId: 'a', correct: false }, { questionId: 'b', correct: true }, { questionId: 'only-ref', correct: true }],
    [{ questionId: 'b', correct: false }, { questionId: 'a', correct: true }, { questionId: 'only-method', correct: false }],
  );
  // a fixed, b broken: d = (+1, −1), mean 0, var 1, SE sqrt(1/2).
  assert.deepEqual({ questions: c.questions, fixed: c.fixed, broken: c.broken, difference: c.difference }, { questions: 2, fixed: 1, broken: 1, difference: 0 });
  assert.ok(Math.abs(c.stderr - Math.SQRT1_2) < 1e-12);
  assert.equal(c.z, 0);
});

test('identical outcomes have no standard error and no z; no shared question gives NaN', () => {
  const same = outcomes(10, 0, 0, 6);
  const c = pairedComparison(same.reference, same.method);
  assert.deepEqual([c.difference, c.stderr, c.z], [0, 0, null]);
  const none = pairedComparison([{ questionId: 'a', correct: true }], [{ questionId: 'b', correct: true }]);
  assert.equal(none.questions, 0);
  assert.ok(Number.isNaN(none.difference));
});

test('expected scores of ties (MAPoRL\'s evaluation) pair the same way: d ∈ [−1, 1]', () => {
  // d = (1 − 0.5, 0.5 − 0, 1 − 1) = (0.5, 0.5, 0): mean 1/3, v = (2 · (1/6)² + (1/3)²) / 3 = 1/18,
  // SE = sqrt(1/18 / 3) = sqrt(1/54) = 0.13608; z = (1/3) / sqrt(1/54) = sqrt(6) = 2.449
  const c = pairedComparison(
    [{ questionId: 'a', correct: 0.5 }, { questionId: 'b', correct: 0 }, { questionId: 'c', correct: true }],
    [{ questionId: 'a', correct: 1 }, { questionId: 'b', correct: 0.5 }, { questionId: 'c', correct: 1 }],
  );
  assert.deepEqual([c.questions, c.fixed, c.broken], [3, 2, 0]);
  assert.ok(Math.abs(c.difference - 1 / 3) < 1e-15);
  assert.ok(Math.abs(c.stderr - Math.sqrt(1 / 54)) < 1e-15);
  assert.ok(c.z !== null && Math.abs(c.z - Math.sqrt(6)) < 1e-12);
});
