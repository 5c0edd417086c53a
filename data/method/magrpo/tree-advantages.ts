// From a question's rollout tree as generated (the joint reward of every joint action of every
// node, and which nodes were expanded) to what MAGRPO trains on: the return of every joint action
// (rollout-tree.ts), the return of every agent's completion (joint-actions.ts) and its
// group-relative advantage against the agent's other completions at that node (group-advantages.ts).
// Nodes are named by their path of joint-action indices: "0" is the root (turn 1), "0.j" the child
// reached by joint action j, "0.j.i" its child by joint action i, …
import { groupAdvantages } from './group-advantages';
import type { AdvantageMode } from './group-advantages';
import { completionReturns } from './joint-actions';
import { treeReturns } from './rollout-tree';
import type { ReturnNode, RolloutNode } from './rollout-tree';

export const ROOT_NODE = '0';

export function childNode(node: string, action: number): string {
  return `${node}.${action}`;
}

/** 1-based turn of a node path. */
export function nodeTurn(node: string): number {
  return node.split('.').length;
}

export interface TreeSetup {
  agents: number;
  /** K: completions per agent and node. */
  k: number;
  /** The joint actions of every node (jointActions(agents, k, mode)). */
  actions: readonly (readonly number[])[];
  gamma: number;
  mode: AdvantageMode;
}

export interface NodeOutcome {
  node: string;
  turn: number;
  rewards: number[];
  /** R_j per joint action. */
  returns: number[];
  /** expanded[j]: whether joint action j has a child node. */
  expanded: boolean[];
  /** perAgent[n]: agent n+1's completion returns and advantages (index = sample). */
  perAgent: { returns: number[]; advantages: number[] }[];
}

/**
 * `rewards` maps every node of one question's tree to its joint rewards (one per joint action);
 * a node is expanded when its children are in the map (all of them: expandsBranch decides per node).
 */
export function treeAdvantages(rewards: ReadonlyMap<string, readonly number[]>, setup: TreeSetup): NodeOutcome[] {
  const build = (node: string): RolloutNode => {
    const r = rewards.get(node);
    if (!r) throw new RangeError(`rollout tree has no node ${node}`);
    if (r.length !== setup.actions.length) throw new RangeError(`node ${node} has ${r.length} joint rewards for ${setup.actions.length} joint actions`);
    const expanded = rewards.has(childNode(node, 0));
    return { rewards: r, children: expanded ? r.map((_, j) => build(childNode(node, j))) : [] };
  };
  const tree = build(ROOT_NODE);
  const out: NodeOutcome[] = [];
  const walk = (node: string, rolled: RolloutNode, returned: ReturnNode): void => {
    const perAgent = Array.from({ length: setup.agents }, (_, n) => {
      const returns = completionReturns(returned.returns, setup.actions, n, setup.k);
      return { returns, advantages: groupAdvantages(returns, setup.mode) };
    });
    out.push({
      node,
      turn: nodeTurn(node),
      rewards: [...rolled.rewards],
      returns: returned.returns,
      expanded: rolled.rewards.map(() => rolled.children.length > 0),
      perAgent,
    });
    rolled.children.forEach((child, j) => walk(childNode(node, j), child, returned.children[j]));
  };
  walk(ROOT_NODE, tree, treeReturns(tree, setup.gamma));
  return out;
}
