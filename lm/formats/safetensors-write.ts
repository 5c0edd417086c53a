// Writing safetensors the way transformers expects: tensors sorted by name, header padded
// with spaces to a multiple of 8 (so data stays aligned), `__metadata__.format = "pt"`.

import { join } from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write';
import { f32ToBf16, f32ToF16 } from './half-float';

export type WritableDtype = 'F32' | 'F16' | 'BF16';

export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
}

export interface WriteOptions {
  /** Storage dtype; values are rounded to nearest even when narrowed. Default F32. */
  dtype?: WritableDtype;
  metadata?: Record<string, string>;
}

function toBytes(data: Float32Array, dtype: WritableDtype): Uint8Array {
  const typed = dtype === 'F32' ? data : dtype === 'F16' ? f32ToF16(data) : f32ToBf16(data);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

function byteSize(dtype: WritableDtype): number {
  return dtype === 'F32' ? 4 : 2;
}

/** The file's bytes as chunks: header length, header, then each tensor's data. */
export function encodeSafetensors(tensors: Map<string, TensorToWrite>, options: WriteOptions = {}): Uint8Array[] {
  const dtype = options.dtype ?? 'F32';
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...options.metadata } };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const { shape, data } = tensors.get(name)!;
    const numel = shape.reduce((a, b) => a * b, 1);
    if (numel !== data.length) {
      throw new Error(`tensor "${name}": shape [${shape.join(', ')}] needs ${numel} values, got ${data.length}`);
    }
    const bytes = toBytes(data, dtype);
    header[name] = { dtype, shape, data_offsets: [offset, offset + numel * byteSize(dtype)] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (jsonBytes % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.length));
  return [length, headerBytes, ...chunks];
}

export async function writeSafetensors(
  path: string,
  tensors: Map<string, TensorToWrite>,
  options: WriteOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, options));
}

/**
 * A model's weights as `model.safetensors`, or, when larger than `maxShardBytes`, as
 * `model-0000i-of-0000n.safetensors` shards plus `model.safetensors.index.json`.
 */
export async function writeModelSafetensors(
  dir: string,
  tensors: Map<string, TensorToWrite>,
  options: WriteOptions & { maxShardBytes?: number } = {},
): Promise<string[]> {
  const dtype = options.dtype ?? 'F32';
  const maxShardBytes = options.maxShardBytes ?? 5 * 2 ** 30;
  const shards: Map<string, TensorToWrite>[] = [];
  let current = new Map<string, TensorToWrite>();
  let currentBytes = 0;
  let totalSize = 0;
  for (const name of [...tensors.keys()].sort()) {
    const tensor = tensors.get(name)!;
    const bytes = tensor.data.length * byteSize(dtype);
    if (current.size > 0 && currentBytes + bytes > maxShardBytes) {
      shards.push(current);
      current = new Map();
      currentBytes = 0;
    }
    current.set(name, tensor);
    currentBytes += bytes;
    totalSize += bytes;
  }
  shards.push(current);

  if (shards.length === 1) {
    await writeSafetensors(join(dir, 'model.safetensors'), shards[0], options);
    return ['model.safetensors'];
  }
  const pad = (i: number) => String(i).padStart(5, '0');
  const files = shards.map((_, i) => `model-${pad(i + 1)}-of-${pad(shards.length)}.safetensors`);
  const weightMap: Record<string, string> = {};
  for (const [i, shard] of shards.entries()) {
    await writeSafetensors(join(dir, files[i]), shard, options);
    for (const name of shard.keys()) weightMap[name] = files[i];
  }
  const index = { metadata: { total_size: totalSize }, weight_map: weightMap };
  await writeFileAtomic(join(dir, 'model.safetensors.index.json'), JSON.stringify(index, null, 2) + '\n');
  return [...files, 'model.safetensors.index.json'];
}
