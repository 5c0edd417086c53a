// One response of a MAPoRL transcript — (question, turn, agent) — as the key its rows in
// rollouts.parquet, scores.parquet and advantages.parquet are joined by.

export interface ResponseKey {
  questionId: string;
  turn: number;
  agent: number;
}

export function responseKey(r: ResponseKey): string {
  return `${r.questionId}\u001f${r.turn}\u001f${r.agent}`;
}
