// The whole training graph (embedding, RoPE attention with GQA and packed segments, SwiGLU
// MLP, RMSNorms, biases, LoRA with dropout, masked cross-entropy, and each RL objective: PG with
// signed weights, PPO + k3 KL, the value and verifier heads with and without LoRA) against
// central finite differences on a tiny random model, and its loss against the inference
// decoder's logits.
// Tolerance: |numeric − analytic| <= 1e-3 + 2e-2·|analytic| (float32, eps 1e-2).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedTensorShapes } from '../../lm/formats/model-weights';
import { LORA_MODULES } from '../../lm/lora-modules';
import { initRandomWeights } from '../../lm/model/init-random-weights';
import { createOnnxDecoder } from '../../lm/model/onnx-decoder';
import { objectiveInputNames, type GraphObjective } from '../../lm/model/rl-objective';
import { buildTrainingGraph, hashDropout, type LoraSpec } from '../../lm/model/training-graph';
import { emitModel } from '../../lm/onnx/emit';
import { Graph } from '../../lm/onnx/graph';
import type { ModelConfig } from '../../lm/model-config';
import { Session, type TensorValue } from '../../lm/onnx/session';
import { StreamRng } from '../../lm/stream-rng';
import { compareWithFiniteDifferences, randomArray } from './finite-difference';
import { tinyConfig } from './tiny-model';

const B = 2;
const T = 7;

/** Row 0: two packed sequences (5 + 2 tokens); row 1: one sequence of 4 and 3 padding slots. */
function batchFeeds(config: ModelConfig): Record<string, TensorValue> {
  const ids = [3, 9, 4, 17, 2, 8, 30, 5, 6, 7, 11, 0, 0, 0];
  const positions = [0, 1, 2, 3, 4, 0, 1, 0, 1, 2, 3, 0, 0, 0];
  const segments = [1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 0, 0, 0];
  const targets = ids.map((_, i) => (segments[i + 1] === segments[i] && segments[i] > 0 && i % T < T - 1 ? ids[i + 1] : 0));
  // Loss on completion targets only: the first target of each sequence is prompt.
  const mask = targets.map((_, i) => (segments[i + 1] === segments[i] && segments[i] > 0 && positions[i] >= 1 && i % T < T - 1 ? 1 : 0));
  const count = mask.reduce((a: number, b) => a + b, 0);
  assert.ok(ids.every((t) => t < config.vocabSize));
  return {
    input_ids: { data: Int32Array.from(ids), dims: [B, T] },
    positions: { data: Int32Array.from(positions), dims: [B, T] },
    segments: { data: Int32Array.from(segments), dims: [B, T] },
    targets: { data: Int32Array.from(targets), dims: [B, T] },
    loss_weights: { data: Float32Array.from(mask, (m) => m / count), dims: [B, T] },
  };
}

/**
 * The RL inputs next to the SFT batch: signed advantages, reference log-probabilities around the
 * random model's (≈ −log 32), value targets, and verifier labels on each sequence's last token
 * (PPO's old log-probabilities are set from the model's own in checkModel).
 */
function objectiveFeeds(config: ModelConfig, objective: GraphObjective): Record<string, TensorValue> {
  const sft = batchFeeds(config);
  const rng = StreamRng.fromSeed(21);
  const mask = (sft.loss_weights.data as Float32Array).map((w) => (w > 0 ? 1 : 0));
  const segments = sft.segments.data as Int32Array;
  const last = Float32Array.from(segments, (s, i) => (s > 0 && (i % T === T - 1 || segments[i + 1] !== s) ? 1 : 0));
  const values: Record<string, Float32Array> = {
    loss_weights: sft.loss_weights.data as Float32Array,
    advantages: randomArray(rng, B * T, -2, 2),
    ref_logprobs: randomArray(rng, B * T, -4.5, -2.5),
    head_weights: objective.head?.kind === 'verifier' ? last.map((l) => l / 3) : mask.map((m) => (0.7 * m) / 8),
    returns: randomArray(rng, B * T, -1, 1),
    old_values: randomArray(rng, B * T, -0.5, 0.5),
    labels: Float32Array.from(last, (l, i) => l * (i % 2)),
  };
  const feeds: Record<string, TensorValue> = { input_ids: sft.input_ids, positions: sft.positions, segments: sft.segments };
  for (const name of objectiveInputNames(objective)) feeds[name] = name === 'targets' ? sft.targets : { data: values[name] ?? new Float32Array(B * T), dims: [B, T] };
  return feeds;
}

interface RlCase {
  objective: GraphObjective;
  frozenBase?: boolean;
}

async function checkModel(config: ModelConfig, lora: LoraSpec | undefined, samples: number, lossChunkRows?: number, rl?: RlCase): Promise<void> {
  const weights = initRandomWeights(config, 11, 0.3);
  const graph = buildTrainingGraph({ config, batch: B, length: T, weights, shapes: expectedTensorShapes(config), lora, lossChunkRows, ...rl });
  const session = await Session.create(graph.model, { device: 'cpu', threads: 1 });
  try {
    const feeds = rl ? objectiveFeeds(config, rl.objective) : batchFeeds(config);
    const rng = StreamRng.fromSeed(5);
    for (const t of graph.trainable) {
      feeds[t.name] = { data: weights.get(t.name) ?? randomArray(rng, t.shape[0] * t.shape[1], -0.3, 0.3), dims: t.shape };
    }
    if (lora && lora.dropout > 0) feeds.dropout_seed = { data: BigInt64Array.of(12345n), dims: [] };
    const policy = rl?.objective.policy;
    if (policy?.kind === 'ppo') {
      // Old log-probs within ±0.5 of the current ones, so both branches of the surrogate are
      // checked: some loss tokens' ratios fall outside [1 − ε, 1 + ε] and some inside.
      const logp = (await session.run(feeds, ['logprobs'])).logprobs.data as Float32Array;
      const old = Float32Array.from(logp, (l, i) => l - 0.5 + ((i * 0.37) % 1));
      feeds.old_logprobs = { data: old, dims: [B, T] };
      const weights = feeds.loss_weights.data as Float32Array;
      const ratios = [...logp].map((l, i) => Math.exp(l - old[i])).filter((_, i) => weights[i] > 0);
      const clipped = ratios.filter((r) => Math.abs(r - 1) > policy.clip).length;
      assert.ok(clipped > 0 && clipped < ratios.length, `ratios ${ratios.map((r) => r.toFixed(2)).join(' ')}: need both clipped and unclipped`);
    }
    const check = await compareWithFiniteDifferences(session, feeds, graph.trainable.map((t) => t.name), graph.gradName, { samples, rtol: 2e-2, eps: 3e-3 });
    const worst = check.results.reduce((a, b) => (b.worst > a.worst ? b : a));
    const maxDiff = Math.max(...check.results.map((r) => r.maxDiff));
    console.log(`${rl ? JSON.stringify(rl) + ' ' : ''}${lora ? 'LoRA' : rl?.frozenBase ? 'head only' : 'full'}: loss ${check.loss.toFixed(4)}, ${check.results.length} tensors, max |numeric - analytic| = ${maxDiff.toExponential(2)} (worst ratio to tolerance ${worst.worst.toFixed(2)}, ${worst.name})`);
    for (const r of check.results) assert.ok(r.worst <= 1, `d/d${r.name}: max diff ${r.maxDiff} over tolerance`);
  } finally {
    await session.close();
  }
}

test('full-parameter gradients of the whole model match finite differences (biases, tied embeddings, loss in 3 chunks)', async () => {
  await checkModel(tinyConfig({ attentionBias: true, mlpBias: true }), undefined, 6, 5);
});

test('LoRA gradients (all modules, dropout 0.3, untied head) match finite differences', async () => {
  const config = tinyConfig({ tieWordEmbeddings: false, ropeScaling: { ropeType: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 16 } });
  await checkModel(config, { rank: 3, scale: 2, dropout: 0.3, targetModules: [...LORA_MODULES] }, 8);
});

const rlLora: LoraSpec = { rank: 2, scale: 2, dropout: 0.2, targetModules: ['q_proj', 'v_proj', 'down_proj'] };

test('policy gradient with signed per-token weights (REINFORCE / GRPO): LoRA gradients match finite differences', async () => {
  await checkModel(tinyConfig(), rlLora, 6, 5, { objective: { policy: { kind: 'pg' } } });
});

test('PPO clipped surrogate + k3 KL to the reference at temperature 0.7: full-parameter gradients (loss in chunks) match finite differences', async () => {
  await checkModel(tinyConfig({ tieWordEmbeddings: false }), undefined, 4, 5, { objective: { policy: { kind: 'ppo', clip: 0.2 }, klBeta: 0.3, temperature: 0.7 } });
});

test('PPO policy and a clipped value head on one LoRA backbone: gradients match finite differences', async () => {
  await checkModel(tinyConfig(), rlLora, 6, undefined, { objective: { policy: { kind: 'ppo', clip: 0.2 }, head: { kind: 'value', clip: 0.2 } } });
});

test('value head alone (frozen base) and verifier head with LoRA: gradients match finite differences', async () => {
  await checkModel(tinyConfig(), undefined, 16, undefined, { objective: { head: { kind: 'value' } }, frozenBase: true });
  await checkModel(tinyConfig(), rlLora, 6, undefined, { objective: { head: { kind: 'verifier' } } });
});

test('the training loss equals the mean completion NLL from the inference decoder', async () => {
  const config = tinyConfig();
  const weights = initRandomWeights(config, 4, 0.3);
  const graph = buildTrainingGraph({ config, batch: B, length: T, weights, shapes: expectedTensorShapes(config), lossChunkRows: 4 });
  const session = await Session.create(graph.model, { device: 'cpu', threads: 1 });
  const decoder = await createOnnxDecoder(config, weights, { device: 'cpu', threads: 1 });
  try {
    const feeds = batchFeeds(config);
    for (const t of graph.trainable) feeds[t.name] = { data: weights.get(t.name)!, dims: t.shape };
    const loss = (await session.run(feeds, ['loss'])).loss.data[0] as number;

    // The same sequences one at a time through the decoder.
    const ids = feeds.input_ids.data as Int32Array;
    const segments = feeds.segments.data as Int32Array;
    const weightsPerToken = feeds.loss_weights.data as Float32Array;
    const targets = feeds.targets.data as Int32Array;
    let expected = 0;
    for (let start = 0; start < B * T; ) {
      let end = start;
      while (end < B * T && segments[end] === segments[start] && Math.floor(end / T) === Math.floor(start / T)) end++;
      if (segments[start] > 0) {
        const n = end - start;
        const out = await decoder.forward({
          tokens: ids.slice(start, end), batch: 1, length: n, attentionMask: new Uint8Array(n).fill(1),
          positions: Int32Array.from({ length: n }, (_, i) => i), lastOnly: false,
        });
        for (let t = 0; t < n; t++) {
          const w = weightsPerToken[start + t];
          if (w === 0) continue;
          const row = out.logits.subarray(t * config.vocabSize, (t + 1) * config.vocabSize);
          const max = Math.max(...row);
          const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
          expected -= w * (row[targets[start + t]] - lse);
        }
      }
      start = end;
    }
    console.log(`training loss ${loss}, from decoder logits ${expected}, diff ${Math.abs(loss - expected).toExponential(2)}`);
    assert.ok(Math.abs(loss - expected) < 1e-5, `training loss ${loss} != ${expected}`);
  } finally {
    await session.close();
    await decoder.close();
  }
});

test('LoRA dropout keeps 1 − p of the inputs scaled by 1/(1 − p), a different mask per seed', async () => {
  const p = 0.25;
  const g = new Graph();
  const x = g.input('x', 'float32', [64, 128]);
  const seed = g.input('seed', 'int64', []);
  g.output(hashDropout(x, p, seed, 3), 'y');
  const session = await Session.create(emitModel(g), { device: 'cpu', threads: 1 });
  try {
    const ones = new Float32Array(64 * 128).fill(1);
    const masks: Float32Array[] = [];
    for (const s of [1n, 2n]) {
      const y = (await session.run({ x: { data: ones, dims: [64, 128] }, seed: { data: BigInt64Array.of(s), dims: [] } })).y.data as Float32Array;
      assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / (1 - p)) < 1e-6));
      const kept = y.filter((v) => v > 0).length / y.length;
      console.log(`dropout p = ${p}, seed ${s}: kept ${kept.toFixed(4)}`);
      assert.ok(Math.abs(kept - (1 - p)) < 0.02);
      masks.push(y);
    }
    const same = masks[0].filter((v, i) => v === masks[1][i]).length / masks[0].length;
    assert.ok(same < 0.7, `masks of two seeds agree on ${same} of the entries`);
  } finally {
    await session.close();
  }
});
