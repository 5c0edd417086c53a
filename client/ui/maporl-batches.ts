// One MAPoRL iteration as its PPO batches wrote it: per batch the debate transcripts
// (rollouts.parquet), joined by response (question, turn, agent) with their scores (v(t, i),
// correctness, old and reference log-probs, values) and advantages (R(t, i), incentive, GAE
// advantages and returns), the batch's summary per turn, and its policy and value updates.
import { responseAdvantageSchema, responseKey, responseScoreSchema, rolloutSchema } from '../../data/artifacts';
import { meanLogRatio } from '../../data/method/maporl/policy-drift';
import type { ResponseAdvantageRow, ResponseScoreRow, RolloutRow } from '../../data/artifacts';
import { ADVANTAGES_FILE, batchDir, inStep, ROLLOUTS_FILE, SCORES_FILE, stepDir } from '../../experiment/run-layout';
import type { RunArtifacts } from './artifacts';
import { modelUpdates } from './model-updates';
import type { ModelUpdate } from './model-updates';
import { byTurn, mean, meanSd, share } from './rl-stats';
import type { MeanSd } from './rl-stats';

export interface MaporlResponse {
  rollout: RolloutRow;
  /** null until scoreRollouts has written the batch's scores. */
  score: ResponseScoreRow | null;
  /** null until computePpoAdvantages has. */
  advantage: ResponseAdvantageRow | null;
  /** mean(log π_old − log π_ref) over the response's tokens. */
  klPerToken: number;
  meanAdvantage: number;
}

export interface MaporlTurnSummary {
  turn: number;
  responses: number;
  /** Share of correct responses (scores.parquet). */
  accuracy: number;
  /** Mean verifier score v(t, i). */
  meanScore: number;
  /** Mean R(t, i) and incentive. */
  meanReward: number;
  meanIncentive: number;
  /** mean(old − ref log-prob) over every token of the turn: the per-token KL estimate the reward penalises. */
  klPerToken: number;
  /** Over every token's advantage. */
  advantage: MeanSd;
}

export interface MaporlBatch {
  batch: number;
  dir: string;
  files: { rollouts: string; scores: string; advantages: string };
  /** null until generateRollouts has written the batch. */
  responses: MaporlResponse[] | null;
  questions: string[];
  perTurn: MaporlTurnSummary[];
  /** Every turn together. */
  all: MaporlTurnSummary | null;
  updates: ModelUpdate[];
}

/** Every PPO batch the iteration has started, batch-1 first. */
export async function maporlBatches(artifacts: RunArtifacts, runId: string, iterDir: string): Promise<MaporlBatch[]> {
  const names = await artifacts.subdirs(runId, iterDir, 'batch-');
  return Promise.all(names.map((name) => maporlBatch(artifacts, runId, iterDir, Number(name.slice('batch-'.length)))));
}

export async function maporlBatch(artifacts: RunArtifacts, runId: string, iterDir: string, batch: number): Promise<MaporlBatch> {
  const dir = batchDir(iterDir, batch);
  const files = {
    rollouts: inStep(stepDir(dir, 'rollouts'), ROLLOUTS_FILE),
    scores: inStep(stepDir(dir, 'scores'), SCORES_FILE),
    advantages: inStep(stepDir(dir, 'advantages'), ADVANTAGES_FILE),
  };
  const [rollouts, scores, advantages, updates] = await Promise.all([
    artifacts.rows(rolloutSchema, runId, files.rollouts),
    artifacts.rows(responseScoreSchema, runId, files.scores),
    artifacts.rows(responseAdvantageSchema, runId, files.advantages),
    modelUpdates(artifacts, runId, dir),
  ]);
  const scoreOf = byResponse(scores);
  const advantageOf = byResponse(advantages);
  const responses = rollouts?.map((rollout): MaporlResponse => {
    const score = scoreOf.get(responseKey(rollout)) ?? null;
    const advantage = advantageOf.get(responseKey(rollout)) ?? null;
    return { rollout, score, advantage, klPerToken: score ? meanLogRatio([score]) : Number.NaN, meanAdvantage: advantage ? mean(advantage.advantages) : Number.NaN };
  }) ?? null;
  const perTurn = byTurn(responses ?? [], (r) => r.rollout.turn).map(({ turn, rows }) => turnSummary(turn, rows));
  return {
    batch,
    dir,
    files,
    responses,
    questions: [...new Set((responses ?? []).map((r) => r.rollout.questionId))],
    perTurn,
    all: responses?.length ? turnSummary(0, responses) : null,
    updates,
  };
}

function turnSummary(turn: number, responses: readonly MaporlResponse[]): MaporlTurnSummary {
  const scored = responses.flatMap((r) => (r.score ? [r.score] : []));
  const advantaged = responses.flatMap((r) => (r.advantage ? [r.advantage] : []));
  return {
    turn,
    responses: responses.length,
    accuracy: share(scored.map((s) => s.correct)),
    meanScore: mean(scored.map((s) => s.score)),
    meanReward: mean(advantaged.map((a) => a.reward)),
    meanIncentive: mean(advantaged.map((a) => a.incentive)),
    klPerToken: meanLogRatio(scored),
    advantage: meanSd(advantaged.flatMap((a) => a.advantages)),
  };
}


function byResponse<R extends { questionId: string; turn: number; agent: number }>(rows: readonly R[] | null): Map<string, R> {
  return new Map((rows ?? []).map((r) => [responseKey(r), r]));
}
