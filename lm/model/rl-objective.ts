// The reinforcement-learning objectives of the training graph: which per-position inputs
// they take, and the scalar loss they sum from the per-token log-probabilities (LM head) and
// the scalar head's outputs. Position t of a row holds the signals of the token it predicts
// (t + 1), like the SFT targets; the verifier's label sits where its score is read.

import type { Graph, Tensor } from '../onnx/graph';
import { add, equal, mul, neg, reduceSum, reshape, sub, where } from '../onnx/ops';
import { binaryCrossEntropyWithLogits, k3Kl, policyGradientLoss, ppoClipLoss, valueLoss } from './rl-losses';

export type PolicyTerm = { kind: 'pg' } | { kind: 'ppo'; clip: number };
export type HeadTerm = { kind: 'value'; clip?: number } | { kind: 'verifier' };

export interface GraphObjective {
  /** A loss on the LM head's log-probabilities (absent: only the scalar head trains). */
  policy?: PolicyTerm;
  /** β of the k3 KL-to-reference term (needs `policy`). */
  klBeta?: number;
  /** A loss on the scalar head. */
  head?: HeadTerm;
  /** The policy term's log-probs are of softmax(logits / temperature) (default 1). */
  temperature?: number;
}

/** Feed names of the per-position [B, T] inputs an objective reads, in graph-input order. */
export function objectiveInputNames(o: GraphObjective): string[] {
  const names: string[] = [];
  if (o.policy) names.push('targets', 'loss_weights', 'advantages');
  if (o.policy?.kind === 'ppo') names.push('old_logprobs');
  if (o.klBeta !== undefined) names.push('ref_logprobs');
  if (o.head) names.push('head_weights', o.head.kind === 'value' ? 'returns' : 'labels');
  if (o.head?.kind === 'value' && o.head.clip !== undefined) names.push('old_values');
  return names;
}

export function declareObjectiveInputs(g: Graph, o: GraphObjective, batch: number, length: number): Map<string, Tensor> {
  return new Map(objectiveInputNames(o).map((name) => [name, g.input(name, name === 'targets' ? 'int32' : 'float32', [batch, length])]));
}

export interface ObjectiveTensors {
  /** Per-position inputs by feed name, flattened to [N]. */
  inputs: Map<string, Tensor>;
  /** −log π(target) [N], when the objective has a policy term. */
  nll?: Tensor;
  /** The scalar head's output [N], when it has a head term. */
  head?: Tensor;
}

/**
 * Σ_t w_t · (policy_t + β·k3_t) + Σ_t h_t · head_t, where w and h are the caller's per-position
 * weights (the normalisation, zero off the loss tokens). Log-ratios are zeroed where w = 0, so a
 * padding position's arbitrary log-probability cannot overflow exp() into 0 · ∞.
 */
export function objectiveLoss(o: GraphObjective, t: ObjectiveTensors): Tensor {
  const input = (name: string): Tensor => {
    const x = t.inputs.get(name);
    if (!x) throw new Error(`objective input ${name} is missing`);
    return x;
  };
  const terms: Tensor[] = [];
  if (o.policy) {
    const weights = input('loss_weights');
    const logp = neg(t.nll!);
    const off = equal(weights, 0);
    const masked = (x: Tensor): Tensor => where(off, 0, x);
    let perToken =
      o.policy.kind === 'pg'
        ? policyGradientLoss(logp, input('advantages'))
        : ppoClipLoss(masked(sub(logp, input('old_logprobs'))), input('advantages'), o.policy.clip);
    if (o.klBeta !== undefined) perToken = add(perToken, mul(k3Kl(masked(sub(input('ref_logprobs'), logp))), o.klBeta));
    terms.push(reduceSum(mul(perToken, weights), [0], false));
  }
  if (o.head) {
    const perToken =
      o.head.kind === 'value'
        ? valueLoss(t.head!, input('returns'), o.head.clip === undefined ? undefined : { values: input('old_values'), clip: o.head.clip })
        : binaryCrossEntropyWithLogits(t.head!, input('labels'));
    terms.push(reduceSum(mul(perToken, input('head_weights')), [0], false));
  }
  if (terms.length === 0) throw new Error('objective has neither a policy nor a head term');
  return terms.reduce((a, b) => add(a, b));
}

/** [B, T] inputs as [N]. */
export function flatInputs(inputs: Map<string, Tensor>, n: number): Map<string, Tensor> {
  return new Map([...inputs].map(([name, x]) => [name, reshape(x, [n])]));
}
