// MAGRPO's multi-turn rollout tree and its returns (CoMLRL magrpo.py, _train_step_returns). A
// node is one turn of one branch: its joint actions (joint-actions.ts) each get a joint reward
// r_j, and — unless the branch stops — each leads to a child node whose prompts the environment
// builds from that joint action. Returns are computed bottom-up:
//   R_j = r_j + γ · mean(returns of child j's joint actions)     R_j = r_j at a leaf
// A branch stops expanding at the last turn, or early when its node's mean reward exceeds the
// termination threshold (strictly: mean(r) > threshold), as CoMLRL.

export interface RolloutNode {
  /** r_j: the joint reward of each joint action of this node. */
  rewards: readonly number[];
  /** children[j]: the node reached by joint action j; empty where the branch stopped. */
  children: readonly RolloutNode[];
}

export interface ReturnNode {
  /** R_j per joint action. */
  returns: number[];
  children: ReturnNode[];
}

/** Whether a node of 1-based `turn` (of `turns`) with these rewards gets children; null: no early stop. */
export function expandsBranch(rewards: readonly number[], turn: number, turns: number, threshold: number | null): boolean {
  if (turn >= turns) return false;
  if (threshold === null || rewards.length === 0) return true;
  return !(rewards.reduce((sum, r) => sum + r, 0) / rewards.length > threshold);
}

export function treeReturns(node: RolloutNode, gamma: number): ReturnNode {
  if (node.children.length === 0) return { returns: [...node.rewards], children: [] };
  if (node.children.length !== node.rewards.length) throw new RangeError(`${node.rewards.length} joint actions but ${node.children.length} children`);
  const children = node.children.map((child) => treeReturns(child, gamma));
  const returns = node.rewards.map((r, j) => {
    const below = children[j].returns;
    // CoMLRL: an empty child contributes 0 (np.mean of nothing is guarded).
    return r + gamma * (below.length === 0 ? 0 : below.reduce((sum, x) => sum + x, 0) / below.length);
  });
  return { returns, children };
}
