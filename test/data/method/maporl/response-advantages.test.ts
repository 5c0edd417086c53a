// MAPoRL's advantages of a debate transcript, composed from Definition 1, Tables 1–2, the KL
// reward and GAE, against values computed by hand; and whitening per (turn, agent) over a batch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchAdvantages, transcriptAdvantages } from '../../../../data/method/maporl/response-advantages';
import type { ScoredTranscript } from '../../../../data/method/maporl/response-advantages';

// Two agents, two turns. Agent 1 right in both turns; agent 2 wrong, then right.
const transcript: ScoredTranscript = {
  scores: [[1, 0], [1, 1]],
  correct: [[1, 0], [1, 1]],
  // Agent 1's turn-1 response has two tokens; every other response one.
  logprobs: [[[-1, -2], [-1]], [[-1], [-1]]],
  refLogprobs: [[[-1.5, -1], [-1]], [[-1], [-1]]],
  values: [[[0.5, 0.25], [0]], [[0], [0]]],
};
const options = { rewardDiscount: 0.5, incentives: { alpha0: 0.1, alpha1: 0.2, beta0: 0.3, beta1: 0.4 }, klCoef: 0.1, gamma: 1, lambda: 0.5 };

function near(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) < 1e-12, `${what}[${i}]: ${a} vs ${expected[i]}`));
}

test('a two-turn transcript: R of Definition 1, the incentives, the KL reward and GAE by hand', () => {
  const out = transcriptAdvantages(transcript, options);
  // R(1,1) = (1 + 0.5·mean(1, 1)) / 1.5 = 1; R(1,2) = (0 + 0.5) / 1.5 = 1/3; the last turn is its own score.
  near(out.reward.flat(), [1, 1 / 3, 1, 1], 'reward');
  // Table 2 at turn 1: agent 1 is right and the other's majority goes W → R: +β1. Table 1 at turn 2:
  // agent 2 goes W → R while the other was right: +α1 (persuaded by right others).
  near(out.incentive.flat(), [0.4, 0, 0, 0.2], 'incentive');
  // Agent 1, turn 1: token rewards −0.1·(−1 + 1.5) = −0.05 and −0.1·(−2 + 1) + 1 + 0.4 = 1.5;
  // δ1 = 1.5 − 0.25 = 1.25 = A1; δ0 = −0.05 + 0.25 − 0.5 = −0.3, A0 = −0.3 + 0.5·1.25 = 0.325;
  // returns A + V = 0.825, 1.5.
  near(out.advantages[0][0], [0.325, 1.25], 'advantages of agent 1, turn 1');
  near(out.returns[0][0], [0.825, 1.5], 'returns of agent 1, turn 1');
  // One-token responses with no KL and V = 0: the advantage is the final reward.
  near([out.advantages[0][1][0], out.advantages[1][0][0], out.advantages[1][1][0]], [1 / 3, 1, 1.2], 'one-token advantages');
});

test('whitening: per (turn, agent) over every token of the batch, mean 0 and unbiased variance 1', () => {
  const other: ScoredTranscript = { ...transcript, scores: [[0, 1], [0, 0]], correct: [[0, 1], [0, 0]] };
  const raw = [transcript, other].map((t) => transcriptAdvantages(t, options));
  const out = batchAdvantages([transcript, other], { ...options, whiten: true });
  for (const [t, i] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
    const tokens = out.flatMap((o) => o.advantages[t][i]);
    const mean = tokens.reduce((a, b) => a + b, 0) / tokens.length;
    const variance = tokens.reduce((a, b) => a + (b - mean) ** 2, 0) / (tokens.length - 1);
    assert.ok(Math.abs(mean) < 1e-9, `turn ${t + 1} agent ${i + 1}: mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 1e-6, `turn ${t + 1} agent ${i + 1}: variance ${variance}`);
  }
  // Agent 1's turn-1 tokens [0.325, 1.25] and the other transcript's, whitened together: order kept.
  const rawTokens = raw.flatMap((o) => o.advantages[0][0]);
  const whitened = out.flatMap((o) => o.advantages[0][0]);
  const m = rawTokens.reduce((a, b) => a + b, 0) / rawTokens.length;
  const sd = Math.sqrt(rawTokens.reduce((a, b) => a + (b - m) ** 2, 0) / (rawTokens.length - 1) + 1e-8);
  near(whitened, rawTokens.map((a) => (a - m) / sd), 'whitened agent 1, turn 1');
  // Returns are not whitened.
  assert.deepEqual(out.map((o) => o.returns), raw.map((o) => o.returns));
});
