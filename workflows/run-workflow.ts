// What every run workflow does around its iterations: the run's state behind the `progress`
// query, the graceful `cancel` signal, the MaftRunId search attribute, preparing the questions
// once, and ending as completed or cancelled (a cancelled run keeps its finished iterations and
// can be resumed). Each method supplies only its loop over iterations.
import { CancellationScope, isCancellation, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { PlannedVariant, RunInput, RunState } from '../experiment/run-types';
import type { PreparedRun } from '../experiment/step-types';
import { callStep } from './activity-calls';
import { accuracyAttribute, cancelSignal, progressQuery, runIdAttribute } from './definitions';

export async function runWorkflow(input: RunInput, plan: PlannedVariant[], iterate: (state: RunState, questions: PreparedRun) => Promise<void>): Promise<RunState> {
  const { runId, config, steps } = input;
  const state: RunState = {
    runId,
    status: 'running',
    plan,
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
      await iterate(state, questions);
    });
    state.status = 'completed';
  } catch (err) {
    if (!(state.status === 'cancelling' && isCancellation(err))) throw err;
    state.status = 'cancelled';
    state.current = null;
  }
  return state;
}

/** The main method's latest accuracy, in the state and in the MaftAccuracy search attribute. */
export function recordLatestAccuracy(input: RunInput, state: RunState, accuracy: number): void {
  state.latestAccuracy = accuracy;
  if (input.searchAttributes) upsertSearchAttributes([{ key: accuracyAttribute, value: accuracy }]);
}
