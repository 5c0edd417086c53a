// Which adapters MAPoRL trains per maporl.parameters and trainTurns, and how an update replaces them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentSetOf, basePolicies, policiesAfter, policyTrainees, traineeModels } from '../../experiment/maporl-policies';

test('per-turn, per-agent and shared trainees cover the trained turns exactly', () => {
  assert.deepEqual(policyTrainees({ parameters: 'per-turn', trainTurns: 'from-2' }, 2, 3), [
    { id: 'agent-1-turn-2', cells: [{ turn: 2, agent: 1 }] },
    { id: 'agent-2-turn-2', cells: [{ turn: 2, agent: 2 }] },
    { id: 'agent-1-turn-3', cells: [{ turn: 3, agent: 1 }] },
    { id: 'agent-2-turn-3', cells: [{ turn: 3, agent: 2 }] },
  ]);
  assert.deepEqual(policyTrainees({ parameters: 'per-agent', trainTurns: 'all' }, 2, 2), [
    { id: 'agent-1', cells: [{ turn: 1, agent: 1 }, { turn: 2, agent: 1 }] },
    { id: 'agent-2', cells: [{ turn: 1, agent: 2 }, { turn: 2, agent: 2 }] },
  ]);
  assert.deepEqual(policyTrainees({ parameters: 'shared', trainTurns: 'from-2' }, 2, 2), [{ id: 'shared', cells: [{ turn: 2, agent: 1 }, { turn: 2, agent: 2 }] }]);
});

test('an update replaces its cells only; turn 1 stays the base model under from-2', () => {
  const [shared] = policyTrainees({ parameters: 'shared', trainTurns: 'from-2' }, 2, 3);
  const after = policiesAfter(basePolicies(2, 3), [{ trainee: shared, policy: 'p', value: 'v' }]);
  assert.deepEqual(after.policy, [[null, null], ['p', 'p'], ['p', 'p']]);
  assert.deepEqual(after.value, [[null, null], ['v', 'v'], ['v', 'v']]);
  assert.deepEqual(traineeModels(after, shared), { policy: 'p', value: 'v' });
  assert.deepEqual(agentSetOf(after), { generation: [null, null], critic: ['p', 'p'] });
});
