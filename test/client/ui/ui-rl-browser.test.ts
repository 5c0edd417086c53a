// `maft ui` in a real browser over finished MAPoRL and MAGRPO ci runs (configs/maporl-ci.yaml,
// configs/magrpo-ci.yaml through `maft run`, ui-session.ts). The Rollouts pages must show what the
// runs' Parquet files hold, recomputed here from the files: per PPO batch the training accuracy and
// KL per token per turn, every question's turns × agents with its reward, the policy and value loss
// of every step; per MAGRPO iteration the rollout trees' counts, accuracy and rewards per turn, and
// a tree node by node. MAPoRL's held-out transcripts (eval-rollouts/) must appear on its question
// pages, and the Training page must draw the RL updates' losses. MAPoRL's learned verifier has a
// page of its own (linked from Rollouts): its samples and labels, loss curve and the Brier score of
// every PPO batch, recomputed here from samples.parquet, losses.parquet and scores.parquet.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { advantageSchema, jointRewardSchema, questionsSchema, readRows, responseAdvantageSchema, responseScoreSchema, rolloutSchema, trainingLogSchema } from '../../../data/artifacts';
import type { RolloutRow } from '../../../data/artifacts';
import { getTask } from '../../../data/tasks';
import { ensureChromium } from './chromium';
import { uiSession } from './ui-session';

const MAPORL = 'ui-maporl-ci';
const MAGRPO = 'ui-magrpo-ci';
const chromium = ensureChromium();

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const turnsOf = (rows: readonly { turn: number }[]): number[] => [...new Set(rows.map((r) => r.turn))].sort((a, b) => a - b);

test('maft ui shows the rollouts, rewards, advantages and losses of MAPoRL and MAGRPO runs', { skip: 'skip' in chromium ? chromium.skip : false, timeout: 900_000 }, async (t) => {
  const ui = await uiSession(t, (chromium as { path: string }).path, [
    { config: 'configs/maporl-ci.yaml', runId: MAPORL, timeoutMs: 400_000 },
    { config: 'configs/magrpo-ci.yaml', runId: MAGRPO, timeoutMs: 400_000 },
  ]);
  const { page, open, text } = ui;
  const runDir = (runId: string): string => join(ui.runsDir, runId);

  await t.test('MAPoRL: every PPO batch with its accuracy and KL per token per turn, as scores.parquet has them', async () => {
    await open(`/runs/${MAPORL}/rollouts?variant=maporl&iteration=1`, 'rollouts-maporl');
    assert.equal(await page.locator('table.batches tbody tr').count(), 2);
    for (const batch of [1, 2]) {
      const scores = await readRows(responseScoreSchema, join(runDir(MAPORL), 'iter-1', `batch-${batch}`, 'scores', 'scores.parquet'));
      const perTurn = turnsOf(scores).map((turn) => scores.filter((s) => s.turn === turn));
      const row = `table.batches tr[data-batch="${batch}"]`;
      assert.equal(await text(`${row} [data-key="accuracy"]`), perTurn.map((s) => pct(mean(s.map((x) => Number(x.correct))))).join(' → '));
      const kl = perTurn.map((s) => mean(s.flatMap((x) => x.oldLogprobs.map((o, k) => o - x.refLogprobs[k]))));
      // + 0: a mean that rounds to −0 is written 0.
      assert.deepEqual((await text(`${row} [data-key="kl"]`)).split(' → ').map(Number), kl.map((x) => Number(x.toFixed(4)) + 0));
    }
    assert.equal(await page.locator('figure svg.chart').count(), 3 + 2, 'accuracy, KL and reward across batches; policy and value losses of the batch');
  });

  await t.test('MAPoRL: a batch question by question, turns × agents with R(t, i); loss curves step by step', async () => {
    await page.locator('table.batches tr[data-batch="1"] a').click();
    await page.waitForSelector('section.batch[data-batch="1"]');
    const dir = join(runDir(MAPORL), 'iter-1', 'batch-1');
    const rollouts = await readRows(rolloutSchema, join(dir, 'rollouts', 'rollouts.parquet'));
    const advantages = await readRows(responseAdvantageSchema, join(dir, 'advantages', 'advantages.parquet'));
    const questions = [...new Set(rollouts.map((r) => r.questionId))];
    assert.equal(await page.locator('details.rollout').count(), questions.length);
    const q = questions[0];
    await page.locator(`details.rollout[data-question="${q}"] > summary`).click();
    assert.equal(await page.locator(`details.rollout[data-question="${q}"] td.cell`).count(), rollouts.filter((r) => r.questionId === q).length);
    for (const a of advantages.filter((x) => x.questionId === q)) {
      assert.equal(await text(`details.rollout[data-question="${q}"] td.cell[data-turn="${a.turn}"][data-agent="${a.agent}"] [data-key="reward"]`), a.reward.toFixed(3));
    }
    for (const trainee of ['policy-agent-1-turn-2', 'value-agent-2-turn-2']) {
      const losses = await readRows(trainingLogSchema, join(dir, trainee, 'losses.parquet'));
      assert.equal(await page.locator(`svg.chart g.series[data-label="${trainee}"] circle`).count(), losses.length, trainee);
    }
    await page.screenshot({ path: join(ui.shots, 'rollouts-maporl-batch.png') });
  });

  await t.test('MAPoRL: the learned verifier — its samples, labels, loss curve and Brier score per PPO batch', async () => {
    await open(`/runs/${MAPORL}/rollouts?variant=maporl&iteration=1`);
    await page.locator(`a[href="/runs/${MAPORL}/verifier"]`).click();
    await page.waitForSelector('table.verifier-calibration');
    const task = getTask('arithmetic', { promptStyle: 'compact' });
    const verifier = join(runDir(MAPORL), 'verifier');
    const reference = new Map((await readRows(questionsSchema, join(runDir(MAPORL), 'questions', 'verifier.parquet'))).map((q) => [q.id, q.answer]));
    const samples = await readRows(rolloutSchema, join(verifier, 'samples.parquet'));
    const labels = samples.map((r) => Number(r.answer !== null && task.isEquivalent(r.answer, reference.get(r.questionId)!)));
    assert.equal(Number(await text('[data-key="questions"]')), reference.size);
    assert.equal(Number(await text('[data-key="samples"]')), samples.length);
    assert.equal(await text('[data-key="correct"]'), pct(mean(labels)));
    assert.equal(await page.locator('details.rollout').count(), new Set(samples.map((r) => r.questionId)).size);
    const losses = await readRows(trainingLogSchema, join(verifier, 'losses.parquet'));
    assert.equal(await page.locator('svg.chart g.series[data-label="verifier"] circle').count(), losses.length);
    for (const batch of [1, 2]) {
      const scores = await readRows(responseScoreSchema, join(runDir(MAPORL), 'iter-1', `batch-${batch}`, 'scores', 'scores.parquet'));
      const brier = mean(scores.map((s) => (s.score - Number(s.correct)) ** 2));
      assert.equal(await text(`table.verifier-calibration tr[data-variant="maporl"][data-batch="${batch}"] [data-key="brier"]`), brier.toFixed(3));
    }
    await page.screenshot({ path: join(ui.shots, 'verifier.png') });
  });

  await t.test('MAPoRL: the shared-policy baseline, the Training page and the held-out transcripts', async () => {
    await open(`/runs/${MAPORL}/rollouts?variant=shared-policy&iteration=1`);
    assert.equal(await page.locator('table.batches tbody tr').count(), 2);
    assert.ok(await page.locator('svg.chart g.series[data-label="policy-shared"]').count() === 1);

    const report = ui.results[MAPORL].iterations.find((r) => r.iteration === 1)!;
    await open(`/runs/${MAPORL}/training?variant=maporl&iteration=1`);
    for (const tr of report.training) assert.equal(await page.locator(`svg.chart g.series[data-label="${tr.trainee}"] circle`).count(), tr.steps, tr.trainee);

    // Held-out debates of MAPoRL are generateRollouts' transcripts (eval-rollouts/).
    await open(`/runs/${MAPORL}/debates?variant=maporl&iteration=1`);
    await page.locator('table.debates tbody tr td.question a').first().click();
    await page.waitForSelector('section.card');
    const config = ui.results[MAPORL].config!;
    for (const card of await page.locator('section.card').all()) assert.equal(await card.locator('td.cell pre.response').count(), config.agents * config.rounds);
  });

  const magrpo = join(runDir(MAGRPO), 'iter-1');
  const shards = await Promise.all([1, 2].map((k) => readRows(rolloutSchema, join(magrpo, 'rollouts', `shard-${k}`, 'rollouts.parquet'))));
  const rollouts: RolloutRow[] = shards.flat();
  const joint = await readRows(jointRewardSchema, join(magrpo, 'advantages', 'joint-rewards.parquet'));

  await t.test('MAGRPO: the rollout trees per turn — nodes, completions, accuracy, joint rewards — and the policy losses', async () => {
    const task = getTask('arithmetic', { promptStyle: 'compact' });
    const reference = new Map((await readRows(questionsSchema, join(runDir(MAGRPO), 'questions', 'train.parquet'))).map((q) => [q.id, q.answer]));
    await open(`/runs/${MAGRPO}/rollouts?variant=magrpo&iteration=1`, 'rollouts-magrpo');
    assert.equal(await page.locator('table.trees tbody tr').count(), reference.size);
    for (const turn of turnsOf(rollouts)) {
      const at = rollouts.filter((r) => r.turn === turn);
      const row = `table.turns tr[data-turn="${turn}"]`;
      assert.equal(Number(await text(`${row} [data-key="completions"]`)), at.length);
      assert.equal(Number(await text(`${row} [data-key="nodes"]`)), new Set(at.map((r) => `${r.questionId}/${r.node}`)).size);
      assert.equal(await text(`${row} [data-key="accuracy"]`), pct(mean(at.map((r) => Number(r.answer !== null && task.isEquivalent(r.answer, reference.get(r.questionId)!))))));
      assert.equal(await text(`${row} [data-key="reward"]`), mean(joint.filter((j) => j.turn === turn).map((j) => j.reward)).toFixed(3));
    }
    for (const agent of [1, 2]) {
      const losses = await readRows(trainingLogSchema, join(magrpo, `policy-agent-${agent}`, 'losses.parquet'));
      assert.equal(await page.locator(`svg.chart g.series[data-label="policy-agent-${agent}"] circle`).count(), losses.length);
    }
  });

  await t.test('MAGRPO: one question’s tree node by node, joint actions with their rewards, expanded branches linked', async () => {
    const advantages = await readRows(advantageSchema, join(magrpo, 'advantages', 'advantages.parquet'));
    // A question whose root was expanded, so the tree has a second turn.
    const q = joint.find((j) => j.turn === 1 && j.expanded)!.questionId;
    await page.locator(`table.trees tr[data-question="${q}"] td.question a`).click();
    await page.waitForSelector('section.node');
    assert.equal(await page.locator('section.node').count(), new Set(rollouts.filter((r) => r.questionId === q).map((r) => r.node)).size);
    const root = joint.filter((j) => j.questionId === q && j.node === '0');
    assert.equal(await page.locator('section.node[data-node="0"] table.actions tbody tr').count(), root.length);
    for (const j of root) assert.equal(await text(`section.node[data-node="0"] tr[data-action="${j.action}"] [data-key="return"]`), j.return.toFixed(3));
    for (const a of advantages.filter((x) => x.questionId === q && x.node === '0')) {
      assert.equal(await text(`section.node[data-node="0"] tr[data-agent="${a.agent}"][data-sample="${a.sample}"] [data-key="advantage"]`), a.advantage.toFixed(3));
    }
    const expanded = root.filter((j) => j.expanded);
    assert.equal(await page.locator('section.node[data-node="0"] table.actions a').count(), expanded.length);
    await page.locator('section.node[data-node="0"] table.actions a').first().click();
    assert.ok(page.url().endsWith(`#node-0.${expanded[0].action}`));
    assert.equal(await page.locator(`section.node[id="node-0.${expanded[0].action}"]`).count(), 1);
    await page.screenshot({ path: join(ui.shots, 'rollout-tree.png') });
  });

  await t.test('an SFT variant of an RL run is not on the Rollouts page; its Training page still is', async () => {
    await open(`/runs/${MAGRPO}/rollouts?variant=multiagent-sft&iteration=1`);
    assert.equal(await page.locator('.controls a.chip.on').first().innerText(), 'magrpo');
    await open(`/runs/${MAGRPO}/training?variant=multiagent-sft&iteration=1`);
    assert.ok((await page.locator('svg.chart g.series').count()) > 0);
  });

  assert.deepEqual(ui.errors, [], 'no script or console errors on any page');
  console.log(`# screenshots in ${ui.shots}`);
});
