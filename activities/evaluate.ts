// evaluate: the debate of the agents on held-out questions (Alg. 2) scored against the reference
// answers — final accuracy ± binomial standard error, accuracy per round, consensus diversity and
// NLL diversity (the other agents' final responses scored by a held-out agent, paper 4.2).
import { join } from 'node:path';
import { evalSchema, writeRows } from '../data/artifacts';
import type { EvalRow } from '../data/artifacts';
import type { Accuracy } from '../data/method/accuracy';
import { evaluateCollaboration } from '../data/method/collaboration-evaluation';
import type { CollaborationEvaluation, RevisionShares } from '../data/method/collaboration-evaluation';
import { evaluateDebate } from '../data/method/evaluation-metrics';
import type { EvaluatedQuestion } from '../data/method/evaluation-metrics';
import { nllDiversity } from '../data/method/diversity';
import { deriveSeed } from '../data/method/seed';
import type { Question } from '../data/task';
import { adaptersOf } from '../experiment/agents';
import type { AgentSet } from '../experiment/agents';
import type { ActivityDeps } from './deps';
import type { ModelPool } from './model-pool';
import { indexDebate, readDebate, readQuestions, taskOf } from './run-files';
import { EVAL_FILE, inStep, questionsFile } from '../experiment/run-layout';
import type { DebateIndex } from './run-files';
import { heartbeatWhile } from './heartbeat-while';
import { cachedStep, runDirOf } from './step-cache';
import type { AccuracySummary, CollaborationSummary, EvaluateInput, EvaluationSummary, ShareSummary } from '../experiment/step-types';

export async function evaluate(deps: ActivityDeps, models: ModelPool, input: EvaluateInput): Promise<EvaluationSummary> {
  const { runId, config, variant, iteration, agents, stepDir } = input;
  return cachedStep(deps, {
    step: 'evaluate',
    runId,
    stepDir,
    inputs: { task: config.task.name, seed: config.seed, nll: config.evaluation.nllDiversity, model: config.model.path, variant, iteration, agents, ...(input.from ? { from: input.from } : {}) },
    inputPaths: [questionsFile('test'), ...input.debate, ...adaptersOf(agents)],
    compute: async (dir) => {
      const task = taskOf(config);
      const rows = await readDebate(deps, runId, input.debate, input.from);
      const debate = indexDebate(rows, variant.rounds, variant.agents, input.debate.join(', '));
      const byId = new Map((await readQuestions(deps, runId, 'test')).map((q) => [q.id, q]));
      const questions = debate.questionIds.map((id) => byId.get(id)).filter((q): q is Question => q !== undefined);
      const agentNumbers = Array.from({ length: variant.agents }, (_, i) => i + 1);
      const evaluated = questions.map(
        (q): EvaluatedQuestion => ({
          questionId: q.id,
          reference: q.answer,
          answers: Array.from({ length: variant.rounds }, (_, m) => agentNumbers.map((a) => debate.answer(q.id, m + 1, a).answer)),
        }),
      );
      // Ties break on the same draws in every variant and iteration, as the held-out debate
      // samples on the same streams (data/method/seed.ts streamNames): equal answers score equally.
      const result = evaluateDebate(evaluated, task.isEquivalent, deriveSeed(config.seed, 'eval'));
      const nll = config.evaluation.nllDiversity && variant.agents > 1 ? await heartbeatWhile(() => ({ step: 0, total: 1 }), () => heldOutNll(deps, models, input, questions, debate, agents)) : null;

      const evalRows = result.verdicts.map(
        (v, i): EvalRow => ({
          questionId: v.questionId,
          method: variant.name,
          answer: v.majorities[v.majorities.length - 1],
          referenceAnswer: questions[i].answer,
          correct: v.correctPerRound[v.correctPerRound.length - 1],
          agreement: variant.agents > 1 ? v.agreeing / variant.agents : null,
        }),
      );
      const written = await writeRows(evalSchema, join(dir, EVAL_FILE), evalRows);
      const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
      return {
        outputs: [written],
        summary: {
          path: inStep(stepDir, EVAL_FILE),
          questions: questions.length,
          correct: result.final.correct,
          accuracy: result.final.accuracy,
          stderr: result.final.stderr,
          perRound: result.perRound.map((a) => ({ accuracy: a.accuracy, stderr: a.stderr })),
          consensusDiversity: variant.agents > 1 ? finite(result.consensusDiversity) : null,
          nllDiversity: nll === null ? null : finite(nll),
          ties: result.ties,
          ...(rlVariants.has(variant.name) ? { collaboration: collaborationSummary(evaluateCollaboration(evaluated, task.isEquivalent)) } : {}),
        },
      };
    },
  });
}

/** The variants evaluated as the RL methods report it (the MAPoRL / MAGRPO run and its shared-policy baseline). */
const rlVariants = new Set(['maporl', 'magrpo', 'shared-policy']);

function collaborationSummary(c: CollaborationEvaluation): CollaborationSummary {
  const accuracy = (a: Accuracy): AccuracySummary => ({ accuracy: a.accuracy, stderr: a.stderr });
  const share = (a: Accuracy): ShareSummary => ({ share: a.accuracy, stderr: a.stderr, total: a.total });
  const shares = (r: RevisionShares) => ({ wrongToRight: share(r.wrongToRight), rightToWrong: share(r.rightToWrong) });
  return {
    final: accuracy(c.final),
    perTurn: c.perTurn.map(accuracy),
    transitions: c.transitions.map((t) => ({ turn: t.turn, byOthers: { right: shares(t.byOthers.right), wrong: shares(t.byOthers.wrong), undecided: shares(t.byOthers.undecided) } })),
  };
}

/**
 * Mean per-token NLL of agents 1..N−1's final responses under agent N (the held-out one, with
 * its final-round adapter), each scored as an answer to the bare question.
 */
async function heldOutNll(
  deps: ActivityDeps,
  models: ModelPool,
  { runId, config, variant }: EvaluateInput,
  questions: readonly Question[],
  debate: DebateIndex,
  agents: AgentSet,
): Promise<number> {
  const task = taskOf(config);
  const model = await models.get(config.model.path, { device: config.model.device, threads: config.model.threads });
  const heldOut = variant.agents;
  const adapter = (variant.rounds > 1 ? agents.critic : agents.generation)[heldOut - 1];
  const requests = questions.flatMap((q) =>
    Array.from({ length: heldOut - 1 }, (_, i) => ({
      prompt: task.generationPrompt(q),
      completion: debate.answer(q.id, variant.rounds, i + 1).response,
      adapter: adapter === null ? undefined : join(runDirOf(deps, runId), adapter),
    })),
  );
  return nllDiversity(await model.score(requests));
}
