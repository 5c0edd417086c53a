// The run directory, as the steps write it: the one source of truth for every path under
// runs/<runId>/. Paths here are relative to the run directory and '/'-separated, so workflows
// (which may not import node:path) build the same strings the activities write to.
//
//   config.json                                  the experiment, as resolved (client, at start)
//   accuracy.svg                                 the plot of `maft results` / `maft run`
//   questions/train.parquet, test.parquet        prepareRun
//   [baselines/<variant>/]iter-<l>/              one iteration of one variant; iter-0 evaluates
//                                                the agents before any finetuning, l = 1..L
//     debate/shard-<k>/debate.parquet            generateDebate on training questions, k = 1..;
//                                                partial/round-<m>.parquet while it runs
//     votes/votes.parquet                        majorityVote over the final round
//     datasets/<trainee>.parquet                 splitAgentDatasets: agent-<n>-generation,
//                                                agent-<n>-critic, or shared
//     finetune-<role>-<n>/adapter/               finetuneAgent: a PEFT adapter (finetune-shared/
//                                                for the one shared model); checkpoints/ while it runs
//     finetune-<role>-<n>/losses.parquet         the loss of every optimizer step (beside adapter/,
//                                                so the next iteration's input hash is unchanged)
//     eval-debate/shard-<k>/debate.parquet       generateDebate on held-out questions
//     evaluate/eval.parquet                      evaluate
//   MAGRPO (method: magrpo) writes iter-<l>/ at the top of the run too, with:
//     rollouts/shard-<k>/rollouts.parquet        generateRollouts: every completion of the rollout
//                                                trees of shard k's training questions;
//                                                partial/turn-<t>.parquet while it runs
//     advantages/advantages.parquet              computeAdvantages: return and advantage per completion
//     advantages/joint-rewards.parquet           the joint reward and return of every joint action
//     policy-agent-<n>/adapter/, losses.parquet  policyUpdate of agent n (checkpoints/ while it runs)
//     eval-debate/, evaluate/                    as above
//   MAPoRL with verifier: model first writes, once per run:
//     questions/verifier.parquet                 prepareRun: the verifier's own questions
//     verifier/adapter/, samples.parquet         trainVerifier: PEFT SEQ_CLS adapter + score head,
//                                                and the labelled answers it learned from
//   MAPoRL (method: maporl) writes iter-<l>/ at the top of the run too, with one directory per PPO
//   batch of training questions (ppo.batchSize), b = 1..:
//     batch-<b>/rollouts/rollouts.parquet        generateRollouts: the batch's debate transcripts
//                                                (one completion per agent and turn; partial/ as above)
//     batch-<b>/scores/scores.parquet            scoreRollouts: v(t, i), correctness, old and
//                                                reference log-probs and values per token
//     batch-<b>/advantages/advantages.parquet    computePpoAdvantages: R(t, i), incentive, GAE
//     batch-<b>/policy-<trainee>/adapter/        ppoUpdate of a policy (trainee agent-<i>-turn-<t>,
//     batch-<b>/value-<trainee>/adapter/         agent-<i> or shared) and of its value model; each
//                                                with losses.parquet (checkpoints/ while it runs)
//     eval-rollouts/shard-<k>/rollouts.parquet   generateRollouts on held-out questions
//     evaluate/                                  as above
//
// Every step directory also holds manifest.json (data/artifacts/manifest.ts): its input hash and
// its outputs' hashes, which is how a retried or resumed step knows it is already done.
import type { AgentRole } from '../data/artifacts/kinds';
import type { Split } from './step-types';
import type { VariantName } from './variants';

export const CONFIG_FILE = 'config.json';
export const QUESTIONS_DIR = 'questions';
export const PLOT_FILE = 'accuracy.svg';
export const DEBATE_FILE = 'debate.parquet';
export const VOTES_FILE = 'votes.parquet';
export const EVAL_FILE = 'eval.parquet';
export const ADAPTER_DIR = 'adapter';
export const CHECKPOINTS_DIR = 'checkpoints';
export const LOSSES_FILE = 'losses.parquet';
/** The steps a finetune has reported so far, in its checkpoints/ directory: a retried attempt continues it. */
export const LOSS_SCRATCH_FILE = 'losses.tsv';
export const PARTIAL_DIR = 'partial';
export const ROLLOUTS_FILE = 'rollouts.parquet';
export const ADVANTAGES_FILE = 'advantages.parquet';
export const JOINT_REWARDS_FILE = 'joint-rewards.parquet';
export const SCORES_FILE = 'scores.parquet';
/** MAPoRL's verifier step directory, at the top of the run. */
export const VERIFIER_DIR = 'verifier';
/** The base model's labelled answers the verifier learns from, in VERIFIER_DIR. */
export const VERIFIER_SAMPLES_FILE = 'samples.parquet';

/** The step directories of an iteration (finetune steps are named per trainee, below). */
export type IterationStep = 'debate' | 'votes' | 'datasets' | 'eval-debate' | 'evaluate' | 'rollouts' | 'advantages' | 'scores' | 'eval-rollouts';

const SAFE_RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Why a run id cannot name a directory and a workflow, or null when it can. */
export function runIdProblem(runId: string): string | null {
  if (SAFE_RUN_ID.test(runId) && runId.length <= 200) return null;
  return `run id "${runId}" must start with a letter or digit and hold only letters, digits, ".", "_" and "-"`;
}

export function questionsFile(split: Split): string {
  return `${QUESTIONS_DIR}/${split}.parquet`;
}

/** The main method's artifacts (multiagent-ft or magrpo) live at the top of the run; a baseline's under baselines/<name>/. */
function variantPrefix(variant: VariantName): string {
  return variant === 'multiagent-ft' || variant === 'maporl' || variant === 'magrpo' ? '' : `baselines/${variant}/`;
}

export function iterationDir(variant: VariantName, iteration: number): string {
  return `${variantPrefix(variant)}iter-${iteration}`;
}

/** The child workflow of one iteration: `<runId>/[baselines/<name>/]iter-<l>`, like its directory. */
export function iterationWorkflowId(runId: string, variant: VariantName, iteration: number): string {
  return `${runId}/${iterationDir(variant, iteration)}`;
}

export function stepDir(iterDir: string, step: IterationStep): string {
  return `${iterDir}/${step}`;
}

/** finetune-<role>-<n> for agent n's role, finetune-shared for the one model every agent shares (agent 0). */
export function finetuneStepDir(iterDir: string, trainee: { agent: number; role: AgentRole }): string {
  return `${iterDir}/${trainee.agent === 0 ? 'finetune-shared' : `finetune-${trainee.role}-${trainee.agent}`}`;
}

/** MAGRPO's policy update of agent n (1-based), or policy-shared for the one shared policy (agent 0). */
export function policyStepDir(iterDir: string, agent: number): string {
  return `${iterDir}/${agent === 0 ? 'policy-shared' : `policy-agent-${agent}`}`;
}

/** MAPoRL's PPO batch b (1-based) of an iteration. */
export function batchDir(iterDir: string, batch: number): string {
  return `${iterDir}/batch-${batch}`;
}

/** MAPoRL's update of one trainee's policy or value model in a PPO batch. */
export function ppoStepDir(batchDirectory: string, model: 'policy' | 'value', trainee: string): string {
  return `${batchDirectory}/${model}-${trainee}`;
}

/** Shard k (0-based index) of a debate step: shard-<k+1>. */
export function shardDir(debateDir: string, shardIndex: number): string {
  return `${debateDir}/shard-${shardIndex + 1}`;
}

export function partialRoundFile(round: number): string {
  return `${PARTIAL_DIR}/round-${round}.parquet`;
}

export function partialTurnFile(turn: number): string {
  return `${PARTIAL_DIR}/turn-${turn}.parquet`;
}

export function datasetFile(datasetsDir: string, traineeId: string): string {
  return `${datasetsDir}/${traineeId}.parquet`;
}

/** A file or directory inside a step directory. */
export function inStep(dir: string, name: string): string {
  return `${dir}/${name}`;
}
