import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunProgress } from '../../../client/api';
import { progressLines } from '../../../client/report/progress-view';
import { iterationReport, runResults } from '../../../client/report/results';
import { resultsTable } from '../../../client/report/results-table';
import type { IterationResult, RunState } from '../../../experiment/run-types';

const evaluation = (accuracy: number) => ({
  path: 'x', questions: 16, correct: accuracy * 16, accuracy, stderr: Math.sqrt((accuracy * (1 - accuracy)) / 16),
  perRound: [{ accuracy: accuracy / 2, stderr: 0.1 }, { accuracy, stderr: 0.1 }], consensusDiversity: 0.25, nllDiversity: 1.5, ties: 1,
});
const agents = { generation: [null, null], critic: [null, null] };
const iter0: IterationResult = { variant: 'multiagent-ft', iteration: 0, agents, evaluation: evaluation(0.5) };
const iter1: IterationResult = {
  variant: 'multiagent-ft',
  iteration: 1,
  agents,
  evaluation: evaluation(0.75),
  votes: { path: 'v', questions: 16, ties: 2, noAnswer: 1, majorityAccuracy: 0.6 },
  datasets: [
    { id: 'agent-1-generation', agent: 1, role: 'generation', path: 'd', examples: 9 },
    { id: 'agent-1-critic', agent: 1, role: 'critic', path: 'd', examples: 4, dMinus: 2, dPlus: 7, fromMinus: 2, fromPlus: 2, repeats: 0 },
  ],
  training: [
    { trainee: 'agent-1-generation', adapter: 'a', examples: 9, skipped: false, steps: 3, tokens: 500, finalLoss: 1.1, meanLoss: 1.3, resumedFromStep: 0 },
    { trainee: 'agent-1-critic', adapter: 'b', examples: 4, skipped: false, steps: 2, tokens: 300, finalLoss: 0.9, meanLoss: 1.1, resumedFromStep: 0 },
  ],
};
const base: IterationResult = { variant: 'base', iteration: 0, agents: { generation: [null], critic: [null] }, evaluation: { ...evaluation(0.25), consensusDiversity: null, nllDiversity: null, perRound: [{ accuracy: 0.25, stderr: 0.1 }] } };
const state: RunState = {
  runId: 'r', status: 'completed', plan: [], questions: { train: 16, test: 16, evaluated: 16, skippedInvalid: 0 },
  current: null, results: { 'multiagent-ft': [iter0, iter1], base: [base] }, latestAccuracy: 0.75, cancelReason: null,
};

test('results JSON: per iteration accuracy, rounds, diversity, datasets and losses; baselines apart', () => {
  const results = runResults(state, { runId: 'r', status: 'completed', config: null });
  assert.deepEqual(results.iterations.map((r) => r.iteration), [0, 1]);
  assert.deepEqual(results.iterations[1].perRound.map((r) => r.round), [1, 2]);
  assert.deepEqual(results.iterations[1].datasets[1], { trainee: 'agent-1-critic', agent: 1, role: 'critic', examples: 4, dMinus: 2, dPlus: 7, fromMinus: 2, fromPlus: 2, repeats: 0 });
  assert.equal(results.iterations[1].training[0].meanLoss, 1.3);
  assert.deepEqual(Object.keys(results.baselines), ['base']);
  assert.deepEqual(iterationReport(iter0).datasets, []);
});

test('the results table has one row per method and iteration', () => {
  const table = resultsTable(runResults(state, { runId: 'r', status: 'completed', config: null })).split('\n');
  assert.equal(table.length, 2 + 3);
  assert.match(table[3], /^multiagent-ft\s+1\s+75\.0\s+10\.83\s+37\.5 → 75\.0\s+0\.250\s+1\.500\s+13\s+1\.200$/);
  assert.match(table[4], /^base\s+0\s+25\.0 .* – /);
});

test('progress lines show where the run is, running steps with their heartbeats, accuracy so far', () => {
  const progress: RunProgress = {
    runId: 'r',
    status: 'RUNNING',
    run: { ...state, status: 'running', plan: [{ variant: { name: 'multiagent-ft', agents: 2, rounds: 2, iterations: 2, summarize: false, training: 'per-agent', evaluateBase: true }, iterations: [0, 1, 2] }], current: { variant: 'multiagent-ft', iteration: 2, workflowId: 'r/iter-2' } },
    iteration: {
      variant: 'multiagent-ft', iteration: 2, step: 'finetuneAgent', split: 'train', shards: { done: 2, total: 2 },
      trainees: { 'agent-1-generation': 'done', 'agent-2-generation': 'queued', 'agent-1-critic': 'skipped', 'agent-2-critic': 'queued' },
    },
    running: [{ activity: 'finetuneAgent', attempt: 2, state: 'STARTED', heartbeat: { step: 5, total: 10, loss: 1.23456, tokensPerSecond: 812.4 }, lastFailure: null }],
    error: null,
  };
  assert.deepEqual(progressLines(progress), [
    'run r: multiagent-ft iteration 2/2 · finetuneAgent',
    '  agents finetuned [##########----------] 2/4 (1 skipped: no examples)',
    '  finetuneAgent (attempt 2) [##########----------] 5/10 loss 1.235 812 tok/s',
    '  accuracy: iter-0 50.0% ± 12.5, iter-1 75.0% ± 10.8',
  ]);
});

test('RL iterations: per PPO batch the training accuracy, reward, drift from the base and verifier fit; MAGRPO its joint reward; lines under the table', () => {
  const rollouts = { path: 'r', questions: 2, nodes: 4, completions: 8, nodesPerTurn: [2, 2], generatedTokens: 100 };
  const batch = (n: number, accuracy: number[], drift: number[]) => ({
    batch: n,
    rollouts,
    scores: {
      path: 's', responses: 8, meanScorePerTurn: accuracy, accuracyPerTurn: accuracy, logRatioPerTurn: drift,
      verifier: { responses: 8, brier: n === 1 ? 0.2 : 0.1, agreement: n === 1 ? 0.5 : 0.75, meanOnRight: 0.7, meanOnWrong: 0.4 },
    },
    advantages: { path: 'a', responses: 8, meanRewardPerTurn: [0.4, 0.45], meanIncentivePerTurn: [0, 0] },
    training: [],
  });
  const maporl: IterationResult = {
    variant: 'maporl', iteration: 1, agents, evaluation: evaluation(0.5),
    ppoBatches: [batch(1, [0.25, 0.5], [0, 0.001]), batch(2, [0.75, 1], [0, 0.004])],
  };
  const magrpo: IterationResult = {
    variant: 'magrpo', iteration: 1, agents, evaluation: evaluation(0.5),
    advantages: { path: 'a', jointRewards: 'j', completions: 8, meanRewardPerTurn: [0.5, 0.25], flatGroups: 3, groups: 8 },
  };
  const rl: RunState = { ...state, results: { maporl: [{ ...iter0, variant: 'maporl' }, maporl], magrpo: [magrpo] } };
  const results = runResults(rl, { runId: 'r', status: 'completed', config: null });
  // Without a config the main method is the RL one present with the first name checked: magrpo.
  assert.equal(results.iterations.length, 1);
  assert.equal(results.baselines.maporl[0].rlTraining, undefined);
  assert.deepEqual(results.baselines.maporl[1].rlTraining?.map((b) => b.accuracyPerTurn), [[0.25, 0.5], [0.75, 1]]);
  assert.deepEqual(results.iterations[0].rlTraining, [{ batch: 1, meanRewardPerTurn: [0.5, 0.25], flatGroups: { flat: 3, groups: 8 } }]);
  const lines = resultsTable(results).split('\n');
  const from = lines.indexOf('training (on training questions, sampled before each update):');
  assert.ok(from > 0);
  assert.deepEqual(lines.slice(from + 1), [
    '  magrpo iter 1: mean joint reward per turn 50.0 → 25.0 %; groups without signal 3/8',
    '  maporl iter 1 (2 PPO batches, first → last):',
    '    accuracy per turn 25.0 → 50.0 … 75.0 → 100.0 %, mean over batches 50.0 → 75.0 %',
    '    reward R(t, i) per turn 0.400 → 0.450 … 0.400 → 0.450',
    '    log π_old − log π_ref per token and turn 0.0000 → 0.0010 … 0.0000 → 0.0040',
    // Weighted by responses (8 each): Brier (0.2 + 0.1) / 2, agreement (0.5 + 0.75) / 2.
    '    verifier on 16 responses: Brier 0.150 (constant 0.5: 0.250), agreement 62.5 %',
  ]);
});

test('MAGRPO: every policy update\u2019s drift from the base (mean log π_sampling − log π_ref per token) under its iteration, and in rlTraining', () => {
  const train = (trainee: string, drift?: { logRatio: number; logRatioPerTurn: number[]; tokensPerTurn: number[] }) => ({
    trainee, adapter: `${trainee}/adapter`, examples: 8, skipped: false, steps: 2, tokens: 400, finalLoss: 0.1, meanLoss: 0.2, resumedFromStep: 0, ...(drift ? { drift } : {}),
  });
  const advantages = { path: 'a', jointRewards: 'j', completions: 8, meanRewardPerTurn: [0.5, 0.25], flatGroups: 3, groups: 8 };
  const iteration = (l: number, training: ReturnType<typeof train>[]): IterationResult => ({ variant: 'magrpo', iteration: l, agents, evaluation: evaluation(0.5), advantages, training });
  const magrpo = [
    iteration(1, [train('agent-1', { logRatio: 0, logRatioPerTurn: [0, 0], tokensPerTurn: [300, 100] }), train('agent-2', { logRatio: 0, logRatioPerTurn: [0, 0], tokensPerTurn: [310, 0] })]),
    iteration(2, [train('agent-1', { logRatio: 0.0013, logRatioPerTurn: [0.001, 0.0022], tokensPerTurn: [300, 100] }), train('agent-2', { logRatio: -0.0004, logRatioPerTurn: [-0.0004, 0], tokensPerTurn: [310, 0] })]),
    // A run from before the drift was recorded: no line, no key.
    iteration(3, [train('agent-1'), train('agent-2')]),
  ];
  const results = runResults({ ...state, results: { magrpo } }, { runId: 'r', status: 'completed', config: null });
  assert.deepEqual(results.iterations[1].rlTraining?.[0].drift, [
    { trainee: 'agent-1', logRatio: 0.0013, logRatioPerTurn: [0.001, 0.0022], tokensPerTurn: [300, 100] },
    { trainee: 'agent-2', logRatio: -0.0004, logRatioPerTurn: [-0.0004, 0], tokensPerTurn: [310, 0] },
  ]);
  assert.equal(results.iterations[2].rlTraining?.[0].drift, undefined);
  assert.ok(!('drift' in results.iterations[2].rlTraining![0]));
  const lines = resultsTable(results).split('\n');
  const from = lines.indexOf('training (on training questions, sampled before each update):');
  assert.deepEqual(lines.slice(from + 1), [
    '  magrpo iter 1: mean joint reward per turn 50.0 → 25.0 %; groups without signal 3/8',
    '    agent-1: log π_sampling − log π_ref per token and turn 0.000000 → 0.000000, all turns 0.000000',
    // Turn 2 without tokens (no branch of agent 2's reached it) is "–", not 0.
    '    agent-2: log π_sampling − log π_ref per token and turn 0.000000 → –, all turns 0.000000',
    '  magrpo iter 2: mean joint reward per turn 50.0 → 25.0 %; groups without signal 3/8',
    // (300 · 0.001 + 100 · 0.0022) / 400 = 0.0013: token-weighted over the turns.
    '    agent-1: log π_sampling − log π_ref per token and turn 0.001000 → 0.002200, all turns 0.001300',
    '    agent-2: log π_sampling − log π_ref per token and turn -0.000400 → –, all turns -0.000400',
    '  magrpo iter 3: mean joint reward per turn 50.0 → 25.0 %; groups without signal 3/8',
  ]);
});
