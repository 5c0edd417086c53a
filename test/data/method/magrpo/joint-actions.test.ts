import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completionReturns, jointActions } from '../../../../data/method/magrpo/joint-actions';

test('aligned: the j-th completion of every agent; cross: the K^N product, agent 1 slowest', () => {
  assert.deepEqual(jointActions(2, 2, 'aligned'), [[0, 0], [1, 1]]);
  assert.deepEqual(jointActions(2, 2, 'cross'), [[0, 0], [0, 1], [1, 0], [1, 1]]);
  const three = jointActions(3, 2, 'cross');
  assert.equal(three.length, 8);
  assert.deepEqual([three[0], three[1], three[7]], [[0, 0, 0], [0, 0, 1], [1, 1, 1]]);
  assert.deepEqual(jointActions(1, 3, 'cross'), jointActions(1, 3, 'aligned'));
  assert.throws(() => jointActions(0, 2, 'aligned'), /at least one agent/);
});

test('completion returns: aligned passes them through; cross sums over the combinations, as CoMLRL', () => {
  assert.deepEqual(completionReturns([0.3, 0.7], jointActions(2, 2, 'aligned'), 1, 2), [0.3, 0.7]);
  // returns of (0,0), (0,1), (1,0), (1,1) = 1, 2, 3, 4
  // agent 1: completion 0 in (0,0), (0,1) → 3; completion 1 in (1,0), (1,1) → 7
  // agent 2: completion 0 in (0,0), (1,0) → 4; completion 1 in (0,1), (1,1) → 6
  const cross = jointActions(2, 2, 'cross');
  assert.deepEqual(completionReturns([1, 2, 3, 4], cross, 0, 2), [3, 7]);
  assert.deepEqual(completionReturns([1, 2, 3, 4], cross, 1, 2), [4, 6]);
  assert.throws(() => completionReturns([1, 2], cross, 0, 2), /2 returns for 4 joint actions/);
});
