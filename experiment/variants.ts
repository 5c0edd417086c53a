// The main method and its baselines/ablations (paper tables 1–2), each as the few switches that
// make it differ. Every variant runs through the same iteration workflow.
import type { BaselineName, ExperimentConfig } from './experiment-schema';
import type { RlBaselineName } from './rl-baselines';

/** The main method of a run (multiagent-ft, maporl or magrpo), or a baseline of multiagent-ft or of an RL method. */
export type VariantName = 'multiagent-ft' | 'maporl' | 'magrpo' | BaselineName | RlBaselineName;

export interface Variant {
  name: VariantName;
  /** Agents debating (N, or 1 for the single-agent base). */
  agents: number;
  /** Debate rounds (M, or 1 where there is no debate). */
  rounds: number;
  /** Finetuning iterations (0: evaluate the base model only). */
  iterations: number;
  summarize: boolean;
  /**
   * per-agent: each agent has its own generation and critic adapters (the method);
   * generation-only: only generation agents are trained and also answer in later rounds;
   * shared: one model trained on everyone's answers that match ŷ and used as every agent.
   */
  training: 'per-agent' | 'generation-only' | 'shared';
  /** Evaluate before finetuning (iteration 0). */
  evaluateBase: boolean;
}

export function mainVariant(config: ExperimentConfig): Variant {
  return {
    name: 'multiagent-ft',
    agents: config.agents,
    rounds: config.rounds,
    iterations: config.iterations,
    summarize: config.debate.summarize,
    training: 'per-agent',
    evaluateBase: config.evaluation.includeBase,
  };
}

/** MAGRPO's agents: N policies, each one adapter used in every turn (rounds = turns), no baselines. */
export function magrpoVariant(config: ExperimentConfig): Variant {
  return { ...mainVariant(config), name: 'magrpo', summarize: false, training: 'per-agent' };
}

/** MAPoRL's agents debate T turns (rounds); which adapters they use per turn is config.maporl.parameters (experiment/maporl-policies.ts). */
export function maporlVariant(config: ExperimentConfig): Variant {
  return { ...mainVariant(config), name: 'maporl', summarize: false, training: 'per-agent' };
}

/**
 * A baseline of an RL method, trained from the base model like the method (its iteration 0 is the
 * method's): shared-policy runs the method's own iterations with one policy for every agent;
 * multiagent-sft runs multiagent finetuning's.
 */
export function rlBaselineVariant(name: RlBaselineName, config: ExperimentConfig, main: Variant): Variant {
  if (name === 'shared-policy') return { ...main, name, training: 'shared', evaluateBase: false };
  return { ...mainVariant(config), name, evaluateBase: false };
}

export function baselineVariant(name: BaselineName, config: ExperimentConfig): Variant {
  const main = mainVariant(config);
  const evalOnly = { iterations: 0, evaluateBase: true, training: 'per-agent' as const };
  const finetuned = { evaluateBase: false };
  switch (name) {
    case 'base':
      return { ...main, ...evalOnly, name, agents: 1, rounds: 1, summarize: false };
    case 'majority':
      return { ...main, ...evalOnly, name, rounds: 1, summarize: false };
    case 'debate':
      return { ...main, ...evalOnly, name };
    case 'majority-ft':
      return { ...main, ...finetuned, name, rounds: 1, summarize: false, training: 'shared' };
    case 'single-agent-ft':
      return { ...main, ...finetuned, name, training: 'shared' };
    case 'without-summary':
      return { ...main, ...finetuned, name, summarize: false };
    case 'without-critics':
      return { ...main, ...finetuned, name, training: 'generation-only' };
  }
}
