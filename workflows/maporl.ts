// A MAPoRL run (`method: maporl`, Park et al. 2025): prepare the questions, train the verifier
// first when `maporl.verifier: model` (on its own questions), then iterations l = 0..L as child
// workflows `<runId>/iter-<l>` (maporl-iteration.ts), each continuing the policies and value
// models the previous one produced. Same queries, signal, state and results shape as the other
// methods, with the results under the variant "maporl"; iteration 0 is the untrained debate.
import { executeChild } from '@temporalio/workflow';
import { agentSetOf, basePolicies } from '../experiment/maporl-policies';
import type { IterationResult, RunInput, RunState } from '../experiment/run-types';
import { iterationWorkflowId, VERIFIER_DIR } from '../experiment/run-layout';
import { maporlVariant } from '../experiment/variants';
import { callStep } from './activity-calls';
import { maporlIteration } from './maporl-iteration';
import { recordLatestAccuracy, runWorkflow } from './run-workflow';

export async function maporl(input: RunInput): Promise<RunState> {
  const { runId, config, steps, workflowTaskQueue } = input;
  const variant = maporlVariant(config);
  const first = variant.evaluateBase ? 0 : 1;
  const plan = [{ variant, iterations: Array.from({ length: variant.iterations - first + 1 }, (_, i) => first + i) }];
  return runWorkflow(input, plan, async (state, questions) => {
    let verifier: string | null = null;
    if (config.method === 'maporl' && config.maporl.verifier === 'model') {
      state.verifier = await callStep(steps, 'trainVerifier', `verifier: base + LoRA + scalar head on ${questions.verifier ?? 0} questions of its own, labelled by correctness`, {
        runId, config, stepDir: VERIFIER_DIR,
      });
      verifier = state.verifier.adapter;
    }
    let policies = basePolicies(variant.agents, variant.rounds);
    for (const iteration of plan[0].iterations) {
      const workflowId = iterationWorkflowId(runId, variant.name, iteration);
      state.current = { variant: variant.name, iteration, workflowId };
      const result: IterationResult = await executeChild(maporlIteration, {
        workflowId,
        taskQueue: workflowTaskQueue,
        staticSummary: `maporl iteration ${iteration}: ${iteration === 0 ? 'the untrained debate on held-out questions' : 'per PPO batch: debate rollouts, verifier scores, influence-aware rewards and GAE, PPO of every policy and value model; then evaluate'}`,
        args: [{ runId, config, steps, workflowTaskQueue, variant, iteration, agents: agentSetOf(policies), policies, verifier, questions }],
      });
      policies = result.policies ?? policies;
      (state.results[variant.name] ??= []).push(result);
      state.current = null;
      recordLatestAccuracy(input, state, result.evaluation.accuracy);
    }
  });
}
