// splitAgentDatasets: every trainee's finetuning set from the debate and its votes (Alg. 1 lines
// 18–24). Generation agent n learns (x, y_1,n) where y_1,n = ŷ; critic agent n learns its
// final-round response in its debate context, from D⁻ (corrected) and D⁺ (kept) mixed with
// share w. A shared model (single-agent and majority FT) learns every agent's y_1,n = ŷ.
// With finetune.ties = skip, questions whose vote was a tie give no examples.
import { join } from 'node:path';
import { agentDatasetSchema, readRows, votesSchema, writeRows } from '../data/artifacts';
import type { AgentDatasetRow, DatasetSource } from '../data/artifacts';
import { splitByAgent } from '../data/method/agent-splits';
import type { QuestionOutcome } from '../data/method/agent-splits';
import { mixCriticDataset } from '../data/method/critic-mix';
import { deriveSeed } from '../data/method/seed';
import { traineesOf } from '../experiment/agents';
import type { Trainee } from '../experiment/agents';
import { datasetFile } from '../experiment/run-layout';
import type { ActivityDeps } from './deps';
import { indexDebate, readDebate, taskOf } from './run-files';
import { cachedStep, runDirOf } from './step-cache';
import type { DatasetsSummary, SplitDatasetsInput, TraineeDataset } from '../experiment/step-types';

export async function splitAgentDatasets(deps: ActivityDeps, input: SplitDatasetsInput): Promise<DatasetsSummary> {
  const { runId, config, variant, iteration, stepDir } = input;
  return cachedStep(deps, {
    step: 'splitAgentDatasets',
    runId,
    stepDir,
    inputs: { task: config.task.name, critic: config.critic, ties: config.finetune.ties, seed: config.seed, variant, iteration },
    inputPaths: [...input.debate, input.votes],
    compute: async () => {
      const runDir = runDirOf(deps, runId);
      const task = taskOf(config);
      const debate = indexDebate(await readDebate(deps, runId, input.debate), variant.rounds, variant.agents, input.debate.join(', '));
      const votes = (await readRows(votesSchema, join(runDir, input.votes))).filter((v) => config.finetune.ties === 'use' || !v.tie);
      const n = variant.agents;
      const agentsRange = Array.from({ length: n }, (_, i) => i + 1);
      const outcomes = votes.map(
        (v): QuestionOutcome => ({
          questionId: v.questionId,
          majority: v.majorityAnswer,
          firstAnswers: agentsRange.map((a) => debate.answer(v.questionId, 1, a).answer),
          finalAnswers: agentsRange.map((a) => debate.answer(v.questionId, variant.rounds, a).answer),
        }),
      );
      const splits = splitByAgent(outcomes, n, task.isEquivalent);
      const example = (questionId: string, round: number, agent: number, source: DatasetSource, trainee: Trainee): AgentDatasetRow => {
        const row = debate.answer(questionId, round, agent);
        return { agent: trainee.agent, role: trainee.role, source, questionId, prompt: row.prompt, completion: row.response };
      };

      const datasets: TraineeDataset[] = [];
      const outputs = [];
      for (const trainee of traineesOf(variant)) {
        let rows: AgentDatasetRow[];
        let mix: Partial<TraineeDataset> = {};
        if (trainee.agent === 0) {
          rows = splits.flatMap((s, i) => s.generation.map((q) => example(q, 1, i + 1, 'gen', trainee)));
        } else if (trainee.role === 'generation') {
          rows = splits[trainee.agent - 1].generation.map((q) => example(q, 1, trainee.agent, 'gen', trainee));
        } else {
          const s = splits[trainee.agent - 1];
          const minus = s.criticMinus.map((q) => example(q, variant.rounds, trainee.agent, 'd_minus', trainee));
          const plus = s.criticPlus.map((q) => example(q, variant.rounds, trainee.agent, 'd_plus', trainee));
          const mixed = mixCriticDataset(minus, plus, config.critic.w, config.critic.shortfall, deriveSeed(config.seed, 'critic-mix', variant.name, iteration, trainee.agent));
          rows = mixed.examples;
          mix = { dMinus: minus.length, dPlus: plus.length, fromMinus: mixed.fromMinus, fromPlus: mixed.fromPlus, repeats: mixed.repeats };
        }
        const path = datasetFile(stepDir, trainee.id);
        outputs.push(await writeRows(agentDatasetSchema, join(runDir, path), rows));
        datasets.push({ ...trainee, path, examples: rows.length, ...mix });
      }
      return { outputs, summary: { datasets } };
    },
  });
}
