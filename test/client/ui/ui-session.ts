// What the browser tests share: shipped configs run with `maft run` on one embedded devserver,
// `maft ui` started as a fresh process over its persisted state (what a user does after a run),
// and headless Chromium on it — every page load checked for status 200, script and console
// errors collected. Screenshots go to a temporary folder, or with MAFT_UI_SCREENSHOTS=docs/ui to
// the README's (1280×800).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { stringify } from 'yaml';
import type { RunResults } from '../../../client/report/results';
import { freePort } from '../../pipeline/harness';
import { launchChromium } from './chromium';

export interface UiSession {
  dir: string;
  runsDir: string;
  url: string;
  /** `maft results <runId> --json` of every run. */
  results: Record<string, RunResults>;
  page: Page;
  /** Script and console errors of every page so far. */
  errors: string[];
  shots: string;
  open(path: string, shot?: string): Promise<Page>;
  /** The inner text of the first element the selector matches. */
  text(selector: string): Promise<string>;
}

const cli = (temporalFile: string, args: string[], timeout: number) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'client/bin.ts', '--temporal', temporalFile, ...args], { encoding: 'utf8', timeout });

/** Runs every config to completion (in turn, on one server), then serves them; the test's after hooks stop the UI and the browser. */
export async function uiSession(t: TestContext, chromiumPath: string, runs: { config: string; runId: string; timeoutMs: number }[]): Promise<UiSession> {
  const dir = mkdtempSync(join(tmpdir(), 'maft-ui-'));
  const runsDir = join(dir, 'runs');
  const temporalFile = join(dir, 'temporal.yaml');
  writeFileSync(temporalFile, stringify({ server: { mode: 'embedded', address: `127.0.0.1:${await freePort()}`, dbPath: join(dir, 'temporal.db') }, runsDir }));
  const results: Record<string, RunResults> = {};
  for (const { config, runId, timeoutMs } of runs) {
    const run = cli(temporalFile, ['run', '--config', config, '--run-id', runId, '--json'], timeoutMs);
    assert.equal(run.status, 0, `maft run ${config} failed:\n${run.stderr}`);
    const out = cli(temporalFile, ['results', runId, '--json'], 60_000);
    assert.equal(out.status, 0, out.stderr);
    results[runId] = JSON.parse(out.stdout) as RunResults;
  }
  const shots = process.env.MAFT_UI_SCREENSHOTS ?? join(dir, 'screenshots');
  mkdirSync(shots, { recursive: true });

  const ui = spawn(process.execPath, ['--import', 'tsx', 'client/bin.ts', '--temporal', temporalFile, 'ui', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => ui.kill('SIGTERM'));
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    ui.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /maft ui: (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (m) resolve(m[1]);
    });
    ui.once('exit', (code) => reject(new Error(`maft ui exited (${code}) before listening: ${text}`)));
  });

  const browser = await launchChromium(chromiumPath);
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  return {
    dir,
    runsDir,
    url,
    results,
    page,
    errors,
    shots,
    open: async (path, shot) => {
      const response = await page.goto(url + path);
      assert.equal(response?.status(), 200, path);
      if (shot) await page.screenshot({ path: join(shots, `${shot}.png`) });
      return page;
    },
    text: (selector) => page.locator(selector).first().innerText(),
  };
}
