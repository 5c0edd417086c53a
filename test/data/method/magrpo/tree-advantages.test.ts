import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jointActions } from '../../../../data/method/magrpo/joint-actions';
import { childNode, nodeTurn, ROOT_NODE, treeAdvantages } from '../../../../data/method/magrpo/tree-advantages';

function close(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, j) => assert.ok(Math.abs(a - expected[j]) < 1e-12, `[${j}] = ${a}, expected ${expected[j]}`));
}

const setup = { agents: 2, k: 2, actions: jointActions(2, 2, 'aligned'), gamma: 0.9, mode: 'mean' as const };

test('node paths: root "0", child by joint action j "<parent>.j", turn = depth', () => {
  assert.equal(childNode(childNode(ROOT_NODE, 1), 0), '0.1.0');
  assert.equal(nodeTurn('0'), 1);
  assert.equal(nodeTurn('0.1.0'), 3);
});

test('a two-turn tree: returns bottom-up, mean advantages per node and agent', () => {
  const rewards = new Map([
    ['0', [0, 0.5]],
    ['0.0', [0.5, 1]],
    ['0.1', [1, 1]],
  ]);
  const out = treeAdvantages(rewards, setup);
  assert.deepEqual(out.map((o) => o.node), ['0', '0.0', '0.1']);
  const [root, a, b] = out;
  close(root.returns, [0.675, 1.4]); // 0 + 0.9·0.75, 0.5 + 0.9·1
  assert.deepEqual(root.expanded, [true, true]);
  for (const agent of root.perAgent) close(agent.advantages, [-0.3625, 0.3625]);
  close(a.perAgent[0].advantages, [-0.25, 0.25]);
  close(b.perAgent[1].advantages, [0, 0]);
  assert.deepEqual(a.expanded, [false, false]);
  assert.equal(b.turn, 2);
});

test('a stopped branch is a leaf: returns are its rewards', () => {
  const out = treeAdvantages(new Map([['0', [1, 0]]]), { ...setup, mode: 'raw' });
  assert.equal(out.length, 1);
  close(out[0].returns, [1, 0]);
  close(out[0].perAgent[0].advantages, [1, 0]);
});

test('cross joint actions: a completion sums the returns of the K^(N−1) joint actions it is in', () => {
  const actions = jointActions(2, 2, 'cross'); // (0,0) (0,1) (1,0) (1,1)
  const [root] = treeAdvantages(new Map([['0', [1, 0, 0, 0]]]), { ...setup, actions });
  close(root.perAgent[0].returns, [1, 0]);
  close(root.perAgent[1].returns, [1, 0]);
  close(root.perAgent[0].advantages, [0.5, -0.5]);
});

test('a missing child or a wrong number of rewards names the node', () => {
  assert.throws(() => treeAdvantages(new Map([['0', [0, 1]], ['0.0', [1, 1]]]), setup), /no node 0\.1/);
  assert.throws(() => treeAdvantages(new Map([['0', [0, 1, 1]]]), setup), /node 0 has 3 joint rewards for 2 joint actions/);
});
