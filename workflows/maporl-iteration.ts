// One MAPoRL iteration l (Park et al. 2025, section 3; the public code's PPO loop): the training
// questions in PPO batches of maporl.ppo.batchSize, and for each batch, on the policies of the
// moment — the agents debate every question of the batch for T turns (generateRollouts, one
// completion per agent and turn), every response is scored (scoreRollouts: verifier, old and
// reference log-probs, values), rewards and advantages follow (computePpoAdvantages), then every
// trainee's policy and value model take their PPO epochs in parallel (ppoUpdate). After the last
// batch the agents debate the held-out questions and are evaluated as the other methods' agents
// are. Iteration 0 only evaluates: the untrained debate.
import { setHandler } from '@temporalio/workflow';
import { agentSetOf, policiesAfter, policyTrainees, traineeModels } from '../experiment/maporl-policies';
import type { PolicySet } from '../experiment/maporl-policies';
import type { IterationProgress, IterationResult, MaporlIterationInput, PpoBatchResult } from '../experiment/run-types';
import { batchDir, iterationDir, ppoStepDir, shardDir, stepDir } from '../experiment/run-layout';
import { callStep } from './activity-calls';
import { iterationProgressQuery } from './definitions';
import { onShards, questionShards } from './shards';

export async function maporlIteration(input: MaporlIterationInput): Promise<IterationResult> {
  const { runId, config, steps, variant, iteration, questions, verifier } = input;
  const ctx = { runId, config };
  const dir = iterationDir(variant.name, iteration);
  const label = `${variant.name} iteration ${iteration}`;
  const progress: IterationProgress = { variant: variant.name, iteration, step: 'generateRollouts', split: 'train', shards: { done: 0, total: 0 }, trainees: {} };
  setHandler(iterationProgressQuery, () => progress);

  let policies: PolicySet = input.policies;
  const ppoBatches: PpoBatchResult[] = [];
  if (iteration > 0 && config.method === 'maporl') {
    // The shared-policy baseline trains one policy for every agent and trained turn.
    const parameters = variant.training === 'shared' ? 'shared' : config.maporl.parameters;
    const trainees = policyTrainees({ parameters, trainTurns: config.maporl.trainTurns }, variant.agents, variant.rounds);
    const batches = questionShards(questions.train, config.maporl.ppo.batchSize);
    progress.shards = { done: 0, total: batches.length };
    for (const range of batches) {
      const batch = range.index + 1;
      const bdir = batchDir(dir, batch);
      const of = `PPO batch ${batch}/${range.count} (training questions ${range.start + 1}–${range.end})`;
      progress.step = 'generateRollouts';
      const rollouts = await callStep(steps, 'generateRollouts', `${label}: debate of ${of}`, {
        ...ctx, variant, iteration, split: 'train', shard: range, policies: policies.policy, stepDir: stepDir(bdir, 'rollouts'),
      });
      progress.step = 'scoreRollouts';
      const scores = await callStep(steps, 'scoreRollouts', `${label}: verifier scores, old and reference log-probs, values of ${of}`, {
        ...ctx, iteration, rollouts: rollouts.path, policies, verifier, stepDir: stepDir(bdir, 'scores'),
      });
      progress.step = 'computePpoAdvantages';
      const advantages = await callStep(steps, 'computePpoAdvantages', `${label}: influence-aware rewards, incentives, GAE of ${of}`, {
        ...ctx, iteration, rollouts: rollouts.path, scores: scores.path, stepDir: stepDir(bdir, 'advantages'),
      });
      progress.step = 'ppoUpdate';
      progress.trainees = Object.fromEntries(trainees.flatMap((t) => [[`policy-${t.id}`, 'queued' as const], [`value-${t.id}`, 'queued' as const]]));
      const updated = await Promise.all(
        trainees.map(async (trainee) => {
          const current = traineeModels(policies, trainee);
          const update = async (model: 'policy' | 'value') => {
            const trained = await callStep(steps, 'ppoUpdate', `${label}: PPO of ${model === 'policy' ? 'the policy' : 'the value model'} ${trainee.id}, ${of}`, {
              ...ctx, iteration, batch, trainee, model, rollouts: rollouts.path, scores: scores.path, advantages: advantages.path, init: current[model], stepDir: ppoStepDir(bdir, model, trainee.id),
            });
            progress.trainees[trained.trainee] = 'done';
            return trained;
          };
          const [policy, value] = await Promise.all([update('policy'), update('value')]);
          return { trainee, policy, value };
        }),
      );
      policies = policiesAfter(policies, updated.map((u) => ({ trainee: u.trainee, policy: u.policy.adapter, value: u.value.adapter })));
      ppoBatches.push({ batch, rollouts, scores, advantages, training: updated.flatMap((u) => [u.policy, u.value]) });
      progress.shards.done++;
    }
  }

  const agents = agentSetOf(policies);
  const transcripts = await onShards(progress, 'generateRollouts', 'test', questions.evaluated, config.debate.shardSize, (shard) =>
    callStep(steps, 'generateRollouts', `${label}: evaluation debate on questions ${shard.start + 1}–${shard.end} (shard ${shard.index + 1}/${shard.count})`, {
      ...ctx, variant, iteration, split: 'test', shard, policies: policies.policy, stepDir: shardDir(stepDir(dir, 'eval-rollouts'), shard.index),
    }),
  );
  progress.step = 'evaluate';
  const evaluation = await callStep(steps, 'evaluate', `${label}: accuracy per turn, diversity on ${questions.evaluated} held-out questions`, {
    ...ctx, variant, iteration, debate: transcripts.map((s) => s.path), from: 'rollouts', agents, stepDir: stepDir(dir, 'evaluate'),
  });
  progress.step = 'done';
  return {
    variant: variant.name,
    iteration,
    agents,
    policies,
    ...(ppoBatches.length > 0 ? { ppoBatches, training: ppoBatches[ppoBatches.length - 1].training } : {}),
    evaluation,
  };
}
