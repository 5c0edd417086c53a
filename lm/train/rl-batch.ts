// Training signals of RL objectives in packed batches: each completion token's advantage,
// old/reference log-prob, return and old value go to the position that predicts it (where
// its target and log-prob are), the verifier's label to the positions its score is read at,
// and every loss position gets its normalisation weight for the optimizer step. Bad signals
// (wrong lengths, NaN, a label outside [0, 1]) are errors naming the sequence and the field.

import { LmInputError } from '../errors';
import type { GraphObjective } from '../model/rl-objective';
import { objectiveInputNames } from '../model/rl-objective';
import type { Normalization, RlObjective } from '../types';
import type { BatchShape, Row } from './batching';
import type { SequenceSignals, TrainSequence } from './train-types';

type PerTokenField = Exclude<keyof SequenceSignals, 'label'>;

/** The graph's view of an objective. */
export function graphObjective(o: RlObjective): GraphObjective {
  const head = o.head && (o.head.kind === 'value' ? { kind: 'value' as const, clip: o.head.clip } : { kind: 'verifier' as const });
  return { policy: o.policy, klBeta: o.kl?.beta, head, temperature: o.temperature };
}

/** The per-token fields an objective reads. */
function neededFields(o: RlObjective): PerTokenField[] {
  const fields: PerTokenField[] = [];
  if (o.policy) fields.push('advantages');
  if (o.policy?.kind === 'ppo') fields.push('oldLogprobs');
  if (o.kl) fields.push('refLogprobs');
  if (o.head?.kind === 'value') fields.push('returns');
  if (o.head?.kind === 'value' && o.head.clip !== undefined) fields.push('oldValues');
  return fields;
}

function checkNumber(name: string, value: number, why: string, ok: boolean): void {
  if (!ok) throw new LmInputError(`RL objective option ${name}: ${why}, got ${value}`);
}

export function checkObjective(o: RlObjective): void {
  if (!o.policy && !o.head) throw new LmInputError('RL objective: needs a policy term, a head term, or both');
  if (o.kl && !o.policy) throw new LmInputError('RL objective: kl needs a policy term');
  if (o.policy?.kind === 'ppo') checkNumber('policy.clip', o.policy.clip, 'expected 0 < clip < 1', o.policy.clip > 0 && o.policy.clip < 1);
  if (o.temperature !== undefined) checkNumber('temperature', o.temperature, 'expected a number > 0', o.temperature > 0 && Number.isFinite(o.temperature));
  if (o.kl) checkNumber('kl.beta', o.kl.beta, 'expected a finite number >= 0', Number.isFinite(o.kl.beta) && o.kl.beta >= 0);
  if (o.head?.kind === 'value' && o.head.clip !== undefined) checkNumber('head.clip', o.head.clip, 'expected a number > 0', o.head.clip > 0);
  const coefficient = o.head?.coefficient;
  if (coefficient !== undefined) checkNumber('head.coefficient', coefficient, 'expected a finite number >= 0', Number.isFinite(coefficient) && coefficient >= 0);
  if (typeof o.normalize === 'object') checkNumber('normalize.constant', o.normalize.constant, 'expected a number > 0', o.normalize.constant > 0 && Number.isFinite(o.normalize.constant));
  else if (!['token-mean', 'sequence-mean', 'sequence-sum'].includes(o.normalize)) {
    throw new LmInputError(`RL objective option normalize: expected token-mean, sequence-mean, sequence-sum or { constant }, got ${JSON.stringify(o.normalize)}`);
  }
}

/** Every signal the objective needs is present, one finite value per completion token. */
export function checkSignals(sequences: readonly TrainSequence[], o: RlObjective): void {
  const fields = neededFields(o);
  sequences.forEach((s, i) => {
    const fail = (why: string): never => {
      throw new LmInputError(`training sequence ${i}: ${why}`);
    };
    if (s.promptLength < 1) fail('RL objectives need at least one prompt token (the first completion token is predicted from it)');
    const completion = s.tokens.length - s.promptLength;
    for (const field of fields) {
      const values = s.signals?.[field];
      if (!values) fail(`${field} is missing (the objective needs it)`);
      if (values!.length !== completion) fail(`${field} has ${values!.length} values for ${completion} completion tokens`);
      for (let t = 0; t < completion; t++) {
        if (!Number.isFinite(values![t])) fail(`${field}[${t}] is ${values![t]}; every value must be finite`);
      }
    }
    if (o.head?.kind === 'verifier') {
      const label = s.signals?.label;
      if (label === undefined || !(label >= 0 && label <= 1)) fail(`label must be a number in [0, 1], got ${label}`);
    }
  });
}

/** Positions of a sequence (relative to its start) that carry its head loss, for a verifier. */
function verifierPositions(o: RlObjective, s: TrainSequence): number[] {
  const n = s.tokens.length;
  if (o.head?.kind === 'verifier' && o.head.tokens === 'completion') return Array.from({ length: n - s.promptLength }, (_, j) => s.promptLength + j);
  return [n - 1];
}

/** Loss positions of a step: policy tokens and head tokens, in total and per sequence. */
export interface StepCounts {
  sequences: number;
  tokens: number;
  headTokens: number;
}

export function stepCounts(o: RlObjective, sequences: readonly TrainSequence[], batches: readonly Row[][]): StepCounts {
  const counts: StepCounts = { sequences: 0, tokens: 0, headTokens: 0 };
  for (const k of batches.flat(2)) {
    const s = sequences[k];
    counts.sequences += 1;
    counts.tokens += s.tokens.length - s.promptLength;
    counts.headTokens += o.head?.kind === 'verifier' ? verifierPositions(o, s).length : s.tokens.length - s.promptLength;
  }
  return counts;
}

/** The normalisation weight of one loss token of a sequence with `own` loss tokens. */
function tokenWeight(n: Normalization, own: number, stepTokens: number, stepSequences: number): number {
  if (typeof n === 'object') return 1 / n.constant;
  switch (n) {
    case 'token-mean':
      return 1 / stepTokens;
    case 'sequence-mean':
      return 1 / (own * stepSequences);
    case 'sequence-sum':
      return 1 / stepSequences;
  }
}

/** Per-position [rows · length] feeds of the objective's inputs except `targets`. */
export function signalFeeds(o: RlObjective, sequences: readonly TrainSequence[], batch: readonly Row[], shape: BatchShape, counts: StepCounts): Map<string, Float32Array> {
  const size = shape.rows * shape.length;
  const feeds = new Map(objectiveInputNames(graphObjective(o)).filter((n) => n !== 'targets').map((n) => [n, new Float32Array(size)]));
  const put = (name: string, at: number, value: number): void => {
    feeds.get(name)![at] = value;
  };
  const perToken: [string, PerTokenField][] = [
    ['advantages', 'advantages'], ['old_logprobs', 'oldLogprobs'], ['ref_logprobs', 'refLogprobs'], ['returns', 'returns'], ['old_values', 'oldValues'],
  ];
  const coefficient = o.head?.coefficient ?? 1;
  batch.forEach((row, r) => {
    let start = r * shape.length;
    for (const k of row) {
      const s = sequences[k];
      const completion = s.tokens.length - s.promptLength;
      // Completion token j is predicted at position promptLength + j − 1.
      const predictedAt = start + s.promptLength - 1;
      for (const [name, field] of perToken) {
        const values = s.signals?.[field];
        if (feeds.has(name) && values) for (let j = 0; j < completion; j++) put(name, predictedAt + j, values[j]);
      }
      if (o.policy) {
        const w = tokenWeight(o.normalize, completion, counts.tokens, counts.sequences);
        for (let j = 0; j < completion; j++) put('loss_weights', predictedAt + j, w);
      }
      if (o.head?.kind === 'value') {
        const w = coefficient * tokenWeight(o.normalize, completion, counts.headTokens, counts.sequences);
        for (let j = 0; j < completion; j++) put('head_weights', predictedAt + j, w);
      } else if (o.head) {
        const positions = verifierPositions(o, s);
        const w = coefficient * tokenWeight(o.normalize, positions.length, counts.headTokens, counts.sequences);
        for (const p of positions) {
          put('head_weights', start + p, w);
          put('labels', start + p, s.signals!.label!);
        }
      }
      start += s.tokens.length;
    }
  });
  return feeds;
}
