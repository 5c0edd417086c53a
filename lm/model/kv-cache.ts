// The KV cache of the ONNX decoder: per layer, keys and values in slot buffers
// [B, Hkv, capacity, hd] that grow by doubling. A step appends its tokens' keys and values at
// slots pastLength.. in place; the graph reads all slots and masks the unused ones. Caches
// are values to callers: continuing from a cache that something else already extended
// copies it first, so two continuations of one prefix never see each other's tokens.
// Dropping finished rows (in generation order, the common case) compacts the buffers in place
// instead of copying them: at the demo's shapes each copy was 33 MB and a third of a debate
// call's time went to them. The caches made before that from the same buffers are then stale
// and refuse to be continued.

import type { KvCache } from '../decoder';
import { LmInputError } from '../errors';

interface SlotStore {
  capacity: number;
  keys: Float32Array[];
  values: Float32Array[];
  /** Slots filled by the latest cache made from this store. */
  used: number;
  /** Bumped when rows are compacted in place: caches of an older version are stale. */
  version: number;
}

export class SlotKvCache implements KvCache {
  constructor(
    readonly batch: number,
    readonly pastLength: number,
    readonly store: SlotStore,
    readonly version = store.version,
  ) {}
}

export interface KvLayout {
  layers: number;
  kvHeads: number;
  headDim: number;
}

function copySlots(from: SlotStore, layout: KvLayout, batch: number, slots: number, capacity: number, rows?: number[]): SlotStore {
  const { kvHeads: h, headDim: hd } = layout;
  const span = slots * hd;
  const move = (src: Float32Array): Float32Array => {
    const dst = new Float32Array(batch * h * capacity * hd);
    for (let b = 0; b < batch; b++) {
      const sb = rows ? rows[b] : b;
      for (let k = 0; k < h; k++) {
        const s = (sb * h + k) * from.capacity * hd;
        dst.set(src.subarray(s, s + span), (b * h + k) * capacity * hd);
      }
    }
    return dst;
  };
  return { capacity, keys: from.keys.map(move), values: from.values.map(move), used: slots, version: 0 };
}

/** The store to extend from `cache` (copied when another continuation got there first). */
export function storeFor(cache: SlotKvCache | undefined, layout: KvLayout): SlotStore {
  if (!cache) return { capacity: 0, keys: Array(layout.layers).fill(new Float32Array(0)), values: Array(layout.layers).fill(new Float32Array(0)), used: 0, version: 0 };
  if (cache.version !== cache.store.version) throw new LmInputError('this KV cache is stale: selectRows narrowed its buffers in place; continue from the cache selectRows returned');
  if (cache.store.used === cache.pastLength) return cache.store;
  return copySlots(cache.store, layout, cache.batch, cache.pastLength, cache.store.capacity);
}

/** Writes `length` new tokens' keys/values ([B, Hkv, length, hd] per layer) after `past` slots. */
export function append(store: SlotStore, layout: KvLayout, batch: number, past: number, length: number, keys: Float32Array[], values: Float32Array[]): SlotKvCache {
  const { kvHeads: h, headDim: hd } = layout;
  let s = store;
  if (past + length > s.capacity) {
    const capacity = Math.max(past + length, 2 * s.capacity, 64);
    s = copySlots(s, layout, batch, past, capacity);
  }
  const write = (dst: Float32Array, src: Float32Array): void => {
    for (let r = 0; r < batch * h; r++) {
      dst.set(src.subarray(r * length * hd, (r + 1) * length * hd), (r * s.capacity + past) * hd);
    }
  };
  for (let i = 0; i < layout.layers; i++) {
    write(s.keys[i], keys[i]);
    write(s.values[i], values[i]);
  }
  s.used = past + length;
  return new SlotKvCache(batch, past + length, s);
}

/** Keeps `rows` of the batch, in that order. */
export function selectRows(cache: SlotKvCache, layout: KvLayout, rows: number[]): SlotKvCache {
  const { store, pastLength } = cache;
  const increasing = rows.every((r, i) => i === 0 || r > rows[i - 1]);
  if (!increasing || cache.version !== store.version || store.used !== pastLength) {
    return new SlotKvCache(rows.length, pastLength, copySlots(storeFor(cache, layout), layout, rows.length, pastLength, store.capacity, rows));
  }
  // Row i moves down to i <= rows[i]: copying in order never overwrites a row still to move.
  const { kvHeads: h, headDim: hd } = layout;
  const span = pastLength * hd;
  const compact = (buffer: Float32Array): void => {
    rows.forEach((from, to) => {
      if (from === to) return;
      for (let k = 0; k < h; k++) {
        const s = (from * h + k) * store.capacity * hd;
        buffer.copyWithin((to * h + k) * store.capacity * hd, s, s + span);
      }
    });
  };
  store.keys.forEach(compact);
  store.values.forEach(compact);
  store.version++;
  return new SlotKvCache(rows.length, pastLength, store);
}

/** The first `batch` rows of a store's buffer: what the graph reads (compacted stores keep their size). */
export function rowsOf(buffer: Float32Array, layout: KvLayout, batch: number, capacity: number): Float32Array {
  return buffer.subarray(0, batch * layout.kvHeads * capacity * layout.headDim);
}

/** The graph's mask over [slots..., new tokens...] from the caller's [B, past + T] mask. */
export function slotMask(mask: Uint8Array, batch: number, past: number, length: number, capacity: number): Uint8Array {
  const out = new Uint8Array(batch * (capacity + length));
  for (let b = 0; b < batch; b++) {
    const src = b * (past + length);
    const dst = b * (capacity + length);
    out.set(mask.subarray(src, src + past), dst);
    out.set(mask.subarray(src + past, src + past + length), dst + capacity);
  }
  return out;
}
