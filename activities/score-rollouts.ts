// scoreRollouts: what MAPoRL's advantages need of every response of a PPO batch, computed on the
// models as they were when the batch was sampled — the verifier's v(t, i) (ground-truth
// correctness, or the trained verifier's probability), per-token log-probs of the response's
// policy (log π_old of the PPO ratio) and of the base model (the KL reward's reference), both at
// the sampling temperature as TRL's PPOv2 scores them, and the value model's V(s_x) (0 where the
// policy has no value model yet: its first update starts one).
import { join } from 'node:path';
import { responseScoreSchema, writeRows } from '../data/artifacts';
import type { ResponseScoreRow } from '../data/artifacts';
import { inStep, questionsFile, SCORES_FILE } from '../experiment/run-layout';
import { policyFiles } from '../experiment/maporl-policies';
import type { ScoreRolloutsInput, ScoresSummary } from '../experiment/step-types';
import type { ActivityDeps } from './deps';
import { MaftInputError } from './failures';
import { agrees } from '../data/method/majority-vote';
import { meanLogRatioPerTurn } from '../data/method/maporl/policy-drift';
import { verifierCalibration } from '../data/method/maporl/verifier-calibration';
import { meanPerTurn, questionOf, readTranscripts, valuePrompt } from './maporl-batch';
import type { ModelPool } from './model-pool';
import { readQuestions, taskOf } from './run-files';
import { heartbeatWhile } from './heartbeat-while';
import { cachedStep, runDirOf } from './step-cache';

export async function scoreRollouts(deps: ActivityDeps, models: ModelPool, input: ScoreRolloutsInput): Promise<ScoresSummary> {
  const { runId, config, policies, verifier, stepDir } = input;
  if (config.method !== 'maporl') throw new MaftInputError(`scoreRollouts runs for method maporl, not "${config.method}"`);
  const maporl = config.maporl;
  if ((maporl.verifier === 'model') !== (verifier !== null)) throw new MaftInputError(`scoreRollouts: verifier ${maporl.verifier} ${verifier === null ? 'needs' : 'takes no'} verifier model`);
  return cachedStep(deps, {
    step: 'scoreRollouts',
    runId,
    stepDir,
    inputs: { model: config.model.path, task: config.task.name, temperature: config.sampling.temperature, verifier: maporl.verifier, valueSimplification: maporl.valueSimplification, policies },
    inputPaths: [questionsFile('train'), input.rollouts, ...policyFiles(policies), ...(verifier === null ? [] : [verifier])],
    compute: (dir) => heartbeatWhile(() => ({ step: 0, total: 1 }), async () => {
      const task = taskOf(config);
      const runDir = runDirOf(deps, runId);
      const at = (p: string | null): string | undefined => (p === null ? undefined : join(runDir, p));
      const responses = await readTranscripts(deps, runId, input.rollouts);
      const questions = new Map((await readQuestions(deps, runId, 'train')).map((q) => [q.id, q]));
      const questionFor = responses.map((r) => questionOf(questions, r.questionId, input.rollouts));
      const correct = responses.map((r, k) => agrees(r.answer, questionFor[k].answer, task.isEquivalent));
      const model = await models.get(config.model.path, { device: config.model.device, threads: config.model.threads });
      const scoring = { temperature: config.sampling.temperature };
      const old = await model.scoreTokens(responses.map((r) => ({ prompt: r.prompt, completion: r.tokenIds, adapter: at(policies.policy[r.turn - 1][r.agent - 1]) })), scoring);
      const ref = await model.scoreTokens(responses.map((r) => ({ prompt: r.prompt, completion: r.tokenIds })), scoring);
      const valued = responses.flatMap((r, k) => {
        const head = policies.value[r.turn - 1][r.agent - 1];
        return head === null ? [] : [{ k, request: { prompt: valuePrompt(config, task, questionFor[k], r), completion: r.tokenIds, head: join(runDir, head) } }];
      });
      const values = new Map((await model.scoreHead(valued.map((v) => v.request))).map((s, j) => [valued[j].k, s.values]));
      // The verifier reads the question and the response, as it was trained (trainVerifier).
      const verified =
        verifier === null
          ? correct.map((c) => (c ? 1 : 0))
          : (await model.scoreHead(responses.map((r, k) => ({ prompt: task.generationPrompt(questionFor[k]), completion: r.tokenIds, head: join(runDir, verifier) })))).map((s) => s.probability);
      const rows = responses.map(
        (r, k): ResponseScoreRow => ({
          questionId: r.questionId,
          turn: r.turn,
          agent: r.agent,
          score: verified[k],
          correct: correct[k],
          oldLogprobs: old[k].logprobs,
          refLogprobs: ref[k].logprobs,
          values: values.get(k) ?? r.tokenIds.map(() => 0),
        }),
      );
      const written = await writeRows(responseScoreSchema, join(dir, SCORES_FILE), rows);
      return {
        outputs: [written],
        summary: {
          path: inStep(stepDir, SCORES_FILE),
          responses: rows.length,
          meanScorePerTurn: meanPerTurn(rows, config.rounds, (row) => row.score),
          accuracyPerTurn: meanPerTurn(rows, config.rounds, (row) => (row.correct ? 1 : 0)),
          logRatioPerTurn: meanLogRatioPerTurn(rows, config.rounds),
          ...(verifier === null ? {} : { verifier: verifierCalibration(rows) }),
        },
      };
    }),
  });
}
