// policyUpdate: MAGRPO's policy gradient for one agent — lm/'s finetuneRl with objective
// { policy: pg, normalize: sequence-sum } (CoMLRL: −(Σ_t log π)·A averaged over the completions of
// an optimizer step), plus a k3 KL penalty to the base model when magrpo.klBeta is set (reference
// log-probs from scoreTokens on the base). Every completion of the agent in the rollout trees is
// one example with its group-relative advantage. LoRA per magrpo.lora, continuing the agent's
// previous adapter. Heartbeats, checkpoints, resume and losses.parquet as finetune-agent.ts. Its
// summary's `drift` is the mean log π_sampling − log π_ref per token (and turn) over those
// completions (data/method/magrpo/policy-drift.ts), from the same reference scoring as the KL
// (scored for the drift alone only without klBeta, from iteration 2 on); it changes no training input.
import { join } from 'node:path';
import { advantageSchema, readRows, rolloutSchema } from '../data/artifacts';
import { samplingDrift } from '../data/method/magrpo/policy-drift';
import { deriveSeed } from '../data/method/seed';
import type { RlExample, RlObjective } from '../lm/types';
import type { PolicyUpdateInput, TrainSummary } from '../experiment/step-types';
import type { ActivityDeps } from './deps';
import { MaftInputError } from './failures';
import type { ModelPool } from './model-pool';
import { heartbeatWhile } from './heartbeat-while';
import { cachedStep, runDirOf } from './step-cache';
import { rlLoraOptions, trainRlInStep } from './rl-training';

/** Tokens packed per optimizer step: a few completions of the tiny model per step (magrpo: has no key for it yet). */
export const POLICY_BATCH_TOKENS = 2048;

export async function policyUpdate(deps: ActivityDeps, models: ModelPool, input: PolicyUpdateInput): Promise<TrainSummary> {
  const { runId, config, iteration, agent, init, stepDir } = input;
  if (config.method !== 'magrpo') throw new MaftInputError(`policyUpdate runs for method magrpo, not "${config.method}"`);
  const magrpo = config.magrpo;
  const trainee = agent === 0 ? 'shared' : `agent-${agent}`;
  // Agent 0 is one policy trained on every agent's completions, each with its own advantage.
  const mine = (a: { agent: number }): boolean => agent === 0 || a.agent === agent;
  const seed = deriveSeed(config.seed, 'magrpo-policy', iteration, agent);
  const objective: RlObjective = { policy: { kind: 'pg' }, normalize: 'sequence-sum', ...(magrpo.klBeta === undefined ? {} : { kl: { beta: magrpo.klBeta } }) };
  const options = rlLoraOptions({ lora: magrpo.lora, learningRate: magrpo.learningRate, epochs: 1, batchTokens: POLICY_BATCH_TOKENS, seed });
  return cachedStep(deps, {
    step: 'policyUpdate',
    runId,
    stepDir,
    inputs: { model: config.model.path, objective, options, trainee, init },
    inputPaths: [...input.rollouts, input.advantages, ...(init === null ? [] : [init])],
    compute: async (dir) => {
      const runDir = runDirOf(deps, runId);
      const rollouts = (await Promise.all(input.rollouts.map((p) => readRows(rolloutSchema, join(runDir, p))))).flat().filter(mine);
      const key = (r: { questionId: string; node: string; agent: number; sample: number }): string => `${r.questionId}\u001f${r.node}\u001f${r.agent}\u001f${r.sample}`;
      const advantage = new Map((await readRows(advantageSchema, join(runDir, input.advantages))).filter(mine).map((a) => [key(a), a.advantage]));
      const examples: RlExample[] = rollouts.map((r) => {
        const a = advantage.get(key(r));
        if (a === undefined) throw new MaftInputError(`${input.advantages}: no advantage for agent ${r.agent}'s completion ${r.sample} at node ${r.node} of question ${r.questionId}`);
        return { prompt: r.prompt, completion: r.tokenIds, advantage: a };
      });
      // The base model's log-probs of every completion: the k3 KL's reference, and the drift's. The
      // drift needs them only where the sampler was not the base model itself (init: the policy
      // that sampled these rollouts; null in iteration 1, whose drift is 0 by definition).
      const referenceLogprobs = async (): Promise<number[][]> => {
        const model = await models.get(config.model.path, { device: config.model.device, threads: config.model.threads });
        const scored = await heartbeatWhile(() => ({ step: 0, total: 0 }), () => model.scoreTokens(examples.map((e) => ({ prompt: e.prompt, completion: e.completion }))));
        return scored.map((s) => s.logprobs);
      };
      const ref = objective.kl || init !== null ? await referenceLogprobs() : null;
      if (objective.kl && ref) ref.forEach((logprobs, i) => (examples[i].refLogprobs = logprobs));
      const drift = samplingDrift(rollouts, init === null ? null : ref, config.rounds);
      const trained = await trainRlInStep(deps, config, { runId, dir, stepDir, trainee }, { init, examples, objective, options });
      return { outputs: trained.outputs, summary: { ...trained.summary, drift } };
    },
  });
}
