// The training loop: loss goes down (full and LoRA), an interrupted run resumes from its
// checkpoint to exactly the weights of an uninterrupted one (also with an RL objective and a
// head), and the pieces (packing, RL signal placement and normalisation, LR schedule, AdamW,
// clipping) compute what they claim.

import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LmAbortError, LmInputError } from '../../lm/errors';
import { initRandomWeights } from '../../lm/model/init-random-weights';
import { adamWStep, clipGradients, createAdamWState } from '../../lm/train/adamw';
import { batchTensors, planBatches } from '../../lm/train/batching';
import { signalFeeds, stepCounts } from '../../lm/train/rl-batch';
import { learningRate } from '../../lm/train/schedule';
import { trainModel, type TrainModelRequest, type TrainModelResult } from '../../lm/train/train-model';
import type { FinetuneOptions, Normalization, RlObjective } from '../../lm/types';
import { tinyConfig } from './tiny-model';

const config = tinyConfig();
// A wide init (std 0.3) gives frozen tied embeddings room for confident logits under LoRA.
const weights = initRandomWeights(config, 9, 0.3);
const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'maft-train-test-'));
  dirs.push(d);
  return d;
}

/** A learnable toy language: each sequence counts up by a fixed stride after a 2-token prompt. */
const sequences = Array.from({ length: 24 }, (_, i) => {
  const stride = 1 + (i % 3);
  const start = 2 + ((i * 5) % 20);
  const n = 6 + (i % 4);
  return { tokens: Array.from({ length: n }, (_, t) => (start + t * stride) % config.vocabSize), promptLength: 2 };
});

function options(method: 'full' | 'lora', o: Partial<FinetuneOptions> = {}): FinetuneOptions {
  return {
    method,
    lora: { rank: 4, alpha: 8, dropout: 0.1, targetModules: ['q_proj', 'v_proj', 'up_proj', 'down_proj'] },
    learningRate: method === 'full' ? 1e-2 : 2e-2,
    epochs: 6,
    batchTokens: 40,
    gradientAccumulation: 2,
    weightDecay: 0.01,
    betas: [0.9, 0.99],
    warmupSteps: 3,
    schedule: 'cosine',
    maxGradNorm: 1,
    seed: 17,
    ...o,
  };
}

async function request(method: 'full' | 'lora', o: Partial<FinetuneOptions> = {}): Promise<TrainModelRequest> {
  return { config, weights, sequences, options: options(method, o), checkpointDir: await tempDir(), runtime: { device: 'cpu', threads: 1 } };
}

function trained(r: TrainModelResult): Float32Array[] {
  if (r.weights) return [...r.weights.values()];
  return [...r.adapter!.modules.values()].flatMap((m) => [m.a, m.b]);
}

for (const method of ['full', 'lora'] as const) {
  test(`${method} training lowers the loss on a small dataset`, async () => {
    const losses: number[] = [];
    const req = await request(method, { epochs: 12, gradientAccumulation: 1, learningRate: method === 'full' ? 1e-2 : 5e-2 });
    const r = await trainModel({ ...req, onProgress: (p) => losses.push(p.loss) });
    assert.equal(r.steps, losses.length);
    const first = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const last = losses.slice(-3).reduce((a, b) => a + b) / 3;
    console.log(`${method}: ${r.steps} steps, loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
    assert.ok(last < first - 0.5, `loss did not decrease enough: ${first} → ${last}`);
    assert.ok(r.tokens > 0 && Number.isFinite(r.meanLoss));
    if (method === 'full') assert.deepEqual([...r.weights!.keys()].sort(), [...weights.keys()].sort());
    else assert.equal(r.adapter!.modules.size, config.numLayers * 4);
  });

  test(`${method}: an interrupted run resumes from its checkpoint bit-identically`, async () => {
    const whole = await trainModel(await request(method));
    const req = await request(method);
    const controller = new AbortController();
    await assert.rejects(
      trainModel({ ...req, checkpointEvery: 1000, signal: controller.signal, onProgress: (p) => p.step === 5 && controller.abort() }),
      LmAbortError,
    );
    const resumed = await trainModel(req);
    assert.equal(resumed.resumedFromStep, 5);
    assert.equal(resumed.steps, whole.steps);
    assert.equal(resumed.finalLoss, whole.finalLoss);
    const a = trained(whole);
    const b = trained(resumed);
    assert.equal(a.length, b.length);
    a.forEach((t, i) => assert.ok(Buffer.from(t.buffer, t.byteOffset, t.byteLength).equals(Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength)), `tensor ${i} differs`));
    // The finished checkpoint belongs to this run only.
    await assert.rejects(trainModel({ ...req, options: { ...req.options, learningRate: 0.5 } }), /belongs to a different run/);
  });
}

test('LoRA training continues from an adapter; a truncated checkpoint is an error naming the file', async () => {
  const first = await trainModel(await request('lora', { epochs: 3, gradientAccumulation: 1, learningRate: 5e-2 }));
  const losses: number[] = [];
  const req = await request('lora', { epochs: 1, gradientAccumulation: 1, learningRate: 1e-9, warmupSteps: 0, schedule: 'constant' });
  await trainModel({ ...req, initAdapter: first.adapter, onProgress: (p) => losses.push(p.loss) });
  const mean = losses.reduce((a, b) => a + b) / losses.length;
  console.log(`fresh adapter trained to ${first.finalLoss.toFixed(3)}; continuing from it starts at ${mean.toFixed(3)}`);
  assert.ok(mean < first.meanLoss, 'continuing starts from the trained adapter, not from B = 0');

  await assert.rejects(trainModel({ ...(await request('full')), initAdapter: first.adapter }), /initAdapter is for method "lora"/);
  const narrower = await request('lora', { lora: { rank: 4, alpha: 8, dropout: 0, targetModules: ['q_proj'] } });
  await assert.rejects(trainModel({ ...narrower, initAdapter: first.adapter }), /modules outside lora.targetModules: layers\.0\.v_proj/);

  const file = join(req.checkpointDir, 'checkpoint.bin');
  await truncate(file, 100);
  await assert.rejects(trainModel({ ...req, initAdapter: first.adapter }), (e: Error) => e instanceof LmInputError && e.message.includes(file));
});

test('bad training input is rejected with the field or sequence named', async () => {
  const req = await request('lora');
  await assert.rejects(trainModel({ ...req, sequences: [{ tokens: [1, 99], promptLength: 0 }] }), (e: Error) => e instanceof LmInputError && /token 1 is 99/.test(e.message));
  await assert.rejects(trainModel({ ...req, sequences: [{ tokens: [1, 2], promptLength: 2 }] }), /promptLength 2 leaves no completion/);
  await assert.rejects(trainModel({ ...req, options: options('lora', { lora: { rank: 2, alpha: 4, dropout: 0, targetModules: ['qkv'] } }) }), /targetModules \["qkv"\]/);
  await assert.rejects(trainModel({ ...req, maxSequenceLength: 4 }), /over the maximum 4/);
});

test('packing: segments, positions, and loss on completion targets only', () => {
  const seqs = [
    { tokens: [5, 6, 7, 8], promptLength: 2 },
    { tokens: [9, 10, 11], promptLength: 0 },
    { tokens: [12, 13, 14, 15, 16], promptLength: 1 },
  ];
  const shape = { rows: 2, length: 8 };
  const plan = planBatches(seqs, shape, 2, 1);
  assert.equal(plan.length, 2); // two epochs, one batch of two rows each
  for (const batch of plan) assert.deepEqual(batch.flat().sort(), [0, 1, 2]);
  const b = batchTensors(seqs, [[0, 1], [2]], shape);
  assert.deepEqual([...b.segments], [1, 1, 1, 1, 2, 2, 2, 0, 1, 1, 1, 1, 1, 0, 0, 0]);
  assert.deepEqual([...b.positions], [0, 1, 2, 3, 0, 1, 2, 0, 0, 1, 2, 3, 4, 0, 0, 0]);
  assert.deepEqual([...b.targets], [6, 7, 8, 0, 10, 11, 0, 0, 13, 14, 15, 16, 0, 0, 0, 0]);
  // Seq 0 learns tokens 7, 8; seq 1 learns 10, 11; seq 2 learns 13..16.
  assert.deepEqual([...b.lossMask], [0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  assert.equal(b.lossTokens, 8);
  assert.equal(b.tokens, 12);
});

test('learning-rate schedules: warmup, then cosine / linear / constant', () => {
  const o = { learningRate: 1, warmupSteps: 10, schedule: 'cosine' as const };
  assert.equal(learningRate(o, 0, 110), 0);
  assert.equal(learningRate(o, 5, 110), 0.5);
  assert.equal(learningRate(o, 10, 110), 1);
  assert.ok(Math.abs(learningRate(o, 60, 110) - 0.5) < 1e-12);
  assert.equal(learningRate({ ...o, schedule: 'linear' }, 60, 110), 0.5);
  assert.equal(learningRate({ ...o, schedule: 'constant' }, 100, 110), 1);
});

test('AdamW matches the closed form of its first step; clipping bounds the norm', () => {
  const p = [Float32Array.of(1, -2), Float32Array.of(3)];
  const g = [Float32Array.of(0.5, -4), Float32Array.of(2)];
  const norm = clipGradients(g, 3);
  assert.ok(Math.abs(norm - Math.sqrt(0.25 + 16 + 4)) < 1e-6);
  assert.ok(Math.abs(Math.hypot(g[0][0], g[0][1], g[1][0]) - 3) < 1e-5);
  const state = createAdamWState(p);
  const lr = 0.1;
  const wd = 0.5;
  const expected = [p[0][0] * (1 - lr * wd) - lr * Math.sign(g[0][0]) / (1 + 1e-8 / Math.abs(g[0][0])), p[1][0] - lr * Math.sign(g[1][0])];
  adamWStep(p, g, [true, false], state, { lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: wd });
  // First step: m̂ = g, v̂ = g², so the update is lr · sign(g) (plus decoupled decay).
  assert.ok(Math.abs(p[0][0] - expected[0]) < 1e-6);
  assert.ok(Math.abs(p[1][0] - expected[1]) < 1e-6);
  assert.equal(state.step, 1);
});

/** The toy sequences with RL signals: signed advantages, old log-probs near a random model's, value targets. */
const rlSequences = sequences.map((s, i) => {
  const n = s.tokens.length - s.promptLength;
  const wave = (k: number) => Array.from({ length: n }, (_, t) => Math.sin(i * 7 + t * k));
  return { ...s, signals: { advantages: wave(1), oldLogprobs: wave(2).map((v) => -3.4 + 0.3 * v), returns: wave(3), oldValues: wave(4).map((v) => 0.1 * v) } };
});

test('RL: PPO + clipped value head on one LoRA backbone resumes bit-identically, head included', async () => {
  const objective = { policy: { kind: 'ppo' as const, clip: 0.2 }, head: { kind: 'value' as const, clip: 0.5, coefficient: 0.1 }, normalize: 'sequence-mean' as const };
  const rl = async (): Promise<TrainModelRequest> => ({ ...(await request('lora')), sequences: rlSequences, objective });
  const whole = await trainModel(await rl());
  assert.equal(whole.head!.length, config.hiddenSize);
  const req = await rl();
  const controller = new AbortController();
  await assert.rejects(trainModel({ ...req, signal: controller.signal, onProgress: (p) => p.step === 3 && controller.abort() }), LmAbortError);
  const resumed = await trainModel(req);
  assert.equal(resumed.resumedFromStep, 3);
  assert.equal(resumed.finalLoss, whole.finalLoss);
  const bytes = (r: TrainModelResult) => Buffer.concat([...trained(r), r.head!].map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength)));
  assert.ok(bytes(resumed).equals(bytes(whole)), 'adapter and head differ after resume');
});

test('RL signals sit at the position predicting their token, weighted by the named normalisation', () => {
  const seqs = [
    { tokens: [5, 6, 7, 8], promptLength: 2, signals: { advantages: [1, 2], label: 1 } },
    { tokens: [9, 10, 11], promptLength: 1, signals: { advantages: [3, 4], label: 0 } },
  ];
  const shape = { rows: 1, length: 8 };
  const batch = [[0, 1]];
  const feeds = (normalize: Normalization, head?: RlObjective['head']) => {
    const objective: RlObjective = { policy: { kind: 'pg' }, head, normalize };
    return signalFeeds(objective, seqs, batch, shape, stepCounts(objective, seqs, [batch]));
  };
  // Sequence 0 (2 prompt tokens) predicts its completion at positions 1, 2; sequence 1 (starting at 4) at 4, 5.
  assert.deepEqual([...feeds('token-mean').get('advantages')!], [0, 1, 2, 0, 3, 4, 0, 0]);
  const weights = (n: Normalization) => [...feeds(n).get('loss_weights')!];
  assert.deepEqual(weights('token-mean'), [0, 0.25, 0.25, 0, 0.25, 0.25, 0, 0]);
  assert.deepEqual(weights('sequence-mean'), [0, 0.25, 0.25, 0, 0.25, 0.25, 0, 0]);
  assert.deepEqual(weights('sequence-sum'), [0, 0.5, 0.5, 0, 0.5, 0.5, 0, 0]);
  assert.deepEqual(weights({ constant: 8 }), [0, 0.125, 0.125, 0, 0.125, 0.125, 0, 0]);
  // Verifier labels sit on each sequence's last token (3 and 6), or on every completion token.
  const last = feeds('token-mean', { kind: 'verifier', coefficient: 2 });
  assert.deepEqual([...last.get('labels')!], [0, 0, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual([...last.get('head_weights')!], [0, 0, 0, 1, 0, 0, 1, 0]);
  const every = feeds('sequence-mean', { kind: 'verifier', tokens: 'completion' });
  assert.deepEqual([...every.get('head_weights')!], [0, 0, 0.25, 0.25, 0, 0.25, 0.25, 0]);
  const uneven = [{ ...seqs[0], tokens: [5, 6, 7, 8, 9, 10], signals: { advantages: [1, 2, 3, 4], label: 1 } }, seqs[1]];
  const objective: RlObjective = { policy: { kind: 'pg' }, normalize: 'sequence-mean' };
  const w = signalFeeds(objective, uneven, batch, shape, stepCounts(objective, uneven, [batch])).get('loss_weights')!;
  // 1/(|o_i|·G): 1/8 for the 4-token completion, 1/4 for the 2-token one.
  assert.deepEqual([...w], [0, 0.125, 0.125, 0.125, 0.125, 0, 0.25, 0.25]);
});
