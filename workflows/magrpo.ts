// A MAGRPO run (`method: magrpo`): prepare the questions, then iterations l = 0..L as child
// workflows `<runId>/iter-<l>` (magrpo-iteration.ts), each starting from the policies the previous
// one produced. Same queries, signal, state and results shape as multiagentFinetune, with the
// results under the variant "magrpo"; MAGRPO has no baselines.
import {
  CancellationScope,
  executeChild,
  isCancellation,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { baseAgents } from '../experiment/agents';
import type { IterationResult, RunInput, RunState } from '../experiment/run-types';
import { iterationWorkflowId } from '../experiment/run-layout';
import { magrpoVariant } from '../experiment/variants';
import { callStep } from './activity-calls';
import { accuracyAttribute, cancelSignal, progressQuery, runIdAttribute } from './definitions';
import { magrpoIteration } from './magrpo-iteration';

export async function magrpo(input: RunInput): Promise<RunState> {
  const { runId, config, steps, workflowTaskQueue } = input;
  const variant = magrpoVariant(config);
  const first = variant.evaluateBase ? 0 : 1;
  const state: RunState = {
    runId,
    status: 'running',
    plan: [{ variant, iterations: Array.from({ length: variant.iterations - first + 1 }, (_, i) => first + i) }],
    questions: null,
    current: null,
    results: {},
    latestAccuracy: null,
    cancelReason: null,
  };
  const work = new CancellationScope();
  setHandler(progressQuery, () => state);
  setHandler(cancelSignal, (reason?: string) => {
    if (state.status !== 'running') return;
    state.status = 'cancelling';
    state.cancelReason = reason ?? 'cancelled by request';
    work.cancel();
  });
  if (input.searchAttributes) upsertSearchAttributes([{ key: runIdAttribute, value: runId }]);

  try {
    await work.run(async () => {
      const questions = await callStep(steps, 'prepareRun', `prepare ${config.task.name}: ${config.task.trainSize} train / ${config.task.testSize} test questions`, { runId, config });
      state.questions = questions;
      let agents = baseAgents(variant);
      for (const iteration of state.plan[0].iterations) {
        const workflowId = iterationWorkflowId(runId, variant.name, iteration);
        state.current = { variant: variant.name, iteration, workflowId };
        const result: IterationResult = await executeChild(magrpoIteration, {
          workflowId,
          taskQueue: workflowTaskQueue,
          staticSummary: `magrpo iteration ${iteration}: ${iteration === 0 ? 'evaluate the agents before training' : 'rollout trees, joint rewards and advantages, policy gradient of every agent, evaluate'}`,
          args: [{ runId, config, steps, workflowTaskQueue, variant, iteration, agents, questions }],
        });
        agents = result.agents;
        (state.results[variant.name] ??= []).push(result);
        state.current = null;
        state.latestAccuracy = result.evaluation.accuracy;
        if (input.searchAttributes) upsertSearchAttributes([{ key: accuracyAttribute, value: result.evaluation.accuracy }]);
      }
    });
    state.status = 'completed';
  } catch (err) {
    if (!(state.status === 'cancelling' && isCancellation(err))) throw err;
    state.status = 'cancelled';
    state.current = null;
  }
  return state;
}
