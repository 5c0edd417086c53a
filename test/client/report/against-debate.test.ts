// `maft results` pairs every evaluation with debate's on the same questions, from eval.parquet.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { evalSchema, writeRows } from '../../../data/artifacts';
import { againstDebate, againstDebateLines, evalReaderOf } from '../../../client/report/against-debate';
import type { IterationReport, RunResults } from '../../../client/report/results';

const root = mkdtempSync(join(tmpdir(), 'maft-against-debate-'));

async function evaluation(file: string, correct: boolean[]): Promise<void> {
  await writeRows(evalSchema, join(root, 'run', file), correct.map((c, i) => ({ questionId: `q${i}`, method: 'm', answer: null, referenceAnswer: '1', correct: c, agreement: null })));
}

const report = (iteration: number, evalFile: string): IterationReport => ({
  iteration, evalFile, accuracy: 0, stderr: 0, questions: 4, perRound: [], diversity: { consensus: null, nll: null }, ties: 0, datasets: [], training: [],
});

void test('fixed, broken, difference ± paired SE and z against the debate of iteration 0', async () => {
  await evaluation('iter-0/evaluate/eval.parquet', [false, false, true, true]);
  await evaluation('iter-1/evaluate/eval.parquet', [true, true, true, false]);
  await evaluation('baselines/single-agent-ft/iter-1/evaluate/eval.parquet', [false, false, true, true]);
  const results: RunResults = {
    runId: 'run', status: 'completed', config: null, method: 'multiagent-ft',
    iterations: [report(0, 'iter-0/evaluate/eval.parquet'), report(1, 'iter-1/evaluate/eval.parquet')],
    baselines: { 'single-agent-ft': [report(1, 'baselines/single-agent-ft/iter-1/evaluate/eval.parquet')], debate: [report(0, 'iter-0/evaluate/eval.parquet')] },
  };
  const paired = await againstDebate(results, evalReaderOf(root, 'run'));
  assert.deepEqual(paired?.reference, { method: 'debate', iteration: 0 });
  // d = (+1, +1, 0, −1): mean 0.25, population variance E[d²] − mean² = 0.75 − 0.0625 = 0.6875, SE √(0.6875/4) = 0.41458, z 0.60302.
  const [main, single] = paired!.rows;
  assert.equal(main.method, 'multiagent-ft');
  assert.deepEqual([main.questions, main.fixed, main.broken, main.difference], [4, 2, 1, 0.25]);
  assert.ok(Math.abs(main.stderr - 0.41458) < 1e-5 && Math.abs(main.z! - 0.60302) < 1e-5);
  assert.deepEqual([single.method, single.fixed, single.broken, single.difference, single.z], ['single-agent-ft', 0, 0, 0, null]);
  assert.match(againstDebateLines(paired!)[1], /^ {2}multiagent-ft iter 1: \+25\.0 ± 41\.5 points, 2 fixed, 1 broken of 4, z 0\.60$/);
  assert.equal(await againstDebate({ ...results, runId: 'elsewhere' }, evalReaderOf(root, 'elsewhere')), null, 'no eval files here');
});
