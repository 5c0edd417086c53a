// MAGRPO's joint reward as the steps call it: a built-in of data/method/magrpo/joint-reward.ts or
// the export of a user module (`magrpo.reward: { module, export }`, loaded with a dynamic import,
// relative to the working directory). Every call goes through scoreJointAction, so a function that
// throws or returns a non-number fails the step with a non-retryable RewardFunctionError.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sha256File } from '../data/artifacts';
import { builtinReward, RewardFunctionError, scoreJointAction } from '../data/method/magrpo/joint-reward';
import type { JointRewardFunction, JointRewardInput } from '../data/method/magrpo/joint-reward';
import type { Task } from '../data/task';
import type { MagrpoConfig } from '../experiment/magrpo-schema';
import { MaftInputError } from './failures';

export type JointReward = (input: JointRewardInput, action: readonly number[]) => Promise<number>;

export async function loadJointReward(reward: MagrpoConfig['reward'], task: Task): Promise<JointReward> {
  if (typeof reward === 'string') {
    const fn = builtinReward(reward, (a, b) => task.isEquivalent(a, b));
    return (input, action) => scoreJointAction(fn, reward, input, action);
  }
  const source = `${reward.module}#${reward.export}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(reward.module)).href)) as Record<string, unknown>;
  } catch (err) {
    throw new MaftInputError(`magrpo.reward.module ${reward.module} could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
  const fn = mod[reward.export];
  if (typeof fn !== 'function') {
    throw new MaftInputError(`magrpo.reward: ${reward.module} has no function export "${reward.export}" (exports: ${Object.keys(mod).join(', ') || 'none'})`);
  }
  return async (input, action) => {
    try {
      return await scoreJointAction(fn as JointRewardFunction, source, input, action);
    } catch (err) {
      // The failure's innermost message is what `maft status`/`results` show: keep it the one that
      // names the function, question and joint action (it already quotes the thrown error).
      if (err instanceof RewardFunctionError) throw new RewardFunctionError(err.source, err.questionId, err.turn, err.action, err.problem);
      throw err;
    }
  };
}

/** The reward as a step cache key: a built-in's name, or a user module's export and the sha256 of its file. */
export async function rewardKey(reward: MagrpoConfig['reward']): Promise<unknown> {
  return typeof reward === 'string' ? reward : { ...reward, sha256: await sha256File(resolve(reward.module)) };
}
