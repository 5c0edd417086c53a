// Training checkpoints: trainable tensors, AdamW moments, the step, counters and RNG state in
// one file written atomically, so a run interrupted anywhere resumes from the last complete
// checkpoint and continues bit-identically. A fingerprint of the run's inputs guards against
// resuming a different run from the same directory.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LmInputError } from '../errors';
import { writeFileAtomic } from '../../files/atomic-write';
import type { StreamRngState } from '../stream-rng';

export const CHECKPOINT_FILE = 'checkpoint.bin';

export interface CheckpointMeta {
  fingerprint: string;
  /** Optimizer steps completed. */
  step: number;
  tokens: number;
  lossSum: number;
  lastLoss: number;
  rng: StreamRngState;
}

export interface Checkpoint extends CheckpointMeta {
  names: string[];
  params: Float32Array[];
  m: Float32Array[];
  v: Float32Array[];
}

interface Header extends CheckpointMeta {
  version: 1;
  tensors: { name: string; length: number }[];
}

export async function saveCheckpoint(dir: string, c: Checkpoint): Promise<void> {
  const header: Header = {
    version: 1,
    fingerprint: c.fingerprint,
    step: c.step,
    tokens: c.tokens,
    lossSum: c.lossSum,
    lastLoss: c.lastLoss,
    rng: c.rng,
    tensors: c.names.map((name, i) => ({ name, length: c.params[i].length })),
  };
  let json = Buffer.from(JSON.stringify(header));
  // Pad so the float data starts 4-byte aligned and can be viewed in place on load.
  json = Buffer.concat([json, Buffer.alloc((4 - ((8 + json.length) % 4)) % 4, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const chunks: Uint8Array[] = [len, json];
  for (const group of [c.params, c.m, c.v]) for (const t of group) chunks.push(new Uint8Array(t.buffer, t.byteOffset, t.byteLength));
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), chunks);
}

/** The checkpoint in `dir`, or undefined when there is none. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  const path = join(dir, CHECKPOINT_FILE);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (buf.length < 8) throw new LmInputError(`checkpoint ${path} is truncated`);
  const headerLength = Number(buf.readBigUInt64LE(0));
  if (8 + headerLength > buf.length) throw new LmInputError(`checkpoint ${path} is truncated (header)`);
  const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString()) as Header;
  if (header.version !== 1) throw new LmInputError(`checkpoint ${path} has unknown version ${String(header.version)}`);
  const total = header.tensors.reduce((s, t) => s + t.length, 0);
  const dataStart = buf.byteOffset + 8 + headerLength;
  if (buf.length !== 8 + headerLength + 3 * total * 4) throw new LmInputError(`checkpoint ${path} is truncated or has extra bytes`);
  const floats = new Float32Array(buf.buffer.slice(dataStart, dataStart + 3 * total * 4));
  let at = 0;
  const take = (): Float32Array[] =>
    header.tensors.map((t) => {
      const out = floats.subarray(at, at + t.length);
      at += t.length;
      return out;
    });
  const params = take();
  const m = take();
  const v = take();
  return { ...header, names: header.tensors.map((t) => t.name), params, m, v };
}
