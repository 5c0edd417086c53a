// `npm run bench -- lm [--threads N] [--train-steps N] [--decode-steps N]`
// Generation and training throughput of lm/ on ONNX Runtime (CPU) for a tiny ~1M-parameter
// model and a ~27M Llama config, against a plain 1024³ MatMul through ORT in the same run:
// training GFLOP/s as a fraction of it, KV-cache decoding vs recomputing the sequence at 256
// tokens, and the peak RSS of training (each training run is a child process, so its peak
// is its own, and the MatMul baseline is measured in that process around the steps). Then the
// tiny model at the demo's own shapes (bench/demo.ts): LoRA finetuning and debate sampling
// tokens/s. Prints one JSON object and two tables.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Decoder, KvCache } from '../lm/decoder';
import type { ModelConfig } from '../lm/model-config';
import { initRandomWeights } from '../lm/model/init-random-weights';
import { createOnnxDecoder } from '../lm/model/onnx-decoder';
import { emitModel } from '../lm/onnx/emit';
import { Graph } from '../lm/onnx/graph';
import { matmul } from '../lm/onnx/ops';
import { Session } from '../lm/onnx/session';
import { trainModel } from '../lm/train/train-model';
import { DEMO_HEADER, demoFigures, demoRows } from './demo';
import { intOption } from './lib/args';
import { median } from './lib/median';
import { printTable } from './lib/table';

const base: Omit<ModelConfig, 'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'numLayers' | 'numHeads' | 'numKvHeads' | 'headDim'> = {
  architecture: 'llama', rmsNormEps: 1e-5, ropeTheta: 10_000, maxPositionEmbeddings: 1024, tieWordEmbeddings: true,
  attentionBias: false, mlpBias: false, eosTokenIds: [0],
};

export const CONFIGS: Record<string, ModelConfig> = {
  // The shape of the embedded tiny model (pretraining/tiny-recipe.ts).
  tiny: { ...base, vocabSize: 512, hiddenSize: 128, intermediateSize: 384, numLayers: 4, numHeads: 4, numKvHeads: 4, headDim: 32 },
  llama27m: { ...base, vocabSize: 8192, hiddenSize: 512, intermediateSize: 1408, numLayers: 8, numHeads: 8, numKvHeads: 2, headDim: 64 },
};

const TRAIN_ROWS = 4;
const TRAIN_LENGTH = 256;
const PROMPT = 16;

function parameterCount(c: ModelConfig): number {
  const attn = c.hiddenSize * (c.numHeads + 2 * c.numKvHeads) * c.headDim + c.numHeads * c.headDim * c.hiddenSize;
  const mlp = 3 * c.hiddenSize * c.intermediateSize;
  const lmHead = c.tieWordEmbeddings ? 0 : c.vocabSize * c.hiddenSize;
  return c.vocabSize * c.hiddenSize + lmHead + c.numLayers * (attn + mlp + 2 * c.hiddenSize) + c.hiddenSize;
}

/** Training FLOPs per token: 6 per matmul weight (lm head included) + 12·L·T·d_attn for attention scores. */
function trainingFlopsPerToken(c: ModelConfig, length: number): number {
  const matmulWeights = c.numLayers * (c.hiddenSize * (c.numHeads + 2 * c.numKvHeads) * c.headDim + c.numHeads * c.headDim * c.hiddenSize + 3 * c.hiddenSize * c.intermediateSize) + c.vocabSize * c.hiddenSize;
  return 6 * matmulWeights + 12 * c.numLayers * length * c.numHeads * c.headDim;
}

async function matmulGflops(threads: number): Promise<number> {
  const n = 1024;
  const g = new Graph();
  g.output(matmul(g.input('a', 'float32', [n, n]), g.input('b', 'float32', [n, n])), 'y');
  const session = await Session.create(emitModel(g), { device: 'cpu', threads });
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const start = performance.now();
    await session.run({ a: { data, dims: [n, n] }, b: { data, dims: [n, n] } });
    times.push((performance.now() - start) / 1000);
  }
  await session.close();
  return (2 * n ** 3) / median(times.slice(2)) / 1e9;
}

interface DecodeFigures {
  batch: number;
  prefillMs: number;
  decodeTokensPerSecond: number;
}

function argmaxRows(logits: Float32Array, batch: number, vocab: number): number[] {
  return Array.from({ length: batch }, (_, b) => {
    let best = 0;
    for (let v = 1; v < vocab; v++) if (logits[b * vocab + v] > logits[b * vocab + best]) best = v;
    return best;
  });
}

async function prefill(decoder: Decoder, batch: number, length: number): Promise<{ cache: KvCache; next: number[]; ms: number }> {
  const V = decoder.config.vocabSize;
  const start = performance.now();
  const out = await decoder.forward({
    tokens: Int32Array.from({ length: batch * length }, (_, i) => (i * 31 + 7) % V), batch, length,
    attentionMask: new Uint8Array(batch * length).fill(1),
    positions: Int32Array.from({ length: batch * length }, (_, i) => i % length), lastOnly: true,
  });
  return { cache: out.cache, next: argmaxRows(out.logits, batch, V), ms: performance.now() - start };
}

/** Greedy decoding: one forward per token for the whole batch; returns seconds per step. */
async function decodeSteps(decoder: Decoder, start: { cache: KvCache; next: number[] }, steps: number): Promise<number[]> {
  let { cache, next } = start;
  const batch = cache.batch;
  const times: number[] = [];
  for (let s = 0; s < steps; s++) {
    const past = cache.pastLength;
    const t0 = performance.now();
    const out = await decoder.forward({
      tokens: Int32Array.from(next), batch, length: 1, attentionMask: new Uint8Array(batch * (past + 1)).fill(1),
      positions: new Int32Array(batch).fill(past), lastOnly: true, cache,
    });
    times.push((performance.now() - t0) / 1000);
    cache = out.cache;
    next = argmaxRows(out.logits, batch, decoder.config.vocabSize);
  }
  return times;
}

async function generationFigures(config: ModelConfig, threads: number, decodeSteps_: number) {
  const decoder = await createOnnxDecoder(config, initRandomWeights(config, 1), { device: 'cpu', threads });
  try {
    const decode: DecodeFigures[] = [];
    for (const batch of [1, 32]) {
      const start = await prefill(decoder, batch, PROMPT);
      const times = await decodeSteps(decoder, start, decodeSteps_);
      decode.push({ batch, prefillMs: start.ms, decodeTokensPerSecond: batch / median(times.slice(1)) });
    }
    // At 256 tokens: one cached step (past 255) against a full 256-token forward per token.
    const long = await prefill(decoder, 1, 255);
    const cached = median(await decodeSteps(decoder, long, 7));
    const full: number[] = [];
    for (let i = 0; i < 3; i++) full.push((await prefill(decoder, 1, 256)).ms / 1000);
    return { decode, kvStepMs: cached * 1000, recomputeMs: median(full) * 1000, kvSpeedup: median(full) / cached };
  } finally {
    await decoder.close();
  }
}

interface TrainingFigures {
  tokensPerSecond: number;
  stepSeconds: number;
  /** CPU seconds of the process per step (both ORT threads and JS), median: steadier than wall time on a shared machine. */
  stepCpuSeconds: number;
  gflops: number;
  /** The MatMul baseline measured in the same process right before and after the steps. */
  matmulGflops: number;
  fractionOfMatmul: number;
  peakRssMiB: number;
}

/** Runs in a child process: full-parameter training steps of 4 × 256 random tokens. */
export async function trainingChild(name: string, threads: number, steps: number): Promise<TrainingFigures> {
  const config = CONFIGS[name];
  const dir = await mkdtemp(join(tmpdir(), 'maft-bench-lm-'));
  try {
    const sequences = Array.from({ length: TRAIN_ROWS * steps }, (_, s) => ({
      tokens: Array.from({ length: TRAIN_LENGTH }, (_, t) => (s * 977 + t * 131 + ((t * t) % 17)) % config.vocabSize),
      promptLength: 0,
    }));
    const matmulBefore = await matmulGflops(threads);
    const stepSeconds: number[] = [];
    const stepCpu: number[] = [];
    let last = performance.now();
    let lastCpu = process.cpuUsage();
    await trainModel({
      config, weights: initRandomWeights(config, 1), sequences, checkpointDir: dir, checkpointEvery: 10_000,
      maxSequenceLength: TRAIN_LENGTH, runtime: { device: 'cpu', threads },
      options: {
        method: 'full', learningRate: 1e-3, epochs: 1, batchTokens: TRAIN_ROWS * TRAIN_LENGTH, gradientAccumulation: 1, weightDecay: 0.01,
        betas: [0.9, 0.95], warmupSteps: 0, schedule: 'constant', maxGradNorm: 1, seed: 1,
      },
      onProgress: () => {
        const now = performance.now();
        stepSeconds.push((now - last) / 1000);
        const cpu = process.cpuUsage(lastCpu);
        stepCpu.push((cpu.user + cpu.system) / 1e6);
        last = now;
        lastCpu = process.cpuUsage();
      },
    });
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    // The machine may be shared: the baseline brackets the steps, and the fraction uses its mean.
    const matmul = (matmulBefore + (await matmulGflops(threads))) / 2;
    const step = median(stepSeconds.slice(1));
    const tokens = TRAIN_ROWS * TRAIN_LENGTH;
    const gflops = (tokens * trainingFlopsPerToken(config, TRAIN_LENGTH)) / step / 1e9;
    return {
      tokensPerSecond: tokens / step, stepSeconds: step, stepCpuSeconds: median(stepCpu.slice(1)), gflops, matmulGflops: matmul, fractionOfMatmul: gflops / matmul, peakRssMiB,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function trainingInChild(name: string, threads: number, steps: number): Promise<TrainingFigures> {
  const self = fileURLToPath(import.meta.url);
  const code = `const m = await import(${JSON.stringify(self)}); console.log(JSON.stringify(await m.trainingChild(${JSON.stringify(name)}, ${threads}, ${steps})));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (status) => {
      if (status !== 0) return reject(new Error(`training benchmark of ${name} exited with ${status}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as TrainingFigures);
    });
  });
}

export async function run(args: string[]): Promise<void> {
  const threads = intOption(args, 'threads', 2);
  const trainSteps = intOption(args, 'train-steps', 4);
  const decodeSteps_ = intOption(args, 'decode-steps', 32);
  const results: Record<string, unknown> = {};
  const rows: string[][] = [];
  for (const [name, config] of Object.entries(CONFIGS)) {
    const gen = await generationFigures(config, threads, decodeSteps_);
    const train = await trainingInChild(name, threads, name === 'tiny' ? 3 * trainSteps : trainSteps);
    results[name] = { parameters: parameterCount(config), generation: gen, training: train };
    rows.push([
      name, (parameterCount(config) / 1e6).toFixed(2) + 'M',
      gen.decode[0].decodeTokensPerSecond.toFixed(0), gen.decode[1].decodeTokensPerSecond.toFixed(0),
      gen.kvSpeedup.toFixed(1) + 'x', train.tokensPerSecond.toFixed(0), train.gflops.toFixed(1), (100 * train.fractionOfMatmul).toFixed(0) + '%',
      train.peakRssMiB.toFixed(0),
    ]);
  }
  const big = results.llama27m as { training: TrainingFigures };
  const demo = await demoFigures(1, 190, 32);
  const summary = {
    benchmark: 'lm',
    threads,
    loadAverage: loadavg()[0],
    ...results,
    demo,
    trainingFractionOfMatmul: big.training.fractionOfMatmul,
    targets: { trainingFractionOfMatmul: 0.5, kvSpeedupAt256: 5 },
  };
  console.log(JSON.stringify(summary));
  const header = ['config', 'params', 'decode tok/s b1', 'decode tok/s b32', 'kv vs recompute @256', 'train tok/s', 'train GFLOP/s', 'of MatMul', 'train peak RSS MiB'];
  printTable(header, rows);
  printTable(DEMO_HEADER, demoRows(demo));
  console.log(
    `MatMul 1024³ around the 27M training: ${big.training.matmulGflops.toFixed(1)} GFLOP/s; training = ${(100 * big.training.fractionOfMatmul).toFixed(0)}% of it, ` +
      `${big.training.stepSeconds.toFixed(2)} s and ${big.training.stepCpuSeconds.toFixed(2)} CPU s a step (load average ${summary.loadAverage.toFixed(1)})`,
  );
}
