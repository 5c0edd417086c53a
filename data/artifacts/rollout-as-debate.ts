// A MAPoRL transcript (rollouts.parquet, one completion per agent and turn) read as the debate it
// is: turn t is round t, turn 1 answers the question and later turns revise, as debate.parquet's
// generation and critic rows do — so evaluation and the run inspector read both alike.
import type { DebateRow, RolloutRow } from './kinds';

export function rolloutAsDebateRow(r: RolloutRow): DebateRow {
  return { questionId: r.questionId, round: r.turn, agent: r.agent, role: r.turn === 1 ? 'generation' : 'critic', prompt: r.prompt, response: r.completion, answer: r.answer };
}
