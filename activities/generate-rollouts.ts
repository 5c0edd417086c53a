// generateRollouts: MAGRPO's rollout trees (data/method/magrpo/rollouts.ts) on one shard of the
// training questions, as a step — cached by its inputs, heartbeating per model call, and keeping
// every finished turn in partial/ so that a retried attempt (worker crash, timeout) continues
// after it with the rows an uninterrupted attempt writes. MAPoRL's debate transcripts are the
// same process with one completion per agent and turn (K = 1, every turn reached), on training
// questions to learn from and on held-out ones to evaluate.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Context, CancelledFailure } from '@temporalio/activity';
import { readRows, rolloutSchema, writeRows } from '../data/artifacts';
import type { RolloutRow } from '../data/artifacts';
import { jointActions } from '../data/method/magrpo/joint-actions';
import { callsInRollout, runRollouts } from '../data/method/magrpo/rollouts';
import { deriveSeed, streamNames } from '../data/method/seed';
import { inStep, PARTIAL_DIR, partialTurnFile, questionsFile, ROLLOUTS_FILE } from '../experiment/run-layout';
import type { RolloutHeartbeat, RolloutShardInput, RolloutShardSummary } from '../experiment/step-types';
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
        seedOf: (turn: number, agent: number): number => deriveSeed(config.seed, plan.seedTag, ...streamNames(split, [iteration]), shard.index, turn, agent),
      };
      const ctx = Context.current();
      const total = callsInRollout(setup);
      // The heartbeat names the last turn saved in partial/ by an earlier attempt of this very
      // activity (same inputs); only those turns are handed back, and runRollouts checks each
      // against the nodes and prompts it must answer before replaying it.
      const previous = ctx.info.heartbeatDetails as RolloutHeartbeat | undefined;
      const resumeAfter = typeof previous?.turn === 'number' ? previous.turn : 0;
      let last: RolloutHeartbeat = previous ?? { step: 0, total, turn: 0 };
      // The last turn whose rows are in partial/ for this attempt: replayed, or generated and written.
      let saved = 0;
      const beat = (done: number): void => {
        last = { step: done, total, turn: saved };
        ctx.heartbeat(last);
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('rollouts cancelled');
      };
      const partial = (turn: number): string => join(dir, partialTurnFile(turn));
      const ignore = (turn: number, reason: string): void => {
        saved = turn - 1;
        deps.log?.info(`${stepDir}: attempt ${ctx.info.attempt} ignores ${partial(turn)} and generates turn ${turn} again: ${reason}`);
      };
      const result = await heartbeatWhile(
        () => last,
        () =>
          runRollouts(model, setup, beat, {
            saved: async (turn): Promise<readonly RolloutRow[] | undefined> => {
              if (turn > resumeAfter || !existsSync(partial(turn))) return undefined;
              try {
                const rows = await readRows(rolloutSchema, partial(turn));
                saved = turn;
                return rows;
              } catch (err) {
                ignore(turn, err instanceof Error ? err.message : String(err));
                return undefined;
              }
            },
            rejected: ignore,
            afterTurn: async (turn, rows, done) => {
              await writeRows(rolloutSchema, partial(turn), rows);
              saved = turn;
              beat(done);
            },
          }),
      );
      if (result.replayedTurns > 0) deps.log?.info(`${stepDir}: attempt ${ctx.info.attempt} resumed after turn ${result.replayedTurns}`);
      const written = await writeRows(rolloutSchema, join(dir, ROLLOUTS_FILE), result.rows);
      await rm(join(dir, PARTIAL_DIR), { recursive: true, force: true });
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
