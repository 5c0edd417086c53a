// The Decoder of lm/decoder.ts on ONNX Runtime: one session of the inference graph holds the
// base weights; adapters are fed as inputs per call (rank 0 tensors for the base model; several
// adapters stacked along the rank, each row selecting its own), and
// the KV cache lives in JS slot buffers between steps (kv-cache.ts).

import type { AdapterWeights, Decoder, ForwardInput, ForwardOutput, KvCache } from '../decoder';
import { LmInputError } from '../errors';
import { checkWeights } from '../formats/model-weights';
import type { ModelConfig } from '../model-config';
import { Session, type TensorValue } from '../onnx/session';
import type { RuntimeOptions } from '../types';
import { buildInferenceGraph, HEAD_WEIGHT_INPUT, LORA_ROWS_INPUT, loraInputName } from './inference-graph';
import { append, release, rowsOf, selectRows, slotMask, SlotKvCache, SlotPool, storeFor, type KvLayout } from './kv-cache';
import { LORA_MODULES, loraFeatures } from '../lora-modules';

/** The shape constraints the graphs rely on; names the first field that breaks one. */
function checkConfig(config: ModelConfig): void {
  const sizes = ['vocabSize', 'hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'numKvHeads', 'headDim'] as const;
  for (const field of sizes) {
    if (!Number.isInteger(config[field]) || config[field] < 1) throw new LmInputError(`model config ${field} must be a positive integer, got ${config[field]}`);
  }
  if (config.numHeads % config.numKvHeads !== 0) {
    throw new LmInputError(`model config numHeads (${config.numHeads}) must be a multiple of numKvHeads (${config.numKvHeads})`);
  }
  if (config.headDim % 2 !== 0) throw new LmInputError(`model config headDim must be even for rotary embeddings, got ${config.headDim}`);
}

/** Checks the config and that every expected tensor is present with the right size; names the first bad one. */
export function checkModel(config: ModelConfig, weights: Map<string, Float32Array>): Map<string, number[]> {
  checkConfig(config);
  return checkWeights(config, weights);
}

export class OnnxDecoder implements Decoder {
  private readonly layout: KvLayout;
  private readonly emptyLora = new Map<string, TensorValue>();
  private readonly loraTargets = new Set<string>();
  private readonly adapterCache = new WeakMap<AdapterWeights, Map<string, TensorValue>>();
  private lastStack?: { adapters: AdapterWeights[]; feeds: Map<string, TensorValue> };
  /** Room for the KV cache of one demo-sized batch (96 rows × ~180 slots of the tiny model: 60 MB). */
  private readonly slotPool = new SlotPool(256 * 2 ** 20);

  private constructor(
    readonly config: ModelConfig,
    private readonly session: Session,
  ) {
    this.layout = { layers: config.numLayers, kvHeads: config.numKvHeads, headDim: config.headDim };
    for (let i = 0; i < config.numLayers; i++) {
      for (const m of LORA_MODULES) {
        const [fin, fout] = loraFeatures(config, m);
        this.loraTargets.add(`layers.${i}.${m}`);
        this.emptyLora.set(loraInputName(i, m, 'a'), { data: new Float32Array(0), dims: [fin, 0] });
        this.emptyLora.set(loraInputName(i, m, 'b'), { data: new Float32Array(0), dims: [0, fout] });
      }
    }
  }

  static async create(config: ModelConfig, weights: Map<string, Float32Array>, runtime: RuntimeOptions): Promise<OnnxDecoder> {
    const shapes = checkModel(config, weights);
    const model = buildInferenceGraph(config, weights, shapes);
    const session = await Session.create(model, { device: runtime.device, threads: runtime.threads, spinning: runtime.spinning });
    return new OnnxDecoder(config, session);
  }

  /** One adapter's LoRA inputs (built once per adapter object: adapters are immutable once passed). */
  private adapterFeeds(adapter: AdapterWeights): Map<string, TensorValue> {
    let feeds = this.adapterCache.get(adapter);
    if (feeds) return feeds;
    for (const key of adapter.modules.keys()) {
      if (!this.loraTargets.has(key)) throw new LmInputError(`adapter module ${key} is not a LoRA target of this model`);
    }
    feeds = new Map();
    const r = adapter.rank;
    // Modules the adapter leaves alone get rank-r zeros: every pair shares the rank dim. B is
    // pre-scaled by alpha / rank so the graph adds (x·A)·B as is.
    for (let i = 0; i < this.config.numLayers; i++) {
      for (const m of LORA_MODULES) {
        const [fin, fout] = loraFeatures(this.config, m);
        const mod = adapter.modules.get(`layers.${i}.${m}`);
        if (mod && (mod.a.length !== fin * r || mod.b.length !== r * fout)) {
          throw new LmInputError(`adapter module layers.${i}.${m}: A/B sizes ${mod.a.length}/${mod.b.length} do not match [${fin}, ${r}]/[${r}, ${fout}]`);
        }
        feeds.set(loraInputName(i, m, 'a'), { data: mod?.a ?? new Float32Array(fin * r), dims: [fin, r] });
        feeds.set(loraInputName(i, m, 'b'), { data: mod ? mod.b.map((v) => v * adapter.scale) : new Float32Array(r * fout), dims: [r, fout] });
      }
    }
    this.adapterCache.set(adapter, feeds);
    return feeds;
  }

  /**
   * LoRA inputs of several adapters stacked along the rank (A [in, Σr], B [Σr, out]). The latest
   * stack is kept: a generation batch feeds the same list at every step.
   */
  private stackedFeeds(adapters: readonly AdapterWeights[]): Map<string, TensorValue> {
    if (adapters.length === 0) return this.emptyLora;
    if (adapters.length === 1) return this.adapterFeeds(adapters[0]);
    const last = this.lastStack;
    if (last && last.adapters.length === adapters.length && last.adapters.every((a, i) => a === adapters[i])) return last.feeds;
    const parts = adapters.map((a) => this.adapterFeeds(a));
    const ranks = adapters.map((a) => a.rank);
    const total = ranks.reduce((x, y) => x + y, 0);
    const feeds = new Map<string, TensorValue>();
    for (const name of this.emptyLora.keys()) {
      const [rows, cols] = name.endsWith('.a') ? [this.emptyLora.get(name)!.dims[0], total] : [total, this.emptyLora.get(name)!.dims[1]];
      const data = new Float32Array(rows * cols);
      let offset = 0;
      parts.forEach((p, k) => {
        const part = p.get(name)!.data as Float32Array;
        const r = ranks[k];
        // A's rank is its column: each input feature's row is the adapters' rows side by side.
        if (name.endsWith('.a')) for (let i = 0; i < rows; i++) data.set(part.subarray(i * r, (i + 1) * r), i * total + offset);
        else data.set(part, offset * cols);
        offset += r;
      });
      feeds.set(name, { data, dims: [rows, cols] });
    }
    this.lastStack = { adapters: [...adapters], feeds };
    return feeds;
  }

  /** The stacked LoRA inputs and the [B·T, Σr] row selection of `input.adapter`. */
  private loraFeeds(adapter: ForwardInput['adapter'], B: number, T: number): Record<string, TensorValue> {
    const { adapters, rowAdapter } = !adapter
      ? { adapters: [], rowAdapter: new Int32Array(B).fill(-1) }
      : 'rowAdapter' in adapter ? adapter : { adapters: [adapter], rowAdapter: new Int32Array(B) };
    if (rowAdapter.length !== B) throw new LmInputError(`rowAdapter has ${rowAdapter.length} entries for a batch of ${B}`);
    const offsets: number[] = [];
    let total = 0;
    for (const a of adapters) {
      offsets.push(total);
      total += a.rank;
    }
    const rows = new Float32Array(B * T * total);
    rowAdapter.forEach((k, b) => {
      if (!(Number.isInteger(k) && k >= -1 && k < adapters.length)) throw new LmInputError(`rowAdapter[${b}] = ${k}: expected -1 (base) or an index below ${adapters.length}`);
      if (k < 0) return;
      for (let t = 0; t < T; t++) rows.fill(1, (b * T + t) * total + offsets[k], (b * T + t) * total + offsets[k] + adapters[k].rank);
    });
    return { ...Object.fromEntries(this.stackedFeeds(adapters)), [LORA_ROWS_INPUT]: { data: rows, dims: [B * T, total] } };
  }

  async forward(input: ForwardInput): Promise<ForwardOutput> {
    const { batch: B, length: T } = input;
    const cache = input.cache as SlotKvCache | undefined;
    if (cache && !(cache instanceof SlotKvCache)) throw new LmInputError('KV cache does not come from this decoder');
    if (cache && cache.batch !== B) throw new LmInputError(`KV cache has batch ${cache.batch}, input has ${B}`);
    const P = cache?.pastLength ?? 0;
    if (input.tokens.length !== B * T || input.positions.length !== B * T) {
      throw new LmInputError(`tokens/positions must be [${B}, ${T}]`);
    }
    if (input.attentionMask.length !== B * (P + T)) throw new LmInputError(`attentionMask must be [${B}, ${P + T}]`);
    const { numKvHeads: hkv, headDim: hd, numLayers, vocabSize: V } = this.config;
    const { hiddenSize } = this.config;
    const heads = input.heads ?? new Float32Array(0);
    if (heads.length % hiddenSize !== 0) throw new LmInputError(`heads have ${heads.length} values, not a multiple of the hidden size ${hiddenSize}`);
    const store = storeFor(cache, this.layout, this.slotPool);
    const slots = store.capacity;
    const feeds: Record<string, TensorValue> = {
      ...this.loraFeeds(input.adapter, B, T),
      input_ids: { data: input.tokens, dims: [B, T] },
      positions: { data: input.positions, dims: [B, T] },
      attention_mask: { data: slotMask(input.attentionMask, B, P, T, slots), dims: [B, slots + T], dtype: 'uint8' },
      logit_index: {
        data: input.lastOnly ? BigInt64Array.of(BigInt(T - 1)) : BigInt64Array.from({ length: T }, (_, i) => BigInt(i)),
        dims: [input.lastOnly ? 1 : T],
      },
      [HEAD_WEIGHT_INPUT]: { data: heads, dims: [heads.length / hiddenSize, hiddenSize] },
    };
    for (let i = 0; i < numLayers; i++) {
      feeds[`past_key.${i}`] = { data: rowsOf(store.keys[i], this.layout, B, slots), dims: [B, hkv, slots, hd] };
      feeds[`past_value.${i}`] = { data: rowsOf(store.values[i], this.layout, B, slots), dims: [B, hkv, slots, hd] };
    }
    const out = await this.session.run(feeds);
    const keys: Float32Array[] = [];
    const values: Float32Array[] = [];
    for (let i = 0; i < numLayers; i++) {
      keys.push(out[`new_key.${i}`].data as Float32Array);
      values.push(out[`new_value.${i}`].data as Float32Array);
    }
    const logits = out.logits.data as Float32Array;
    if (logits.length !== B * (input.lastOnly ? 1 : T) * V) throw new Error(`logits have ${logits.length} values`);
    const result: ForwardOutput = { logits, cache: append(store, this.layout, B, P, T, keys, values, input.reserve) };
    if (input.heads) result.heads = out.head.data as Float32Array;
    return result;
  }

  selectRows(cache: KvCache, rows: number[]): KvCache {
    const c = cache as SlotKvCache;
    for (const r of rows) if (!(Number.isInteger(r) && r >= 0 && r < c.batch)) throw new LmInputError(`selectRows: row ${r} outside batch ${c.batch}`);
    return selectRows(c, this.layout, rows);
  }

  release(cache: KvCache): void {
    if (!(cache instanceof SlotKvCache)) throw new LmInputError('KV cache does not come from this decoder');
    release(cache);
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}

/** A Decoder over `weights` (Hugging Face names, shapes from `config`). */
export function createOnnxDecoder(config: ModelConfig, weights: Map<string, Float32Array>, runtime: RuntimeOptions): Promise<Decoder> {
  return OnnxDecoder.create(config, weights, runtime);
}
