// The agents of a debate as adapter references: `null` is the base model. Pure data, shared by
// workflows and activities.
import type { AgentRole } from '../data/artifacts/kinds';
import type { Variant } from './variants';

export interface AgentSet {
  /** Adapter of generation agent n (round 1), relative to the run directory. */
  generation: (string | null)[];
  /** Adapter of critic agent n (rounds 2..M). */
  critic: (string | null)[];
}

export function baseAgents(variant: Variant): AgentSet {
  const none = Array.from({ length: variant.agents }, () => null);
  return { generation: [...none], critic: [...none] };
}

/** The distinct adapters an agent set uses (the base model excluded). */
export function adaptersOf(agents: AgentSet): string[] {
  return [...new Set([...agents.generation, ...agents.critic].filter((a): a is string => a !== null))];
}

/** One model being finetuned in an iteration: an agent's role, or the single shared model. */
export interface Trainee {
  /** e.g. "agent-2-critic" or "shared". */
  id: string;
  /** 1-based agent; 0 for the shared model. */
  agent: number;
  role: AgentRole;
}

export function traineesOf(variant: Variant): Trainee[] {
  if (variant.training === 'shared') return [{ id: 'shared', agent: 0, role: 'generation' }];
  const roles: AgentRole[] = variant.training === 'per-agent' && variant.rounds > 1 ? ['generation', 'critic'] : ['generation'];
  return roles.flatMap((role) =>
    Array.from({ length: variant.agents }, (_, i): Trainee => ({ id: `agent-${i + 1}-${role}`, agent: i + 1, role })),
  );
}

/** The agents after training: each trained adapter replaces what it was trained from. */
export function agentsAfter(variant: Variant, before: AgentSet, adapters: Record<string, string | null>): AgentSet {
  const pick = (id: string, previous: string | null): string | null => (id in adapters ? adapters[id] : previous);
  if (variant.training === 'shared') {
    const shared = pick('shared', before.generation[0]);
    return { generation: before.generation.map(() => shared), critic: before.critic.map(() => shared) };
  }
  const generation = before.generation.map((a, i) => pick(`agent-${i + 1}-generation`, a));
  const critic =
    variant.training === 'generation-only'
      ? generation.slice()
      : before.critic.map((a, i) => pick(`agent-${i + 1}-critic`, a));
  return { generation, critic };
}
