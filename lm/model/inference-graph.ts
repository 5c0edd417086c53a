// The inference graph: one forward step over new tokens against a KV cache. Shapes are
// dynamic (batch, length, cache slots), base weights are initializers, and every LoRA pair of
// every layer is a graph input with a dynamic rank, so one session serves the base model
// (rank 0) and any adapter without reloading the base. Several adapters run in one batch stacked
// along the rank, with a per-token 0/1 input (`lora_rows`) selecting each row's own columns
// (so every row computes x·A of every adapter of its batch). A gathered LoRA (adapters stacked
// [K, in, r], each adapter's tokens gathered into one segment, batched MatMuls, each token's
// row gathered back) computes only a row's own adapter, but measured slower at the demo's sizes
// (tiny model, 96 rows, rank 8; summed per-node kernel minima of a decode step at ~100 slots:
// 5.97 vs 5.48 ms with 3 adapters, 5.99 vs 5.87 with 6, and 5.73 vs 5.40 with one): a gather of
// x per input and a gather and add of the result per projection cost more than the rank columns
// they save (all of the LoRA work is a few percent of a step at width 128: base model 5.06–5.53
// ms). It would pay where x·A's FLOPs outweigh those copies: wider models, more adapters per
// batch, long prefills. The
// cache is fed as fixed-capacity slot buffers (unused slots masked out), read in place, and only
// the new tokens' keys and values come back, so a decode step copies O(1) tokens of cache
// instead of the whole cache. A scalar head (value or verifier, [heads, D]) is an input too, read
// at the same positions as the logits; the base model feeds zero rows.

import type { ModelConfig } from '../model-config';
import { Graph, type Tensor } from '../onnx/graph';
import {
  and, cast, dimOf, gather, lessOrEqual, linear, range, reshape, shapeOf, squeeze, sub, unsqueeze, where,
} from '../onnx/ops';
import { emitModel, type EmittedModel } from '../onnx/emit';
import { LORA_MODULES, loraFeatures, type LoraModule } from '../lora-modules';
import { decoder, lmHead, type LoraPair } from './llama';
import { rotaryTables } from './rope';

/** Large negative for masked scores: finite, so a fully masked row gives uniform weights, not NaN. */
export const MASKED = -1e9;

/** Input of the scalar heads' weights [heads, D]; output `head` is [B·K, heads] at the logit positions. */
export const HEAD_WEIGHT_INPUT = 'head_weight';

/** Input [batch·length, rank]: 1 where a token's row uses that stacked rank column. */
export const LORA_ROWS_INPUT = 'lora_rows';

export function loraInputName(layer: number, module: LoraModule, part: 'a' | 'b'): string {
  return `lora.${layer}.${module}.${part}`;
}

function scalarOf(t: Tensor): Tensor {
  return squeeze(t, [0]);
}

export function buildInferenceGraph(config: ModelConfig, weights: Map<string, Float32Array>, shapes: Map<string, number[]>): EmittedModel {
  const g = new Graph();
  const { numKvHeads: hkv, headDim: hd } = config;
  const ids = g.input('input_ids', 'int32', ['batch', 'length']);
  const positions = g.input('positions', 'int32', ['batch', 'length']);
  const mask = g.input('attention_mask', 'uint8', ['batch', 'total']);
  const logitIndex = g.input('logit_index', 'int64', ['logits']);
  const headWeight = g.input(HEAD_WEIGHT_INPUT, 'float32', ['heads', config.hiddenSize]);
  const past = Array.from({ length: config.numLayers }, (_, i) => ({
    key: g.input(`past_key.${i}`, 'float32', ['batch', hkv, 'slots', hd]),
    value: g.input(`past_value.${i}`, 'float32', ['batch', hkv, 'slots', hd]),
  }));
  const loraRows = g.input(LORA_ROWS_INPUT, 'float32', ['tokens', 'rank']);
  const lora = new Map<string, LoraPair>();
  for (let i = 0; i < config.numLayers; i++) {
    for (const m of LORA_MODULES) {
      const [fin, fout] = loraFeatures(config, m);
      lora.set(`${i}.${m}`, {
        a: g.input(loraInputName(i, m, 'a'), 'float32', [fin, 'rank']),
        b: g.input(loraInputName(i, m, 'b'), 'float32', ['rank', fout]),
        rows: loraRows,
      });
    }
  }

  const inits = new Map<string, Tensor>();
  const weight = (name: string): Tensor => {
    let t = inits.get(name);
    if (!t) {
      const data = weights.get(name);
      const shape = shapes.get(name);
      if (!data || !shape) throw new Error(`weight ${name} is missing`);
      t = g.initializer(name, data, 'float32', shape);
      inits.set(name, t);
    }
    return t;
  };

  // Key j (cache slots, then the new tokens) is visible to new token t when j <= slots + t and
  // unmasked: every filled slot is earlier than every new token.
  const B = dimOf(ids, 0);
  const T = dimOf(ids, 1);
  const total = scalarOf(shapeOf(mask, 1, 2));
  const length = scalarOf(shapeOf(ids, 1, 2));
  const zero = g.scalar(0, 'int64');
  const keyIdx = range(zero, total, 'total'); // (S)
  const queryIdx = range(sub(total, length), total, 'length'); // (T)
  const causal = lessOrEqual(unsqueeze(keyIdx, [0]), unsqueeze(queryIdx, [1])); // (T, S)
  const visible = and(unsqueeze(causal, [0, 1, 2]), unsqueeze(cast(mask, 'bool'), [1, 2, 3])); // (B, 1, 1, T, S)
  const bias = where(visible, 0, MASKED);

  const out = decoder(
    config,
    {
      weight,
      has: (name) => shapes.has(name),
      // Adapters arrive with B already scaled by alpha / rank.
      lora: (layer, module) => lora.get(`${layer}.${module}`),
    },
    { tokens: reshape(ids, [-1]), batch: B, length: T, keyLength: dimOf(mask, 1), rotary: rotaryTables(config, positions), bias, past },
  );
  const hidden = reshape(out.hidden, [B, T, config.hiddenSize]); // (B, T, D)
  const picked = reshape(gather(hidden, logitIndex, 1), [-1, config.hiddenSize]); // (B·K, D)
  const logits = reshape(lmHead(config, { weight, has: (n) => shapes.has(n) }, picked), [B, dimOf(logitIndex, 0), config.vocabSize]);
  g.output(logits, 'logits');
  g.output(linear(picked, headWeight), 'head'); // (B·K, heads)
  out.fresh.forEach((p, i) => {
    g.output(p.key, `new_key.${i}`);
    g.output(p.value, `new_value.${i}`);
  });
  return emitModel(g);
}
