import assert from 'node:assert/strict';
import { test } from 'node:test';
import { majorityVote } from '../../../data/method/majority-vote';

const numeric = (a: string, b: string): boolean => Number(a) === Number(b);

test('the largest group of equivalent answers wins', () => {
  const vote = majorityVote(['12', '12.0', '7'], numeric, 1, 'q1');
  assert.equal(vote.answer, '12');
  assert.equal(vote.votes, 2);
  assert.deepEqual(vote.tiedAnswers, []);
});

test('agents without an answer do not vote; no answers at all gives null', () => {
  assert.deepEqual(majorityVote([null, '3', null], numeric, 1, 'q'), { answer: '3', votes: 1, tiedAnswers: [] });
  assert.deepEqual(majorityVote([null, null], numeric, 1, 'q'), { answer: null, votes: 0, tiedAnswers: [] });
});

test('a tie is broken by a seeded choice, recorded, and reproducible', () => {
  const answers = ['1', '2', '3'];
  const first = majorityVote(answers, numeric, 7, 'q-tie');
  assert.equal(first.votes, 1);
  assert.deepEqual(first.tiedAnswers, ['1', '2', '3']);
  assert.ok(first.tiedAnswers.includes(first.answer ?? ''));
  assert.deepEqual(majorityVote(answers, numeric, 7, 'q-tie'), first);
  // Over many questions every tied answer gets picked sometimes: the choice is not positional.
  const picks = new Set(Array.from({ length: 60 }, (_, i) => majorityVote(answers, numeric, 7, `q${i}`).answer));
  assert.deepEqual([...picks].sort(), ['1', '2', '3']);
});

test('the tie between two groups of two ignores the odd one out', () => {
  const vote = majorityVote(['4', '5', '4', '5', '9'], numeric, 3, 'q');
  assert.equal(vote.votes, 2);
  assert.deepEqual(vote.tiedAnswers, ['4', '5']);
});
