// The KV cache's slot buffers: a finished generation's buffers serve the next one of about the
// same size (fresh memory is slow: each first write to a page faults).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { append, release, SlotPool, storeFor, type KvLayout } from '../../lm/model/kv-cache';

const layout: KvLayout = { layers: 2, kvHeads: 2, headDim: 4 };

/** A prefill of `length` tokens for `batch` rows with room for `reserve` slots. */
function prefill(pool: SlotPool, batch: number, length: number, reserve: number) {
  const kv = Array.from({ length: layout.layers }, () => new Float32Array(batch * layout.kvHeads * length * layout.headDim).fill(1));
  return append(storeFor(undefined, layout, pool), layout, batch, 0, length, kv, kv, reserve);
}

test('a released cache\'s buffers serve a next generation with a somewhat longer reserve', () => {
  const pool = new SlotPool(2 ** 30);
  const first = prefill(pool, 8, 30, 151); // a debate's first round
  const buffers = [...first.store.keys, ...first.store.values].map((b) => b.buffer);
  release(first);
  const second = prefill(pool, 8, 45, 170); // its second round: longer prompts
  const reused = [...second.store.keys, ...second.store.values].map((b) => b.buffer);
  assert.deepEqual(new Set(reused), new Set(buffers), 'the second generation reuses every buffer of the first');
  assert.equal(second.pastLength, 45);
});
