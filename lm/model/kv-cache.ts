// The KV cache of the ONNX decoder: per layer, keys and values in slot buffers
// [B, Hkv, capacity, hd]. A step appends its tokens' keys and values at slots pastLength.. in
// place; the graph reads all `capacity` slots and masks the unused ones, so the capacity stays
// within 32 slots of the tokens, spreading the rows apart in place while the buffers have room
// (sized for the whole generation when the caller knows its length), else moving to new ones.
// Caches are values to callers: continuing from a cache that something else already extended
// copies it first, so two continuations of one prefix never see each other's tokens.
// Dropping finished rows compacts the buffers in place whenever every kept row moves to an
// earlier place or stays (generation keeps rows in order or moves the last rows into the gaps),
// instead of copying them: at the demo's shapes each copy was 33 MB and a third of a debate
// call's time went to them. The caches made before that from the same buffers are then stale
// and refuse to be continued. A generation that is done releases its buffers to a pool for the
// next one (fresh memory is slow: see SlotPool).

import type { KvCache } from '../decoder';
import { LmInputError } from '../errors';

/**
 * Slot buffers of finished generations, reused by the next ones. Fresh memory is slow here: the
 * first write to each page faults, and at 96 rows the prefill's writes into a new 60 MB store
 * took 80 ms, before the garbage collector ran for the old stores. Holds at most `maxBytes`.
 */
export class SlotPool {
  private free: Float32Array[] = [];

  constructor(private readonly maxBytes: number) {}

  /**
   * `length` values, old ones when reused: the caller writes every slot the graph reads. A new
   * buffer has `room` values (>= length), so that a later, somewhat larger request fits it.
   */
  take(length: number, room = length): Float32Array {
    let best = -1;
    this.free.forEach((b, i) => {
      if (b.length >= length && (best < 0 || b.length < this.free[best].length)) best = i;
    });
    if (best < 0) return new Float32Array(room).subarray(0, length);
    const [buffer] = this.free.splice(best, 1);
    return buffer.subarray(0, length);
  }

  give(buffers: readonly Float32Array[]): void {
    for (const b of buffers) if (b.length > 0) this.free.push(new Float32Array(b.buffer));
    // The largest stay: a later generation of the same shape fits them.
    this.free.sort((x, y) => y.length - x.length);
    let bytes = 0;
    this.free = this.free.filter((b) => (bytes += b.byteLength) <= this.maxBytes);
  }
}

interface SlotStore {
  pool: SlotPool;
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

/**
 * Slots a cache's rows are spaced by beyond its tokens. Attention reads every slot of that
 * capacity, so it stays close to the tokens and grows 32 slots at a time, in place while the
 * buffers have room (reserve) — at the demo's shapes reading the slots that doubling left empty
 * cost more than moving the rows apart every 32 tokens.
 */
const GROWTH = 32;

/**
 * New buffers are allocated with room for a multiple of this many slots per row, so the next
 * generation of about the same size reuses them (the pool takes the smallest free buffer that
 * fits). Fresh memory is that slow here: a debate's second round (prompts with the first round's
 * answers, 170 slots reserved) found only the first round's 151-slot buffers free and faulted in
 * 8 new ones, ~0.5 s of the first shard of a fresh model (refilling them takes 10–20 ms).
 */
const ROOM_STEP = 64;

/** A store of `batch` rows spaced by `capacity` slots, in buffers with room for `room`; slots `slots`.. are zeros. */
function copySlots(from: SlotStore, layout: KvLayout, batch: number, slots: number, capacity: number, room: number, rows?: number[]): SlotStore {
  const { kvHeads: h, headDim: hd } = layout;
  const span = slots * hd;
  const move = (src: Float32Array): Float32Array => {
    const dst = from.pool.take(batch * h * room * hd, batch * h * Math.ceil(room / ROOM_STEP) * ROOM_STEP * hd);
    for (let b = 0; b < batch; b++) {
      const sb = rows ? rows[b] : b;
      for (let k = 0; k < h; k++) {
        const s = (sb * h + k) * from.capacity * hd;
        const d = (b * h + k) * capacity * hd;
        dst.set(src.subarray(s, s + span), d);
        dst.fill(0, d + span, d + capacity * hd);
      }
    }
    return dst;
  };
  return { pool: from.pool, capacity, keys: from.keys.map(move), values: from.values.map(move), used: slots, version: 0 };
}

/**
 * Spaces the rows by `capacity` slots instead of `store.capacity`, in place (the buffers have the
 * room): the last row moves first, so no row is overwritten before it moved; the new slots are
 * zeros. Older caches of the store stay valid: their slots keep their data, at the new spacing.
 */
function respace(store: SlotStore, layout: KvLayout, batch: number, capacity: number): void {
  const { kvHeads: h, headDim: hd } = layout;
  const span = store.used * hd;
  for (const buffer of [...store.keys, ...store.values]) {
    for (let r = batch * h - 1; r >= 0; r--) {
      const to = r * capacity * hd;
      buffer.copyWithin(to, r * store.capacity * hd, r * store.capacity * hd + span);
      buffer.fill(0, to + span, to + capacity * hd);
    }
  }
  store.capacity = capacity;
}

/** The store to extend from `cache` (copied when another continuation got there first); a new one takes buffers from `pool`. */
export function storeFor(cache: SlotKvCache | undefined, layout: KvLayout, pool: SlotPool): SlotStore {
  if (!cache) return { pool, capacity: 0, keys: Array(layout.layers).fill(new Float32Array(0)), values: Array(layout.layers).fill(new Float32Array(0)), used: 0, version: 0 };
  if (cache.version !== cache.store.version) {
    throw new LmInputError('this KV cache is stale: selectRows narrowed its buffers in place (continue from the cache it returned), or they were released');
  }
  if (cache.store.used === cache.pastLength) return cache.store;
  const { store } = cache;
  return copySlots(store, layout, cache.batch, cache.pastLength, store.capacity, store.capacity);
}

/**
 * Row r of `src` (`span` values) to `dst` at r·stride + offset. An element loop: a subarray per
 * (row, head) cost more than its copy at decode steps (32 values each).
 */
function writeRows(dst: Float32Array, src: Float32Array, rows: number, span: number, stride: number, offset: number): void {
  for (let r = 0; r < rows; r++) {
    const from = r * span;
    const to = r * stride + offset;
    for (let j = 0; j < span; j++) dst[to + j] = src[from + j];
  }
}

/**
 * Writes `length` new tokens' keys/values ([B, Hkv, length, hd] per layer) after `past` slots.
 * New buffers have room for `reserve` slots per row when given (a generation's whole length:
 * allocating again copies every slot into fresh memory), else for twice the tokens (at least 64).
 */
export function append(store: SlotStore, layout: KvLayout, batch: number, past: number, length: number, keys: Float32Array[], values: Float32Array[], reserve?: number): SlotKvCache {
  const { kvHeads: h, headDim: hd } = layout;
  let s = store;
  const needed = past + length;
  if (needed > s.capacity) {
    const room = s.capacity === 0 ? 0 : Math.floor(s.keys[0].length / (batch * h * hd));
    if (room >= needed) {
      respace(s, layout, batch, Math.min(room, needed + GROWTH));
    } else {
      const newRoom = Math.max(needed, s.capacity === 0 ? (reserve ?? 64) : 2 * room);
      s = copySlots(s, layout, batch, past, Math.min(newRoom, needed + GROWTH), newRoom);
    }
  }
  for (let i = 0; i < layout.layers; i++) {
    writeRows(s.keys[i], keys[i], batch * h, length * hd, s.capacity * hd, past * hd);
    writeRows(s.values[i], values[i], batch * h, length * hd, s.capacity * hd, past * hd);
  }
  s.used = needed;
  return new SlotKvCache(batch, needed, s);
}

/** Keeps `rows` of the batch, in that order. */
export function selectRows(cache: SlotKvCache, layout: KvLayout, rows: number[]): SlotKvCache {
  const { store, pastLength } = cache;
  const moveDown = rows.every((r, i) => r >= i) && new Set(rows).size === rows.length;
  if (!moveDown || cache.version !== store.version || store.used !== pastLength) {
    const from = storeFor(cache, layout, store.pool);
    return new SlotKvCache(rows.length, pastLength, copySlots(from, layout, rows.length, pastLength, from.capacity, from.capacity, rows));
  }
  // Row i moves down to i <= rows[i]: copying in order never overwrites a row still to move
  // (a later row j reads rows[j] >= j > i).
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

/** Hands the buffers of `cache` (and of every cache sharing them) back to their pool; those caches are stale after. */
export function release(cache: SlotKvCache): void {
  const { store } = cache;
  if (cache.version !== store.version) throw new LmInputError('this KV cache is stale: release the cache selectRows returned, once');
  if (store.used !== cache.pastLength) throw new LmInputError('a later cache extends these buffers: release that one');
  store.version++;
  store.pool.give([...store.keys, ...store.values]);
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
