// generateRollouts: MAGRPO's rollout trees (data/method/magrpo/rollouts.ts) on one shard of the
// training questions, as a step — cached by its inputs and heartbeating per model call. A retried
// attempt recomputes the shard (its seeds make it the same rows). MAPoRL's debate transcripts are
// the same process with one completion per agent and turn (K = 1, every turn reached), on
// training questions to learn from and on held-out ones to evaluate.
import { join } from 'node:path';
import { Context, CancelledFailure } from '@temporalio/activity';
import { rolloutSchema, writeRows } from '../data/artifacts';
import { jointActions } from '../data/method/magrpo/joint-actions';
import { callsInRollout, runRollouts } from '../data/method/magrpo/rollouts';
import { deriveSeed } from '../data/method/seed';
import { inStep, questionsFile, ROLLOUTS_FILE } from '../experiment/run-layout';
import type { RolloutShardInput, RolloutShardSummary, StepHeartbeat } from '../experiment/step-types';
import type { ActivityDeps } from './deps';
import { MaftInputError } from './failures';
import { loadJointReward, rewardKey } from './magrpo-reward';
import type { MagrpoConfig } from '../experiment/magrpo-schema';
import type { ModelPool } from './model-pool';
import { generationKey, readQuestions, samplingOf, taskOf } from './run-files';
import { heartbeatWhile } from './heartbeat-while';
import { cachedStep, runDirOf } from './step-cache';

/** How a method rolls out: K per agent and node, joint actions, and whether a reward can stop a branch. */
function rolloutPlan(config: RolloutShardInput['config'], split: RolloutShardInput['split']): { k: number; jointMode: 'aligned' | 'cross'; terminationThreshold: number | null; reward: MagrpoConfig['reward'] | null; seedTag: string } {
  if (config.method === 'magrpo') {
    if (split !== 'train') throw new MaftInputError('MAGRPO rolls out on training questions only (it evaluates with generateDebate)');
    const m = config.magrpo;
    return { k: m.numGenerations, jointMode: m.jointMode, terminationThreshold: config.rounds > 1 ? m.terminationThreshold : null, reward: m.reward, seedTag: 'magrpo-rollouts' };
  }
  if (config.method === 'maporl') return { k: 1, jointMode: 'aligned', terminationThreshold: null, reward: null, seedTag: `maporl-rollouts-${split}` };
  throw new MaftInputError(`generateRollouts runs for methods magrpo and maporl, not "${config.method}"`);
}

export async function generateRollouts(deps: ActivityDeps, models: ModelPool, input: RolloutShardInput): Promise<RolloutShardSummary> {
  const { runId, config, variant, iteration, split, shard, policies, stepDir } = input;
  const plan = rolloutPlan(config, split);
  if (policies.length !== variant.rounds || policies.some((turn) => turn.length !== variant.agents)) {
    throw new MaftInputError(`generateRollouts: policies must be ${variant.rounds} turns × ${variant.agents} agents`);
  }
  // The reward decides which branches expand only with a termination threshold.
  const expandsByReward = plan.terminationThreshold !== null && plan.reward !== null;
  return cachedStep(deps, {
    step: 'generateRollouts',
    runId,
    stepDir,
    inputs: {
      ...generationKey(config),
      seed: config.seed,
      k: plan.k,
      jointMode: plan.jointMode,
      terminationThreshold: plan.terminationThreshold,
      reward: expandsByReward ? await rewardKey(plan.reward!) : null,
      variant,
      iteration,
      split,
      shard,
      policies,
    },
    inputPaths: [questionsFile(split), ...new Set(policies.flat().filter((p): p is string => p !== null))],
    compute: async (dir) => {
      const task = taskOf(config);
      const questions = (await readQuestions(deps, runId, split)).slice(shard.start, shard.end);
      const model = await models.get(config.model.path, { device: config.model.device, threads: config.model.threads });
      const runDir = runDirOf(deps, runId);
      const reward = expandsByReward ? await loadJointReward(plan.reward!, task) : () => Promise.resolve(0);
      const setup = {
        task,
        questions,
        agents: variant.agents,
        turns: variant.rounds,
        k: plan.k,
        actions: jointActions(variant.agents, plan.k, plan.jointMode),
        terminationThreshold: expandsByReward ? plan.terminationThreshold : null,
        reward,
        adapterOf: (turn: number, agent: number): string | undefined => {
          const policy = policies[turn - 1][agent - 1];
          return policy === null ? undefined : join(runDir, policy);
        },
        sampling: samplingOf(config),
        seedOf: (turn: number, agent: number): number => deriveSeed(config.seed, plan.seedTag, iteration, shard.index, turn, agent),
      };
      const ctx = Context.current();
      const total = callsInRollout(setup);
      let last: StepHeartbeat = { step: 0, total };
      const result = await heartbeatWhile(
        () => last,
        () =>
          runRollouts(model, setup, (done) => {
            last = { step: done, total };
            ctx.heartbeat(last);
            if (ctx.cancellationSignal.aborted) throw new CancelledFailure('rollouts cancelled');
          }),
      );
      const written = await writeRows(rolloutSchema, join(dir, ROLLOUTS_FILE), result.rows);
      return {
        outputs: [written],
        summary: {
          path: inStep(stepDir, ROLLOUTS_FILE),
          questions: questions.length,
          nodes: result.nodesPerTurn.reduce((a, b) => a + b, 0),
          completions: result.rows.length,
          nodesPerTurn: result.nodesPerTurn,
          generatedTokens: result.generatedTokens,
        },
      };
    },
  });
}
