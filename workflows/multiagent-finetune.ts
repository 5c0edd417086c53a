// One run: prepare the questions, then for the main method and every configured baseline run
// its iterations as child workflows `<runId>/[baselines/<name>/]iter-<l>`, each starting from
// the agents the previous one produced.
import { executeChild } from '@temporalio/workflow';
import { baseAgents } from '../experiment/agents';
import { finetuneIteration } from './finetune-iteration';
import { recordLatestAccuracy, runWorkflow } from './run-workflow';
import type { IterationResult, PlannedVariant, RunInput, RunState } from '../experiment/run-types';
import { iterationWorkflowId } from '../experiment/run-layout';
import { baselineVariant, mainVariant } from '../experiment/variants';

export async function multiagentFinetune(input: RunInput): Promise<RunState> {
  const { runId, config, steps, workflowTaskQueue } = input;
  return runWorkflow(input, planOf(input), async (state, questions) => {
    for (const { variant, iterations } of state.plan) {
      let agents = baseAgents(variant);
      for (const iteration of iterations) {
        // The debate baseline is the method's iteration 0 (the base agents debating): reuse it.
        const iteration0 = state.results['multiagent-ft']?.[0];
        if (variant.name === 'debate' && iteration0?.iteration === 0) {
          state.results.debate = [{ ...iteration0, variant: 'debate' }];
          continue;
        }
        const workflowId = iterationWorkflowId(runId, variant.name, iteration);
        state.current = { variant: variant.name, iteration, workflowId };
        const result: IterationResult = await executeChild(finetuneIteration, {
          workflowId,
          taskQueue: workflowTaskQueue,
          staticSummary: `${variant.name} iteration ${iteration}: ${iteration === 0 ? 'evaluate the agents before finetuning' : 'debate, vote, split datasets, finetune the agents, evaluate'}`,
          args: [{ runId, config, steps, workflowTaskQueue, variant, iteration, agents, questions }],
        });
        agents = result.agents;
        (state.results[variant.name] ??= []).push(result);
        state.current = null;
        if (variant.name === 'multiagent-ft') recordLatestAccuracy(input, state, result.evaluation.accuracy);
      }
    }
  });
}

function planOf({ config }: RunInput): PlannedVariant[] {
  const variants = [mainVariant(config), ...config.baselines.map((name) => baselineVariant(name, config))];
  return variants.map((variant) => {
    const first = variant.evaluateBase ? 0 : 1;
    return { variant, iterations: Array.from({ length: variant.iterations - first + 1 }, (_, i) => first + i) };
  });
}
