// A MAGRPO run (`method: magrpo`): prepare the questions, then iterations l = 0..L as child
// workflows `<runId>/iter-<l>` (magrpo-iteration.ts), each starting from the policies the previous
// one produced, then the baselines in `magrpo.baselines` (rl-run.ts). The results are under the
// variant "magrpo"; iteration 0 is the untrained debate.
import { executeChild } from '@temporalio/workflow';
import { baseAgents } from '../experiment/agents';
import type { RunInput, RunState } from '../experiment/run-types';
import { magrpoVariant } from '../experiment/variants';
import { magrpoIteration } from './magrpo-iteration';
import { rlRun } from './rl-run';

export async function magrpo(input: RunInput): Promise<RunState> {
  const { runId, config, steps, workflowTaskQueue } = input;
  return rlRun(input, {
    variant: magrpoVariant(config),
    baselines: config.method === 'magrpo' ? config.magrpo.baselines : [],
    iterate: ({ variant, iteration, previous, questions, workflowId }) =>
      executeChild(magrpoIteration, {
        workflowId,
        taskQueue: workflowTaskQueue,
        staticSummary: `${variant.name} iteration ${iteration}: ${iteration === 0 ? 'evaluate the agents before training' : 'rollout trees, joint rewards and advantages, policy gradient of every agent, evaluate'}`,
        args: [{ runId, config, steps, workflowTaskQueue, variant, iteration, agents: previous?.agents ?? baseAgents(variant), questions }],
      }),
  });
}
