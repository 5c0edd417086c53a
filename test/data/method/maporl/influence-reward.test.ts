import assert from 'node:assert/strict';
import { test } from 'node:test';
import { influenceAwareRewards } from '../../../../data/method/maporl/influence-reward';

function close(actual: number[][], expected: number[][]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((row, t) => row.forEach((r, i) => assert.ok(Math.abs(r - expected[t][i]) < 1e-12, `R(${t + 1}, ${i + 1}) = ${r}, expected ${expected[t][i]}`)));
}

// T = 3, A = 2: v(1) = (0, 1), v(2) = (1, 0), v(3) = (1, 1); turn means 0.5, 0.5, 1.
const threeTurns = [
  [0, 1],
  [1, 0],
  [1, 1],
];

test('T = 1: R is the verifier score itself, for any γ', () => {
  for (const gamma of [0, 0.3, 1]) close(influenceAwareRewards([[1, 0]], gamma), [[1, 0]]);
});

test('T = 2, γ = 0.5: R(1, i) = (v(1, i) + 0.5 · mean v(2)) / 1.5', () => {
  // weights 1 + 0.5 = 1.5; future 0.5 · mean(1, 1) = 0.5: R(1, 1) = 1.5 / 1.5 = 1, R(1, 2) = 0.5 / 1.5 = 1/3.
  close(influenceAwareRewards([[1, 0], [1, 1]], 0.5), [[1, 1 / 3], [1, 1]]);
});

test('T = 3, γ = 0.3 (the code default)', () => {
  // t = 1: weights 1 + 0.3 + 0.09 = 1.39; future 0.3 · 0.5 + 0.09 · 1 = 0.24
  //        R(1, 1) = 0.24 / 1.39, R(1, 2) = 1.24 / 1.39
  // t = 2: weights 1.3; future 0.3 · 1 = 0.3: R(2, 1) = 1.3 / 1.3 = 1, R(2, 2) = 0.3 / 1.3
  // t = 3: the scores.
  close(influenceAwareRewards(threeTurns, 0.3), [[0.24 / 1.39, 1.24 / 1.39], [1, 0.3 / 1.3], [1, 1]]);
});

test('γ = 0 keeps only the own score; γ = 1 averages it with the later turns\' means', () => {
  close(influenceAwareRewards(threeTurns, 0), threeTurns);
  // t = 1: (v + 0.5 + 1) / 3 → 1.5 / 3, 2.5 / 3; t = 2: (v + 1) / 2 → 1, 0.5.
  close(influenceAwareRewards(threeTurns, 1), [[0.5, 2.5 / 3], [1, 0.5], [1, 1]]);
});

test('verifier probabilities, A = 3: the future term is the mean over all three agents', () => {
  // mean v(2) = (0.6 + 0.6 + 0.3) / 3 = 0.5; weights 1.3; future 0.3 · 0.5 = 0.15.
  close(influenceAwareRewards([[0.9, 0.2, 0.4], [0.6, 0.6, 0.3]], 0.3), [[1.05 / 1.3, 0.35 / 1.3, 0.55 / 1.3], [0.6, 0.6, 0.3]]);
});

test('γ outside [0, 1] and ragged turns are refused', () => {
  assert.throws(() => influenceAwareRewards(threeTurns, 1.5), /γ must be in \[0, 1\]/);
  assert.throws(() => influenceAwareRewards([[1, 0], [1]], 0.3), /one score per agent/);
});
