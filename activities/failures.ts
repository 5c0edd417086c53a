// Maps errors the user must fix (bad config, data, model files) to non-retryable failures that
// keep the original message (file, line, field); everything else stays retryable.
import { ApplicationFailure } from '@temporalio/activity';
import { nonRetryableErrorNames } from '../experiment/error-names';

const inputErrors = new Set<string>(nonRetryableErrorNames);

export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure || !(err instanceof Error) || !inputErrors.has(err.name)) return err;
  return ApplicationFailure.create({ message: err.message, type: err.name, nonRetryable: true, cause: err });
}

/** A problem with the inputs of a step detected by the pipeline itself. */
export class MaftInputError extends Error {
  override name = 'MaftInputError';
}
