// MAPoRL's per-token advantages for a batch of debate transcripts (Park et al. 2025, section 3),
// composed from its parts: R(t, i) of Definition 1 (influence-reward.ts) plus the incentives of
// Tables 1–2 (incentives.ts) as the response's final reward, the per-token KL reward to the
// reference (token-rewards.ts), GAE within each response (gae.ts), and — as TRL's PPOv2 does for
// each (turn, agent) batch MAPoRL trains — whitening over all tokens of that turn and agent in
// the batch (whiten-advantages.ts).
import { gae } from './gae';
import { collaborationIncentives } from './incentives';
import type { IncentiveWeights } from './incentives';
import { influenceAwareRewards } from './influence-reward';
import { tokenRewards } from './token-rewards';
import { whitenAdvantages } from './whiten-advantages';

/** One question's transcript: index [t][i] is agent i + 1's response in turn t + 1. */
export interface ScoredTranscript {
  /** v(t, i). */
  scores: readonly (readonly number[])[];
  /** Ground-truth correctness in [0, 1] (the incentives' R/W). */
  correct: readonly (readonly number[])[];
  /** Per completion token: log π_old, log π_ref, V(s_x). */
  logprobs: readonly (readonly (readonly number[])[])[];
  refLogprobs: readonly (readonly (readonly number[])[])[];
  values: readonly (readonly (readonly number[])[])[];
}

export interface AdvantageOptions {
  /** γ of Definition 1. */
  rewardDiscount: number;
  incentives: IncentiveWeights;
  klCoef: number;
  /** GAE's γ and λ. */
  gamma: number;
  lambda: number;
  whiten: boolean;
}

export interface ResponseAdvantages {
  /** [t][i]: R(t, i) and the incentive added to it. */
  reward: number[][];
  incentive: number[][];
  /** [t][i][x]. */
  advantages: number[][][];
  returns: number[][][];
}

export function transcriptAdvantages(t: ScoredTranscript, o: Omit<AdvantageOptions, 'whiten'>): ResponseAdvantages {
  const reward = influenceAwareRewards(t.scores, o.rewardDiscount);
  const incentive = collaborationIncentives(t.correct, o.incentives);
  const perToken = reward.map((turn, ti) =>
    turn.map((r, i) => {
      const rewards = tokenRewards(t.logprobs[ti][i], t.refLogprobs[ti][i], o.klCoef, r + incentive[ti][i]);
      return gae(rewards, t.values[ti][i], o.gamma, o.lambda);
    }),
  );
  return {
    reward,
    incentive,
    advantages: perToken.map((turn) => turn.map((g) => g.advantages)),
    returns: perToken.map((turn) => turn.map((g) => g.returns)),
  };
}

/** Every transcript's advantages; with `whiten`, normalised per (turn, agent) over the whole batch. */
export function batchAdvantages(transcripts: readonly ScoredTranscript[], o: AdvantageOptions): ResponseAdvantages[] {
  const out = transcripts.map((t) => transcriptAdvantages(t, o));
  if (!o.whiten || out.length === 0) return out;
  const turns = out[0].advantages.length;
  const agents = out[0].advantages[0]?.length ?? 0;
  for (let ti = 0; ti < turns; ti++) {
    for (let i = 0; i < agents; i++) {
      const whitened = whitenAdvantages(out.map((r) => r.advantages[ti][i]));
      out.forEach((r, q) => (r.advantages[ti][i] = whitened[q]));
    }
  }
  return out;
}
