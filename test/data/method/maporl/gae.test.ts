import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gae } from '../../../../data/method/maporl/gae';

/** A_x = Σ_{k ≥ x} (γλ)^(k−x) δ_k with δ_k = r_k + γ V_{k+1} − V_k, V_n = 0: the definition, O(n²). */
function direct(rewards: number[], values: number[], gamma: number, lambda: number): number[] {
  const delta = rewards.map((r, k) => r + gamma * (values[k + 1] ?? 0) - values[k]);
  return rewards.map((_, x) => delta.slice(x).reduce((sum, d, j) => sum + (gamma * lambda) ** j * d, 0));
}

test('GAE by hand: three tokens, γ = 0.9, λ = 0.8', () => {
  // δ = (0.1 + 0.9·0.4 − 0.5, −0.2 + 0.9·0.3 − 0.4, 1 − 0.3) = (−0.04, −0.33, 0.7); γλ = 0.72
  // A3 = 0.7; A2 = −0.33 + 0.72·0.7 = 0.174; A1 = −0.04 + 0.72·0.174 = 0.08528
  // returns = A + V = (0.58528, 0.574, 1.0)
  const { advantages, returns } = gae([0.1, -0.2, 1.0], [0.5, 0.4, 0.3], 0.9, 0.8);
  [0.08528, 0.174, 0.7].forEach((e, x) => assert.ok(Math.abs(advantages[x] - e) < 1e-12, `A[${x}] = ${advantages[x]}`));
  [0.58528, 0.574, 1.0].forEach((e, x) => assert.ok(Math.abs(returns[x] - e) < 1e-12, `returns[${x}] = ${returns[x]}`));
});

test('GAE equals the direct sum of discounted TD errors (MAPoRL\'s γ = 1, λ = 0.95, and others)', () => {
  const rewards = [-0.002, 0.001, -0.003, 0.0005, 0.004, -0.001, 0.9];
  const values = [0.2, 0.25, 0.1, 0.4, 0.35, 0.5, 0.6];
  for (const [gamma, lambda] of [[1, 0.95], [0.9, 0.8], [1, 0], [0.5, 1]]) {
    const { advantages } = gae(rewards, values, gamma, lambda);
    const expected = direct(rewards, values, gamma, lambda);
    const maxDiff = Math.max(...advantages.map((a, x) => Math.abs(a - expected[x])));
    assert.ok(maxDiff < 1e-12, `γ ${gamma}, λ ${lambda}: max difference ${maxDiff}`);
  }
});

test('γ = λ = 1: returns are the reward-to-go, whatever the values', () => {
  // (0.1 − 0.2 + 1, −0.2 + 1, 1) = (0.9, 0.8, 1)
  const { returns } = gae([0.1, -0.2, 1.0], [0.5, 0.4, 0.3], 1, 1);
  [0.9, 0.8, 1].forEach((e, x) => assert.ok(Math.abs(returns[x] - e) < 1e-12));
  assert.throws(() => gae([1, 2], [1], 1, 1), /2 rewards but 1 values/);
});
