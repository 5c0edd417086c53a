// One iteration l of Algorithm 1 for one variant: debate on the training questions (sharded),
// majority vote, per-agent datasets, finetune every trainee in parallel, then evaluate the new
// agents on held-out questions (Algorithm 2). Iteration 0 only evaluates.
import { setHandler } from '@temporalio/workflow';
import type { DebateShardSummary, Split, TraineeDataset, TrainSummary } from '../experiment/step-types';
import { agentsAfter } from '../experiment/agents';
import type { AgentSet } from '../experiment/agents';
import { callStep } from './activity-calls';
import { iterationProgressQuery } from './definitions';
import type { IterationInput, IterationProgress, IterationResult } from '../experiment/run-types';
import { questionShards } from './shards';
import { finetuneStepDir, iterationDir, stepDir } from '../experiment/run-layout';

export async function finetuneIteration(input: IterationInput): Promise<IterationResult> {
  const { runId, config, steps, variant, iteration, questions } = input;
  const ctx = { runId, config };
  const dir = iterationDir(variant.name, iteration);
  const label = `${variant.name} iteration ${iteration}`;
  const progress: IterationProgress = { variant: variant.name, iteration, step: 'generateDebate', split: 'train', shards: { done: 0, total: 0 }, trainees: {} };
  setHandler(iterationProgressQuery, () => progress);

  const debate = async (split: Split, count: number, agents: AgentSet, debateDir: string): Promise<DebateShardSummary[]> => {
    const shards = questionShards(count, config.debate.shardSize);
    progress.step = 'generateDebate';
    progress.split = split;
    progress.shards = { done: 0, total: shards.length };
    return Promise.all(
      shards.map(async (shard) => {
        const summary = `${label}: ${split === 'train' ? 'debate' : 'evaluation debate'} on questions ${shard.start + 1}–${shard.end} (shard ${shard.index + 1}/${shard.count})`;
        const out = await callStep(steps, 'generateDebate', summary, { ...ctx, variant, iteration, split, shard, agents, stepDir: debateDir });
        progress.shards.done++;
        return out;
      }),
    );
  };

  const result: Partial<IterationResult> = { variant: variant.name, iteration };
  let agents = input.agents;
  if (iteration > 0) {
    const shards = await debate('train', questions.train, agents, stepDir(dir, 'debate'));
    const debateFiles = shards.map((s) => s.path);
    result.debate = { shards, questions: sum(shards.map((s) => s.questions)), calls: sum(shards.map((s) => s.calls)) };

    progress.step = 'majorityVote';
    result.votes = await callStep(steps, 'majorityVote', `${label}: majority vote over the final round`, {
      ...ctx, iteration, debate: debateFiles, rounds: variant.rounds, stepDir: stepDir(dir, 'votes'),
    });

    progress.step = 'splitAgentDatasets';
    const { datasets } = await callStep(steps, 'splitAgentDatasets', `${label}: per-agent datasets (D^G, D⁻, D⁺, w = ${config.critic.w})`, {
      ...ctx, variant, iteration, debate: debateFiles, votes: result.votes.path, stepDir: stepDir(dir, 'datasets'),
    });
    result.datasets = datasets;

    progress.step = 'finetuneAgent';
    progress.trainees = Object.fromEntries(datasets.map((d) => [d.id, 'queued' as const]));
    result.training = await Promise.all(
      datasets.map(async (dataset): Promise<TrainSummary> => {
        const init = config.finetune.from === 'previous' ? initialAdapter(agents, dataset) : null;
        const trained = await callStep(steps, 'finetuneAgent', `${label}: finetune ${dataset.id} on ${dataset.examples} examples`, {
          ...ctx, iteration, dataset, init, stepDir: finetuneStepDir(dir, dataset),
        });
        progress.trainees[dataset.id] = trained.skipped ? 'skipped' : 'done';
        return trained;
      }),
    );
    agents = agentsAfter(variant, agents, Object.fromEntries(result.training.map((t) => [t.trainee, t.adapter])));
  }

  const evalShards = await debate('test', questions.evaluated, agents, stepDir(dir, 'eval-debate'));
  progress.step = 'evaluate';
  result.evaluation = await callStep(steps, 'evaluate', `${label}: accuracy, diversity on ${questions.evaluated} held-out questions`, {
    ...ctx, variant, iteration, debate: evalShards.map((s) => s.path), agents, stepDir: stepDir(dir, 'evaluate'),
  });
  progress.step = 'done';
  return { ...result, agents, evaluation: result.evaluation } as IterationResult;
}

function initialAdapter(agents: AgentSet, dataset: TraineeDataset): string | null {
  if (dataset.agent === 0) return agents.generation[0];
  return dataset.role === 'critic' ? agents.critic[dataset.agent - 1] : agents.generation[dataset.agent - 1];
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
