// MAGRPO's joint actions (Liu et al. 2025; semantics from OpenMLRL/CoMLRL
// comlrl/trainers/reinforce/magrpo.py, the paper's library): at every node of the rollout tree
// each of the N agents samples K completions, and a joint action picks one completion per agent.
//   aligned  the j-th completion of every agent: K joint actions (j, j, …, j)
//   cross    every combination: K^N joint actions, in itertools.product order (agent 1 slowest)
// Each joint action gets one reward and one return (rollout-tree.ts); an agent's completion is
// trained on the return of the joint actions it took part in.

export type JointMode = 'aligned' | 'cross';

/** The joint actions of one node: action[n] is the index of agent n's completion. */
export function jointActions(agents: number, k: number, mode: JointMode): number[][] {
  if (agents < 1 || k < 1) throw new RangeError(`need at least one agent and one completion, got N = ${agents}, K = ${k}`);
  if (mode === 'aligned') return Array.from({ length: k }, (_, j) => new Array<number>(agents).fill(j));
  let actions: number[][] = [[]];
  for (let n = 0; n < agents; n++) actions = actions.flatMap((prefix) => Array.from({ length: k }, (_, j) => [...prefix, j]));
  return actions;
}

/**
 * The return of each of agent n's K completions, given the return of every joint action of
 * the node (in jointActions order). Aligned: completion j took part in joint action j only.
 * Cross: completion j took part in K^(N−1) joint actions, and CoMLRL gives it the *sum* of their
 * returns ("joint reward sum per completion (no averaging)") — K^(N−1) times their mean, so the
 * advantages, and the gradient, are K^(N−1) times those of a mean; followed as CoMLRL does it.
 */
export function completionReturns(jointReturns: readonly number[], actions: readonly (readonly number[])[], agent: number, k: number): number[] {
  if (jointReturns.length !== actions.length) throw new RangeError(`${jointReturns.length} returns for ${actions.length} joint actions`);
  const sums = new Array<number>(k).fill(0);
  actions.forEach((action, j) => {
    sums[action[agent]] += jointReturns[j];
  });
  return sums;
}
