// What an RL iteration's training saw, for reading why it got better or worse without opening
// Parquet files: MAPoRL per PPO batch (as sampled before that batch's update) the training
// accuracy and mean reward R(t, i) per turn, how far the policies had moved from the base model
// (mean log π_old − log π_ref per token) and, with a trained verifier, how well it matched the
// ground truth; MAGRPO the mean joint reward per turn of its rollout trees, how many groups
// carried no signal (all advantages 0) and per trainee how far its sampling policy had moved from
// the base (mean log π_sampling − log π_ref per token, policyUpdate's summary).
import type { PolicyDrift } from '../../data/method/magrpo/policy-drift';
import type { VerifierCalibration } from '../../data/method/maporl/verifier-calibration';
import type { IterationResult } from '../../experiment/run-types';

export interface RlTrainingBatch {
  /** 1-based PPO batch (MAPoRL); MAGRPO has one per iteration, batch 1. */
  batch: number;
  /** Ground-truth accuracy of the sampled responses per turn (MAPoRL). */
  accuracyPerTurn?: number[];
  /** MAPoRL: mean R(t, i) of Definition 1; MAGRPO: mean joint reward r_j, per turn. */
  meanRewardPerTurn: number[];
  logRatioPerTurn?: number[];
  verifier?: VerifierCalibration;
  /** MAGRPO: node × agent groups whose advantages are all 0, of all groups. */
  flatGroups?: { flat: number; groups: number };
  /** MAGRPO: per trainee (agent-<n>, or shared) mean log π_sampling − log π_ref per token, over every turn and per turn (absent in runs from before it). */
  drift?: ({ trainee: string } & PolicyDrift)[];
}

export function rlTraining(r: IterationResult): RlTrainingBatch[] | undefined {
  if (r.ppoBatches) {
    return r.ppoBatches.map((b) => ({
      batch: b.batch,
      accuracyPerTurn: b.scores.accuracyPerTurn,
      meanRewardPerTurn: b.advantages.meanRewardPerTurn,
      ...(b.scores.logRatioPerTurn ? { logRatioPerTurn: b.scores.logRatioPerTurn } : {}),
      ...(b.scores.verifier ? { verifier: b.scores.verifier } : {}),
    }));
  }
  if (r.advantages) {
    const drift = (r.training ?? []).flatMap((t) => (t.drift ? [{ trainee: t.trainee, ...t.drift }] : []));
    return [{ batch: 1, meanRewardPerTurn: r.advantages.meanRewardPerTurn, flatGroups: { flat: r.advantages.flatGroups, groups: r.advantages.groups }, ...(drift.length > 0 ? { drift } : {}) }];
  }
  return undefined;
}

const pct = (x: number): string => (100 * x).toFixed(1);
const turns = (xs: readonly number[], f: (x: number) => string): string => xs.map(f).join(' → ');
const meanOf = (rows: readonly number[][]): number[] => rows[0].map((_, t) => rows.reduce((s, r) => s + r[t], 0) / rows.length);

/** One iteration's training in a few lines under the results table. */
export function rlTrainingLines(method: string, iteration: number, batches: readonly RlTrainingBatch[]): string[] {
  const first = batches[0];
  const last = batches[batches.length - 1];
  const head = `  ${method} iter ${iteration}`;
  if (first.flatGroups) {
    const lines = [`${head}: mean joint reward per turn ${turns(first.meanRewardPerTurn, pct)} %; groups without signal ${first.flatGroups.flat}/${first.flatGroups.groups}`];
    if (first.drift) {
      // Six decimals: magrpo-ci's policies moved 4e-5–1.4e-4 nats per token in iteration 1, while
      // generate()'s and scoreTokens()'s log-probs of the same tokens differ by ~1e-8 on average.
      const perTurn = (d: PolicyDrift): string => d.logRatioPerTurn.map((x, t) => (d.tokensPerTurn[t] > 0 ? x.toFixed(6) : '–')).join(' → ');
      for (const d of first.drift) lines.push(`    ${d.trainee}: log π_sampling − log π_ref per token and turn ${perTurn(d)}, all turns ${d.logRatio.toFixed(6)}`);
    }
    return lines;
  }
  const lines = [`${head} (${batches.length} PPO batches, first → last):`];
  const accuracy = batches.flatMap((b) => (b.accuracyPerTurn ? [b.accuracyPerTurn] : []));
  if (accuracy.length === batches.length) {
    lines.push(`    accuracy per turn ${turns(first.accuracyPerTurn!, pct)} … ${turns(last.accuracyPerTurn!, pct)} %, mean over batches ${turns(meanOf(accuracy), pct)} %`);
  }
  lines.push(`    reward R(t, i) per turn ${turns(first.meanRewardPerTurn, (x) => x.toFixed(3))} … ${turns(last.meanRewardPerTurn, (x) => x.toFixed(3))}`);
  if (first.logRatioPerTurn && last.logRatioPerTurn) {
    lines.push(`    log π_old − log π_ref per token and turn ${turns(first.logRatioPerTurn, (x) => x.toFixed(4))} … ${turns(last.logRatioPerTurn, (x) => x.toFixed(4))}`);
  }
  const verified = batches.flatMap((b) => (b.verifier ? [b.verifier] : []));
  if (verified.length > 0) {
    const n = verified.reduce((s, v) => s + v.responses, 0);
    const weighted = (f: (v: VerifierCalibration) => number): number => verified.reduce((s, v) => s + f(v) * v.responses, 0) / n;
    lines.push(`    verifier on ${n} responses: Brier ${weighted((v) => v.brier).toFixed(3)} (constant 0.5: 0.250), agreement ${pct(weighted((v) => v.agreement))} %`);
  }
  return lines;
}
