// The Llama-family decoder (Llama 2/3, Mistral, Qwen2, SmolLM, Phi3 after its split), defined
// once and used by both the inference graph (KV cache, dynamic shapes) and the training graph
// (static shapes, differentiated by lm/onnx/autodiff). Activations are kept 2-D
// [tokens, features] so every linear layer is one Gemm with transB on the [out, in] weight;
// only attention reshapes to heads.

import type { LoraModule } from '../lora-modules';
import type { ModelConfig } from '../model-config';
import type { Tensor } from '../onnx/graph';
import {
  add, div, gather, gemm, linear, matmul, mul, pow, reduceMean, reshape, sigmoid, softmax, sqrt, transpose,
  transposeLast, concat, dimOf, splitDynamic, type ReshapeDim,
} from '../onnx/ops';
import { applyRotary, type RotaryTables } from './rope';

/** One LoRA pair in graph layout: y += scale · dropout(x) · A · B, A [in, r], B [r, out]. */
export interface LoraPair {
  a: Tensor;
  b: Tensor;
  /**
   * [N, r] 0/1 per token and rank column: with several adapters stacked along r, each token keeps
   * only its own adapter's columns of x·A (exact: the others add zeros to (x·A)·B).
   */
  rows?: Tensor;
}

export interface DecoderWiring {
  /** A weight by Hugging Face name (an initializer or a graph input). */
  weight(name: string): Tensor;
  /** Whether the checkpoint has this optional tensor (biases). */
  has(name: string): boolean;
  /** The LoRA pair on `layers.<i>.<module>`, if any. */
  lora?(layer: number, module: LoraModule): LoraPair | undefined;
  /** alpha / rank (1 where the caller folded it into B). */
  loraScale?: number;
  /** Applied to a LoRA input before A (training dropout). */
  loraDropout?(x: Tensor, layer: number, module: LoraModule): Tensor;
}

export interface DecoderInputs {
  /** [N] token ids, N = B · T, row-major over (B, T). */
  tokens: Tensor;
  batch: ReshapeDim;
  length: ReshapeDim;
  rotary: RotaryTables;
  /** Additive attention bias [B, 1, 1, T, S] (0 or a large negative), broadcast over heads. */
  bias: Tensor;
  /** S: cache slots + T with a cache, else T. */
  keyLength: ReshapeDim;
  /** Per layer past keys/values [B, Hkv, P, hd], when decoding with a cache. */
  past?: { key: Tensor; value: Tensor }[];
}

export interface DecoderOutputs {
  /** [N, D] after the final norm. */
  hidden: Tensor;
  /** Per layer keys (rotated) and values of the new tokens only [B, Hkv, T, hd]: what a cache appends. */
  fresh: { key: Tensor; value: Tensor }[];
}

function rmsNorm(x: Tensor, w: Tensor, eps: number): Tensor {
  // The transformers pattern (x / sqrt(mean(x²) + eps) · w): ORT fuses it into
  // SimplifiedLayerNormalization in inference graphs.
  const rms = sqrt(add(reduceMean(pow(x, 2), [-1]), eps)); // (N, 1)
  return mul(div(x, rms), w); // (N, D)
}

function projection(w: DecoderWiring, x: Tensor, layer: number, module: LoraModule, prefix: string): Tensor {
  const name = `model.layers.${layer}.${prefix}.${module}`;
  const bias = w.has(`${name}.bias`) ? w.weight(`${name}.bias`) : undefined;
  const y = linear(x, w.weight(`${name}.weight`), bias); // (N, out)
  const pair = w.lora?.(layer, module);
  if (!pair) return y;
  const xin = w.loraDropout ? w.loraDropout(x, layer, module) : x;
  const xa = gemm(xin, pair.a); // (N, r)
  return gemm(pair.rows ? mul(xa, pair.rows) : xa, pair.b, y, { alpha: w.loraScale ?? 1 }); // y + s · (x·A)·B
}

function attention(cfg: ModelConfig, w: DecoderWiring, x: Tensor, layer: number, inp: DecoderInputs): { out: Tensor; fresh: { key: Tensor; value: Tensor } } {
  const { numHeads: hq, numKvHeads: hkv, headDim: hd } = cfg;
  const group = hq / hkv;
  const { batch: B, length: T } = inp;
  const q = reshape(projection(w, x, layer, 'q_proj', 'self_attn'), [B, T, hq, hd]); // (B, T, Hq, hd)
  const k = reshape(projection(w, x, layer, 'k_proj', 'self_attn'), [B, T, hkv, hd]); // (B, T, Hkv, hd)
  const v = reshape(projection(w, x, layer, 'v_proj', 'self_attn'), [B, T, hkv, hd]);
  const qr = applyRotary(q, inp.rotary.query, hd); // rotated and scaled by 1/sqrt(hd)
  // Queries grouped under their KV head, so K and V are used as stored (no repeat):
  // (B, T, Hkv, g, hd) → (B, Hkv, g, T, hd) → (B, Hkv, g·T, hd).
  const qg = reshape(transpose(reshape(qr, [B, T, hkv, group, hd]), [0, 2, 3, 1, 4]), [B, hkv, -1, hd]);
  const fresh = { key: transpose(applyRotary(k, inp.rotary.key, hd), [0, 2, 1, 3]), value: transpose(v, [0, 2, 1, 3]) }; // (B, Hkv, T, hd)
  const S = inp.keyLength;
  const attend = (scores: Tensor): Tensor => reshape(softmax(add(reshape(scores, [B, hkv, group, T, S]), inp.bias)), [B, hkv, -1, S]); // (B, Hkv, g·T, S)
  const past = inp.past?.[layer];
  let ctx: Tensor; // (B, Hkv, g·T, hd)
  if (!past) {
    ctx = matmul(attend(matmul(qg, transposeLast(fresh.key))), fresh.value);
  } else {
    // The cache is read where it lies instead of being concatenated with the new keys and
    // values (a copy of every slot, per layer and step: over half of a decode step at 96 rows ×
    // 256 slots): the scores against both are joined (one per key), and the context is the sum
    // of the two parts.
    const scores = concat([matmul(qg, transposeLast(past.key)), matmul(qg, transposeLast(fresh.key))], 3); // (B, Hkv, g·T, S)
    const [toPast, toNew] = splitDynamic(attend(scores), [dimOf(past.key, 2), dimOf(fresh.key, 2)], 3);
    ctx = add(matmul(toPast, past.value), matmul(toNew, fresh.value));
  }
  const merged = reshape(transpose(reshape(ctx, [B, hkv, group, T, hd]), [0, 3, 1, 2, 4]), [-1, hq * hd]); // (N, Hq·hd)
  return { out: projection(w, merged, layer, 'o_proj', 'self_attn'), fresh };
}

function mlp(w: DecoderWiring, x: Tensor, layer: number): Tensor {
  const gate = projection(w, x, layer, 'gate_proj', 'mlp'); // (N, I)
  const up = projection(w, x, layer, 'up_proj', 'mlp');
  const h = mul(mul(gate, sigmoid(gate)), up); // SiLU(gate) · up
  return projection(w, h, layer, 'down_proj', 'mlp'); // (N, D)
}

export function decoder(cfg: ModelConfig, w: DecoderWiring, inp: DecoderInputs): DecoderOutputs {
  let x = gather(w.weight('model.embed_tokens.weight'), inp.tokens); // (N, D)
  const fresh: DecoderOutputs['fresh'] = [];
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    const att = attention(cfg, w, rmsNorm(x, w.weight(`${p}.input_layernorm.weight`), cfg.rmsNormEps), i, inp);
    x = add(x, att.out);
    x = add(x, mlp(w, rmsNorm(x, w.weight(`${p}.post_attention_layernorm.weight`), cfg.rmsNormEps), i));
    fresh.push(att.fresh);
  }
  return { hidden: rmsNorm(x, w.weight('model.norm.weight'), cfg.rmsNormEps), fresh };
}

/** Logits [N, V] (tied embeddings reuse embed_tokens as the output matrix). */
export function lmHead(cfg: ModelConfig, w: DecoderWiring, hidden: Tensor): Tensor {
  return linear(hidden, w.weight(cfg.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'));
}
