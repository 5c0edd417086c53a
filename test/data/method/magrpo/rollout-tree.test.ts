import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupAdvantages } from '../../../../data/method/magrpo/group-advantages';
import { completionReturns, jointActions } from '../../../../data/method/magrpo/joint-actions';
import { expandsBranch, treeReturns } from '../../../../data/method/magrpo/rollout-tree';

function close(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, j) => assert.ok(Math.abs(a - expected[j]) < 1e-12, `[${j}] = ${a}, expected ${expected[j]}`));
}

test('2 turns, aligned, N = 2, K = 2, γ = 0.9: returns and advantages', () => {
  // root r = (0, 0.5); child 1 r = (0.5, 1), child 2 r = (1, 1) (turn 2: leaves)
  // R1 = 0 + 0.9 · mean(0.5, 1) = 0.675; R2 = 0.5 + 0.9 · mean(1, 1) = 1.4
  const tree = treeReturns({ rewards: [0, 0.5], children: [{ rewards: [0.5, 1], children: [] }, { rewards: [1, 1], children: [] }] }, 0.9);
  close(tree.returns, [0.675, 1.4]);
  close(tree.children[0].returns, [0.5, 1]);
  const actions = jointActions(2, 2, 'aligned');
  for (const agent of [0, 1]) {
    const own = completionReturns(tree.returns, actions, agent, 2);
    // mean 1.0375 → (−0.3625, 0.3625); rloo (2·0.675 − 2.075, 2·1.4 − 2.075) / 1 = (−0.725, 0.725)
    close(groupAdvantages(own, 'mean'), [-0.3625, 0.3625]);
    close(groupAdvantages(own, 'rloo'), [-0.725, 0.725]);
    close(groupAdvantages(own, 'raw'), [0.675, 1.4]);
  }
  // child 1: mean 0.75 → (−0.25, 0.25); child 2: no difference, no advantage.
  close(groupAdvantages(completionReturns(tree.children[0].returns, actions, 0, 2), 'mean'), [-0.25, 0.25]);
  close(groupAdvantages(completionReturns(tree.children[1].returns, actions, 1, 2), 'mean'), [0, 0]);
});

test('2 turns, cross, N = 2, K = 2, γ = 0.9: four joint actions per node, per-completion sums', () => {
  // root joint actions (0,0), (0,1), (1,0), (1,1), r = (0, 0.5, 0.5, 1); children's mean rewards
  // 0.5, 1, 0, 0.75. R = (0 + 0.45, 0.5 + 0.9, 0.5 + 0, 1 + 0.675) = (0.45, 1.4, 0.5, 1.675)
  const leaf = (rewards: number[]) => ({ rewards, children: [] });
  const tree = treeReturns(
    { rewards: [0, 0.5, 0.5, 1], children: [leaf([0, 0.5, 0.5, 1]), leaf([1, 1, 1, 1]), leaf([0, 0, 0, 0]), leaf([1, 0.5, 0.5, 1])] },
    0.9,
  );
  close(tree.returns, [0.45, 1.4, 0.5, 1.675]);
  const actions = jointActions(2, 2, 'cross');
  // agent 1: completion 0 in (0,0), (0,1): 0.45 + 1.4 = 1.85; completion 1: 0.5 + 1.675 = 2.175
  // agent 2: completion 0 in (0,0), (1,0): 0.45 + 0.5 = 0.95; completion 1: 1.4 + 1.675 = 3.075
  close(completionReturns(tree.returns, actions, 0, 2), [1.85, 2.175]);
  close(completionReturns(tree.returns, actions, 1, 2), [0.95, 3.075]);
  // both groups sum to 4.025, mean 2.0125: advantages (∓0.1625) and (∓1.0625); rloo twice that.
  close(groupAdvantages(completionReturns(tree.returns, actions, 0, 2), 'mean'), [-0.1625, 0.1625]);
  close(groupAdvantages(completionReturns(tree.returns, actions, 1, 2), 'mean'), [-1.0625, 1.0625]);
  close(groupAdvantages(completionReturns(tree.returns, actions, 1, 2), 'rloo'), [-2.125, 2.125]);
  // turn-2 node under (0,0): r = (0, 0.5, 0.5, 1): agent 1 sums (0.5, 1.5) → (−0.5, 0.5)
  close(groupAdvantages(completionReturns(tree.children[0].returns, actions, 0, 2), 'mean'), [-0.5, 0.5]);
});

test('a branch stops at the last turn, or when its mean reward exceeds the threshold (strictly)', () => {
  // mean(0.5, 1) = 0.75
  assert.equal(expandsBranch([0.5, 1], 1, 2, 0.6), false);
  assert.equal(expandsBranch([0.5, 1], 1, 2, 0.75), true);
  assert.equal(expandsBranch([0.5, 1], 1, 2, null), true);
  assert.equal(expandsBranch([0, 0], 2, 2, null), false);
  // CoMLRL's −0.2 with rewards in [0, 1]: every node stops after turn 1.
  assert.equal(expandsBranch([0, 0, 0, 0], 1, 2, -0.2), false);
  // A stopped root: its returns are its rewards.
  assert.deepEqual(treeReturns({ rewards: [0.5, 1], children: [] }, 0.9).returns, [0.5, 1]);
  assert.throws(() => treeReturns({ rewards: [0.5, 1], children: [{ rewards: [1], children: [] }] }, 0.9), /2 joint actions but 1 children/);
});
