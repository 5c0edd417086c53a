// computePpoAdvantages: MAPoRL's reward R(t, i) + incentive of every response of a PPO batch, its
// per-token KL rewards, GAE and whitening (data/method/maporl/response-advantages.ts), from the
// batch's transcripts and scores; written as advantages.parquet, one row per response.
import { join } from 'node:path';
import { responseAdvantageSchema, writeRows } from '../data/artifacts';
import type { ResponseAdvantageRow, ResponseScoreRow, RolloutRow } from '../data/artifacts';
import { batchAdvantages } from '../data/method/maporl/response-advantages';
import type { ScoredTranscript } from '../data/method/maporl/response-advantages';
import { ADVANTAGES_FILE, inStep } from '../experiment/run-layout';
import type { PpoAdvantagesInput, PpoAdvantagesSummary } from '../experiment/step-types';
import type { ActivityDeps } from './deps';
import { MaftInputError } from './failures';
import { responseKey } from '../data/artifacts';
import { meanPerTurn, readScores, readTranscripts } from './maporl-batch';
import { cachedStep } from './step-cache';

export async function computePpoAdvantages(deps: ActivityDeps, input: PpoAdvantagesInput): Promise<PpoAdvantagesSummary> {
  const { runId, config, stepDir } = input;
  if (config.method !== 'maporl') throw new MaftInputError(`computePpoAdvantages runs for method maporl, not "${config.method}"`);
  const { rewardDiscount, incentives, ppo } = config.maporl;
  const options = { rewardDiscount, incentives, klCoef: ppo.klCoef, gamma: ppo.gamma, lambda: ppo.lambda, whiten: ppo.whitenAdvantages };
  return cachedStep(deps, {
    step: 'computePpoAdvantages',
    runId,
    stepDir,
    inputs: { agents: config.agents, turns: config.rounds, options },
    inputPaths: [input.rollouts, input.scores],
    compute: async (dir) => {
      const responses = await readTranscripts(deps, runId, input.rollouts);
      const scores = await readScores(deps, runId, input.scores, responses);
      const byQuestion = new Map<string, RolloutRow[]>();
      for (const r of responses) byQuestion.set(r.questionId, [...(byQuestion.get(r.questionId) ?? []), r]);
      const ids = [...byQuestion.keys()];
      const cells = ids.map((id) => transcriptCells(byQuestion.get(id)!, config.rounds, config.agents, input.rollouts));
      const transcripts = cells.map((grid): ScoredTranscript => {
        const scored = grid.map((turn) => turn.map((r) => scores.get(responseKey(r))!));
        const field = <T>(f: (s: ResponseScoreRow) => T): T[][] => scored.map((turn) => turn.map(f));
        return {
          scores: field((s) => s.score),
          correct: field((s) => (s.correct ? 1 : 0)),
          logprobs: field((s) => s.oldLogprobs),
          refLogprobs: field((s) => s.refLogprobs),
          values: field((s) => s.values),
        };
      });
      const out = batchAdvantages(transcripts, options);
      const rows: ResponseAdvantageRow[] = ids.flatMap((questionId, q) =>
        cells[q].flatMap((turn, t) =>
          turn.map((r, i) => ({
            questionId,
            turn: r.turn,
            agent: r.agent,
            reward: out[q].reward[t][i],
            incentive: out[q].incentive[t][i],
            advantages: out[q].advantages[t][i],
            returns: out[q].returns[t][i],
          })),
        ),
      );
      const written = await writeRows(responseAdvantageSchema, join(dir, ADVANTAGES_FILE), rows);
      return {
        outputs: [written],
        summary: { path: inStep(stepDir, ADVANTAGES_FILE), responses: rows.length, meanRewardPerTurn: meanPerTurn(rows, config.rounds, (r) => r.reward), meanIncentivePerTurn: meanPerTurn(rows, config.rounds, (r) => r.incentive) },
      };
    },
  });
}

/** One question's responses as [turn][agent]; every turn and agent must be there (MAPoRL never stops a debate early). */
function transcriptCells(rows: readonly RolloutRow[], turns: number, agents: number, file: string): RolloutRow[][] {
  return Array.from({ length: turns }, (_, t) =>
    Array.from({ length: agents }, (_, i) => {
      const row = rows.find((r) => r.turn === t + 1 && r.agent === i + 1);
      if (!row) throw new MaftInputError(`${file}: question ${rows[0].questionId} lacks agent ${i + 1}'s response in turn ${t + 1}`);
      return row;
    }),
  );
}
