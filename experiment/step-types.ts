// What flows between the workflows and the activities: references (paths relative to the run
// directory) and small summaries, never data.
import type { ExperimentConfig } from './experiment-schema';
import type { AgentSet, Trainee } from './agents';
import type { PolicySet, PolicyTrainee } from './maporl-policies';
import type { Variant } from './variants';
import type { VerifierCalibration } from '../data/method/maporl/verifier-calibration';
import type { PolicyDrift } from '../data/method/magrpo/policy-drift';

/** MAPoRL's model verifier has questions of its own (questions/verifier.parquet), drawn apart from the RL ones. */
export type Split = 'train' | 'test' | 'verifier';

/** Common to every step: which run, with which configuration. */
export interface StepContext {
  runId: string;
  config: ExperimentConfig;
}

export type PrepareRunInput = StepContext;

export interface PreparedRun {
  train: number;
  test: number;
  /** MAPoRL with verifier: model: the verifier's questions (0 otherwise). */
  verifier?: number;
  /** Test questions evaluated (evaluation.size or all). */
  evaluated: number;
  skippedInvalid: number;
}

export interface QuestionRange {
  index: number;
  count: number;
  /** Questions [start, end) of the split. */
  start: number;
  end: number;
}

export interface DebateShardInput extends StepContext {
  variant: Variant;
  iteration: number;
  split: Split;
  shard: QuestionRange;
  agents: AgentSet;
  /** Step directory relative to the run directory, e.g. "iter-1/debate". */
  stepDir: string;
}

export interface DebateShardSummary {
  /** debate.parquet of this shard, relative to the run directory. */
  path: string;
  questions: number;
  calls: number;
  generatedTokens: number;
}

export interface MajorityVoteInput extends StepContext {
  iteration: number;
  debate: string[];
  rounds: number;
  stepDir: string;
}

export interface VoteSummary {
  path: string;
  questions: number;
  ties: number;
  noAnswer: number;
  /** Share of ŷ equal to the reference (reported, never used by the method). */
  majorityAccuracy: number;
}

export interface SplitDatasetsInput extends StepContext {
  variant: Variant;
  iteration: number;
  debate: string[];
  votes: string;
  stepDir: string;
}

/** How many examples a trainee's dataset has and, for critics, how the w-mix built it. */
export interface DatasetSizes {
  examples: number;
  /** Critics: sizes of D⁻ and D⁺ and what the w-mix took from each. */
  dMinus?: number;
  dPlus?: number;
  fromMinus?: number;
  fromPlus?: number;
  repeats?: number;
}

export interface TraineeDataset extends Trainee, DatasetSizes {
  path: string;
}

export interface DatasetsSummary {
  datasets: TraineeDataset[];
}

export interface FinetuneAgentInput extends StepContext {
  iteration: number;
  dataset: TraineeDataset;
  /** Adapter to start from (relative to the run directory), null for the base model. */
  init: string | null;
  stepDir: string;
}

export interface TrainSummary {
  trainee: string;
  /** The adapter after this step; the init adapter when there was nothing to train on. */
  adapter: string | null;
  examples: number;
  skipped: boolean;
  steps: number;
  tokens: number;
  finalLoss: number | null;
  meanLoss: number | null;
  resumedFromStep: number;
  /** policyUpdate (MAGRPO): how far the trainee's sampling policy was from the base model on the completions it trained on (absent in runs from before it). */
  drift?: PolicyDrift;
}

export interface EvaluateInput extends StepContext {
  variant: Variant;
  iteration: number;
  /** The transcripts: debate.parquet files, or with `from: 'rollouts'` rollouts.parquet files (MAPoRL). */
  debate: string[];
  from?: 'rollouts';
  agents: AgentSet;
  stepDir: string;
}

export interface AccuracySummary {
  accuracy: number;
  stderr: number;
}

export interface EvaluationSummary extends AccuracySummary {
  path: string;
  questions: number;
  correct: number;
  perRound: AccuracySummary[];
  consensusDiversity: number | null;
  nllDiversity: number | null;
  ties: number;
  /**
   * The RL methods' evaluation (MAPoRL section 4.1; data/method/collaboration-evaluation.ts): the
   * final turn's majority with ties scored by expectation, the same per turn, and the share of
   * agents revising wrong → right and right → wrong from turn t to t + 1, by the others' majority.
   */
  collaboration?: CollaborationSummary;
}

export interface CollaborationSummary {
  final: AccuracySummary;
  perTurn: AccuracySummary[];
  transitions: {
    turn: number;
    byOthers: Record<'right' | 'wrong' | 'undecided', { wrongToRight: ShareSummary; rightToWrong: ShareSummary }>;
  }[];
}

/** `share` of `total` agents made the move, ± its binomial SE. */
export interface ShareSummary {
  share: number;
  stderr: number;
  total: number;
}

/** Heartbeat details of long steps; a retried attempt reads them back to resume. */
export interface StepHeartbeat {
  step: number;
  total: number;
  loss?: number;
  tokensPerSecond?: number;
}

/** generateDebate: model calls done, and the last round whose rows are saved (0: none). */
export interface DebateHeartbeat extends StepHeartbeat {
  round: number;
}

/** generateRollouts: model calls done, and the last turn whose rows are saved (0: none). */
export interface RolloutHeartbeat extends StepHeartbeat {
  turn: number;
}

// MAGRPO (workflows/magrpo-iteration.ts).

export interface RolloutShardInput extends StepContext {
  variant: Variant;
  iteration: number;
  /** MAGRPO rolls out on training questions; MAPoRL also debates the held-out ones this way to evaluate. */
  split: Split;
  shard: QuestionRange;
  /** policies[t − 1][n − 1]: agent n's policy adapter in turn t, null for the base model. */
  policies: (string | null)[][];
  /** The shard's own step directory, e.g. "iter-1/rollouts/shard-2". */
  stepDir: string;
}

export interface RolloutShardSummary {
  /** rollouts.parquet of this shard, relative to the run directory. */
  path: string;
  questions: number;
  /** Tree nodes (one per question and turn-1 root, plus every expanded joint action's child). */
  nodes: number;
  completions: number;
  /** Nodes per turn (index 0: turn 1). */
  nodesPerTurn: number[];
  generatedTokens: number;
}

export interface AdvantagesInput extends StepContext {
  iteration: number;
  rollouts: string[];
  stepDir: string;
}

export interface AdvantagesSummary {
  /** advantages.parquet: one row per completion. */
  path: string;
  /** joint-rewards.parquet: one row per joint action. */
  jointRewards: string;
  completions: number;
  /** Mean joint reward per turn over all nodes of that turn (index 0: turn 1). */
  meanRewardPerTurn: number[];
  /** Groups (node × agent) whose advantages are all 0: no policy-gradient signal there. */
  flatGroups: number;
  groups: number;
}

export interface PolicyUpdateInput extends StepContext {
  iteration: number;
  /** 1-based agent; 0 for the one policy every agent shares (the shared-policy baseline). */
  agent: number;
  rollouts: string[];
  advantages: string;
  /** The agent's adapter to continue (relative to the run directory), null for the base model. */
  init: string | null;
  stepDir: string;
}

// MAPoRL (workflows/maporl-iteration.ts): per PPO batch of training questions, rollouts (K = 1:
// one debate transcript per question), scores, advantages, then a PPO update of every trainee.

export interface ScoreRolloutsInput extends StepContext {
  iteration: number;
  /** rollouts.parquet of the batch. */
  rollouts: string;
  policies: PolicySet;
  /** The trained verifier (verifier: model), null for ground-truth scores. */
  verifier: string | null;
  stepDir: string;
}

export interface ScoresSummary {
  /** scores.parquet: one row per response. */
  path: string;
  responses: number;
  /** Mean v(t, i) and ground-truth accuracy per turn (index 0: turn 1). */
  meanScorePerTurn: number[];
  accuracyPerTurn: number[];
  /** Mean log π_old − log π_ref per token and turn: how far the policies have moved from the base (absent in runs from before it). */
  logRatioPerTurn?: number[];
  /** verifier: model — how its v(t, i) matched the ground truth on this batch. */
  verifier?: VerifierCalibration;
}

export interface PpoAdvantagesInput extends StepContext {
  iteration: number;
  rollouts: string;
  scores: string;
  stepDir: string;
}

export interface PpoAdvantagesSummary {
  /** advantages.parquet: one row per response. */
  path: string;
  responses: number;
  /** Mean R(t, i) and mean incentive per turn (index 0: turn 1). */
  meanRewardPerTurn: number[];
  meanIncentivePerTurn: number[];
}

export interface PpoUpdateInput extends StepContext {
  iteration: number;
  /** 1-based PPO batch of the iteration. */
  batch: number;
  trainee: PolicyTrainee;
  /** The policy (clipped surrogate) or its value model (clipped value loss). */
  model: 'policy' | 'value';
  rollouts: string;
  scores: string;
  advantages: string;
  /** The adapter (policy) or value model to continue, null for a fresh one. */
  init: string | null;
  stepDir: string;
}

export interface TrainVerifierInput extends StepContext {
  /** The verifier's step directory ("verifier"). */
  stepDir: string;
}

export interface VerifierSummary extends TrainSummary {
  /** samples.parquet: the base model's labelled answers the verifier learned from. */
  samples: string;
  /** How many of them are right. */
  positives: number;
}
