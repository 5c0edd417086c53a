// The RL loss formulas on hand-computed values (run by ONNX Runtime), their gradients against
// finite differences, and the weighted objective's masking of positions that carry no loss.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emitModel } from '../../lm/onnx/emit';
import { Graph, type Tensor } from '../../lm/onnx/graph';
import { Session } from '../../lm/onnx/session';
import { binaryCrossEntropyWithLogits, k3Kl, policyGradientLoss, ppoClipLoss, valueLoss } from '../../lm/model/rl-losses';
import { objectiveLoss, type GraphObjective } from '../../lm/model/rl-objective';
import * as op from '../../lm/onnx/ops';
import { StreamRng } from '../../lm/stream-rng';
import { checkGradients, randomArray } from './finite-difference';

/** Runs `build` on [n] float inputs with the given values; returns the output's values. */
async function evaluate(inputs: Record<string, number[]>, build: (x: Record<string, Tensor>) => Tensor): Promise<number[]> {
  const g = new Graph();
  const xs: Record<string, Tensor> = {};
  for (const [name, v] of Object.entries(inputs)) xs[name] = g.input(name, 'float32', [v.length]);
  g.output(build(xs), 'out');
  const session = await Session.create(emitModel(g), { device: 'cpu', threads: 1 });
  try {
    const feeds = Object.fromEntries(Object.entries(inputs).map(([name, v]) => [name, { data: Float32Array.from(v), dims: [v.length] }]));
    return Array.from((await session.run(feeds)).out.data as Float32Array);
  } finally {
    await session.close();
  }
}

function near(actual: number[], expected: number[], tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])), `entry ${i}: ${a} != ${expected[i]}`));
}

test('policy gradient: −A · log π', async () => {
  near(await evaluate({ logp: [-0.5, -2, -0.1], a: [2, -1, 0] }, (x) => policyGradientLoss(x.logp, x.a)), [1, -2, 0]);
});

test('PPO clipped surrogate: max(−A·r, −A·clip(r, 0.8, 1.2)) picks the pessimistic side', async () => {
  // r = 1.5, 1.5, 0.5, 0.5, 1.1, 1 with A = 1, −1, 1, −1, 2, 3.
  const logRatio = [1.5, 1.5, 0.5, 0.5, 1.1, 1].map(Math.log);
  const a = [1, -1, 1, -1, 2, 3];
  // A > 0 and r above 1 + ε: clipped (−1.2); A < 0 and r above: unclipped (1.5); A > 0, r below
  // 1 − ε: unclipped (−0.5); A < 0, r below: clipped (0.8); inside the range: −A·r.
  near(await evaluate({ lr: logRatio, a }, (x) => ppoClipLoss(x.lr, x.a, 0.2)), [-1.2, 1.5, -0.5, 0.8, -2.2, -3], 1e-6);
});

test('k3 KL estimator: e^d − d − 1 with d = log π_ref − log π', async () => {
  near(await evaluate({ d: [0.5, -1, 0] }, (x) => k3Kl(x.d)), [Math.exp(0.5) - 1.5, Math.exp(-1), 0]);
});

test('value loss: ½(v − R)², and PPOv2 clipping takes the larger of the clipped and unclipped errors', async () => {
  near(await evaluate({ v: [1, 0.5], r: [0.5, 1] }, (x) => valueLoss(x.v, x.r)), [0.125, 0.125]);
  // v = 1, old 0.8, clip 0.1 → v_c = 0.9: max(0.25, 0.16)/2; v = 0.5, old 0.2 → v_c = 0.3: max(0.25, 0.49)/2.
  near(await evaluate({ v: [1, 0.5], r: [0.5, 1], old: [0.8, 0.2] }, (x) => valueLoss(x.v, x.r, { values: x.old, clip: 0.1 })), [0.125, 0.245]);
});

test('binary cross-entropy from logits, exact at ±100', async () => {
  const z = [0, 2, -100, 100, 100, -3];
  const y = [1, 1, 1, 0, 1, 0.25];
  const expected = [Math.log(2), Math.log1p(Math.exp(-2)), 100, 100, 0, Math.log1p(Math.exp(-3)) + 0.75];
  near(await evaluate({ z, y }, (x) => binaryCrossEntropyWithLogits(x.z, x.y)), expected, 1e-6);
});

test('gradients of the loss formulas match finite differences', async () => {
  const rng = StreamRng.fromSeed(8);
  const n = 6;
  const feeds = (names: string[], ranges: Record<string, [number, number]> = {}) =>
    Object.fromEntries(names.map((name) => [name, { data: randomArray(rng, n, ...(ranges[name] ?? [-1, 1])), dims: [n] }]));
  const cases: { name: string; params: string[]; fixed: string[]; loss: (x: Record<string, Tensor>) => Tensor; ranges?: Record<string, [number, number]> }[] = [
    { name: 'pg', params: ['logp'], fixed: ['a'], loss: (x) => policyGradientLoss(x.logp, x.a) },
    // Log-ratios up to ±0.6 put some ratios outside [0.8, 1.2] (clipped: no gradient) and some inside.
    { name: 'ppo', params: ['lr'], fixed: ['a'], loss: (x) => ppoClipLoss(x.lr, x.a, 0.2), ranges: { lr: [-0.6, 0.6] } },
    { name: 'k3', params: ['d'], fixed: [], loss: (x) => k3Kl(x.d) },
    { name: 'value', params: ['v'], fixed: ['r', 'old'], loss: (x) => valueLoss(x.v, x.r, { values: x.old, clip: 0.3 }) },
    { name: 'bce', params: ['z'], fixed: ['y'], loss: (x) => binaryCrossEntropyWithLogits(x.z, x.y), ranges: { z: [-4, 4], y: [0, 1] } },
  ];
  for (const c of cases) {
    const check = await checkGradients((g) => {
      const x: Record<string, Tensor> = {};
      for (const name of [...c.params, ...c.fixed]) x[name] = g.input(name, 'float32', [n]);
      const r = g.constant(randomArray(rng, n), 'float32', [n]);
      return { loss: op.reduceSum(op.mul(c.loss(x), r), [0], false), params: c.params.map((p) => x[p]) };
    }, feeds([...c.params, ...c.fixed], c.ranges));
    for (const r of check.results) {
      console.log(`${c.name} d/d${r.name}: max |numeric - analytic| = ${r.maxDiff.toExponential(2)}`);
      assert.ok(r.worst <= 1, `${c.name} d/d${r.name}: max diff ${r.maxDiff} over tolerance`);
    }
  }
});

test('the weighted objective sums w·(PPO + β·k3) + h·value and ignores positions with w = 0, however extreme', async () => {
  const objective: GraphObjective = { policy: { kind: 'ppo', clip: 0.2 }, klBeta: 0.1, head: { kind: 'value' } };
  // Position 2 carries no loss: its log-prob (−200) would overflow e^(ref − logp) if it were not masked.
  const inputs = {
    nll: [0.5, 1, 200],
    loss_weights: [0.25, 0.75, 0],
    advantages: [1, -2, 5],
    old_logprobs: [-0.6, -1, 0],
    ref_logprobs: [-0.4, -1.5, 0],
    head: [0.3, -0.2, 7],
    head_weights: [0.5, 0, 0],
    returns: [1, 0, 3],
  };
  const [loss] = await evaluate(inputs, (x) =>
    objectiveLoss(objective, { inputs: new Map(Object.entries(x).filter(([k]) => k !== 'nll' && k !== 'head')), nll: x.nll, head: x.head }),
  );
  const r0 = Math.exp(-0.5 + 0.6);
  const ppo0 = Math.max(-1 * r0, -1 * Math.min(r0, 1.2));
  const ppo1 = Math.max(2 * 1, 2 * 1); // r = 1
  const k3 = (d: number) => Math.exp(d) - d - 1;
  const expected = 0.25 * (ppo0 + 0.1 * k3(-0.4 + 0.5)) + 0.75 * (ppo1 + 0.1 * k3(-1.5 + 1)) + 0.5 * 0.5 * (0.3 - 1) ** 2;
  assert.ok(Number.isFinite(loss));
  near([loss], [expected], 1e-6);
});
