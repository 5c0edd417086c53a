// How far an agent's sampling policy had moved from the reference (base) model when an iteration's
// rollout trees were sampled: over every token of the completions its policy update trains on, the
// token-weighted mean of log π_sampling − log π_ref (maporl/policy-drift.ts's formula, with the
// sampler's log-probs as π_old) — the per-token sample estimate of KL(π_sampling ‖ π_ref). π_sampling
// is the rollouts' own `logprobs` (generate() at temperature 1, as the k3 KL's reference is scored),
// π_ref the base model's scoreTokens() of the same tokens (policyUpdate). An iteration whose sampler
// is the reference (iteration 1 starts from the base model) has drift 0 exactly: generate()'s and
// scoreTokens()'s log-probs of the same tokens differ by up to ~7e-6 per token (lm/README.md; a
// mean of ~1e-8 over magrpo-ci's iteration-1 completions), and that difference is no drift.
import { meanLogRatio, meanLogRatioPerTurn } from '../maporl/policy-drift';
import type { ScoredTokens } from '../maporl/policy-drift';

/** One sampled completion: its turn (1-based) and the sampler's log-prob of each token. */
export interface SampledCompletion {
  turn: number;
  logprobs: readonly number[];
}

export interface PolicyDrift {
  /** Mean log π_sampling − log π_ref per token over every turn's tokens (0 without tokens). */
  logRatio: number;
  /** The same per turn 1..T (0 for a turn without tokens, e.g. one no branch reached). */
  logRatioPerTurn: number[];
  /** Completion tokens per turn the means are over. */
  tokensPerTurn: number[];
}

/**
 * The drift over `completions`; `refLogprobs[i]` is the reference's log-prob of every token of
 * completion i, or null when the sampler was the reference itself (then every ratio is 0).
 */
export function samplingDrift(completions: readonly SampledCompletion[], refLogprobs: readonly (readonly number[])[] | null, turns: number): PolicyDrift {
  if (refLogprobs !== null && refLogprobs.length !== completions.length) {
    throw new Error(`samplingDrift: ${refLogprobs.length} reference scorings for ${completions.length} completions`);
  }
  const tokensPerTurn = Array.from({ length: turns }, (_, t) => completions.reduce((n, c) => n + (c.turn === t + 1 ? c.logprobs.length : 0), 0));
  if (refLogprobs === null) return { logRatio: 0, logRatioPerTurn: tokensPerTurn.map(() => 0), tokensPerTurn };
  const rows = completions.map((c, i): ScoredTokens & { turn: number } => {
    const ref = refLogprobs[i];
    if (ref.length !== c.logprobs.length) throw new Error(`samplingDrift: completion ${i} has ${c.logprobs.length} tokens, its reference scoring ${ref.length}`);
    return { turn: c.turn, oldLogprobs: c.logprobs, refLogprobs: ref };
  });
  const all = meanLogRatio(rows);
  return { logRatio: Number.isNaN(all) ? 0 : all, logRatioPerTurn: meanLogRatioPerTurn(rows, turns), tokensPerTurn };
}
