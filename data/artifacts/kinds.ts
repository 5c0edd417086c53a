// The artifact kinds a run writes, each defined once: its typed row and its Parquet columns.
// Rows use camelCase fields; files use the snake_case column names given here.
import type { ArtifactSchema } from './schema';

/** A task question as stored for a run (questions/train.parquet, questions/test.parquet). */
export interface QuestionRow {
  id: string;
  question: string;
  answer: string;
  choices: string[] | null;
  /** The question's `meta` as JSON (e.g. MATH level and type), or null. */
  metaJson: string | null;
}

export const questionsSchema: ArtifactSchema<QuestionRow> = {
  kind: 'questions',
  columns: [
    { field: 'id', column: 'id', type: 'utf8', nullable: false },
    { field: 'question', column: 'question', type: 'utf8', nullable: false },
    { field: 'answer', column: 'answer', type: 'utf8', nullable: false },
    { field: 'choices', column: 'choices', type: 'utf8[]', nullable: true },
    { field: 'metaJson', column: 'meta_json', type: 'utf8', nullable: true },
  ],
};

/** Agent roles within a debate. */
export const debateRoles = ['generation', 'critic', 'summarizer', 'cooperative'] as const;
export type DebateRole = (typeof debateRoles)[number];

/** One model call of a debate (debate.parquet). */
export interface DebateRow {
  questionId: string;
  /** 1..M; round 1 is the generation agents, later rounds the critics (and their summarizers). */
  round: number;
  /** 1..N: the agent answering, or for a summarizer the agent the summary is for. */
  agent: number;
  role: DebateRole;
  prompt: string;
  response: string;
  /** The task's extracted answer in canonical form, null when the response has none. */
  answer: string | null;
}

export const debateSchema: ArtifactSchema<DebateRow> = {
  kind: 'debate',
  columns: [
    { field: 'questionId', column: 'question_id', type: 'utf8', nullable: false },
    { field: 'round', column: 'round', type: 'int32', nullable: false },
    { field: 'agent', column: 'agent', type: 'int32', nullable: false },
    { field: 'role', column: 'role', type: 'utf8', nullable: false, values: debateRoles },
    { field: 'prompt', column: 'prompt', type: 'utf8', nullable: false },
    { field: 'response', column: 'response', type: 'utf8', nullable: false },
    { field: 'answer', column: 'answer', type: 'utf8', nullable: true },
  ],
};

/** The majority vote over the final round of one question (votes.parquet). */
export interface VoteRow {
  questionId: string;
  /** ŷ; null when no agent gave an answer. */
  majorityAnswer: string | null;
  /** The distinct answers voted for, most votes first; `voteCounts[i]` is the votes for `voteAnswers[i]`. */
  voteAnswers: string[];
  voteCounts: number[];
  /** Whether several answers shared the most votes. */
  tie: boolean;
  /** How a tie was broken (e.g. "seeded-random", "first-agent"); null when there was no tie. */
  tieBreak: string | null;
  /** The reference answer, for reporting only (the method never sees it); null when unknown. */
  referenceAnswer: string | null;
  /** Whether ŷ is equivalent to the reference; null when there is no reference. */
  correct: boolean | null;
}

export const votesSchema: ArtifactSchema<VoteRow> = {
  kind: 'votes',
  columns: [
    { field: 'questionId', column: 'question_id', type: 'utf8', nullable: false },
    { field: 'majorityAnswer', column: 'majority_answer', type: 'utf8', nullable: true },
    { field: 'voteAnswers', column: 'vote_answers', type: 'utf8[]', nullable: false },
    { field: 'voteCounts', column: 'vote_counts', type: 'int32[]', nullable: false },
    { field: 'tie', column: 'tie', type: 'bool', nullable: false },
    { field: 'tieBreak', column: 'tie_break', type: 'utf8', nullable: true },
    { field: 'referenceAnswer', column: 'reference_answer', type: 'utf8', nullable: true },
    { field: 'correct', column: 'correct', type: 'bool', nullable: true },
  ],
};

export const agentRoles = ['generation', 'critic'] as const;
export type AgentRole = (typeof agentRoles)[number];

/** Where a training example came from: D^G, D^C- or D^C+ of the paper. */
export const datasetSources = ['gen', 'd_minus', 'd_plus'] as const;
export type DatasetSource = (typeof datasetSources)[number];

/** One finetuning example of one agent (agent-<n>-<role>.parquet). */
export interface AgentDatasetRow {
  agent: number;
  role: AgentRole;
  source: DatasetSource;
  questionId: string;
  prompt: string;
  completion: string;
}

export const agentDatasetSchema: ArtifactSchema<AgentDatasetRow> = {
  kind: 'agent-dataset',
  columns: [
    { field: 'agent', column: 'agent', type: 'int32', nullable: false },
    { field: 'role', column: 'role', type: 'utf8', nullable: false, values: agentRoles },
    { field: 'source', column: 'source', type: 'utf8', nullable: false, values: datasetSources },
    { field: 'questionId', column: 'question_id', type: 'utf8', nullable: false },
    { field: 'prompt', column: 'prompt', type: 'utf8', nullable: false },
    { field: 'completion', column: 'completion', type: 'utf8', nullable: false },
  ],
};

/** The outcome of one method on one test question (eval.parquet). */
export interface EvalRow {
  questionId: string;
  /** e.g. "multiagent-ft", "debate", "majority", "base". */
  method: string;
  /** The method's final answer, null when it produced none. */
  answer: string | null;
  referenceAnswer: string;
  correct: boolean;
  /** Share of final-round agents whose answer equals the final one (consensus), null for one agent. */
  agreement: number | null;
}

export const evalSchema: ArtifactSchema<EvalRow> = {
  kind: 'eval',
  columns: [
    { field: 'questionId', column: 'question_id', type: 'utf8', nullable: false },
    { field: 'method', column: 'method', type: 'utf8', nullable: false },
    { field: 'answer', column: 'answer', type: 'utf8', nullable: true },
    { field: 'referenceAnswer', column: 'reference_answer', type: 'utf8', nullable: false },
    { field: 'correct', column: 'correct', type: 'bool', nullable: false },
    { field: 'agreement', column: 'agreement', type: 'float64', nullable: true },
  ],
};

/** One optimizer step of a finetune (losses.parquet beside the adapter), as lm/ reported it. */
export interface TrainingStepRow {
  /** 1..total steps. */
  step: number;
  /** The step's mean loss per loss-bearing token. */
  loss: number;
}

export const trainingLogSchema: ArtifactSchema<TrainingStepRow> = {
  kind: 'training-log',
  columns: [
    { field: 'step', column: 'step', type: 'int32', nullable: false },
    { field: 'loss', column: 'loss', type: 'float64', nullable: false },
  ],
};

/** Why a sampled completion ended (lm's Generation.finishReason). */
export const finishReasons = ['stop', 'eos', 'length'] as const;

/**
 * One completion of a MAGRPO rollout tree (rollouts/shard-<k>/rollouts.parquet). A node is named
 * by its path of joint-action indices from the question's root: "0" is turn 1, "0.2" the turn-2
 * node reached by joint action 2 of the root, and so on.
 */
export interface RolloutRow {
  questionId: string;
  /** 1-based turn (= depth of the node). */
  turn: number;
  node: string;
  /** 1..N. */
  agent: number;
  /** 0..K−1: which of the agent's K completions at this node. */
  sample: number;
  prompt: string;
  completion: string;
  /** The task's canonical answer extracted from the completion, null when there is none. */
  answer: string | null;
  /** The completion's tokens as generated (eos included), what the policy update trains on. */
  tokenIds: number[];
  /** log π(token) of each generated token under the sampling policy. */
  logprobs: number[];
  finishReason: (typeof finishReasons)[number];
}

export const rolloutSchema: ArtifactSchema<RolloutRow> = {
  kind: 'rollout',
  columns: [
    { field: 'questionId', column: 'question_id', type: 'utf8', nullable: false },
    { field: 'turn', column: 'turn', type: 'int32', nullable: false },
    { field: 'node', column: 'node', type: 'utf8', nullable: false },
    { field: 'agent', column: 'agent', type: 'int32', nullable: false },
    { field: 'sample', column: 'sample', type: 'int32', nullable: false },
    { field: 'prompt', column: 'prompt', type: 'utf8', nullable: false },
    { field: 'completion', column: 'completion', type: 'utf8', nullable: false },
    { field: 'answer', column: 'answer', type: 'utf8', nullable: true },
    { field: 'tokenIds', column: 'token_ids', type: 'int32[]', nullable: false },
    { field: 'logprobs', column: 'logprobs', type: 'float32[]', nullable: false },
    { field: 'finishReason', column: 'finish_reason', type: 'utf8', nullable: false, values: finishReasons },
  ],
};

/** The joint reward r_j and return R_j of one joint action of a rollout node (advantages/joint-rewards.parquet). */
export interface JointRewardRow {
  questionId: string;
  turn: number;
  node: string;
  /** j: the joint action's index at its node (jointActions order). */
  action: number;
  /** The completion index (sample) of each agent in this joint action. */
  samples: number[];
  reward: number;
  return: number;
  /** Whether this joint action's child node was expanded (the branch continued). */
  expanded: boolean;
}

export const jointRewardSchema: ArtifactSchema<JointRewardRow> = {
  kind: 'joint-reward',
  columns: [
    { field: 'questionId', column: 'question_id', type: 'utf8', nullable: false },
    { field: 'turn', column: 'turn', type: 'int32', nullable: false },
    { field: 'node', column: 'node', type: 'utf8', nullable: false },
    { field: 'action', column: 'action', type: 'int32', nullable: false },
    { field: 'samples', column: 'samples', type: 'int32[]', nullable: false },
    { field: 'reward', column: 'reward', type: 'float64', nullable: false },
    { field: 'return', column: 'return', type: 'float64', nullable: false },
    { field: 'expanded', column: 'expanded', type: 'bool', nullable: false },
  ],
};

/** The return and group-relative advantage of one completion (advantages/advantages.parquet). */
export interface AdvantageRow {
  questionId: string;
  turn: number;
  node: string;
  agent: number;
  sample: number;
  /** The completion's return (joint-actions.ts completionReturns). */
  return: number;
  advantage: number;
}

export const advantageSchema: ArtifactSchema<AdvantageRow> = {
  kind: 'advantage',
  columns: [
    { field: 'questionId', column: 'question_id', type: 'utf8', nullable: false },
    { field: 'turn', column: 'turn', type: 'int32', nullable: false },
    { field: 'node', column: 'node', type: 'utf8', nullable: false },
    { field: 'agent', column: 'agent', type: 'int32', nullable: false },
    { field: 'sample', column: 'sample', type: 'int32', nullable: false },
    { field: 'return', column: 'return', type: 'float64', nullable: false },
    { field: 'advantage', column: 'advantage', type: 'float64', nullable: false },
  ],
};

/**
 * MAPoRL's scores of one response of a rollout transcript (scores/scores.parquet): the verifier's
 * v(t, i), ground-truth correctness (the incentives read it), and per token the PPO policy's
 * log-probs before the update, the reference (base) model's, and the value model's values.
 */
export interface ResponseScoreRow {
  questionId: string;
  turn: number;
  agent: number;
  /** v(t, i) in [0, 1]: 1/0 correctness (verifier: ground-truth) or the verifier's probability. */
  score: number;
  correct: boolean;
  /** log π_old per completion token, at the sampling temperature (what the PPO ratio divides by). */
  oldLogprobs: number[];
  refLogprobs: number[];
  /** V(s_x) before each completion token; 0 where the policy has no value model yet. */
  values: number[];
}

export const responseScoreSchema: ArtifactSchema<ResponseScoreRow> = {
  kind: 'response-score',
  columns: [
    { field: 'questionId', column: 'question_id', type: 'utf8', nullable: false },
    { field: 'turn', column: 'turn', type: 'int32', nullable: false },
    { field: 'agent', column: 'agent', type: 'int32', nullable: false },
    { field: 'score', column: 'score', type: 'float64', nullable: false },
    { field: 'correct', column: 'correct', type: 'bool', nullable: false },
    { field: 'oldLogprobs', column: 'old_logprobs', type: 'float32[]', nullable: false },
    { field: 'refLogprobs', column: 'ref_logprobs', type: 'float32[]', nullable: false },
    { field: 'values', column: 'values', type: 'float32[]', nullable: false },
  ],
};

/** MAPoRL's reward and per-token advantages of one response (advantages/advantages.parquet). */
export interface ResponseAdvantageRow {
  questionId: string;
  turn: number;
  agent: number;
  /** R(t, i) of Definition 1. */
  reward: number;
  /** The Tables 1–2 incentive added to it at the last token. */
  incentive: number;
  /** GAE advantages per completion token (whitened per turn and agent when ppo.whitenAdvantages). */
  advantages: number[];
  /** The value model's targets per completion token. */
  returns: number[];
}

export const responseAdvantageSchema: ArtifactSchema<ResponseAdvantageRow> = {
  kind: 'response-advantage',
  columns: [
    { field: 'questionId', column: 'question_id', type: 'utf8', nullable: false },
    { field: 'turn', column: 'turn', type: 'int32', nullable: false },
    { field: 'agent', column: 'agent', type: 'int32', nullable: false },
    { field: 'reward', column: 'reward', type: 'float64', nullable: false },
    { field: 'incentive', column: 'incentive', type: 'float64', nullable: false },
    { field: 'advantages', column: 'advantages', type: 'float32[]', nullable: false },
    { field: 'returns', column: 'returns', type: 'float32[]', nullable: false },
  ],
};
