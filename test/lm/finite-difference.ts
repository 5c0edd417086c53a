// Central finite differences against the autodiff gradients, both computed by ONNX Runtime in
// float32. With eps = 1e-2 the truncation error is O(eps²·f''') and the rounding error about
// 1e-7·|loss|/eps, so agreement is checked as |numeric − analytic| <= atol + rtol·|analytic|.

import { gradients } from '../../lm/onnx/autodiff';
import { emitModel } from '../../lm/onnx/emit';
import { Graph, type Tensor } from '../../lm/onnx/graph';
import { Session, type TensorValue } from '../../lm/onnx/session';
import { StreamRng } from '../../lm/stream-rng';

export interface Checked {
  name: string;
  /** Largest |numeric − analytic| over the checked entries. */
  maxDiff: number;
  /** Largest violation ratio |diff| / (atol + rtol·|analytic|); <= 1 passes. */
  worst: number;
}

export interface GradientCheck {
  results: Checked[];
  loss: number;
}

export interface CheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Entries checked per tensor (spread over the tensor); default all. */
  samples?: number;
}

export function randomArray(rng: StreamRng, n: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

/**
 * `build` records a scalar loss over graph inputs; `params` names the inputs to differentiate
 * (all of them must be in `feeds`). Returns the max differences per parameter.
 */
export async function checkGradients(
  build: (g: Graph) => { loss: Tensor; params: Tensor[] },
  feeds: Record<string, TensorValue>,
  options: CheckOptions = {},
): Promise<GradientCheck> {
  const g = new Graph();
  const { loss, params } = build(g);
  const grads = gradients(loss, params);
  g.output(loss, 'loss');
  grads.forEach((d, i) => g.output(d, `grad.${params[i].name}`));
  const session = await Session.create(emitModel(g), { device: 'cpu', threads: 1 });
  try {
    return await compareWithFiniteDifferences(session, feeds, params.map((p) => p.name), (n) => `grad.${n}`, options);
  } finally {
    await session.close();
  }
}

/** For a session with a scalar `loss` output and gradient outputs named by `gradName`. */
export async function compareWithFiniteDifferences(
  session: Session,
  feeds: Record<string, TensorValue>,
  params: readonly string[],
  gradName: (name: string) => string,
  options: CheckOptions = {},
): Promise<GradientCheck> {
  const { eps = 1e-2, atol = 1e-3, rtol = 1e-2 } = options;
  const analytic = await session.run(feeds);
  const lossAt = async (): Promise<number> => (await session.run(feeds, ['loss'])).loss.data[0] as number;
  const results: Checked[] = [];
  for (const name of params) {
    const x = feeds[name].data as Float32Array;
    const grad = analytic[gradName(name)].data as Float32Array;
    const count = Math.min(options.samples ?? x.length, x.length);
    let maxDiff = 0;
    let worst = 0;
    for (let k = 0; k < count; k++) {
      const i = Math.floor((k * x.length) / count);
      const saved = x[i];
      x[i] = saved + eps;
      const up = await lossAt();
      x[i] = saved - eps;
      const down = await lossAt();
      x[i] = saved;
      const numeric = (up - down) / (2 * eps);
      const diff = Math.abs(numeric - grad[i]);
      maxDiff = Math.max(maxDiff, diff);
      worst = Math.max(worst, diff / (atol + rtol * Math.abs(grad[i])));
    }
    results.push({ name, maxDiff, worst });
  }
  return { results, loss: analytic.loss.data[0] as number };
}
