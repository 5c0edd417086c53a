import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accuracyOf } from '../../../data/method/accuracy';
import { nllDiversity } from '../../../data/method/diversity';
import { evaluateDebate } from '../../../data/method/evaluation-metrics';

const same = (a: string, b: string): boolean => a === b;

test('binomial standard error matches the paper (58.8% at n = 500 → ± 2.2)', () => {
  const acc = accuracyOf(294, 500);
  assert.equal(acc.accuracy, 0.588);
  assert.ok(Math.abs(acc.stderr * 100 - 2.2) < 0.03, `stderr ${acc.stderr}`);
  assert.equal(accuracyOf(10, 10).stderr, 0);
  assert.ok(Number.isNaN(accuracyOf(0, 0).accuracy));
});

test('per-round accuracy, final accuracy and consensus diversity of a hand-made debate', () => {
  const result = evaluateDebate(
    [
      // Round 1 majority wrong (4), round 2 corrected to 5 by two of three.
      { questionId: 'a', reference: '5', answers: [['4', '4', '5'], ['5', '5', '4']] },
      // Right in both rounds, unanimous at the end.
      { questionId: 'b', reference: '7', answers: [['7', '7', '1'], ['7', '7', '7']] },
    ],
    same,
    1,
  );
  assert.deepEqual(result.perRound.map((a) => a.correct), [1, 2]);
  assert.equal(result.final.accuracy, 1);
  // Agreement 2/3 and 3/3: consensus 5/6, diversity 1/6.
  assert.ok(Math.abs(result.consensusDiversity - 1 / 6) < 1e-12);
  assert.equal(result.ties, 0);
});

test('NLL diversity is the token-weighted mean negative log-likelihood', () => {
  assert.equal(nllDiversity([{ sumLogprob: -6, tokens: 3 }, { sumLogprob: -2, tokens: 1 }]), 2);
  assert.ok(Number.isNaN(nllDiversity([])));
});
