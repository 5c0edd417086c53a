// The seam between the ONNX side of lm/ (graphs, sessions, KV cache) and the JS side
// (generation loop, sampling, scoring, worker-thread host). A Decoder runs one forward pass
// of a decoder-only model over a batch, extending a KV cache.

import type { ModelConfig } from './model-config';

/** A LoRA adapter in graph layout, keyed by `layers.<i>.<module>` (e.g. `layers.0.q_proj`). */
export interface AdapterWeights {
  rank: number;
  /** alpha / rank. */
  scale: number;
  /** A stored [in, rank], B stored [rank, out], row-major float32. */
  modules: Map<string, { a: Float32Array; b: Float32Array; inFeatures: number; outFeatures: number }>;
}

/** Opaque to callers: per-layer past keys and values, [B, numKvHeads, pastLength, headDim]. */
export interface KvCache {
  readonly batch: number;
  readonly pastLength: number;
}

export interface ForwardInput {
  /** [B, T] token ids; shorter prompts are left-padded by the caller. */
  tokens: Int32Array;
  batch: number;
  length: number;
  /** [B, pastLength + T]: 1 for real tokens, 0 for padding. */
  attentionMask: Uint8Array;
  /** [B, T] positions of the new tokens (padding-aware). */
  positions: Int32Array;
  cache?: KvCache;
  adapter?: AdapterWeights;
  /** Return logits for the last position only ([B, V]) instead of every position ([B, T, V]). */
  lastOnly: boolean;
  /** Scalar heads [heads, hiddenSize] on the final hidden state (value / verifier), read where the logits are. */
  heads?: Float32Array;
}

export interface ForwardOutput {
  logits: Float32Array;
  cache: KvCache;
  /** With `heads`: [B, T or 1, heads]. */
  heads?: Float32Array;
}

export interface Decoder {
  readonly config: ModelConfig;
  forward(input: ForwardInput): Promise<ForwardOutput>;
  /** Drop the rows of a cache whose sequences finished (indices into the batch, kept in order). */
  selectRows(cache: KvCache, rows: number[]): KvCache;
  close(): Promise<void>;
}
