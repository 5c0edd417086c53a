// Per-token terms of the reinforcement-learning objectives, as graph expressions over [N]
// tensors (one entry per position). The training graph weights and sums them; each is a
// plain formula so a test can check it on hand-computed values and by finite differences.

import type { Tensor } from '../onnx/graph';
import { add, clip, exp, max, mul, neg, pow, softplus, sub } from '../onnx/ops';

/** REINFORCE / GRPO without clipping: −A · log π(token). */
export function policyGradientLoss(logp: Tensor, advantages: Tensor): Tensor {
  return neg(mul(advantages, logp));
}

/**
 * PPO's clipped surrogate (as TRL's PPOv2, which MAPoRL runs): r = exp(log π − log π_old),
 * max(−A·r, −A·clip(r, 1 − ε, 1 + ε)). `logRatio` is log π − log π_old.
 */
export function ppoClipLoss(logRatio: Tensor, advantages: Tensor, epsilon: number): Tensor {
  const ratio = exp(logRatio);
  return max(neg(mul(advantages, ratio)), neg(mul(advantages, clip(ratio, 1 - epsilon, 1 + epsilon))));
}

/**
 * The k3 estimator of KL(π ‖ π_ref) at a sampled token (Schulman's "Approximating KL
 * divergence"; TRL's GRPO and CoMLRL use it): e^d − d − 1 with d = log π_ref − log π. Unbiased,
 * always ≥ 0, and its gradient 1 − e^d pulls log π towards log π_ref.
 */
export function k3Kl(refMinusLogp: Tensor): Tensor {
  return sub(sub(exp(refMinusLogp), refMinusLogp), 1);
}

/**
 * Value loss: ½(v − R)², or with `clip` c (TRL's PPOv2) ½·max((v − R)², (v_c − R)²) where
 * v_c = v_old + clip(v − v_old, −c, c), so one update cannot move a value far from the one the
 * advantages were computed with.
 */
export function valueLoss(values: Tensor, returns: Tensor, old?: { values: Tensor; clip: number }): Tensor {
  const plain = pow(sub(values, returns), 2);
  if (!old) return mul(plain, 0.5);
  const clipped = add(old.values, clip(sub(values, old.values), -old.clip, old.clip));
  return mul(max(plain, pow(sub(clipped, returns), 2)), 0.5);
}

/** Binary cross-entropy of sigmoid(z) against a label y in [0, 1]: softplus(z) − y·z, stable for any z. */
export function binaryCrossEntropyWithLogits(logits: Tensor, labels: Tensor): Tensor {
  return sub(softplus(logits), mul(labels, logits));
}
