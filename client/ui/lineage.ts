// Where a training example came from: the debate response it copies (an agent's own answer for
// D^G, its critic-round answer for D⁻/D⁺), so each example links back to its transcript cell.
import type { AgentDatasetRow, DebateRow } from '../../data/artifacts';
import type { Split } from '../../experiment/step-types';
import { runHref } from './layout';

/** The debate row whose response is the example's completion (agent 0, the shared model, learns from every agent). */
export function originOf(example: AgentDatasetRow, rows: readonly DebateRow[]): DebateRow | undefined {
  return rows.find((r) => r.questionId === example.questionId && r.role !== 'summarizer' && (example.agent === 0 || r.agent === example.agent) && r.response === example.completion);
}

export function cellAnchor(iteration: number, round: number, agent: number): string {
  return `i${iteration}-r${round}-a${agent}`;
}

export function transcriptHref(runId: string, variant: string, split: Split, questionId: string, anchor?: string): string {
  return runHref(runId, `/questions/${encodeURIComponent(questionId)}?variant=${encodeURIComponent(variant)}&split=${split}${anchor ? `#${anchor}` : ''}`);
}
