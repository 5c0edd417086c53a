import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedMajorityScore } from '../../../data/method/majority-expectation';

const same = (a: string, b: string): boolean => a === b;
const numeric = (a: string, b: string): boolean => Number(a) === Number(b);

test('a clear majority scores 1 or 0; a tie scores the share of right answers among the tied', () => {
  assert.equal(expectedMajorityScore(['5', '5', '4'], '5', same), 1);
  assert.equal(expectedMajorityScore(['4', '4', '5'], '5', same), 0);
  // 2 agents disagree: picking either is right with probability 1/2.
  assert.equal(expectedMajorityScore(['4', '5'], '5', same), 0.5);
  // 3 different answers, one right: 1/3.
  assert.equal(expectedMajorityScore(['4', '5', '6'], '5', same), 1 / 3);
  // (4, 4, 5, 5, 6): 4 and 5 tie with 2 votes each → 1/2.
  assert.equal(expectedMajorityScore(['4', '4', '5', '5', '6'], '5', same), 0.5);
  // Votes group by the task's equivalence.
  assert.equal(expectedMajorityScore(['5.0', '5', '4'], '5', numeric), 1);
});

test('no answer counts as MAPoRL\'s "invalid": it wins alone (0) and drops out of a tie', () => {
  assert.equal(expectedMajorityScore([null, null, '5'], '5', same), 0);
  assert.equal(expectedMajorityScore([null, '5'], '5', same), 1);
  assert.equal(expectedMajorityScore([null, '4', '5'], '5', same), 0.5);
  assert.equal(expectedMajorityScore([null], '5', same), 0);
  assert.equal(expectedMajorityScore([], '5', same), 0);
});
