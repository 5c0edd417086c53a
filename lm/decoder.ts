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

/**
 * One adapter per batch row (multi-adapter batching, as S-LoRA/Punica do): row b runs
 * `adapters[rowAdapter[b]]`, or the base model where rowAdapter[b] is -1, so the agents of a
 * debate round, each with its own adapter, decode as one batch.
 */
export interface RowAdapters {
  adapters: readonly AdapterWeights[];
  /** [B] an index into `adapters`, or -1. */
  rowAdapter: Int32Array;
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
  /** One adapter for every row, or one per row; none: the base model. */
  adapter?: AdapterWeights | RowAdapters;
  /**
   * Slots per row a new cache has room for (prompt + tokens to come): a generation that knows its
   * length never moves its cache into new buffers. Read where there is no cache yet.
   */
  reserve?: number;
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
  /** The rows of a cache to keep, in this order (indices into its batch): finished sequences leave. */
  selectRows(cache: KvCache, rows: number[]): KvCache;
  /** The cache (and every cache sharing its buffers) will not be used again: its memory serves the next one. */
  release(cache: KvCache): void;
  close(): Promise<void>;
}
