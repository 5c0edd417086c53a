// MAPoRL's policies as adapter references per turn and agent (θ_ta of Park et al. 2025, section
// 3), and which of them one PPO update trains. `maporl.parameters` decides the sharing:
// per-turn trains one adapter per (turn, agent) as the paper defines θ; per-agent one per agent
// used in every trained turn; shared one for every agent and trained turn (the public code as
// shipped). Turns outside `trainTurns` keep the base model. Pure data, shared by workflows and
// activities.
import type { AgentSet } from './agents';
import type { MaporlConfig } from './maporl-schema';

export interface PolicySet {
  /** policy[t − 1][i − 1]: agent i's policy adapter in turn t, relative to the run directory; null is the base model. */
  policy: (string | null)[][];
  /** value[t − 1][i − 1]: the value model (PEFT SEQ_CLS adapter + score head) of that policy; null before its first update. */
  value: (string | null)[][];
}

export interface PolicyCell {
  turn: number;
  agent: number;
}

/** One policy (with its value model) that a PPO update trains on the responses of its cells. */
export interface PolicyTrainee {
  /** agent-<i>-turn-<t>, agent-<i> or shared. */
  id: string;
  cells: PolicyCell[];
}

export function basePolicies(agents: number, turns: number): PolicySet {
  const none = (): (string | null)[][] => Array.from({ length: turns }, () => Array.from({ length: agents }, () => null));
  return { policy: none(), value: none() };
}

/** The turns whose responses are trained: every turn, or 2..T (the paper's Experiment 1). */
export function trainedTurns(trainTurns: MaporlConfig['trainTurns'], turns: number): number[] {
  const first = trainTurns === 'from-2' ? 2 : 1;
  return Array.from({ length: turns - first + 1 }, (_, k) => first + k);
}

export function policyTrainees(maporl: Pick<MaporlConfig, 'parameters' | 'trainTurns'>, agents: number, turns: number): PolicyTrainee[] {
  const trained = trainedTurns(maporl.trainTurns, turns);
  const agentNumbers = Array.from({ length: agents }, (_, i) => i + 1);
  switch (maporl.parameters) {
    case 'per-turn':
      return trained.flatMap((turn) => agentNumbers.map((agent) => ({ id: `agent-${agent}-turn-${turn}`, cells: [{ turn, agent }] })));
    case 'per-agent':
      return agentNumbers.map((agent) => ({ id: `agent-${agent}`, cells: trained.map((turn) => ({ turn, agent })) }));
    case 'shared':
      return [{ id: 'shared', cells: trained.flatMap((turn) => agentNumbers.map((agent) => ({ turn, agent }))) }];
  }
}

/** The trainee's current policy and value model (all its cells hold the same ones). */
export function traineeModels(policies: PolicySet, trainee: PolicyTrainee): { policy: string | null; value: string | null } {
  const { turn, agent } = trainee.cells[0];
  return { policy: policies.policy[turn - 1][agent - 1], value: policies.value[turn - 1][agent - 1] };
}

/** The policies after an update: each trainee's new adapters replace its cells'. */
export function policiesAfter(before: PolicySet, updated: readonly { trainee: PolicyTrainee; policy: string | null; value: string | null }[]): PolicySet {
  const next: PolicySet = { policy: before.policy.map((turn) => [...turn]), value: before.value.map((turn) => [...turn]) };
  for (const { trainee, policy, value } of updated) {
    for (const { turn, agent } of trainee.cells) {
      next.policy[turn - 1][agent - 1] = policy;
      next.value[turn - 1][agent - 1] = value;
    }
  }
  return next;
}

/**
 * The policies as the debate's agent set, for what reads one (evaluate's NLL diversity scores the
 * final turn's responses): the first turn's adapters as generation agents, the last turn's as critics.
 */
export function agentSetOf(policies: PolicySet): AgentSet {
  return { generation: [...policies.policy[0]], critic: [...policies.policy[policies.policy.length - 1]] };
}

/** Every adapter the policies reference (value models included), for input hashes. */
export function policyFiles(policies: PolicySet): string[] {
  return [...new Set([...policies.policy.flat(), ...policies.value.flat()].filter((p): p is string => p !== null))];
}
