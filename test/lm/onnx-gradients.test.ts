// Every registered gradient rule against central finite differences. Each case builds
// loss = Σ op(inputs) · R for a fixed random R, so every output element's gradient matters.
// Tolerance: |numeric − analytic| <= 1e-3 + 1e-2·|analytic| (float32, eps 1e-2).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Graph, Tensor } from '../../lm/onnx/graph';
import { attr } from '../../lm/onnx/graph';
import { definedGradients } from '../../lm/onnx/gradient-registry';
import * as op from '../../lm/onnx/ops';
import type { TensorValue } from '../../lm/onnx/session';
import { StreamRng } from '../../lm/stream-rng';
import { checkGradients, randomArray } from './finite-difference';

interface Input {
  shape: number[];
  /** Value range (positive for Log, Sqrt, Div denominators). */
  range?: [number, number];
}

interface Case {
  op: string;
  inputs: Input[];
  forward(g: Graph, xs: Tensor[]): Tensor | Tensor[];
}

const cases: Case[] = [
  { op: 'Add', inputs: [{ shape: [2, 3] }, { shape: [3] }], forward: (_, [a, b]) => op.add(a, b) },
  { op: 'Sub', inputs: [{ shape: [2, 3] }, { shape: [2, 1] }], forward: (_, [a, b]) => op.sub(a, b) },
  { op: 'Mul', inputs: [{ shape: [2, 3] }, { shape: [1, 3] }], forward: (_, [a, b]) => op.mul(a, b) },
  { op: 'Div', inputs: [{ shape: [2, 3] }, { shape: [2, 3], range: [0.5, 2] }], forward: (_, [a, b]) => op.div(a, b) },
  { op: 'Pow', inputs: [{ shape: [2, 3], range: [0.5, 2] }], forward: (_, [x]) => [op.pow(x, 3), op.pow(x, 2)] },
  { op: 'Neg', inputs: [{ shape: [4] }], forward: (_, [x]) => op.neg(x) },
  { op: 'Sqrt', inputs: [{ shape: [4], range: [0.5, 2] }], forward: (_, [x]) => op.sqrt(x) },
  { op: 'Reciprocal', inputs: [{ shape: [4], range: [0.5, 2] }], forward: (_, [x]) => op.reciprocal(x) },
  { op: 'Exp', inputs: [{ shape: [4] }], forward: (_, [x]) => op.exp(x) },
  { op: 'Log', inputs: [{ shape: [4], range: [0.5, 2] }], forward: (_, [x]) => op.log(x) },
  { op: 'Sigmoid', inputs: [{ shape: [2, 3] }], forward: (_, [x]) => op.sigmoid(x) },
  // Wide inputs: softplus must stay finite and exact far from 0 (BCE on confident verifier logits).
  { op: 'Softplus', inputs: [{ shape: [2, 3], range: [-30, 30] }], forward: (_, [x]) => op.softplus(x) },
  { op: 'Max', inputs: [{ shape: [2, 3] }, { shape: [3] }], forward: (_, [a, b]) => op.max(a, b) },
  // Bounds inside the input range, so some entries are clipped (zero gradient) and some pass.
  { op: 'Clip', inputs: [{ shape: [3, 4] }], forward: (_, [x]) => op.clip(x, -0.4, 0.5) },
  { op: 'Tanh', inputs: [{ shape: [2, 3] }], forward: (_, [x]) => op.tanh(x) },
  { op: 'Cos', inputs: [{ shape: [4] }], forward: (_, [x]) => op.cos(x) },
  { op: 'Sin', inputs: [{ shape: [4] }], forward: (_, [x]) => op.sin(x) },
  { op: 'Identity', inputs: [{ shape: [3] }], forward: (_, [x]) => op.identity(x) },
  {
    op: 'Cast',
    inputs: [{ shape: [3] }],
    forward: (g, [x]) => g.apply('Cast', [x], [{ dtype: 'float32', shape: x.shape }], { to: attr.int(1) })[0],
  },
  {
    op: 'Where',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    forward: (g, [a, b]) => op.where(g.constant(Uint8Array.from([1, 0, 1, 0, 0, 1]), 'bool', [2, 3]), a, b),
  },
  { op: 'MatMul', inputs: [{ shape: [2, 3, 4] }, { shape: [4, 5] }], forward: (_, [a, b]) => op.matmul(a, b) },
  {
    op: 'Gemm',
    inputs: [{ shape: [3, 4] }, { shape: [5, 4] }, { shape: [5] }, { shape: [4, 3] }, { shape: [4, 5] }],
    forward: (_, [a, bt, c, at, b]) => [
      op.gemm(a, bt, c, { transB: true }),
      op.gemm(at, b, undefined, { transA: true, alpha: 0.5 }),
      op.gemm(at, bt, c, { transA: true, transB: true }),
      op.gemm(a, b),
    ],
  },
  { op: 'ReduceSum', inputs: [{ shape: [2, 3, 4] }], forward: (_, [x]) => [op.reduceSum(x, [1]), op.reduceSum(x, [0, 2], false)] },
  { op: 'ReduceMean', inputs: [{ shape: [2, 3, 4] }], forward: (_, [x]) => op.reduceMean(x, [-1]) },
  { op: 'Softmax', inputs: [{ shape: [2, 5] }], forward: (_, [x]) => op.softmax(x) },
  { op: 'LogSoftmax', inputs: [{ shape: [2, 5] }], forward: (_, [x]) => op.logSoftmax(x) },
  {
    op: 'SoftmaxCrossEntropyLoss',
    inputs: [{ shape: [4, 5], range: [-2, 2] }],
    forward: (g, [x]) => op.softmaxCrossEntropy(x, g.constant(Int32Array.from([4, 0, 4, 2]), 'int32', [4])),
  },
  { op: 'Transpose', inputs: [{ shape: [2, 3, 4] }], forward: (_, [x]) => op.transpose(x, [2, 0, 1]) },
  { op: 'Reshape', inputs: [{ shape: [2, 3, 4] }], forward: (_, [x]) => op.reshape(x, [6, -1]) },
  { op: 'Unsqueeze', inputs: [{ shape: [2, 3] }], forward: (_, [x]) => op.unsqueeze(x, [0, -1]) },
  { op: 'Squeeze', inputs: [{ shape: [2, 1, 3] }], forward: (_, [x]) => op.squeeze(x, [1]) },
  { op: 'Concat', inputs: [{ shape: [2, 3] }, { shape: [2, 2] }], forward: (_, [a, b]) => op.concat([a, b], 1) },
  // The middle output is unused: its gradient is zeros.
  { op: 'Split', inputs: [{ shape: [2, 6] }], forward: (_, [x]) => { const [a, , c] = op.split(x, [1, 2, 3], 1); return [a, c]; } },
  { op: 'Slice', inputs: [{ shape: [3, 5] }], forward: (_, [x]) => op.slice(x, [1, -4], [3, 4], [0, 1]) },
  { op: 'Expand', inputs: [{ shape: [3, 1] }], forward: (_, [x]) => op.expand(x, [2, 3, 4]) },
  {
    op: 'Gather',
    inputs: [{ shape: [5, 3] }],
    // Repeated ids: their gradients must add up.
    forward: (g, [x]) => op.gather(x, g.constant(Int32Array.from([4, 1, 4, 0]), 'int32', [2, 2])),
  },
  {
    op: 'GatherElements',
    inputs: [{ shape: [3, 4] }],
    forward: (g, [x]) => op.gatherElements(x, g.constant(BigInt64Array.from([3n, 3n, 0n, 1n, 2n, 1n]), 'int64', [3, 2]), 1),
  },
];

test('every op with a gradient rule has a finite-difference case', () => {
  const covered = new Set(cases.map((c) => c.op));
  assert.deepEqual(definedGradients().filter((o) => !covered.has(o)), []);
});

for (const c of cases) {
  test(`gradient of ${c.op} matches finite differences`, async () => {
    const rng = StreamRng.fromSeed(c.op.length * 7919 + c.op.charCodeAt(0));
    const feeds: Record<string, TensorValue> = {};
    c.inputs.forEach((input, i) => {
      const n = input.shape.reduce((a, b) => a * b, 1);
      feeds[`x${i}`] = { data: randomArray(rng, n, ...(input.range ?? [-1, 1])), dims: input.shape };
    });
    const check = await checkGradients((g) => {
      const xs = c.inputs.map((input, i) => g.input(`x${i}`, 'float32', input.shape));
      const out = c.forward(g, xs);
      const terms = (Array.isArray(out) ? out : [out]).map((y) => {
        const r = g.constant(randomArray(rng, y.size), 'float32', y.staticShape);
        return op.reduceSum(op.mul(y, r), y.shape.map((_, k) => k), false);
      });
      return { loss: terms.reduce((a, b) => op.add(a, b)), params: xs };
    }, feeds);
    for (const r of check.results) {
      console.log(`${c.op} d/d${r.name}: max |numeric - analytic| = ${r.maxDiff.toExponential(2)}`);
      assert.ok(r.worst <= 1, `${c.op} d/d${r.name}: max diff ${r.maxDiff} over tolerance (ratio ${r.worst.toFixed(2)})`);
    }
  });
}
