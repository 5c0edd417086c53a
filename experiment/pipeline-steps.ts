// The steps of a run's pipeline: each is one activity (one retryable unit of work), runs on the
// cpu or gpu task queue, and gets its timeouts and retries from temporal.yaml (resolved by the
// client into StepOptions, which workflows receive in their input).
export const pipelineSteps = [
  'prepareRun',
  'generateDebate',
  'majorityVote',
  'splitAgentDatasets',
  'finetuneAgent',
  'evaluate',
  // MAGRPO (workflows/magrpo-iteration.ts): rollout trees, joint rewards and advantages, policy gradient.
  'generateRollouts',
  'computeAdvantages',
  'policyUpdate',
  // MAPoRL (workflows/maporl-iteration.ts): per PPO batch, rollouts (above), scores, advantages, PPO.
  'trainVerifier',
  'scoreRollouts',
  'computePpoAdvantages',
  'ppoUpdate',
] as const;
export type PipelineStep = (typeof pipelineSteps)[number];

/** Which queue a step runs on is part of the design (model work on gpu), not configuration. */
export const stepQueue: Record<PipelineStep, 'cpu' | 'gpu'> = {
  prepareRun: 'cpu',
  generateDebate: 'gpu',
  majorityVote: 'cpu',
  splitAgentDatasets: 'cpu',
  finetuneAgent: 'gpu',
  evaluate: 'gpu',
  generateRollouts: 'gpu',
  computeAdvantages: 'cpu',
  policyUpdate: 'gpu',
  trainVerifier: 'gpu',
  scoreRollouts: 'gpu',
  computePpoAdvantages: 'cpu',
  ppoUpdate: 'gpu',
};

/** Resolved options of one step, durations in milliseconds (workflow inputs carry no units). */
export interface RetryOptions {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

export interface StepOptions {
  taskQueue: string;
  startToCloseTimeoutMs: number;
  heartbeatTimeoutMs: number;
  retry: RetryOptions;
}
