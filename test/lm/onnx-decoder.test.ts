// The inference decoder: KV-cache decoding against full-sequence forwards, left padding,
// row selection (in order and from the end), LoRA adapters fed per call and per row, released
// caches, and clear errors for bad weights.
// Logit tolerance: 1e-4 absolute (float32; different reduction lengths reorder sums).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdapterWeights, Decoder, ForwardOutput, KvCache } from '../../lm/decoder';
import { LmInputError } from '../../lm/errors';
import { initRandomWeights } from '../../lm/model/init-random-weights';
import { loraFeatures } from '../../lm/lora-modules';
import { createOnnxDecoder } from '../../lm/model/onnx-decoder';
import { fillFromEnd } from '../../lm/generate/generate-tokens';
import { StreamRng } from '../../lm/stream-rng';
import { randomArray } from './finite-difference';
import { tinyConfig } from './tiny-model';

const TOL = 1e-4;
const config = tinyConfig({ attentionBias: true });
const V = config.vocabSize;
const runtime = { device: 'cpu' as const, threads: 1 };

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function fullLogits(decoder: Decoder, tokens: number[], adapter?: AdapterWeights): Promise<Float32Array> {
  const n = tokens.length;
  const out = await decoder.forward({
    tokens: Int32Array.from(tokens), batch: 1, length: n, attentionMask: new Uint8Array(n).fill(1),
    positions: Int32Array.from({ length: n }, (_, i) => i), lastOnly: false, adapter,
  });
  return out.logits;
}

test('KV-cache decoding gives the full-sequence logits, with a left-padded row', async () => {
  const decoder = await createOnnxDecoder(config, initRandomWeights(config, 1, 0.3), runtime);
  try {
    const a = [5, 9, 2, 30, 7, 1, 12, 3];
    const b = [8, 4, 17, 6, 22, 9, 10, 2];
    const fullA = await fullLogits(decoder, a);
    const fullB = await fullLogits(decoder, b.slice(1));
    // Prefill: row 0 has 3 prompt tokens, row 1 has 2 (left-padded by one slot).
    let out = await decoder.forward({
      tokens: Int32Array.from([a[0], a[1], a[2], 0, b[1], b[2]]), batch: 2, length: 3,
      attentionMask: Uint8Array.from([1, 1, 1, 0, 1, 1]), positions: Int32Array.from([0, 1, 2, 0, 0, 1]), lastOnly: true,
    });
    let worst = Math.max(maxDiff(out.logits.subarray(0, V), fullA.subarray(2 * V, 3 * V)), maxDiff(out.logits.subarray(V), fullB.subarray(V, 2 * V)));
    const mask = [1, 1, 1, 0, 1, 1];
    for (let t = 3; t < a.length; t++) {
      mask.splice(t, 0, 1);
      mask.push(1);
      out = await decoder.forward({
        tokens: Int32Array.from([a[t], b[t]]), batch: 2, length: 1, attentionMask: Uint8Array.from(mask),
        positions: Int32Array.from([t, t - 1]), lastOnly: true, cache: out.cache,
      });
      assert.equal(out.cache.pastLength, t + 1);
      worst = Math.max(worst, maxDiff(out.logits.subarray(0, V), fullA.subarray(t * V, (t + 1) * V)));
      worst = Math.max(worst, maxDiff(out.logits.subarray(V), fullB.subarray((t - 1) * V, t * V)));
    }
    console.log(`KV cache vs full forward: max |Δlogit| = ${worst.toExponential(2)} (tolerance ${TOL})`);
    assert.ok(worst < TOL);
  } finally {
    await decoder.close();
  }
});

/** A forward of `tokens` (row-major [batch, T]) at positions t.., every token visible. */
function stepOf(decoder: Decoder) {
  return (cache: KvCache | undefined, tokens: number[], t: number, batch: number) =>
    decoder.forward({
      tokens: Int32Array.from(tokens), batch, length: tokens.length / batch,
      attentionMask: new Uint8Array(batch * (t + tokens.length / batch)).fill(1),
      positions: Int32Array.from(tokens, (_, i) => t + (i % (tokens.length / batch))), lastOnly: true, cache,
    });
}

test('selectRows keeps the chosen sequences decoding as before', async () => {
  const decoder = await createOnnxDecoder(config, initRandomWeights(config, 2, 0.3), runtime);
  try {
    const step = stepOf(decoder);
    const prefill = await step(undefined, [1, 2, 3, 4, 5, 6, 7, 8, 9], 0, 3);
    const both = await step(prefill.cache, [10, 11, 12], 3, 3);
    const picked = decoder.selectRows(prefill.cache, [2, 0]);
    assert.equal(picked.batch, 2);
    const some = await step(picked, [12, 10], 3, 2);
    const d = Math.max(maxDiff(some.logits.subarray(0, V), both.logits.subarray(2 * V)), maxDiff(some.logits.subarray(V), both.logits.subarray(0, V)));
    assert.ok(d < TOL, `selected rows differ by ${d}`);
  } finally {
    await decoder.close();
  }
});

test('selectRows of the newest cache in batch order narrows it in place; the caches before it are stale', async () => {
  const decoder = await createOnnxDecoder(config, initRandomWeights(config, 3, 0.3), runtime);
  try {
    const step = stepOf(decoder);
    const prefill = await step(undefined, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 0, 4);
    // Reference: all four rows decoding on (a copy of the prefill, so the original stays fresh).
    let all = await step(decoder.selectRows(prefill.cache, [0, 1, 2, 3].reverse()), [13, 14, 15, 16].reverse(), 3, 4);
    let kept = await step(decoder.selectRows(prefill.cache, [1, 3]), [14, 16], 3, 2);
    assert.throws(() => decoder.selectRows(prefill.cache, [0]), LmInputError);
    await assert.rejects(step(prefill.cache, [13, 14, 15, 16], 3, 4), LmInputError);
    let worst = 0;
    for (let t = 4; t < 8; t++) {
      // all's rows are reversed: row 3 - b of it is row b of the prefill.
      worst = Math.max(worst, maxDiff(kept.logits.subarray(0, V), all.logits.subarray(2 * V, 3 * V)), maxDiff(kept.logits.subarray(V), all.logits.subarray(0, V)));
      all = await step(all.cache, [(4 * t) % V, (3 * t) % V, (2 * t) % V, t], t, 4);
      kept = await step(kept.cache, [(2 * t) % V, (4 * t) % V], t, 2);
    }
    assert.ok(worst < TOL, `narrowed rows differ by ${worst}`);
  } finally {
    await decoder.close();
  }
});

function randomAdapter(rank: number, modules: string[], seed: number, zeroB: boolean): AdapterWeights {
  const rng = StreamRng.fromSeed(seed);
  const map: AdapterWeights['modules'] = new Map();
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const m of modules) {
      const [inFeatures, outFeatures] = loraFeatures(config, m as never);
      map.set(`layers.${layer}.${m}`, {
        a: randomArray(rng, inFeatures * rank, -0.5, 0.5),
        b: zeroB ? new Float32Array(rank * outFeatures) : randomArray(rng, rank * outFeatures, -0.5, 0.5),
        inFeatures,
        outFeatures,
      });
    }
  }
  return { rank, scale: 1.5, modules: map };
}

test('LoRA with B = 0 equals the base; a LoRA adapter equals its merged weights', async () => {
  const weights = initRandomWeights(config, 3, 0.3);
  const decoder = await createOnnxDecoder(config, weights, runtime);
  const tokens = [4, 8, 15, 16, 23, 31];
  try {
    const base = await fullLogits(decoder, tokens);
    const zero = await fullLogits(decoder, tokens, randomAdapter(4, ['q_proj', 'v_proj', 'down_proj'], 1, true));
    console.log(`LoRA B = 0 vs base: max |Δlogit| = ${maxDiff(base, zero).toExponential(2)}`);
    assert.ok(maxDiff(base, zero) < 1e-6);

    const adapter = randomAdapter(2, ['k_proj', 'o_proj', 'gate_proj', 'up_proj'], 2, false);
    const adapted = await fullLogits(decoder, tokens, adapter);
    assert.ok(maxDiff(base, adapted) > 1e-2, 'the adapter changes the logits');
    // W' = W + scale · (A·B)ᵀ in [out, in] layout.
    const merged = new Map(weights);
    for (const [key, mod] of adapter.modules) {
      const [, layer, module] = key.split('.');
      const prefix = module.endsWith('_proj') && ['gate_proj', 'up_proj', 'down_proj'].includes(module) ? 'mlp' : 'self_attn';
      const name = `model.layers.${layer}.${prefix}.${module}.weight`;
      const w = Float32Array.from(weights.get(name)!);
      for (let o = 0; o < mod.outFeatures; o++) {
        for (let i = 0; i < mod.inFeatures; i++) {
          let s = 0;
          for (let r = 0; r < adapter.rank; r++) s += mod.a[i * adapter.rank + r] * mod.b[r * mod.outFeatures + o];
          w[o * mod.inFeatures + i] += adapter.scale * s;
        }
      }
      merged.set(name, w);
    }
    const mergedDecoder = await createOnnxDecoder(config, merged, runtime);
    try {
      const d = maxDiff(adapted, await fullLogits(mergedDecoder, tokens));
      console.log(`LoRA inputs vs merged weights: max |Δlogit| = ${d.toExponential(2)}`);
      assert.ok(d < TOL);
    } finally {
      await mergedDecoder.close();
    }
    // The base is still served unchanged after an adapter call.
    assert.equal(maxDiff(base, await fullLogits(decoder, tokens)), 0);
  } finally {
    await decoder.close();
  }
});

test('bad weights and adapters are errors naming the tensor', async () => {
  const weights = initRandomWeights(config, 1);
  const missing = new Map(weights);
  missing.delete('model.layers.1.mlp.up_proj.weight');
  await assert.rejects(createOnnxDecoder(config, missing, runtime), (e: Error) => e instanceof LmInputError && /model\.layers\.1\.mlp\.up_proj\.weight is missing/.test(e.message));
  const short = new Map(weights);
  short.set('model.norm.weight', new Float32Array(3));
  await assert.rejects(createOnnxDecoder(config, short, runtime), /model\.norm\.weight has 3 values, expected \[16\]/);

  await assert.rejects(createOnnxDecoder({ ...config, numKvHeads: 3 }, weights, runtime), /numHeads \(4\) must be a multiple of numKvHeads \(3\)/);
  const decoder = await createOnnxDecoder(config, weights, runtime);
  try {
    const adapter = randomAdapter(2, ['q_proj'], 1, false);
    adapter.modules.set('layers.0.lm_head', adapter.modules.get('layers.0.q_proj')!);
    await assert.rejects(fullLogits(decoder, [1, 2], adapter), /adapter module layers\.0\.lm_head is not a LoRA target/);
    await assert.rejects(
      decoder.forward({ tokens: Int32Array.of(1, 2), batch: 1, length: 2, attentionMask: Uint8Array.of(1), positions: Int32Array.of(0, 1), lastOnly: true }),
      /attentionMask must be \[1, 2\]/,
    );
  } finally {
    await decoder.close();
  }
});

test('a cache continued twice keeps both continuations apart; caches grow past their capacity', async () => {
  const decoder = await createOnnxDecoder(config, initRandomWeights(config, 5, 0.3), runtime);
  try {
    const seq = Array.from({ length: 70 }, (_, i) => (i * 13 + 5) % V);
    const full = await fullLogits(decoder, seq);
    const step = (cache: KvCache, token: number) =>
      decoder.forward({
        tokens: Int32Array.of(token), batch: 1, length: 1, attentionMask: new Uint8Array(cache.pastLength + 1).fill(1),
        positions: Int32Array.of(cache.pastLength), lastOnly: true, cache,
      });
    const prefix = (await decoder.forward({
      tokens: Int32Array.from(seq.slice(0, 4)), batch: 1, length: 4, attentionMask: new Uint8Array(4).fill(1),
      positions: Int32Array.from([0, 1, 2, 3]), lastOnly: true,
    })).cache;
    const other = await step(prefix, (seq[4] + 1) % V); // a sibling continuation written first
    let out = await step(prefix, seq[4]);
    let worst = maxDiff(out.logits, full.subarray(4 * V, 5 * V));
    for (let t = 5; t < seq.length; t++) {
      out = await step(out.cache, seq[t]);
      worst = Math.max(worst, maxDiff(out.logits, full.subarray(t * V, (t + 1) * V)));
    }
    const again = await step(prefix, (seq[4] + 1) % V);
    assert.ok(maxDiff(again.logits, other.logits) < TOL, 'the sibling continuation is unchanged');
    console.log(`70 cached steps (capacity grown past 64) vs full forward: max |Δlogit| = ${worst.toExponential(2)}`);
    assert.ok(worst < TOL);
  } finally {
    await decoder.close();
  }
});

/** Prefill input of equal-length prompts, every token visible. */
function prefillOf(prompts: number[][]) {
  const [batch, length] = [prompts.length, prompts[0].length];
  return {
    tokens: Int32Array.from(prompts.flat()), batch, length, attentionMask: new Uint8Array(batch * length).fill(1),
    positions: Int32Array.from({ length: batch * length }, (_, i) => i % length), lastOnly: true,
  };
}

/** One decode step of one token per row at position t (t tokens cached), every token visible. */
function decodeOf(tokens: number[], t: number) {
  return {
    tokens: Int32Array.from(tokens), batch: tokens.length, length: 1, attentionMask: new Uint8Array(tokens.length * (t + 1)).fill(1),
    positions: new Int32Array(tokens.length).fill(t), lastOnly: true,
  };
}

test('one batch with an adapter per row gives each row the logits of its own adapter\'s forward, prefill and cached steps', async () => {
  const decoder = await createOnnxDecoder(config, initRandomWeights(config, 4, 0.3), runtime);
  try {
    const adapters = [randomAdapter(2, ['q_proj', 'v_proj', 'down_proj'], 7, false), randomAdapter(3, ['k_proj', 'o_proj', 'gate_proj', 'up_proj'], 8, false)];
    const rowAdapter = Int32Array.from([1, -1, 0, 1]); // two rows share adapter 1; row 1 is the base model
    const prompts = [[3, 9, 4], [7, 1, 8], [2, 6, 5], [11, 12, 13]];
    const next = (t: number, b: number): number => (t * 5 + b) % V;
    // Reference: each row alone under its own adapter (or none).
    const alone: Float32Array[][] = [];
    for (const [b, prompt] of prompts.entries()) {
      const adapter = rowAdapter[b] < 0 ? undefined : adapters[rowAdapter[b]];
      let out = await decoder.forward({ ...prefillOf([prompt]), adapter });
      alone.push([out.logits]);
      for (let t = 3; t < 6; t++) {
        out = await decoder.forward({ ...decodeOf([next(t, b)], t), cache: out.cache, adapter });
        alone[b].push(out.logits);
      }
    }
    const adapter = { adapters, rowAdapter };
    let out = await decoder.forward({ ...prefillOf(prompts), adapter, reserve: 6 });
    let worst = 0;
    for (let t = 3; t <= 6; t++) {
      prompts.forEach((_, b) => (worst = Math.max(worst, maxDiff(out.logits.subarray(b * V, (b + 1) * V), alone[b][t - 3]))));
      if (t < 6) out = await decoder.forward({ ...decodeOf(prompts.map((_, b) => next(t, b)), t), cache: out.cache, adapter });
    }
    console.log(`per-row adapters vs one forward per row and adapter: max |Δlogit| = ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-5, `rows differ by ${worst}`);
    assert.ok(maxDiff(alone[0][0], alone[1][0]) > 1e-2, 'the adapters change the logits');
    await assert.rejects(decoder.forward({ ...prefillOf(prompts), adapter: { adapters, rowAdapter: Int32Array.of(0, 1) } }), /rowAdapter has 2 entries for a batch of 4/);
    await assert.rejects(decoder.forward({ ...prefillOf(prompts), adapter: { adapters, rowAdapter: Int32Array.of(0, 1, 2, -1) } }), /rowAdapter\[2\] = 2: expected -1 \(base\) or an index below 2/);
  } finally {
    await decoder.close();
  }
});

test('rows moved from the end into finished rows\' places keep decoding as before; a released cache is stale and its memory serves the next', async () => {
  const decoder = await createOnnxDecoder(config, initRandomWeights(config, 6, 0.3), runtime);
  try {
    const prompts = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12], [13, 14, 15]];
    const next = (t: number, b: number): number => (t * 7 + b) % V;
    const run = async () => {
      const all = [await decoder.forward({ ...prefillOf(prompts), reserve: 8 })];
      for (let t = 3; t < 7; t++) all.push(await decoder.forward({ ...decodeOf(prompts.map((_, b) => next(t, b)), t), cache: all[all.length - 1].cache }));
      return all;
    };
    const reference = await run();
    // Rows 1 and 4 finish after the prefill: row 3 takes row 1's place (in place: every row moves down).
    const prefill = await decoder.forward({ ...prefillOf(prompts), reserve: 8 });
    const keep = fillFromEnd(5, [1, 4]);
    assert.deepEqual(keep, [0, 3, 2]);
    let out: ForwardOutput = { cache: decoder.selectRows(prefill.cache, keep), logits: new Float32Array(0) };
    await assert.rejects(decoder.forward({ ...decodeOf(prompts.map((_, b) => next(3, b)), 3), cache: prefill.cache }), /stale/);
    let worst = 0;
    for (let t = 3; t < 7; t++) {
      out = await decoder.forward({ ...decodeOf(keep.map((b) => next(t, b)), t), cache: out.cache });
      keep.forEach((b, i) => (worst = Math.max(worst, maxDiff(out.logits.subarray(i * V, (i + 1) * V), reference[t - 2].logits.subarray(b * V, (b + 1) * V)))));
    }
    console.log(`rows moved into finished rows' places vs all rows: max |Δlogit| = ${worst.toExponential(2)}`);
    assert.ok(worst < TOL);

    decoder.release(out.cache);
    assert.throws(() => decoder.release(out.cache), /stale/);
    await assert.rejects(decoder.forward({ ...decodeOf(keep.map((b) => next(7, b)), 7), cache: out.cache }), /stale/);
    const again = await run(); // in the released buffers
    again.forEach((o, i) => assert.equal(maxDiff(o.logits, reference[i].logits), 0, `step ${i} after reuse`));
  } finally {
    await decoder.close();
  }
});
