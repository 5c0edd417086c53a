// Messages of the workflows, in one place: the client imports these to query and signal.
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IterationProgress, RunState } from '../experiment/run-types';

/** The run's state: plan, completed iterations and their metrics, current iteration. */
export const progressQuery = defineQuery<RunState>('progress');

/** The current step of one iteration: shards done, trainees running or done. */
export const iterationProgressQuery = defineQuery<IterationProgress>('iterationProgress');

/** Stops the run gracefully: running steps are cancelled, completed results are kept and returned. */
export const cancelSignal = defineSignal<[reason?: string]>('cancel');

export const runIdAttribute = defineSearchAttributeKey('MaftRunId', 'KEYWORD');
export const accuracyAttribute = defineSearchAttributeKey('MaftAccuracy', 'DOUBLE');
