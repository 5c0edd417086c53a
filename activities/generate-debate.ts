// generateDebate: the debate of data/method/debate.ts on one shard of questions, as a step —
// cached by its inputs, heartbeating per model call, and keeping every finished round in
// partial/ so that a retried attempt (worker crash, timeout) continues after it.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Context, CancelledFailure } from '@temporalio/activity';
import { debateSchema, readRows, writeRows } from '../data/artifacts';
import type { DebateRole, DebateRow } from '../data/artifacts';
import { callsInDebate, runDebate } from '../data/method/debate';
import type { DebateSetup } from '../data/method/debate';
import { deriveSeed, streamNames } from '../data/method/seed';
import { adaptersOf } from '../experiment/agents';
import { DEBATE_FILE, inStep, PARTIAL_DIR, partialRoundFile, questionsFile, shardDir } from '../experiment/run-layout';
import type { DebateHeartbeat, DebateShardInput, DebateShardSummary } from '../experiment/step-types';
import type { ActivityDeps } from './deps';
import type { ModelPool } from './model-pool';
import { generationKey, readQuestions, samplingOf, taskOf } from './run-files';
import { heartbeatWhile } from './heartbeat-while';
import { cachedStep, runDirOf } from './step-cache';

export async function generateDebate(deps: ActivityDeps, models: ModelPool, input: DebateShardInput): Promise<DebateShardSummary> {
  const { runId, config, variant, iteration, split, shard, agents } = input;
  const stepDir = shardDir(input.stepDir, shard.index);
  return cachedStep(deps, {
    step: 'generateDebate',
    runId,
    stepDir,
    inputs: {
      ...generationKey(config),
      style: config.debate.style,
      seed: config.seed,
      variant,
      iteration,
      split,
      shard,
      agents,
    },
    inputPaths: [questionsFile(split), ...adaptersOf(agents)],
    compute: async (dir) => {
      const questions = (await readQuestions(deps, runId, split)).slice(shard.start, shard.end);
      const model = await models.get(config.model.path, { device: config.model.device, threads: config.model.threads });
      const runDir = runDirOf(deps, runId);
      const adapterDir = (a: string | null): string | undefined => (a === null ? undefined : join(runDir, a));
      const setup: DebateSetup = {
        task: taskOf(config),
        questions,
        agents: variant.agents,
        rounds: variant.rounds,
        style: config.debate.style,
        summarize: variant.summarize,
        generationAdapters: agents.generation.map(adapterDir),
        criticAdapters: agents.critic.map(adapterDir),
        sampling: samplingOf(config),
        seedOf: (round: number, agent: number, role: DebateRole): number => deriveSeed(config.seed, ...streamNames(split, [variant.name, iteration, split]), shard.index, round, agent, role),
      };
      const total = callsInDebate(setup);
      const ctx = Context.current();
      // The heartbeat names the last round saved in partial/; those rounds are handed back.
      const previous = ctx.info.heartbeatDetails as DebateHeartbeat | undefined;
      let last: DebateHeartbeat = previous ?? { step: 0, total, round: 0 };
      const beat = (done: number, round: number): void => {
        last = { step: done, total, round };
        ctx.heartbeat(last);
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('debate cancelled');
      };
      const partial = (round: number): string => join(dir, partialRoundFile(round));
      const finished: DebateRow[][] = [];
      const resumeAfter = previous?.round ?? 0;
      for (let round = 1; round <= resumeAfter && existsSync(partial(round)); round++) {
        finished.push(await readRows(debateSchema, partial(round)));
      }
      if (finished.length > 0) deps.log?.info(`${stepDir}: attempt ${ctx.info.attempt} resumes after round ${finished.length}`);

      const debate = await heartbeatWhile(
        () => last,
        () =>
          runDebate(model, setup, {
            finished,
            afterCall: beat,
            afterRound: async (round, rows, done) => {
              await writeRows(debateSchema, partial(round), rows);
              beat(done, round);
            },
          }),
      );
      const written = await writeRows(debateSchema, join(dir, DEBATE_FILE), debate.rows);
      await rm(join(dir, PARTIAL_DIR), { recursive: true, force: true });
      return {
        outputs: [written],
        summary: { path: inStep(stepDir, DEBATE_FILE), questions: questions.length, calls: debate.calls, generatedTokens: debate.generatedTokens },
      };
    },
  });
}
