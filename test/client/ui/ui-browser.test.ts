// `maft ui` in a real browser over a finished ci-tiny run (ui-session.ts: `maft run` on the
// embedded devserver, then `maft ui` as a fresh process over its persisted state, what a user does
// after `npm start`). Headless Chromium loads every page; the numbers on them must equal
// `maft results --json`; the server refuses path traversal and anything but GET/HEAD.
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureChromium } from './chromium';
import { uiSession } from './ui-session';

const RUN = 'ui-ci-tiny';
const chromium = ensureChromium();

/** A request exactly as written (fetch would normalize "/files/../x" before sending it). */
function rawRequest(url: string, path: string, method = 'GET'): Promise<{ status: number; body: string; allow?: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, allow: res.headers.allow }));
    });
    req.on('error', reject);
    req.end();
  });
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

test('maft ui shows a finished ci-tiny run as `maft results --json` reports it', { skip: 'skip' in chromium ? chromium.skip : false, timeout: 420_000 }, async (t) => {
  const ui = await uiSession(t, (chromium as { path: string }).path, [{ config: 'configs/ci-tiny.yaml', runId: RUN, timeoutMs: 280_000 }]);
  const { dir, url, page, errors, shots, open, text } = ui;
  const results = ui.results[RUN];
  const last = results.iterations.at(-1)!;

  await t.test('Runs: status and latest accuracy', async () => {
    await open('/', 'runs');
    assert.match(await text(`tr[data-run="${RUN}"]`), /completed/);
    assert.equal(await text(`tr[data-run="${RUN}"] [data-key="latest-accuracy"]`), pct(last.accuracy));
  });

  await t.test('Run: plan, results, paired comparison against debate, timeline', async () => {
    await open(`/runs/${RUN}`, 'run');
    for (const r of results.iterations) {
      assert.equal(Number(await page.locator(`table.plan td[data-variant="multiagent-ft"][data-iteration="${r.iteration}"]`).getAttribute('data-accuracy')), r.accuracy);
      const row = `table.results tr[data-variant="multiagent-ft"][data-iteration="${r.iteration}"]`;
      assert.equal(await text(`${row} [data-key="accuracy"]`), pct(r.accuracy));
      assert.equal(await text(`${row} [data-key="stderr"]`), `${(100 * r.stderr).toFixed(2)}%`);
    }
    assert.equal(await page.locator('figure svg').count(), 3, 'accuracy, consensus and NLL diversity');
    // Against debate (iteration 0) on the same 16 questions: fixed − broken = the accuracy gain × n.
    for (const r of results.iterations.slice(1)) {
      const row = `table.paired tr[data-variant="multiagent-ft"][data-iteration="${r.iteration}"]`;
      const fixed = Number(await text(`${row} [data-key="fixed"]`));
      const broken = Number(await text(`${row} [data-key="broken"]`));
      assert.equal(fixed - broken, Math.round((r.accuracy - results.iterations[0].accuracy) * r.questions));
    }
    const trained = results.iterations.reduce((n, r) => n + r.training.length, 0);
    assert.equal(await page.locator('table.timeline tr.step[data-activity="finetuneAgent"][data-status="completed"]').count(), trained);
    assert.equal(await page.locator('table.timeline tr.step[data-activity="evaluate"]').count(), results.iterations.length);
    await page.locator('section:has(h2:text("Timeline"))').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'timeline.png') });
  });

  await t.test('Debates: every held-out question, right answers per iteration, filters', async () => {
    await open(`/runs/${RUN}/debates?variant=multiagent-ft&iteration=${last.iteration}`, 'debates');
    assert.equal(await page.locator('table.debates tbody tr').count(), last.questions);
    const column = results.iterations.length - 1;
    const right = await page.locator(`table.debates tbody tr`).evaluateAll((rows, k) => rows.filter((r) => r.querySelectorAll('td.answer')[1 + k]?.classList.contains('right')).length, column);
    assert.equal(right, Math.round(last.accuracy * last.questions));
    // The wrong filter, in place by ui.js: the visible rows are the wrong ones.
    await page.locator('a.chip.filter[data-filter="wrong"]').click();
    assert.equal(await page.locator('table.debates tbody tr:visible').count(), last.questions - right);
    assert.ok(page.url().includes('filter=wrong'));
    await page.locator('a.chip.filter[data-filter="all"]').click();
    assert.equal(await page.locator('table.debates tbody tr:visible').count(), last.questions);
  });

  await t.test('Question: the rounds × agents grid of every iteration', async () => {
    await page.locator('table.debates tbody tr td.question a').first().click();
    await page.waitForSelector('section.card');
    const config = results.config!;
    assert.equal(await page.locator('section.card').count(), results.iterations.length);
    assert.equal(await page.locator('section.card').first().locator('td.cell').count(), config.agents * config.rounds);
    await page.screenshot({ path: join(shots, 'question.png') });
  });

  await t.test('Datasets: sizes as reported, every example linked to its transcript cell', async () => {
    const it = results.iterations[1];
    await open(`/runs/${RUN}/datasets?variant=multiagent-ft&iteration=${it.iteration}`, 'datasets');
    for (const d of it.datasets) {
      assert.equal(Number(await text(`table.datasets tr[data-trainee="${d.trainee}"] [data-key="examples"]`)), d.examples);
      assert.equal(await page.locator(`details.trainee[id="${d.trainee}"] table.examples tbody tr`).count(), d.examples);
    }
    const link = page.locator('table.examples tbody tr td a').first();
    const href = (await link.getAttribute('href'))!;
    assert.match(href, /#i1-r\d-a\d$/, 'an example names the debate cell it copies');
    await link.click();
    await page.waitForSelector('section.card');
    assert.equal(await page.locator(`td.cell[id="${href.split('#')[1]}"]`).count(), 1);
  });

  await t.test('Training: steps and losses as reported, loss curves, adapter and loss files', async () => {
    const it = results.iterations.find((r) => r.training.some((x) => !x.skipped))!;
    await open(`/runs/${RUN}/training?variant=multiagent-ft&iteration=${it.iteration}`, 'training');
    for (const tr of it.training) {
      const row = `table.training tr[data-trainee="${tr.trainee}"]`;
      assert.equal(await text(`${row} [data-key="steps"]`), tr.skipped ? 'skipped' : String(tr.steps));
      if (tr.finalLoss !== null) assert.equal(await text(`${row} [data-key="final-loss"]`), tr.finalLoss.toFixed(4));
    }
    const trained = it.training.filter((x) => !x.skipped);
    assert.equal(await page.locator('svg.chart g.series').count(), trained.length);
    // Every step of every adapter is in losses.parquet: one dot per step.
    for (const tr of trained) assert.equal(await page.locator(`svg.chart g.series[data-label="${tr.trainee}"] circle`).count(), tr.steps);
    await page.locator(`table.training tr[data-trainee="${trained[0].trainee}"] a:text("PEFT adapter")`).click();
    assert.ok(await page.locator('table.files a:text("adapter_config.json")').count() === 1);
  });

  await t.test('read-only and confined to the runs directory', async () => {
    // A link in the run directory to a file outside it.
    symlinkSync('/etc/passwd', join(dir, 'runs', RUN, 'escape'));
    for (const path of ['/files/..%2f..%2fetc/passwd', '/files/../../etc/passwd', `/files/${RUN}/%2e%2e/%2e%2e/etc/passwd`, `/files/${RUN}/..%5c..%5cetc%5cpasswd`, `/files/${RUN}/escape`, `/files/${RUN}/%00`]) {
      const res = await rawRequest(url, path);
      assert.equal(res.status, 403, `${path}: ${res.status}`);
      assert.ok(!res.body.includes('root:'), path);
    }
    assert.equal((await rawRequest(url, `/files/${RUN}/config.json`)).status, 200);
    assert.equal((await rawRequest(url, `/files/${RUN}/no-such-file`)).status, 404);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await rawRequest(url, '/', method);
      assert.equal(res.status, 405, method);
      assert.equal(res.allow, 'GET, HEAD');
    }
    const head = await rawRequest(url, `/runs/${RUN}`, 'HEAD');
    assert.deepEqual([head.status, head.body], [200, '']);
    assert.equal((await rawRequest(url, '/runs/no-such-run')).status, 404);
  });

  assert.deepEqual(errors, [], 'no script or console errors on any page');
  console.log(`# screenshots in ${shots}`);
});
