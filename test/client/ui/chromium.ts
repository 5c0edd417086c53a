// Debian's Chromium for the browser tests: /usr/bin/chromium, installed with apt-get where it is
// missing and the tests run as root (as in CI), else null with the reason (the test then skips).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

export function ensureChromium(): { path: string } | { skip: string } {
  if (existsSync(CHROMIUM)) return { path: CHROMIUM };
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) return { skip: `${CHROMIUM} is missing and cannot be installed here (${root ? 'no apt-get' : 'not root'}); install Debian's chromium package to run the browser tests` };
  console.log(`# ${CHROMIUM} is missing: installing Debian's chromium package (apt-get install -y chromium)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { encoding: 'utf8', env, timeout: 600_000 });
  if (install.status !== 0) {
    // A fresh machine may not have the package lists yet.
    spawnSync('apt-get', ['update'], { encoding: 'utf8', env, timeout: 300_000 });
    install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { encoding: 'utf8', env, timeout: 600_000 });
  }
  return existsSync(CHROMIUM) ? { path: CHROMIUM } : { skip: `apt-get install chromium failed: ${install.stderr.trim().split('\n').at(-1) ?? ''}` };
}

/** Headless, without the background traffic Chromium otherwise starts; Playwright gives every launch a fresh profile directory. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
