// What a MAPoRL or MAGRPO run does around its iterations: the plan (the method, then each of its
// baselines in `<method>.baselines`), iterations l = 0..L of each variant as child workflows
// `<runId>/[baselines/<name>/]iter-<l>` continuing from the previous one's result, the
// multiagent-sft baseline's iterations as multiagent finetuning's own, and the method's latest
// accuracy. Each method supplies its iteration child (also run by its shared-policy baseline).
import { executeChild } from '@temporalio/workflow';
import { baseAgents } from '../experiment/agents';
import type { RlBaselineName } from '../experiment/rl-baselines';
import type { IterationResult, RunInput, RunState } from '../experiment/run-types';
import { iterationWorkflowId } from '../experiment/run-layout';
import type { PreparedRun } from '../experiment/step-types';
import { rlBaselineVariant } from '../experiment/variants';
import type { Variant } from '../experiment/variants';
import { finetuneIteration } from './finetune-iteration';
import { recordLatestAccuracy, runWorkflow } from './run-workflow';

export interface RlMethod {
  variant: Variant;
  baselines: readonly RlBaselineName[];
  /** Work before the first iteration (MAPoRL's verifier). */
  before?(state: RunState, questions: PreparedRun): Promise<void>;
  /** One iteration of the method or of its shared-policy baseline, as the child workflow `workflowId`. */
  iterate(args: { variant: Variant; iteration: number; previous: IterationResult | undefined; questions: PreparedRun; workflowId: string }): Promise<IterationResult>;
}

export async function rlRun(input: RunInput, method: RlMethod): Promise<RunState> {
  const { runId, config, steps, workflowTaskQueue } = input;
  const plan = [method.variant, ...method.baselines.map((name) => rlBaselineVariant(name, config, method.variant))].map((variant) => {
    const first = variant.evaluateBase ? 0 : 1;
    return { variant, iterations: Array.from({ length: variant.iterations - first + 1 }, (_, i) => first + i) };
  });
  return runWorkflow(input, plan, async (state, questions) => {
    await method.before?.(state, questions);
    for (const { variant, iterations } of plan) {
      let previous: IterationResult | undefined;
      for (const iteration of iterations) {
        const workflowId = iterationWorkflowId(runId, variant.name, iteration);
        state.current = { variant: variant.name, iteration, workflowId };
        const result: IterationResult =
          variant.name === 'multiagent-sft'
            ? await executeChild(finetuneIteration, {
                workflowId,
                taskQueue: workflowTaskQueue,
                staticSummary: `multiagent-sft iteration ${iteration}: debate, vote, split datasets, finetune the agents, evaluate`,
                args: [{ runId, config, steps, workflowTaskQueue, variant, iteration, agents: previous?.agents ?? baseAgents(variant), questions }],
              })
            : await method.iterate({ variant, iteration, previous, questions, workflowId });
        previous = result;
        (state.results[variant.name] ??= []).push(result);
        state.current = null;
        if (variant.name === method.variant.name) recordLatestAccuracy(input, state, result.evaluation.accuracy);
      }
    }
  });
}
