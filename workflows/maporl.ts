// A MAPoRL run (`method: maporl`, Park et al. 2025): prepare the questions, train the verifier
// first when `maporl.verifier: model` (on its own questions), then iterations l = 0..L as child
// workflows `<runId>/iter-<l>` (maporl-iteration.ts), each continuing the policies and value
// models the previous one produced, then the baselines in `maporl.baselines` (rl-run.ts). The
// results are under the variant "maporl"; iteration 0 is the untrained debate.
import { executeChild } from '@temporalio/workflow';
import { agentSetOf, basePolicies } from '../experiment/maporl-policies';
import type { RunInput, RunState } from '../experiment/run-types';
import { VERIFIER_DIR } from '../experiment/run-layout';
import { maporlVariant } from '../experiment/variants';
import { callStep } from './activity-calls';
import { maporlIteration } from './maporl-iteration';
import { rlRun } from './rl-run';

export async function maporl(input: RunInput): Promise<RunState> {
  const { runId, config, steps, workflowTaskQueue } = input;
  let verifier: string | null = null;
  return rlRun(input, {
    variant: maporlVariant(config),
    baselines: config.method === 'maporl' ? config.maporl.baselines : [],
    before: async (state, questions) => {
      if (config.method !== 'maporl' || config.maporl.verifier !== 'model') return;
      state.verifier = await callStep(steps, 'trainVerifier', `verifier: base + LoRA + scalar head on ${questions.verifier ?? 0} questions of its own, labelled by correctness`, {
        runId, config, stepDir: VERIFIER_DIR,
      });
      verifier = state.verifier.adapter;
    },
    iterate: ({ variant, iteration, previous, questions, workflowId }) => {
      const policies = previous?.policies ?? basePolicies(variant.agents, variant.rounds);
      return executeChild(maporlIteration, {
        workflowId,
        taskQueue: workflowTaskQueue,
        staticSummary: `${variant.name} iteration ${iteration}: ${iteration === 0 ? 'the untrained debate on held-out questions' : 'per PPO batch: debate rollouts, verifier scores, influence-aware rewards and GAE, PPO of every policy and value model; then evaluate'}`,
        args: [{ runId, config, steps, workflowTaskQueue, variant, iteration, agents: agentSetOf(policies), policies, verifier, questions }],
      });
    },
  });
}
