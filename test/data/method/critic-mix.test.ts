import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mixCriticDataset } from '../../../data/method/critic-mix';

const minus = ['m1', 'm2'];
const plus = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'];

test('shrink keeps the share w exactly when D⁻ is short, without repeats', () => {
  const mix = mixCriticDataset(minus, plus, 0.5, 'shrink', 1);
  assert.equal(mix.fromMinus, 2);
  assert.equal(mix.fromPlus, 2);
  assert.equal(mix.repeats, 0);
  assert.equal(mix.share, 0.5);
  assert.equal(new Set(mix.examples).size, 4);
  assert.equal(mix.examples.filter((e) => e.startsWith('m')).length, 2);
});

test('shrink with D⁺ short', () => {
  const mix = mixCriticDataset(plus, minus, 0.75, 'shrink', 1);
  // |D⁻| = 8, |D⁺| = 2, w = 0.75: T = 10 with round(7.5) = 8 from D⁻ and 2 from D⁺ fits both sides.
  assert.deepEqual([mix.fromMinus, mix.fromPlus], [8, 2]);
});

test('replace keeps |D⁻| + |D⁺| examples and repeats the short side', () => {
  const mix = mixCriticDataset(minus, plus, 0.5, 'replace', 3);
  assert.equal(mix.examples.length, 10);
  assert.deepEqual([mix.fromMinus, mix.fromPlus], [5, 5]);
  assert.equal(mix.repeats, 3);
  assert.equal(mix.examples.filter((e) => e.startsWith('m')).length, 5);
  assert.ok(mix.examples.filter((e) => e.startsWith('m')).every((e) => minus.includes(e)));
});

test('w = 0 and w = 1 take one side only; an empty side cannot be sampled', () => {
  assert.deepEqual([mixCriticDataset(minus, plus, 0, 'shrink', 1).fromMinus, mixCriticDataset(minus, plus, 0, 'shrink', 1).fromPlus], [0, 8]);
  assert.deepEqual(mixCriticDataset(minus, plus, 1, 'shrink', 1).examples.sort(), ['m1', 'm2']);
  const noMinus = mixCriticDataset([], plus, 0.5, 'replace', 1);
  assert.deepEqual([noMinus.fromMinus, noMinus.fromPlus], [0, 8]);
  // With 0 < w < 1, shrink never returns one side only (its share would be 0 or 1, not w).
  assert.equal(mixCriticDataset([], plus, 0.5, 'shrink', 1).examples.length, 0);
  assert.equal(mixCriticDataset(minus, [], 0.5, 'shrink', 1).examples.length, 0);
  assert.deepEqual([mixCriticDataset(['m'], plus, 0.1, 'shrink', 1).fromMinus, mixCriticDataset(['m'], plus, 0.1, 'shrink', 1).fromPlus], [1, 8]);
  assert.ok(Number.isNaN(mixCriticDataset([], [], 0.5, 'shrink', 1).share));
});

test('the sample is reproducible from the seed and changes with it', () => {
  const a = mixCriticDataset(plus, plus.map((p) => `x${p}`), 0.5, 'shrink', 11).examples;
  assert.deepEqual(mixCriticDataset(plus, plus.map((p) => `x${p}`), 0.5, 'shrink', 11).examples, a);
  assert.notDeepEqual(mixCriticDataset(plus, plus.map((p) => `x${p}`), 0.5, 'shrink', 12).examples, a);
});

test('w outside [0, 1] is refused', () => {
  assert.throws(() => mixCriticDataset(minus, plus, 1.5, 'shrink', 1), /w must be in \[0, 1\]/);
});
