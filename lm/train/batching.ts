// Packing tokenized sequences into fixed-shape batches [rows, length]: each epoch shuffles the
// sequences (seeded), fills rows next-fit (several short sequences share a row as separate
// segments that cannot attend to each other), and groups rows by the token budget. Fixed
// shapes mean one training session serves the whole run.

import { LmInputError } from '../errors';
import { StreamRng } from '../stream-rng';
import type { TrainSequence } from './train-types';

export interface BatchShape {
  rows: number;
  length: number;
}

/** Sequences (indices into the input) placed in one row, in order. */
export type Row = number[];

/** Per-epoch plan: micro-batches of rows. */
export function planBatches(sequences: readonly TrainSequence[], shape: BatchShape, epochs: number, seed: number): Row[][] {
  const batches: Row[][] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = StreamRng.fromSeed(seed * 1009 + epoch).permutation(sequences.length);
    const rows: Row[] = [];
    let row: Row = [];
    let used = 0;
    for (const k of order) {
      const n = sequences[k].tokens.length;
      if (used + n > shape.length && row.length > 0) {
        rows.push(row);
        row = [];
        used = 0;
      }
      row.push(k);
      used += n;
    }
    if (row.length > 0) rows.push(row);
    for (let i = 0; i < rows.length; i += shape.rows) batches.push(rows.slice(i, i + shape.rows));
  }
  return batches;
}

export function checkSequences(sequences: readonly TrainSequence[], maxLength: number, vocabSize: number): void {
  if (sequences.length === 0) throw new LmInputError('no training sequences');
  sequences.forEach((s, i) => {
    if (s.tokens.length < 2) throw new LmInputError(`training sequence ${i} has ${s.tokens.length} tokens; at least 2 are needed`);
    if (s.tokens.length > maxLength) throw new LmInputError(`training sequence ${i} has ${s.tokens.length} tokens, over the maximum ${maxLength}`);
    if (s.promptLength < 0 || s.promptLength >= s.tokens.length) {
      throw new LmInputError(`training sequence ${i}: promptLength ${s.promptLength} leaves no completion tokens (length ${s.tokens.length})`);
    }
    for (let t = 0; t < s.tokens.length; t++) {
      const id = s.tokens[t];
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new LmInputError(`training sequence ${i}: token ${t} is ${id}, outside the vocabulary [0, ${vocabSize})`);
    }
  });
}

export interface BatchTensors {
  inputIds: Int32Array;
  positions: Int32Array;
  segments: Int32Array;
  targets: Int32Array;
  /** 1 on loss-bearing positions (scaled later by the step's token count). */
  lossMask: Float32Array;
  /** Loss-bearing tokens. */
  lossTokens: number;
  /** Real (non-padding) tokens. */
  tokens: number;
}

/** Position t of a sequence predicts token t + 1; the loss counts completion targets only. */
export function batchTensors(sequences: readonly TrainSequence[], batch: readonly Row[], shape: BatchShape): BatchTensors {
  const size = shape.rows * shape.length;
  const out: BatchTensors = {
    inputIds: new Int32Array(size),
    positions: new Int32Array(size),
    segments: new Int32Array(size),
    targets: new Int32Array(size),
    lossMask: new Float32Array(size),
    lossTokens: 0,
    tokens: 0,
  };
  batch.forEach((row, r) => {
    let at = r * shape.length;
    row.forEach((k, segment) => {
      const s = sequences[k];
      const n = s.tokens.length;
      for (let t = 0; t < n; t++) {
        out.inputIds[at + t] = s.tokens[t];
        out.positions[at + t] = t;
        out.segments[at + t] = segment + 1;
        if (t + 1 < n) {
          out.targets[at + t] = s.tokens[t + 1];
          if (t + 1 >= s.promptLength) {
            out.lossMask[at + t] = 1;
            out.lossTokens += 1;
          }
        }
      }
      out.tokens += n;
      at += n;
    });
  });
  return out;
}
