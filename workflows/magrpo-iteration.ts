// One MAGRPO iteration l (Liu et al. 2025; CoMLRL's MAGRPOTrainer): rollout trees of every agent on
// the training questions (sharded), joint rewards → tree returns → group-relative advantages, a
// policy-gradient update of every agent in parallel, then the agents debate the held-out questions
// (rounds = turns) and are evaluated as multiagent-ft's agents are. Iteration 0 only evaluates.
import { setHandler } from '@temporalio/workflow';
import type { AgentSet } from '../experiment/agents';
import type { IterationInput, IterationProgress, IterationResult } from '../experiment/run-types';
import { iterationDir, policyStepDir, shardDir, stepDir } from '../experiment/run-layout';
import type { TrainSummary } from '../experiment/step-types';
import { callStep } from './activity-calls';
import { iterationProgressQuery } from './definitions';
import { onShards } from './shards';

export async function magrpoIteration(input: IterationInput): Promise<IterationResult> {
  const { runId, config, steps, variant, iteration, questions } = input;
  const ctx = { runId, config };
  const dir = iterationDir(variant.name, iteration);
  const label = `${variant.name} iteration ${iteration}`;
  const progress: IterationProgress = { variant: variant.name, iteration, step: 'generateRollouts', split: 'train', shards: { done: 0, total: 0 }, trainees: {} };
  setHandler(iterationProgressQuery, () => progress);

  const result: Partial<IterationResult> = { variant: variant.name, iteration };
  let agents: AgentSet = input.agents;
  if (iteration > 0) {
    // One policy per agent, used in every turn (generation and critic slots alike).
    const policies = agents.generation;
    const variantTurns = Array.from({ length: variant.rounds }, (_, t) => t + 1);
    const rollouts = await onShards(progress, 'generateRollouts', 'train', questions.train, config.debate.shardSize, (shard) =>
      callStep(steps, 'generateRollouts', `${label}: rollout trees on training questions ${shard.start + 1}–${shard.end} (shard ${shard.index + 1}/${shard.count})`, {
        ...ctx, variant, iteration, split: 'train', shard, policies: variantTurns.map(() => policies), stepDir: shardDir(stepDir(dir, 'rollouts'), shard.index),
      }),
    );
    const rolloutFiles = rollouts.map((s) => s.path);
    result.rollouts = { shards: rollouts, questions: sum(rollouts.map((s) => s.questions)), completions: sum(rollouts.map((s) => s.completions)) };

    progress.step = 'computeAdvantages';
    result.advantages = await callStep(steps, 'computeAdvantages', `${label}: joint rewards, tree returns, group advantages of ${result.rollouts.completions} completions`, {
      ...ctx, iteration, rollouts: rolloutFiles, stepDir: stepDir(dir, 'advantages'),
    });

    progress.step = 'policyUpdate';
    // The shared-policy baseline updates one policy (agent 0) on every agent's completions.
    const agentNumbers = variant.training === 'shared' ? [0] : policies.map((_, i) => i + 1);
    progress.trainees = Object.fromEntries(agentNumbers.map((n) => [n === 0 ? 'shared' : `agent-${n}`, 'queued' as const]));
    const advantages = result.advantages.path;
    result.training = await Promise.all(
      agentNumbers.map(async (agent): Promise<TrainSummary> => {
        const trained = await callStep(steps, 'policyUpdate', `${label}: policy gradient of ${agent === 0 ? 'the shared policy' : `agent ${agent}`}`, {
          ...ctx, iteration, agent, rollouts: rolloutFiles, advantages, init: policies[Math.max(0, agent - 1)], stepDir: policyStepDir(dir, agent),
        });
        progress.trainees[trained.trainee] = 'done';
        return trained;
      }),
    );
    const updated = agentNumbers[0] === 0 ? policies.map(() => result.training![0].adapter) : result.training.map((t) => t.adapter);
    agents = { generation: updated, critic: [...updated] };
  }

  const debate = await onShards(progress, 'generateDebate', 'test', questions.evaluated, config.debate.shardSize, (shard) =>
    callStep(steps, 'generateDebate', `${label}: evaluation debate on questions ${shard.start + 1}–${shard.end} (shard ${shard.index + 1}/${shard.count})`, {
      ...ctx, variant, iteration, split: 'test', shard, agents, stepDir: stepDir(dir, 'eval-debate'),
    }),
  );
  progress.step = 'evaluate';
  result.evaluation = await callStep(steps, 'evaluate', `${label}: accuracy, diversity on ${questions.evaluated} held-out questions`, {
    ...ctx, variant, iteration, debate: debate.map((s) => s.path), agents, stepDir: stepDir(dir, 'evaluate'),
  });
  progress.step = 'done';
  return { ...result, agents, evaluation: result.evaluation } as IterationResult;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
