// generateRollouts: MAGRPO's rollout trees (data/method/magrpo/rollouts.ts) on one shard of the
// training questions, as a step — cached by its inputs and heartbeating per model call. A retried
// attempt recomputes the shard (its seeds make it the same rows).
import { join } from 'node:path';
import { Context, CancelledFailure } from '@temporalio/activity';
import { rolloutSchema, writeRows } from '../data/artifacts';
import { jointActions } from '../data/method/magrpo/joint-actions';
import { callsInRollout, runRollouts } from '../data/method/magrpo/rollouts';
import { deriveSeed } from '../data/method/seed';
import { inStep, questionsFile, ROLLOUTS_FILE, shardDir } from '../experiment/run-layout';
import type { RolloutShardInput, RolloutShardSummary, StepHeartbeat } from '../experiment/step-types';
import type { ActivityDeps } from './deps';
import { MaftInputError } from './failures';
import { loadJointReward, rewardKey } from './magrpo-reward';
import type { ModelPool } from './model-pool';
import { readQuestions, samplingOf, taskOf } from './run-files';
import { cachedStep, runDirOf } from './step-cache';

export async function generateRollouts(deps: ActivityDeps, models: ModelPool, input: RolloutShardInput): Promise<RolloutShardSummary> {
  const { runId, config, variant, iteration, shard, policies } = input;
  if (config.method !== 'magrpo') throw new MaftInputError(`generateRollouts runs for method magrpo, not "${config.method}"`);
  const magrpo = config.magrpo;
  const stepDir = shardDir(input.stepDir, shard.index);
  // The reward decides which branches expand only with a termination threshold.
  const expandsByReward = magrpo.terminationThreshold !== null && variant.rounds > 1;
  return cachedStep(deps, {
    step: 'generateRollouts',
    runId,
    stepDir,
    inputs: {
      model: config.model.path,
      task: config.task.name,
      promptStyle: config.task.promptStyle,
      sampling: config.sampling,
      seed: config.seed,
      k: magrpo.numGenerations,
      jointMode: magrpo.jointMode,
      terminationThreshold: magrpo.terminationThreshold,
      reward: expandsByReward ? await rewardKey(magrpo.reward) : null,
      variant,
      iteration,
      shard,
      policies,
    },
    inputPaths: [questionsFile('train'), ...policies.filter((p): p is string => p !== null)],
    compute: async (dir) => {
      const task = taskOf(config);
      const questions = (await readQuestions(deps, runId, 'train')).slice(shard.start, shard.end);
      const model = await models.get(config.model.path, { device: config.model.device, threads: config.model.threads });
      const runDir = runDirOf(deps, runId);
      const reward = expandsByReward ? await loadJointReward(magrpo.reward, task) : () => Promise.resolve(0);
      const setup = {
        task,
        questions,
        agents: variant.agents,
        turns: variant.rounds,
        k: magrpo.numGenerations,
        actions: jointActions(variant.agents, magrpo.numGenerations, magrpo.jointMode),
        terminationThreshold: expandsByReward ? magrpo.terminationThreshold : null,
        reward,
        adapterOf: (_turn: number, agent: number): string | undefined => (policies[agent - 1] === null ? undefined : join(runDir, policies[agent - 1]!)),
        sampling: samplingOf(config),
        seedOf: (turn: number, agent: number): number => deriveSeed(config.seed, 'magrpo-rollouts', iteration, shard.index, turn, agent),
      };
      const ctx = Context.current();
      const total = callsInRollout(setup);
      const result = await runRollouts(model, setup, (done) => {
        ctx.heartbeat({ step: done, total } satisfies StepHeartbeat);
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('rollouts cancelled');
      });
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
