// Per question and iteration of one method, what its debate decided: the final majority, whether
// it was right and whether the vote was tied — on the held-out questions from eval.parquet and the
// evaluation debate, on the training questions from votes.parquet.
import { evalSchema, questionsSchema, rowToQuestion, votesSchema } from '../../data/artifacts';
import type { DebateRow } from '../../data/artifacts';
import { majorityVote } from '../../data/method/majority-vote';
import type { Task } from '../../data/task';
import { getTask } from '../../data/tasks';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import { inStep, questionsFile, stepDir, VOTES_FILE } from '../../experiment/run-layout';
import type { Split } from '../../experiment/step-types';
import { evalFileOf } from './against-debate';
import type { RunArtifacts } from './artifacts';
import type { PlannedIteration, PlannedMethod } from './plan';
import { transcriptsOf } from './transcripts';

export interface Outcome {
  answer: string | null;
  correct: boolean;
  tie: boolean;
}

export interface QuestionOutcomes {
  id: string;
  question: string;
  reference: string;
  /** Aligned with `iterations`; null where that iteration has not decided this question. */
  outcomes: (Outcome | null)[];
}

export interface OutcomeTable {
  split: Split;
  iterations: PlannedIteration[];
  questions: QuestionOutcomes[];
}

export function taskOfConfig(config: ExperimentConfig | null): Task | null {
  if (!config) return null;
  try {
    return getTask(config.task.name, { promptStyle: config.task.promptStyle });
  } catch {
    return null;
  }
}

export async function outcomeTable(artifacts: RunArtifacts, runId: string, method: PlannedMethod, split: Split, task: Task | null): Promise<OutcomeTable> {
  // Only iterations l ≥ 1 debate on training questions.
  const iterations = method.iterations.filter((i) => split === 'test' || i.iteration > 0);
  const perIteration = await Promise.all(iterations.map((it) => (split === 'test' ? heldOutOutcomes(artifacts, runId, it, task) : training(artifacts, runId, it))));
  const questions = (await artifacts.rows(questionsSchema, runId, questionsFile(split))) ?? [];
  const ids = new Set(perIteration.flatMap((m) => [...m.keys()]));
  return {
    split,
    iterations,
    questions: questions
      .filter((q) => ids.has(q.id))
      .map(rowToQuestion)
      .map((q) => ({ id: q.id, question: q.question, reference: q.answer, outcomes: perIteration.map((m) => m.get(q.id) ?? null) })),
  };
}

export async function heldOutOutcomes(artifacts: RunArtifacts, runId: string, it: PlannedIteration, task: Task | null): Promise<Map<string, Outcome>> {
  const rows = (await artifacts.rows(evalSchema, runId, evalFileOf(it))) ?? [];
  const debate = (await transcriptsOf(artifacts, runId, it, 'test')) ?? [];
  const ties = tiedQuestions(debate, task);
  return new Map(rows.map((r) => [r.questionId, { answer: r.answer, correct: r.correct, tie: ties.has(r.questionId) }]));
}

async function training(artifacts: RunArtifacts, runId: string, it: PlannedIteration): Promise<Map<string, Outcome>> {
  const rows = (await artifacts.rows(votesSchema, runId, inStep(stepDir(it.dir, 'votes'), VOTES_FILE))) ?? [];
  return new Map(rows.map((r) => [r.questionId, { answer: r.majorityAnswer, correct: r.correct === true, tie: r.tie }]));
}

/** Questions whose final-round vote tied (eval.parquet does not record it; votes.parquet does for training). */
function tiedQuestions(rows: readonly DebateRow[], task: Task | null): Set<string> {
  if (!task) return new Set();
  const final = new Map<string, { round: number; answers: (string | null)[] }>();
  for (const r of rows) {
    if (r.role === 'summarizer') continue;
    const f = final.get(r.questionId);
    if (!f || r.round > f.round) final.set(r.questionId, { round: r.round, answers: [r.answer] });
    else if (r.round === f.round) f.answers.push(r.answer);
  }
  return new Set([...final].filter(([id, f]) => majorityVote(f.answers, task.isEquivalent, 0, id).tiedAnswers.length > 0).map(([id]) => id));
}
