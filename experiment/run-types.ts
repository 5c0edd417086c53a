// Inputs, results and progress of the workflows. Small by design: paths and summaries.
import type {
  AdvantagesSummary,
  DatasetsSummary,
  DebateShardSummary,
  EvaluationSummary,
  PreparedRun,
  PpoAdvantagesSummary,
  RolloutShardSummary,
  ScoresSummary,
  Split,
  TrainSummary,
  VerifierSummary,
  VoteSummary,
} from './step-types';
import type { PolicySet } from './maporl-policies';
import type { ExperimentConfig } from './experiment-schema';
import type { PipelineStep, StepOptions } from './pipeline-steps';
import type { AgentSet } from './agents';
import type { Variant, VariantName } from './variants';

export interface RunInput {
  runId: string;
  config: ExperimentConfig;
  /** Timeouts, retries and task queue of every step, resolved from temporal.yaml by the client. */
  steps: Record<PipelineStep, StepOptions>;
  /** Task queue of the workflows (child workflows included). */
  workflowTaskQueue: string;
  /** Whether the server has the MaftRunId / MaftAccuracy search attributes. */
  searchAttributes: boolean;
}

export interface IterationInput extends Omit<RunInput, 'searchAttributes'> {
  variant: Variant;
  /** 0 evaluates the agents as given; l ≥ 1 debates, votes, splits, finetunes, then evaluates. */
  iteration: number;
  agents: AgentSet;
  questions: PreparedRun;
}

export interface IterationResult {
  variant: VariantName;
  iteration: number;
  /** The agents after this iteration (the ones evaluated). */
  agents: AgentSet;
  debate?: { shards: DebateShardSummary[]; questions: number; calls: number };
  votes?: VoteSummary;
  datasets?: DatasetsSummary['datasets'];
  /** multiagent-ft: one per trainee (SFT); magrpo: one per agent (policy update, trainee "agent-<n>"). */
  training?: TrainSummary[];
  /** magrpo: the rollout trees on the training questions, per shard. */
  rollouts?: { shards: RolloutShardSummary[]; questions: number; completions: number };
  /** magrpo: joint rewards, returns and group advantages. */
  advantages?: AdvantagesSummary;
  /** maporl: the policies after this iteration, per turn and agent (`agents` is their debate view). */
  policies?: PolicySet;
  /** maporl: every PPO batch of the iteration, in order. */
  ppoBatches?: PpoBatchResult[];
  evaluation: EvaluationSummary;
}

/** MAPoRL's iteration input: the policies and value models to continue, and the verifier. */
export interface MaporlIterationInput extends IterationInput {
  policies: PolicySet;
  /** The trained verifier (verifier: model), null for ground truth. */
  verifier: string | null;
}

/** One MAPoRL PPO batch: its transcripts, scores and advantages, then the update of every trainee's policy and value model. */
export interface PpoBatchResult {
  batch: number;
  rollouts: RolloutShardSummary;
  scores: ScoresSummary;
  advantages: PpoAdvantagesSummary;
  training: TrainSummary[];
}

export type RunStatus = 'running' | 'completed' | 'cancelling' | 'cancelled';

export interface PlannedVariant {
  variant: Variant;
  iterations: number[];
}

export interface RunState {
  runId: string;
  status: RunStatus;
  plan: PlannedVariant[];
  questions: PreparedRun | null;
  /** The iteration running now, null between them. */
  current: { variant: VariantName; iteration: number; workflowId: string } | null;
  /** Completed iterations per variant, in order. */
  results: Partial<Record<VariantName, IterationResult[]>>;
  /** Final accuracy of the latest completed iteration of the main method (multiagent-ft or magrpo). */
  latestAccuracy: number | null;
  cancelReason: string | null;
  /** maporl with verifier: model: the verifier trained before the first iteration. */
  verifier?: VerifierSummary;
}

// A workflow sees when a step is scheduled and when it finishes; "running" comes from the server's pending activities.
export type TraineeStatus = 'queued' | 'done' | 'skipped';

export interface IterationProgress {
  variant: VariantName;
  iteration: number;
  step: PipelineStep | 'done';
  /** Which questions the current debate is on: training (to build datasets) or held-out (to evaluate). */
  split: Split;
  shards: { done: number; total: number };
  trainees: Record<string, TraineeStatus>;
}
