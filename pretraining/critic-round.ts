// What the critic round of a two-round debate does with the others' answers, for a pretrained
// model: each agent's accuracy in round 1 and round 2, how often its round-2 answer is what its
// own fresh steps arrive at or one of the answers it was shown, and its transitions split by how
// many of the others were right. The demo's debate is only as good as this round: a critic that
// ignores the others just resamples round 1.
import type { Question, Task } from '../data/task';

export interface CriticRoundReport {
  /** Agent responses scored (agents × questions). */
  responses: number;
  round1: number;
  round2: number;
  /** Share of round-2 answers equal to the result of the response's own steps. */
  ownSteps: number;
  /** Share of round-2 answers that differ from their steps' result but equal a shown answer. */
  copiedShown: number;
  /** "right→wrong, 2 others right" style keys: counts of (round 1, others right, round 2). */
  transitions: Record<string, number>;
}

/** The value the worked steps arrive at: the last step's value, negated after a "=-(" sign step. */
export function stepsResult(response: string): number | null {
  const steps = response.split(' Answer:')[0].split(' votes:')[0].trim().split(' ');
  const last = /=(-?\d+)$/.exec(steps.at(-1) ?? '');
  if (last === null) return null;
  return steps.some((s) => s.includes('=-(')) ? -Number(last[1]) : Number(last[1]);
}

/** `round1[a][i]` and `round2[a][i]`: agent a's responses to question i in each round. */
export function criticRoundReport(task: Task, questions: Question[], round1: string[][], round2: string[][]): CriticRoundReport {
  const right = (response: string, q: Question): boolean => {
    const answer = task.extractAnswer(response);
    return answer !== null && task.isEquivalent(answer, q.answer);
  };
  const report: CriticRoundReport = { responses: 0, round1: 0, round2: 0, ownSteps: 0, copiedShown: 0, transitions: {} };
  round1.forEach((responses, agent) =>
    questions.forEach((q, i) => {
      const before = right(responses[i], q);
      const after = right(round2[agent][i], q);
      const othersRight = round1.filter((_, b) => b !== agent && right(round1[b][i], q)).length;
      const answer = task.extractAnswer(round2[agent][i]);
      const steps = stepsResult(round2[agent][i]);
      const shown = round1.map((r) => task.extractAnswer(r[i]));
      const fromSteps = answer !== null && steps !== null && task.isEquivalent(answer, String(steps));
      report.responses++;
      report.round1 += Number(before);
      report.round2 += Number(after);
      report.ownSteps += Number(fromSteps);
      report.copiedShown += Number(!fromSteps && answer !== null && shown.some((s) => s !== null && task.isEquivalent(s, answer)));
      const key = `${before ? 'right' : 'wrong'}→${after ? 'right' : 'wrong'}, ${othersRight} others right`;
      report.transitions[key] = (report.transitions[key] ?? 0) + 1;
    }),
  );
  const n = report.responses;
  return { ...report, round1: report.round1 / n, round2: report.round2 / n, ownSteps: report.ownSteps / n, copiedShown: report.copiedShown / n };
}
