// MAGRPO's joint reward: one scalar per joint action, shared by every agent (CoMLRL's single
// reward_func of all agents' completions). Built in: the mean correctness of the agents'
// answers, or the correctness of their majority (a tie scored by its expected correctness,
// majority-expectation.ts, so the reward stays deterministic); or a user function of the
// completions, loaded from a module named in the experiment config.
import { expectedMajorityScore } from '../majority-expectation';
import { agrees } from '../majority-vote';
import type { Equivalence } from '../majority-vote';

/** What a joint reward sees of one joint action. */
export interface JointRewardInput {
  questionId: string;
  question: string;
  /** The task's canonical reference answer. */
  reference: string;
  /** 1-based turn of the node. */
  turn: number;
  /** completions[n]: agent n's completion in this joint action. */
  completions: readonly string[];
  /** answers[n]: the task's canonical answer extracted from completions[n] (null: none). */
  answers: readonly (string | null)[];
}

/** A user reward: any finite number (CoMLRL rewards are unbounded; built-ins are in [0, 1]). */
export type JointRewardFunction = (input: JointRewardInput) => number | Promise<number>;

export type BuiltinReward = 'mean-correct' | 'majority-correct';

export function builtinReward(kind: BuiltinReward, isEquivalent: Equivalence): JointRewardFunction {
  if (kind === 'mean-correct') {
    return ({ answers, reference }) => answers.filter((a) => agrees(a, reference, isEquivalent)).length / answers.length;
  }
  return ({ answers, reference }) => expectedMajorityScore(answers, reference, isEquivalent);
}

/** A joint reward function threw or returned something other than a finite number. */
export class RewardFunctionError extends Error {
  override name = 'RewardFunctionError';

  constructor(
    /** Where the function came from, e.g. `rewards/tests.ts#score` or `mean-correct`. */
    readonly source: string,
    readonly questionId: string,
    readonly turn: number,
    /** The joint action's completion index per agent. */
    readonly action: readonly number[],
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`reward function ${source}: question ${questionId}, turn ${turn}, joint action (${action.join(', ')}): ${problem}`, options);
  }
}

/** Calls the reward of one joint action; any failure becomes a RewardFunctionError naming it. */
export async function scoreJointAction(fn: JointRewardFunction, source: string, input: JointRewardInput, action: readonly number[]): Promise<number> {
  let value: unknown;
  try {
    value = await fn(input);
  } catch (err) {
    throw new RewardFunctionError(source, input.questionId, input.turn, action, `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RewardFunctionError(source, input.questionId, input.turn, action, `returned ${typeof value === 'number' ? value : typeof value}, not a finite number`);
  }
  return value;
}
