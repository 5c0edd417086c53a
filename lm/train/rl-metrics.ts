// The diagnostics an RL step reports, over its policy loss tokens, defined as TRL's PPOv2
// logs them (MAPoRL's trainer): how often the clipped surrogate won, how far the policy moved
// from the one that sampled the data, and how far it is from the reference.

import type { RlObjective, RlStepMetrics } from '../types';

export class RlStepMetricsSum {
  private tokens = 0;
  private clipped = 0;
  private squaredLogRatio = 0;
  private k3 = 0;

  constructor(private readonly objective: RlObjective) {}

  /** One micro-batch: the graph's log-probs and the feeds it ran with (positions with loss weight 0 are skipped). */
  add(logprobs: Float32Array, feeds: Map<string, Float32Array>): void {
    const { policy, kl } = this.objective;
    if (!policy) return;
    const weights = feeds.get('loss_weights')!;
    const advantages = feeds.get('advantages')!;
    const old = feeds.get('old_logprobs');
    const ref = feeds.get('ref_logprobs');
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] === 0) continue;
      this.tokens += 1;
      if (policy.kind === 'ppo') {
        const d = logprobs[i] - old![i];
        const r = Math.exp(d);
        const a = advantages[i];
        if (-a * Math.min(Math.max(r, 1 - policy.clip), 1 + policy.clip) > -a * r) this.clipped += 1;
        this.squaredLogRatio += d * d;
      }
      if (kl) {
        const d = ref![i] - logprobs[i];
        this.k3 += Math.exp(d) - d - 1;
      }
    }
  }

  result(): RlStepMetrics | undefined {
    const { policy, kl } = this.objective;
    if (!policy || this.tokens === 0) return undefined;
    const metrics: RlStepMetrics = {};
    if (policy.kind === 'ppo') {
      metrics.clipFraction = this.clipped / this.tokens;
      metrics.approxKl = (0.5 * this.squaredLogRatio) / this.tokens;
    }
    if (kl) metrics.refKl = this.k3 / this.tokens;
    return metrics;
  }
}
