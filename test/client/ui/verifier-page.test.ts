// The Verifier page of a MAPoRL run with `verifier: model`, over small Parquet fixtures written
// with the repo's writers: three verifier questions with two samples each (one question all right,
// one mixed, one with a malicious answer and none right), a loss log, and the calibration of the
// PPO batches of the method and its shared-policy baseline (one batch still unscored). Every number
// is worked out by hand here. Through the routes: a ground-truth run has no such page and its
// Rollouts page no link to one.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { MaftClient } from '../../../client/api';
import type { RunResults } from '../../../client/report/results';
import { RunArtifacts } from '../../../client/ui/artifacts';
import { learnedVerifier, maporlVerifier } from '../../../client/ui/maporl-verifier';
import { verifierPage } from '../../../client/ui/pages/verifier-page';
import { renderRoute } from '../../../client/ui/routes';
import { RunStore } from '../../../client/ui/run-store';
import { loadExperimentConfig } from '../../../config/load-experiment';
import { questionsSchema, responseScoreSchema, rolloutSchema, trainingLogSchema, writeRows } from '../../../data/artifacts';
import type { ArtifactSchema, RolloutRow } from '../../../data/artifacts';
import { getTask } from '../../../data/tasks';
import type { ExperimentConfig } from '../../../experiment/experiment-schema';

const root = mkdtempSync(join(tmpdir(), 'maft-verifier-'));
const artifacts = new RunArtifacts(root);
const write = <Row>(schema: ArtifactSchema<Row>, path: string, rows: Row[]) => writeRows(schema, join(root, path), rows);
const task = getTask('arithmetic', { promptStyle: 'compact' });
const XSS = '<img src=x onerror=alert(1)>';
// verifier: model, 2 samples per question, LoRA rank 4 / α 8, lr 0.001 (and the shared-policy and multiagent-sft baselines).
const model = loadExperimentConfig('configs/maporl-ci.yaml');
if (model.method !== 'maporl') throw new Error('configs/maporl-ci.yaml is a MAPoRL config');
const groundTruth: ExperimentConfig = { ...model, maporl: { ...model.maporl, verifier: 'ground-truth' } };

function sample(questionId: string, sample: number, answer: string | null, extra: Partial<RolloutRow> = {}): RolloutRow {
  return { questionId, turn: 1, node: '0', agent: 1, sample, prompt: `Q: ${questionId}`, completion: ` = ${answer ?? '?'}`, answer, tokenIds: [5, 6, 7], logprobs: [-0.1, -0.2, -0.3], finishReason: 'eos', ...extra };
}

/** A scores.parquet row: only score and correct matter to the calibration. */
const scored = (score: number, correct: boolean, k: number) => ({ questionId: `q${k}`, turn: 2, agent: 1, score, correct, oldLogprobs: [-1], refLogprobs: [-1], values: [0] });

before(async () => {
  await write(questionsSchema, 'mv/questions/verifier.parquet', [
    { id: 'v1', question: '1+2=?', answer: '3', choices: null, metaJson: null },
    { id: 'v2', question: '2+3=?', answer: '5', choices: null, metaJson: null },
    { id: 'v3', question: `${XSS} 3+4=?`, answer: '7', choices: null, metaJson: null },
  ]);
  // v1 both right, v2 one of two, v3 none (a malicious answer, then no answer at all): 3 of 6 labelled 1.
  await write(rolloutSchema, 'mv/verifier/samples.parquet', [
    sample('v1', 0, '3'), sample('v1', 1, '3'),
    sample('v2', 0, '5'), sample('v2', 1, '6', { finishReason: 'length' }),
    sample('v3', 0, XSS, { completion: XSS }), sample('v3', 1, null),
  ]);
  await write(trainingLogSchema, 'mv/verifier/losses.parquet', [{ step: 1, loss: 0.75 }, { step: 2, loss: 0.5 }, { step: 3, loss: 0.25 }]);
  // maporl batch 1: v 0.75 and 0.25 on right, 0.5 and 0 on wrong responses; batch 2: 0.875 right, 0.125 wrong; batch 3 unscored.
  await write(responseScoreSchema, 'mv/iter-1/batch-1/scores/scores.parquet', [scored(0.75, true, 1), scored(0.25, true, 2), scored(0.5, false, 3), scored(0, false, 4)]);
  await write(responseScoreSchema, 'mv/iter-1/batch-2/scores/scores.parquet', [scored(0.875, true, 1), scored(0.125, false, 2)]);
  await write(rolloutSchema, 'mv/iter-1/batch-3/rollouts/rollouts.parquet', [sample('q1', 0, '2')]);
  // The shared-policy baseline, scored by the same verifier: one right response at 0.5.
  await write(responseScoreSchema, 'mv/baselines/shared-policy/iter-1/batch-1/scores/scores.parquet', [scored(0.5, true, 1)]);
  // The ground-truth run has batches too; its scores are the labels themselves.
  await write(responseScoreSchema, 'gt/iter-1/batch-1/scores/scores.parquet', [scored(1, true, 1)]);
});

const iterations = [
  { variant: 'maporl' as const, iteration: 1, dir: 'iter-1', report: null },
  { variant: 'shared-policy' as const, iteration: 1, dir: 'baselines/shared-policy/iter-1', report: null },
  // Planned but not started: no batches, so no calibration rows.
  { variant: 'maporl' as const, iteration: 2, dir: 'iter-2', report: null },
];

test('the verifier: split size, labels per sample, label balance, losses and the calibration of every PPO batch', async () => {
  const v = await maporlVerifier(artifacts, 'mv', task, iterations);
  assert.equal(v.questions, 3);
  assert.deepEqual(v.samples!.map((q) => [q.id, q.reference, q.samples.map((s) => s.correct)]), [['v1', '3', [true, true]], ['v2', '5', [true, false]], ['v3', '7', [false, false]]]);
  assert.deepEqual(v.balance, { samples: 6, correct: 0.5, allRight: 1, mixed: 1, noneRight: 1 });
  assert.deepEqual(v.losses!.map((s) => s.loss), [0.75, 0.5, 0.25]);
  assert.deepEqual(v.calibration.map((c) => [c.variant, c.iteration, c.batches.map((b) => b.batch)]), [['maporl', 1, [1, 2, 3]], ['shared-policy', 1, [1]]]);
  const [maporl, shared] = v.calibration;
  // Batch 1: Brier (0.0625 + 0.5625 + 0.25 + 0) / 4; agreement: 0.75 right and 0 wrong agree, 0.25 right and 0.5 wrong (≥ 0.5) do not.
  assert.deepEqual(maporl.batches[0].calibration, { responses: 4, brier: 0.21875, agreement: 0.5, meanOnRight: 0.5, meanOnWrong: 0.25 });
  assert.deepEqual(maporl.batches[1].calibration, { responses: 2, brier: 0.015625, agreement: 1, meanOnRight: 0.875, meanOnWrong: 0.125 });
  assert.equal(maporl.batches[2].calibration, null);
  // All six: Brier 0.90625 / 6, 4 of 6 agree, mean v right (0.75 + 0.25 + 0.875) / 3, wrong (0.5 + 0 + 0.125) / 3.
  assert.equal(maporl.all!.responses, 6);
  assert.ok(Math.abs(maporl.all!.brier - 0.90625 / 6) < 1e-12);
  assert.ok(Math.abs(maporl.all!.agreement - 4 / 6) < 1e-12);
  assert.equal(maporl.all!.meanOnRight, 0.625);
  assert.ok(Math.abs(maporl.all!.meanOnWrong - 0.625 / 3) < 1e-12);
  assert.ok(Number.isNaN(shared.batches[0].calibration!.meanOnWrong), 'no wrong response');

  const page = verifierPage({ runId: 'mv', training: learnedVerifier(model)!, data: v });
  assert.match(page, /data-key="questions">3<\/td><td class="num" data-key="samples">6<\/td><td class="num" data-key="correct">50\.0%<\/td><td class="num" data-key="all-right">1<\/td><td class="num" data-key="mixed">1<\/td><td class="num" data-key="none-right">1<\/td>/);
  // The config's hyperparameters: 8 questions, 2 samples, rank 4 / α 8, lr 0.001, 1 epoch.
  assert.match(page, /<tbody><tr><td class="num">8<\/td><td class="num">2<\/td><td class="num">4 \/ 8<\/td><td class="num">0\.05<\/td><td>[^<]*<\/td><td class="num">0\.001<\/td><td class="num">1<\/td><\/tr>/);
  assert.equal(page.match(/<g class="series" data-label="verifier"[\s\S]*?<\/g>/)?.[0].match(/<circle/g)?.length, 3);
  assert.match(page, /3 optimizer steps · final loss 0\.2500 · mean 0\.5000/);
  assert.match(page, /<tr data-variant="maporl" data-iteration="1" data-batch="1">[\s\S]*?data-key="responses">4<\/td><td class="num" data-key="brier">0\.219<\/td><td class="num" data-key="agreement">50\.0%<\/td><td class="num" data-key="mean-right">0\.500<\/td><td class="num" data-key="mean-wrong">0\.250<\/td>/);
  assert.match(page, /<tr data-variant="maporl" data-iteration="1" data-batch="3">[\s\S]*?not scored yet/);
  assert.match(page, /<tr data-variant="maporl" data-iteration="1" data-batch="all">[\s\S]*?data-key="brier">0\.151<\/td><td class="num" data-key="agreement">66\.7%<\/td><td class="num" data-key="mean-right">0\.625<\/td><td class="num" data-key="mean-wrong">0\.208<\/td>/);
  assert.match(page, /<tr data-variant="shared-policy" data-iteration="1" data-batch="1">[\s\S]*?data-key="mean-wrong">–<\/td>/);
  assert.ok(page.includes('href="/runs/mv/rollouts?variant=shared-policy&amp;iteration=1&amp;batch=1"'), 'a batch links to its rollouts');
  // Per question its samples with extracted answer and label.
  assert.equal(page.match(/<details class="rollout"/g)?.length, 3);
  assert.match(page, /data-question="v2"><summary>[\s\S]*?<span data-key="right">1\/2<\/span> right/);
  assert.match(page, /<tr data-sample="1"><td class="num">1<\/td><td><span class="pill wrong">6<\/span><\/td><td class="num" data-key="label">0<\/td><td class="num">3 \(cut\)<\/td>/);
  assert.match(page, /data-question="v3">[\s\S]*?<span class="pill none">no answer<\/span>/);
  assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;') && !page.includes(XSS), 'a malicious answer, completion and question are escaped');
  assert.ok(page.includes('href="/files/mv/verifier/samples.parquet"') && page.includes('href="/files/mv/verifier/adapter/"'));
});

test('a verifier whose training has not written anything yet', async () => {
  const v = await maporlVerifier(artifacts, 'empty', task, iterations);
  assert.deepEqual([v.questions, v.samples, v.balance, v.losses, v.calibration], [null, null, null, null, []]);
  const page = verifierPage({ runId: 'empty', training: learnedVerifier(model)!, data: v });
  assert.match(page, /No loss log yet/);
  assert.match(page, /No PPO batch has started yet/);
  assert.match(page, /The verifier's samples are not written yet/);
});

/** The routes over a store whose server knows only `results` (no workflow to describe: the run reads as closed without a close time). */
function routesOver(runs: Record<string, ExperimentConfig>) {
  const maft = {
    client: { workflow: { getHandle: () => ({ describe: () => Promise.reject(new Error('no server')) }) } },
    getResults: (runId: string): Promise<RunResults> => Promise.resolve({ runId, status: 'completed', config: runs[runId], method: 'maporl', iterations: [], baselines: {} }),
  } as unknown as MaftClient;
  const ctx = { store: new RunStore(maft), artifacts, now: () => new Date(0) };
  return (path: string) => renderRoute(ctx, path, new URLSearchParams('variant=maporl&iteration=1'));
}

test('routes: the Verifier page and its link only for a run with a learned verifier', async () => {
  const route = routesOver({ mv: model, gt: groundTruth });
  assert.equal(learnedVerifier(groundTruth), null);
  assert.equal(await route('/runs/gt/verifier'), null, 'no page for ground-truth scores');
  assert.ok(!(await route('/runs/gt/rollouts'))!.includes('/verifier'), 'nor a link to one');

  const rollouts = (await route('/runs/mv/rollouts'))!;
  assert.match(rollouts, /<a href="\/runs\/mv\/verifier">/);
  const page = (await route('/runs/mv/verifier'))!;
  assert.match(page, /<h1>Verifier · learned v\(t, i\)<\/h1>/);
  assert.match(page, /<nav class="tabs">[\s\S]*?<a href="\/runs\/mv\/rollouts" class="active">Rollouts<\/a>/);
  // From the run's plan: maporl and shared-policy iteration 1, not the multiagent-sft baseline.
  assert.deepEqual([...page.matchAll(/<tr data-variant="([^"]+)" data-iteration="1" data-batch="([^"]+)">/g)].map((m) => `${m[1]}/${m[2]}`), ['maporl/1', 'maporl/2', 'maporl/3', 'maporl/all', 'shared-policy/1', 'shared-policy/all']);
});
