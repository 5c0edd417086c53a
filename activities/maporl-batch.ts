// What MAPoRL's steps read of one PPO batch: its debate transcripts (rollouts with one completion
// per agent and turn), joined by response — (question, turn, agent) — with the scores and the
// advantages written for them. A response missing from a later file is an error naming the file.
import { join } from 'node:path';
import { readRows, responseAdvantageSchema, responseKey, responseScoreSchema, rolloutSchema } from '../data/artifacts';
import type { ArtifactSchema, ResponseAdvantageRow, ResponseKey, ResponseScoreRow, RolloutRow } from '../data/artifacts';
import type { Question, Task } from '../data/task';
import type { ExperimentConfig } from '../experiment/experiment-schema';
import type { ActivityDeps } from './deps';
import { MaftInputError } from './failures';
import { runDirOf } from './step-cache';

/** The batch's responses in file order (question, turn, agent); refuses a file with K > 1. */
export async function readTranscripts(deps: ActivityDeps, runId: string, path: string): Promise<RolloutRow[]> {
  const rows = await readRows(rolloutSchema, join(runDirOf(deps, runId), path));
  const branched = rows.find((r) => r.sample !== 0);
  if (branched) throw new MaftInputError(`${path}: MAPoRL reads one debate transcript per question, but question ${branched.questionId} has completion ${branched.sample} at node ${branched.node}`);
  return rows;
}

/** Rows of a per-response file by response key, checked to cover every response of the batch. */
async function readPerResponse<R extends ResponseKey>(deps: ActivityDeps, runId: string, path: string, schema: ArtifactSchema<R>, responses: readonly RolloutRow[]): Promise<Map<string, R>> {
  const byKey = new Map((await readRows(schema, join(runDirOf(deps, runId), path))).map((r) => [responseKey(r), r]));
  for (const r of responses) {
    if (!byKey.has(responseKey(r))) throw new MaftInputError(`${path}: no row for agent ${r.agent}'s response in turn ${r.turn} of question ${r.questionId}`);
  }
  return byKey;
}

export function readScores(deps: ActivityDeps, runId: string, path: string, responses: readonly RolloutRow[]): Promise<Map<string, ResponseScoreRow>> {
  return readPerResponse(deps, runId, path, responseScoreSchema, responses);
}

export function readAdvantages(deps: ActivityDeps, runId: string, path: string, responses: readonly RolloutRow[]): Promise<Map<string, ResponseAdvantageRow>> {
  return readPerResponse(deps, runId, path, responseAdvantageSchema, responses);
}

/**
 * What the value model reads before a response: the question alone (maporl.valueSimplification,
 * the public code's default) or the turn's whole prompt with the other agents' earlier answers.
 */
export function valuePrompt(config: ExperimentConfig, task: Task, question: Question, response: RolloutRow): string {
  if (config.method !== 'maporl') throw new MaftInputError(`value models are MAPoRL's, not method "${config.method}"'s`);
  return config.maporl.valueSimplification ? task.generationPrompt(question) : response.prompt;
}

export function questionOf(questions: ReadonlyMap<string, Question>, id: string, file: string): Question {
  const q = questions.get(id);
  if (!q) throw new MaftInputError(`${file}: question ${id} is not a training question of this run`);
  return q;
}

/** The mean of a per-response value in each turn 1..T (0 for a turn without responses). */
export function meanPerTurn<R extends { turn: number }>(rows: readonly R[], turns: number, value: (row: R) => number): number[] {
  return Array.from({ length: turns }, (_, t) => {
    const turn = rows.filter((row) => row.turn === t + 1);
    return turn.reduce((sum, row) => sum + value(row), 0) / Math.max(1, turn.length);
  });
}
