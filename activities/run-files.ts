// Reading what earlier steps wrote: questions of a split and the rows of debate shards.
import { join } from 'node:path';
import { debateSchema, questionsSchema, readRows, rolloutAsDebateRow, rolloutSchema, rowToQuestion } from '../data/artifacts';
import type { DebateRow } from '../data/artifacts';
import { getTask } from '../data/tasks';
import type { Question, Task } from '../data/task';
import type { ExperimentConfig } from '../experiment/experiment-schema';
import type { SamplingOptions } from '../lm/types';
import type { ActivityDeps } from './deps';
import { questionsFile } from '../experiment/run-layout';
import type { Split } from '../experiment/step-types';

export function taskOf(config: ExperimentConfig): Task {
  return getTask(config.task.name, { promptStyle: config.task.promptStyle });
}

/** The experiment's sampling section as lm/ takes it; each call adds its own seed. */
export function samplingOf(config: ExperimentConfig): Omit<SamplingOptions, 'seed'> {
  const { maxTokens, temperature, topP, topK, stop } = config.sampling;
  return { maxNewTokens: maxTokens, temperature, topP, topK, stop };
}

/** What every generating step's output depends on besides its own inputs (part of its cache key). */
export function generationKey(config: ExperimentConfig): { model: string; task: string; promptStyle: string; sampling: ExperimentConfig['sampling'] } {
  return { model: config.model.path, task: config.task.name, promptStyle: config.task.promptStyle, sampling: config.sampling };
}

export async function readQuestions(deps: ActivityDeps, runId: string, split: Split): Promise<Question[]> {
  const rows = await readRows(questionsSchema, join(deps.runsRoot, runId, questionsFile(split)));
  return rows.map(rowToQuestion);
}

/**
 * The debate of debate.parquet shards, or (from: 'rollouts') of rollouts.parquet shards with one
 * completion per agent and turn — MAPoRL's debate, where turn t is round t.
 */
export async function readDebate(deps: ActivityDeps, runId: string, shards: readonly string[], from?: 'rollouts'): Promise<DebateRow[]> {
  if (from === 'rollouts') {
    const parts = await Promise.all(shards.map((p) => readRows(rolloutSchema, join(deps.runsRoot, runId, p))));
    return parts.flat().map(rolloutAsDebateRow);
  }
  const parts = await Promise.all(shards.map((p) => readRows(debateSchema, join(deps.runsRoot, runId, p))));
  return parts.flat();
}

/** Rows of one debate indexed by question, then round (1-based) and agent (1-based). */
export interface DebateIndex {
  questionIds: string[];
  /** The answering agent's row (generation, critic or cooperative role). */
  answer(questionId: string, round: number, agent: number): DebateRow;
}

export function indexDebate(rows: readonly DebateRow[], rounds: number, agents: number, file: string): DebateIndex {
  const byKey = new Map<string, DebateRow>();
  const questionIds = new Set<string>();
  for (const row of rows) {
    if (row.role === 'summarizer') continue;
    questionIds.add(row.questionId);
    byKey.set(`${row.questionId}/${row.round}/${row.agent}`, row);
  }
  const answer = (questionId: string, round: number, agent: number): DebateRow => {
    const row = byKey.get(`${questionId}/${round}/${agent}`);
    if (!row) throw new Error(`${file}: question ${questionId} has no answer of agent ${agent} in round ${round} (expected ${agents} agents × ${rounds} rounds)`);
    return row;
  };
  return { questionIds: [...questionIds], answer };
}
