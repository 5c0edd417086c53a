// The config of an RL method in one line, as its Rollouts page heads it: what shapes the rewards,
// advantages and updates shown below.
import type { ExperimentConfig } from '../../experiment/experiment-schema';

export function rlSetup(c: ExperimentConfig | null): string | null {
  if (c?.method === 'maporl') {
    const { incentives: i, ppo } = c.maporl;
    return `MAPoRL · A = ${c.agents} agents, T = ${c.rounds} turns · verifier ${c.maporl.verifier} · γ = ${c.maporl.rewardDiscount} · incentives α0 ${i.alpha0}, α1 ${i.alpha1}, β0 ${i.beta0}, β1 ${i.beta1} · λ_KL = ${ppo.klCoef} · θ ${c.maporl.parameters}, trained turns ${c.maporl.trainTurns} · PPO batches of ${ppo.batchSize} questions, ${ppo.epochs} epochs × ${ppo.miniBatches} mini-batches, lr ${ppo.learningRate}, clip ${ppo.clip}, GAE γ ${ppo.gamma} λ ${ppo.lambda}${ppo.whitenAdvantages ? ', whitened advantages' : ''}`;
  }
  if (c?.method === 'magrpo') {
    const m = c.magrpo;
    return `MAGRPO · N = ${c.agents} agents, ${c.rounds} turns, K = ${m.numGenerations} completions per agent and node (${m.jointMode} joint actions) · reward ${typeof m.reward === 'string' ? m.reward : `${m.reward.module}#${m.reward.export}`}, discount ${m.discount}, termination threshold ${m.terminationThreshold ?? 'none'} · advantages ${m.advantageMode} · lr ${m.learningRate}${m.klBeta === undefined ? '' : `, k3 KL β ${m.klBeta}`}`;
  }
  return null;
}
