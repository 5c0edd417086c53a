// majorityVote: ŷ per training question from the final round's answers (Alg. 1 line 15), ties
// broken by a seeded choice and recorded. The reference answer is stored for reporting only.
import { join } from 'node:path';
import { votesSchema, writeRows } from '../data/artifacts';
import type { VoteRow } from '../data/artifacts';
import { agrees, groupAnswers, majorityVote as vote } from '../data/method/majority-vote';
import { deriveSeed } from '../data/method/seed';
import type { ActivityDeps } from './deps';
import { readDebate, readQuestions, taskOf } from './run-files';
import { inStep, questionsFile, VOTES_FILE } from '../experiment/run-layout';
import { cachedStep } from './step-cache';
import type { MajorityVoteInput, VoteSummary } from '../experiment/step-types';

export async function majorityVote(deps: ActivityDeps, input: MajorityVoteInput): Promise<VoteSummary> {
  const { runId, config, iteration, rounds, stepDir } = input;
  return cachedStep(deps, {
    step: 'majorityVote',
    runId,
    stepDir,
    inputs: { task: config.task.name, seed: config.seed, iteration, rounds },
    inputPaths: [questionsFile('train'), ...input.debate],
    compute: async (dir) => {
      const task = taskOf(config);
      const reference = new Map((await readQuestions(deps, runId, 'train')).map((q) => [q.id, q.answer]));
      const finalRound = new Map<string, (string | null)[]>();
      for (const row of await readDebate(deps, runId, input.debate)) {
        if (row.round !== rounds || row.role === 'summarizer') continue;
        const answers = finalRound.get(row.questionId) ?? [];
        answers[row.agent - 1] = row.answer;
        finalRound.set(row.questionId, answers);
      }
      const seed = deriveSeed(config.seed, 'vote', iteration);
      const rows = [...finalRound].map(([questionId, sparse]): VoteRow => {
        const answers = Array.from(sparse, (a) => a ?? null);
        const result = vote(answers, task.isEquivalent, seed, `${questionId}/round-${rounds}`);
        const groups = groupAnswers(answers, task.isEquivalent).sort((a, b) => b.votes - a.votes);
        const ref = reference.get(questionId) ?? null;
        return {
          questionId,
          majorityAnswer: result.answer,
          voteAnswers: groups.map((g) => g.answer),
          voteCounts: groups.map((g) => g.votes),
          tie: result.tiedAnswers.length > 0,
          tieBreak: result.tiedAnswers.length > 0 ? 'seeded-random' : null,
          referenceAnswer: ref,
          correct: ref === null ? null : agrees(result.answer, ref, task.isEquivalent),
        };
      });
      const written = await writeRows(votesSchema, join(dir, VOTES_FILE), rows);
      return {
        outputs: [written],
        summary: {
          path: inStep(stepDir, VOTES_FILE),
          questions: rows.length,
          ties: rows.filter((r) => r.tie).length,
          noAnswer: rows.filter((r) => r.majorityAnswer === null).length,
          majorityAccuracy: rows.length === 0 ? 0 : rows.filter((r) => r.correct === true).length / rows.length,
        },
      };
    },
  });
}
