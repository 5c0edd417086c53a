// A MAGRPO run (`method: magrpo`): prepare the questions, then iterations l = 0..L as child
// workflows `<runId>/iter-<l>` (magrpo-iteration.ts), each starting from the policies the previous
// one produced. Same queries, signal, state and results shape as multiagentFinetune, with the
// results under the variant "magrpo"; MAGRPO has no baselines.
import { executeChild } from '@temporalio/workflow';
import { baseAgents } from '../experiment/agents';
import type { IterationResult, RunInput, RunState } from '../experiment/run-types';
import { iterationWorkflowId } from '../experiment/run-layout';
import { magrpoVariant } from '../experiment/variants';
import { magrpoIteration } from './magrpo-iteration';
import { recordLatestAccuracy, runWorkflow } from './run-workflow';

export async function magrpo(input: RunInput): Promise<RunState> {
  const { runId, config, steps, workflowTaskQueue } = input;
  const variant = magrpoVariant(config);
  const first = variant.evaluateBase ? 0 : 1;
  const plan = [{ variant, iterations: Array.from({ length: variant.iterations - first + 1 }, (_, i) => first + i) }];
  return runWorkflow(input, plan, async (state, questions) => {
    let agents = baseAgents(variant);
    for (const iteration of plan[0].iterations) {
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
      recordLatestAccuracy(input, state, result.evaluation.accuracy);
    }
  });
}
