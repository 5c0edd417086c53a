// The errors a retry cannot fix — bad configuration, data or model files, a full disk, a MAGRPO
// reward function that throws or returns a non-number: the user must act.
// Activities turn them into non-retryable failures (activities/failures.ts) and every workflow
// retry policy lists them (workflows/activity-calls.ts), so both read this one list.
export const nonRetryableErrorNames = ['MaftInputError', 'ConfigError', 'DataError', 'LmInputError', 'DiskFullError', 'RewardFunctionError'] as const;
