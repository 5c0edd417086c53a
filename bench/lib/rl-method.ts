// The RL methods' own model work on the embedded tiny model at configs/magrpo-tiny.yaml's shapes
// (3 agents, 2 turns, K = 4, aligned joint actions, termination threshold 0.8, T 0.8, up to 128
// new tokens, LoRA r 8 / α 16, lr 5e-4, k3 KL β 0.05): (a) MAGRPO rollout trees through
// data/method/magrpo/rollouts.ts on a real model from openModel(), with the config's built-in
// reward deciding which branches expand, as the generateRollouts activity runs them; (b) the base
// model's log-probs of one agent's completions, which policyUpdate scores for the KL term before
// its first optimizer step; (c) that agent's update on them through finetuneRl: MAGRPO's
// objective (pg, sequence-sum, k3 KL, as policyUpdate sets it), and MAPoRL's PPO update with
// maporl:'s defaults — the policy's clipped surrogate (ε 0.2), then the separate value model (its
// own LoRA + value head, clipped value loss). The signals are the completions' group-relative
// correctness; their values do not change the work per token. Repetitions run round-robin so load
// from other jobs falls on all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rlLoraOptions } from '../../activities/rl-training';
import { POLICY_BATCH_TOKENS } from '../../activities/policy-update';
import { loadJointReward } from '../../activities/magrpo-reward';
import { samplingOf, taskOf } from '../../activities/run-files';
import { loadExperimentConfig } from '../../config/load-experiment';
import type { RolloutRow } from '../../data/artifacts';
import { groupAdvantages } from '../../data/method/magrpo/group-advantages';
import { jointActions } from '../../data/method/magrpo/joint-actions';
import { runRollouts } from '../../data/method/magrpo/rollouts';
import { deriveSeed } from '../../data/method/seed';
import type { Question } from '../../data/task';
import { generateArithmeticQuestions } from '../../data/tasks/arithmetic';
import { maporlSchema } from '../../experiment/maporl-schema';
import { finetuneRl, openModel } from '../../lm';
import type { LanguageModel, RlExample, RlFinetuneOptions, RlObjective } from '../../lm/types';
import { median } from './median';

export const RL_METHOD_CONFIG = 'configs/magrpo-tiny.yaml';
const config = loadExperimentConfig(RL_METHOD_CONFIG);
if (config.method !== 'magrpo' || config.task.name !== 'arithmetic') throw new Error(`${RL_METHOD_CONFIG} is expected to be a MAGRPO run on arithmetic`);
const magrpo = config.magrpo;
const maporl = maporlSchema.parse({});
const task = taskOf(config);
const RUNTIME = { device: 'cpu' as const, threads: 2 };

/** policyUpdate's optimizer settings, with the learning rate and LoRA of the method's config section. */
function updateOptions(lora: RlFinetuneOptions['lora'], learningRate: number): RlFinetuneOptions {
  return rlLoraOptions({ lora: lora!, learningRate, epochs: 1, batchTokens: POLICY_BATCH_TOKENS, seed: 1 });
}

interface Update {
  name: string;
  objective: RlObjective;
  options: RlFinetuneOptions;
}

const UPDATES: Update[] = [
  { name: 'magrpo policy (pg, sequence-sum, k3 KL)', objective: { policy: { kind: 'pg' }, normalize: 'sequence-sum', ...(magrpo.klBeta === undefined ? {} : { kl: { beta: magrpo.klBeta } }) }, options: updateOptions(magrpo.lora, magrpo.learningRate) },
  // The policy's ratio is against generate()'s log-probs, which are at temperature 1, so the objective keeps temperature 1.
  { name: 'maporl ppo policy (clip)', objective: { policy: { kind: 'ppo', clip: maporl.ppo.clip }, normalize: 'token-mean' }, options: updateOptions(maporl.lora, maporl.ppo.learningRate) },
  {
    name: 'maporl value model (LoRA + head, clip)',
    objective: { head: { kind: 'value', clip: maporl.ppo.valueClip, coefficient: maporl.ppo.valueCoef }, normalize: 'token-mean' },
    options: updateOptions(maporl.lora, maporl.ppo.learningRate),
  },
];

export interface RolloutFigures {
  seconds: number;
  completions: number;
  nodesPerTurn: number[];
  generatedTokens: number;
  tokensPerSecond: number;
}

export interface ScoringFigures {
  seconds: number;
  completionTokens: number;
  tokensPerSecond: number;
}

export interface UpdateFigures {
  /** The whole finetuneRl call: worker thread, model, graph, session, every step, the adapter written. */
  seconds: number;
  steps: number;
  /** Completion (loss-bearing) tokens over the whole call. */
  trainedTokensPerSecond: number;
  /** Median over steps after the first of a step's batch tokens (prompts and padding included) per second. */
  stepTokensPerSecond: number;
}

export interface RlMethodFigures {
  config: string;
  questions: number;
  agents: number;
  turns: number;
  k: number;
  reps: number;
  rollouts: RolloutFigures;
  /** Agent 1's completions, the examples of every update. */
  updateExamples: number;
  referenceScoring: ScoringFigures;
  updates: Record<string, UpdateFigures>;
}

async function timeRollouts(model: LanguageModel, questions: readonly Question[]): Promise<{ figures: RolloutFigures; rows: RolloutRow[] }> {
  const started = performance.now();
  const result = await runRollouts(model, {
    task,
    questions,
    agents: config.agents,
    turns: config.rounds,
    k: magrpo.numGenerations,
    actions: jointActions(config.agents, magrpo.numGenerations, magrpo.jointMode),
    terminationThreshold: magrpo.terminationThreshold,
    reward: await loadJointReward(magrpo.reward, task),
    adapterOf: () => undefined,
    sampling: samplingOf(config),
    // The same trees every repetition: the figures compare time, not different samples.
    seedOf: (turn, agent) => deriveSeed(config.seed, 'bench-rollouts', turn, agent),
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    figures: { seconds, completions: result.rows.length, nodesPerTurn: result.nodesPerTurn, generatedTokens: result.generatedTokens, tokensPerSecond: result.generatedTokens / seconds },
    rows: result.rows,
  };
}

/**
 * One agent's examples (timeReferenceScoring adds their refLogprobs): every completion with its
 * (question, node) group's mean-centred correctness as the advantage (MAGRPO's mean mode on the
 * turn's own reward), the same as the PPO advantage of every token and the value model's return;
 * old values 0, as a fresh head's are close to.
 */
function updateExamples(rows: readonly RolloutRow[], agent: number, reference: (id: string) => string): RlExample[] {
  const own = rows.filter((r) => r.agent === agent);
  const groups = new Map<string, RolloutRow[]>();
  for (const r of own) groups.set(`${r.questionId}/${r.node}`, [...(groups.get(`${r.questionId}/${r.node}`) ?? []), r]);
  const examples: RlExample[] = [];
  for (const group of groups.values()) {
    const correct = group.map((r) => (r.answer !== null && task.isEquivalent(r.answer, reference(r.questionId)) ? 1 : 0));
    const advantages = groupAdvantages(correct, magrpo.advantageMode);
    group.forEach((r, i) =>
      examples.push({
        prompt: r.prompt, completion: r.tokenIds, advantage: advantages[i], oldLogprobs: r.logprobs,
        returns: r.tokenIds.map(() => correct[i]), oldValues: r.tokenIds.map(() => 0),
      }),
    );
  }
  return examples;
}

/** The KL term's reference log-probs under the base model, as policyUpdate scores them before training. */
async function timeReferenceScoring(model: LanguageModel, examples: RlExample[]): Promise<ScoringFigures> {
  const started = performance.now();
  const ref = await model.scoreTokens(examples.map((e) => ({ prompt: e.prompt, completion: e.completion })));
  const seconds = (performance.now() - started) / 1000;
  ref.forEach((s, i) => (examples[i].refLogprobs = s.logprobs));
  const tokens = ref.reduce((n, s) => n + s.tokenIds.length, 0);
  return { seconds, completionTokens: tokens, tokensPerSecond: tokens / seconds };
}

async function timeUpdate(update: Update, examples: RlExample[]): Promise<UpdateFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'maft-bench-rl-method-'));
  try {
    const stepRates: number[] = [];
    const started = performance.now();
    const r = await finetuneRl({
      modelDir: config.model.path, examples, objective: update.objective, options: update.options,
      outDir: join(dir, 'out'), checkpointDir: join(dir, 'checkpoints'), runtime: RUNTIME,
      // Step 1 includes the first runs of every kernel.
      onProgress: (p) => void (p.step > 1 && stepRates.push(p.tokensPerSecond)),
    });
    const seconds = (performance.now() - started) / 1000;
    return { seconds, steps: r.steps, trainedTokensPerSecond: r.tokens / seconds, stepTokensPerSecond: stepRates.length > 0 ? median(stepRates) : NaN };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Medians over `reps`: each figure is that of the repetition of median time. */
export async function rlMethodFigures(questions: number, reps: number): Promise<RlMethodFigures> {
  const model = await openModel(config.model.path, RUNTIME);
  try {
    const qs = generateArithmeticQuestions(3, questions);
    const answers = new Map(qs.map((q) => [q.id, q.answer]));
    // Untimed warm-up: the first runs of a session allocate its buffers.
    await model.generate([{ prompt: task.generationPrompt(qs[0]) }], { maxNewTokens: 8, temperature: 0.7, seed: 1 });
    const rollouts: RolloutFigures[] = [];
    const scoring: ScoringFigures[] = [];
    const updates = new Map<string, UpdateFigures[]>(UPDATES.map((u) => [u.name, []]));
    let examples: RlExample[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const { figures, rows } = await timeRollouts(model, qs);
      rollouts.push(figures);
      // Every repetition's trees are the same (same seeds), so are the examples.
      if (rep === 0) examples = updateExamples(rows, 1, (id) => answers.get(id)!);
      scoring.push(await timeReferenceScoring(model, examples));
      for (const u of UPDATES) updates.get(u.name)!.push(await timeUpdate(u, examples));
    }
    const byMedianSeconds = <T extends { seconds: number }>(xs: T[]): T => [...xs].sort((a, b) => a.seconds - b.seconds)[(xs.length - 1) >> 1];
    return {
      config: RL_METHOD_CONFIG, questions, agents: config.agents, turns: config.rounds, k: magrpo.numGenerations, reps,
      rollouts: byMedianSeconds(rollouts), updateExamples: examples.length, referenceScoring: byMedianSeconds(scoring),
      updates: Object.fromEntries([...updates].map(([name, fs]) => [name, byMedianSeconds(fs)])),
    };
  } finally {
    await model.close();
  }
}

export function rlMethodRows(f: RlMethodFigures): string[][] {
  const r = f.rollouts;
  return [
    [
      `rollouts (${f.agents} agents × K ${f.k} × ${f.turns} turns, ${f.questions} questions)`, r.seconds.toFixed(2), `${r.tokensPerSecond.toFixed(0)} generated tok/s`,
      `${r.completions} completions, nodes ${r.nodesPerTurn.join(' + ')}, ${r.generatedTokens} tokens`,
    ],
    [
      'magrpo reference log-probs (KL, base model)', f.referenceScoring.seconds.toFixed(2), `${f.referenceScoring.tokensPerSecond.toFixed(0)} scored tok/s`,
      `${f.updateExamples} completions of agent 1, ${f.referenceScoring.completionTokens} tokens`,
    ],
    ...Object.entries(f.updates).map(([name, u]) => [
      name, u.seconds.toFixed(2), `${u.trainedTokensPerSecond.toFixed(0)} trained tok/s`, `${u.steps} steps, ${u.stepTokensPerSecond.toFixed(0)} batch tok/s per step`,
    ]),
  ];
}

export const RL_METHOD_HEADER = ['method work (tiny model, magrpo-tiny shapes)', 'median s', 'throughput', 'detail'];
