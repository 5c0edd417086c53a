// Cross-entropy of the LM head over the whole vocabulary, in row chunks whose logits are
// recomputed in the backward pass: the forward keeps no [N, V] tensor alive. Two forms share
// one implementation: SFT's weighted sum (a scalar), and the per-token negative log-likelihoods
// the RL objectives are built from (ratios, KL estimates).

import { withGradient } from '../onnx/autodiff';
import type { Tensor } from '../onnx/graph';
import {
  add, cast, concat, exp, gemm, linear, logSoftmax, mul, neg, reduceSum, scatterElementsAdd, slice, softmaxCrossEntropy,
  split, unsqueeze,
} from '../onnx/ops';

/**
 * Logit elements per loss chunk (64 MB of float32). Batches within one chunk keep their
 * log-probabilities for the backward (no recomputation); larger ones are chunked, so peak loss
 * memory is a few chunks, not a few [N, V] tensors.
 */
const CHUNK_ELEMENTS = 1 << 24;

/**
 * With `weights` [N]: Σ weights · −log softmax(hidden · headᵀ)[target] (a scalar). Without:
 * the per-token −log p(target) [N]. Each chunk's backward recomputes its logits, gets
 * dLogits = (softmax − onehot) · dNll, adds its head gradient into one accumulator (Gemm with
 * C), and is chained to the previous chunk's results (x + 0·t), so ORT runs chunks one after
 * another instead of materializing all of them at once or merging the recomputation with the
 * forward.
 */
export function chunkedCrossEntropy(hidden: Tensor, head: Tensor, targets: Tensor, weights: Tensor | undefined, chunkRows?: number): Tensor {
  const [n] = hidden.staticShape;
  const [vocab] = head.staticShape;
  const rows = Math.max(1, Math.min(n, chunkRows ?? Math.floor(CHUNK_ELEMENTS / vocab)));
  const sizes = Array.from({ length: Math.ceil(n / rows) }, (_, c) => Math.min(rows, n - c * rows));
  const reduce = (nll: Tensor, w: Tensor | undefined): Tensor => (w ? reduceSum(mul(nll, w), [0], false) : nll);
  if (sizes.length === 1) return reduce(softmaxCrossEntropy(linear(hidden, head), targets), weights);
  let hs: Tensor[] = [];
  let ts: Tensor[] = [];
  let ws: Tensor[] | undefined;
  const [loss] = withGradient(
    hidden.graph,
    [hidden, head],
    () => {
      hs = split(hidden, sizes, 0);
      ts = split(targets, sizes, 0);
      ws = weights && split(weights, sizes, 0);
      const parts = hs.map((h, c) => reduce(softmaxCrossEntropy(linear(h, head), ts[c]), ws?.[c]));
      return [ws ? parts.reduce((a, b) => add(a, b)) : concat(parts, 0)];
    },
    ([dOut]) => {
      const dHidden: Tensor[] = [];
      let dHead: Tensor | undefined;
      // Per-token form: dOut is dNll [N]; the chain starts from a scalar of it.
      const dRows = ws ? undefined : split(dOut!, sizes, 0);
      let after = ws ? dOut! : reduceSum(dOut!, [0], false);
      hs.forEach((h, c) => {
        const hAgain = add(h, mul(after, 0)); // (C, D), ordered after the previous chunk
        const logProb = logSoftmax(linear(hAgain, head)); // (C, V)
        const d = unsqueeze(ws ? mul(ws[c], dOut!) : dRows![c], [1]); // (C, 1)
        const dLogits = scatterElementsAdd(mul(exp(logProb), d), unsqueeze(cast(ts[c], 'int64'), [1]), neg(d), 1);
        const dh = gemm(dLogits, head); // (C, D)
        dHead = gemm(dLogits, hAgain, dHead, { transA: true }); // (V, D), accumulated in chunk order
        dHidden.push(dh);
        // The next chunk waits for both products, so one chunk's logits are alive at a time.
        after = add(reduceSum(dh, [0, 1], false), reduceSum(slice(dHead, [0], [1], [0]), [0, 1], false));
      });
      return [concat(dHidden, 0), dHead!];
    },
  );
  return loss;
}
