// ppoUpdate: MAPoRL's PPO step for one trainee (a policy of one or more (turn, agent) cells,
// experiment/maporl-policies.ts) on the responses of its cells in one PPO batch — either the
// policy, with TRL PPOv2's clipped surrogate on the GAE advantages at the sampling temperature
// (the KL to the reference is already in the rewards, as in PPOv2), or its value model (its own
// LoRA + scalar head, the clipped value loss against GAE's returns, × vf_coef). Both run
// ppo.epochs passes over ppo.miniBatches minibatches, one optimizer step each, through lm/'s
// finetuneRl; heartbeats, checkpoints, resume and losses.parquet as finetune-agent.ts.
//
// Where this differs from MAPoRL's code (TRL PPOv2), and why: PPOv2 steps policy and value with
// one optimizer on the sum pg_loss + vf_coef·vf_loss; here they are two steps with their own
// optimizers (their parameters are disjoint, so the gradients are the same; only the gradient
// norm clipping is per model). A value model's first update has no values to clip against (there
// was no value model when the batch was scored, so its values were 0) and is unclipped. Adam's
// moments restart with every batch (each update is its own activity).
import type { RolloutRow } from '../data/artifacts';
import { deriveSeed } from '../data/method/seed';
import type { RlExample, RlObjective } from '../lm/types';
import { questionsFile } from '../experiment/run-layout';
import type { PpoUpdateInput, TrainSummary } from '../experiment/step-types';
import type { ActivityDeps } from './deps';
import { MaftInputError } from './failures';
import { responseKey } from '../data/artifacts';
import { questionOf, readAdvantages, readScores, readTranscripts, valuePrompt } from './maporl-batch';
import { readQuestions, taskOf } from './run-files';
import { cachedStep } from './step-cache';
import { rlLoraOptions, trainRlInStep } from './rl-training';

export async function ppoUpdate(deps: ActivityDeps, input: PpoUpdateInput): Promise<TrainSummary> {
  const { runId, config, iteration, batch, trainee, model, init, stepDir } = input;
  if (config.method !== 'maporl') throw new MaftInputError(`ppoUpdate runs for method maporl, not "${config.method}"`);
  const { ppo, lora } = config.maporl;
  const objective: RlObjective =
    model === 'policy'
      ? { policy: { kind: 'ppo', clip: ppo.clip }, normalize: 'token-mean', temperature: config.sampling.temperature }
      : { head: { kind: 'value', coefficient: ppo.valueCoef, ...(init === null ? {} : { clip: ppo.valueClip }) }, normalize: 'token-mean' };
  const id = `${model}-${trainee.id}`;
  return cachedStep(deps, {
    step: 'ppoUpdate',
    runId,
    stepDir,
    inputs: { model: config.model.path, objective, lora, ppo, trainee, init, seed: config.seed, iteration, batch, valueSimplification: config.maporl.valueSimplification },
    inputPaths: [questionsFile('train'), input.rollouts, input.scores, input.advantages, ...(init === null ? [] : [init])],
    compute: async (dir) => {
      const task = taskOf(config);
      const inCells = new Set(trainee.cells.map((c) => `${c.turn}/${c.agent}`));
      const responses = (await readTranscripts(deps, runId, input.rollouts)).filter((r) => inCells.has(`${r.turn}/${r.agent}`));
      const scores = await readScores(deps, runId, input.scores, responses);
      const advantages = await readAdvantages(deps, runId, input.advantages, responses);
      const questions = new Map((await readQuestions(deps, runId, 'train')).map((q) => [q.id, q]));
      const examples = responses.map((r): RlExample => {
        const s = scores.get(responseKey(r))!;
        const a = advantages.get(responseKey(r))!;
        if (model === 'policy') return { prompt: r.prompt, completion: r.tokenIds, advantages: a.advantages, oldLogprobs: s.oldLogprobs };
        const prompt = valuePrompt(config, task, questionOf(questions, r.questionId, input.rollouts), r);
        return { prompt, completion: r.tokenIds, returns: a.returns, ...(init === null ? {} : { oldValues: s.values }) };
      });
      if (examples.length === 0) throw new MaftInputError(`${input.rollouts}: trainee ${trainee.id} has no responses in this batch`);
      const options = rlLoraOptions({
        lora,
        learningRate: ppo.learningRate,
        epochs: ppo.epochs,
        batchTokens: miniBatchTokens(responses, ppo.miniBatches),
        seed: deriveSeed(config.seed, 'maporl-ppo', iteration, batch, model, trainee.id),
      });
      return trainRlInStep(deps, config, { runId, dir, stepDir, trainee: id }, { init, examples, objective, options });
    },
  });
}

/**
 * Tokens per packed minibatch so that an epoch is about `miniBatches` optimizer steps, never less
 * than the longest response. Prompts are text here (lm/ tokenizes them), so their token counts are
 * estimated at the completions' own characters per token; the estimate only moves the number of
 * steps, never which tokens are trained.
 */
export function miniBatchTokens(responses: readonly RolloutRow[], miniBatches: number): number {
  const chars = responses.reduce((n, r) => n + r.completion.length, 0);
  const tokens = responses.reduce((n, r) => n + r.tokenIds.length, 0);
  const perChar = chars > 0 ? tokens / chars : 1;
  const lengths = responses.map((r) => Math.ceil(r.prompt.length * perChar) + r.tokenIds.length);
  return Math.max(...lengths, Math.ceil(lengths.reduce((a, b) => a + b, 0) / miniBatches));
}
