// `npm run bench -- rl [--threads N] [--steps N] [--rounds N] [--reps N] [--questions N] [--method-reps N]`
// What RL costs next to SFT on the 27M Llama config (bench/lm.ts's llama27m), LoRA r 8 on all
// projections (MAPoRL's setup), one micro-batch of 4 × 256 tokens (64 prompt + 192 completion)
// per optimizer step, the same batch for every objective: an SFT step, a GRPO step (policy
// gradient + k3 KL), a PPO step as MAPoRL takes it (the policy's clipped surrogate + KL, then
// the value model's own LoRA + head with the clipped value loss), and PPO with policy and
// value on one backbone. The cases run round-robin (`rounds` times), so load from other jobs
// on a shared machine falls on all of them; tokens/s are the batch's tokens over the median step
// time (each run's first step excluded), the overhead is the objective's step time over SFT's.
// Then per-token scoring throughput (log-probs, with entropies, and value-head scores) of
// 8 × 256-token requests, median of `reps`. Then the methods' own work on the embedded tiny model
// at configs/magrpo-tiny.yaml's shapes (bench/lib/rl-method.ts): MAGRPO rollout trees over
// `questions` questions and one agent's MAGRPO and MAPoRL updates on them, medians of
// `method-reps`. Prints one JSON object and tables, with the load average before and after.

import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { tokenLogprobs } from '../lm/generate/score-tokens';
import { initRandomWeights } from '../lm/model/init-random-weights';
import { createOnnxDecoder } from '../lm/model/onnx-decoder';
import { trainModel, type TrainSequence } from '../lm/train/train-model';
import type { RlObjective } from '../lm/types';
import { intOption } from './lib/args';
import { median, seconds } from './lib/median';
import { rlMethodFigures, rlMethodRows, RL_METHOD_HEADER } from './lib/rl-method';
import { printTable } from './lib/table';
import { CONFIGS } from './lm';

const config = CONFIGS.llama27m;
const ROWS = 4;
const LENGTH = 256;
const PROMPT = 64;

interface Case {
  name: string;
  /** Absent: SFT. */
  objective?: RlObjective;
}

const ppoPolicy: RlObjective = { policy: { kind: 'ppo', clip: 0.2 }, kl: { beta: 0.002 }, normalize: 'token-mean' };
const valueHead = { kind: 'value' as const, clip: 0.2, coefficient: 0.1 };
const CASES: Case[] = [
  { name: 'sft' },
  { name: 'grpo (pg + k3 KL)', objective: { policy: { kind: 'pg' }, kl: { beta: 0.1 }, normalize: 'sequence-sum' } },
  { name: 'ppo policy (clip + k3 KL)', objective: ppoPolicy },
  { name: 'ppo value model (LoRA + head)', objective: { head: valueHead, normalize: 'token-mean' } },
  { name: 'ppo policy + value, one backbone', objective: { ...ppoPolicy, head: valueHead } },
];

/** The same rows for every case: pseudo-random tokens, per-token signals around a random model's log-probs. */
function batchSequences(count: number): TrainSequence[] {
  return Array.from({ length: count }, (_, s) => {
    const tokens = Array.from({ length: LENGTH }, (_, t) => (s * 977 + t * 131 + ((t * t) % 17)) % config.vocabSize);
    const wave = (k: number, scale: number, offset = 0) => Array.from({ length: LENGTH - PROMPT }, (_, t) => offset + scale * Math.sin(s + t * k));
    return {
      tokens, promptLength: PROMPT,
      signals: { advantages: wave(0.3, 1), oldLogprobs: wave(0.7, 0.5, -9), refLogprobs: wave(0.9, 0.5, -9), returns: wave(0.2, 1), oldValues: wave(0.4, 0.1) },
    };
  });
}

/** Step times of one run of `steps` optimizer steps, without the first. */
async function stepTimes(c: Case, threads: number, steps: number, weights: Map<string, Float32Array>): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'maft-bench-rl-'));
  try {
    const times: number[] = [];
    let last = 0;
    await trainModel({
      config, weights, sequences: batchSequences(ROWS * steps), objective: c.objective, checkpointDir: dir, checkpointEvery: 10_000,
      maxSequenceLength: LENGTH, runtime: { device: 'cpu', threads },
      options: {
        method: 'lora', lora: { rank: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
        learningRate: 1e-5, epochs: 1, batchTokens: ROWS * LENGTH, gradientAccumulation: 1, weightDecay: 0, betas: [0.9, 0.999],
        warmupSteps: 0, schedule: 'constant', maxGradNorm: 1, seed: 1,
      },
      onProgress: (p) => {
        const now = performance.now();
        // Step 1's time includes warm-up (first runs of each kernel); later steps are the steady state.
        if (p.step > 1) times.push((now - last) / 1000);
        last = now;
      },
    });
    return times;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function scoringFigures(threads: number, reps: number, weights: Map<string, Float32Array>) {
  const decoder = await createOnnxDecoder(config, weights, { device: 'cpu', threads });
  try {
    const requests = batchSequences(8).map((s) => ({ promptIds: Array.from(s.tokens).slice(0, PROMPT), completionIds: Array.from(s.tokens).slice(PROMPT) }));
    const completionTokens = requests.length * (LENGTH - PROMPT);
    const head = Float32Array.from({ length: config.hiddenSize }, (_, i) => Math.sin(i) / 20);
    const variants: [string, Parameters<typeof tokenLogprobs>[2]][] = [['logprobs', {}], ['withEntropy', { entropy: true }], ['valueHead', { head }]];
    await tokenLogprobs(decoder, requests);
    // Round-robin, so a burst of load on the shared machine does not fall on one variant.
    const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    for (let r = 0; r < reps; r++) for (const [name, options] of variants) times.get(name)!.push(await seconds(() => tokenLogprobs(decoder, requests, options)));
    const rate = (name: string) => completionTokens / median(times.get(name)!);
    return { requests: requests.length, tokensPerRequest: LENGTH, logprobs: rate('logprobs'), withEntropy: rate('withEntropy'), valueHead: rate('valueHead') };
  } finally {
    await decoder.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const threads = intOption(args, 'threads', 2);
  const steps = intOption(args, 'steps', 3);
  const rounds = intOption(args, 'rounds', 2);
  const reps = intOption(args, 'reps', 5);
  const loadBefore = loadavg()[0];
  const weights = initRandomWeights(config, 1);
  const tokens = ROWS * LENGTH;
  const times = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) for (const c of CASES) times.get(c.name)!.push(...(await stepTimes(c, threads, steps, weights)));
  const stepSeconds: Record<string, number> = Object.fromEntries([...times].map(([name, t]) => [name, median(t)]));
  const ppoName = 'ppo step (policy, then value model)';
  stepSeconds[ppoName] = stepSeconds['ppo policy (clip + k3 KL)'] + stepSeconds['ppo value model (LoRA + head)'];
  const scoring = await scoringFigures(threads, reps, weights);
  const method = await rlMethodFigures(intOption(args, 'questions', 12), intOption(args, 'method-reps', 3));
  const loadAfter = loadavg()[0];
  const training = Object.fromEntries(Object.entries(stepSeconds).map(([name, s]) => [name, { stepSeconds: s, tokensPerSecond: tokens / s, overVsSft: s / stepSeconds.sft }]));
  console.log(JSON.stringify({ benchmark: 'rl', config: 'llama27m', threads, rounds, stepsPerRun: steps, batch: { rows: ROWS, length: LENGTH, prompt: PROMPT }, training, scoring, method, loadAverage: { before: loadBefore, after: loadAfter } }));
  printTable(
    ['step (LoRA r 8, 4 × 256 tokens)', 'median s', 'tok/s', 'time vs SFT'],
    Object.entries(training).map(([name, f]) => [name, f.stepSeconds.toFixed(2), f.tokensPerSecond.toFixed(0), f.overVsSft.toFixed(2) + 'x']),
  );
  printTable(
    ['scoring (8 × 256 tokens, 192 scored each)', 'completion tok/s'],
    [['log-probs', scoring.logprobs.toFixed(0)], ['log-probs + entropies', scoring.withEntropy.toFixed(0)], ['value head', scoring.valueHead.toFixed(0)]],
  );
  printTable(RL_METHOD_HEADER, rlMethodRows(method));
  console.log(`load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (2-core machine shared with other jobs)`);
}
