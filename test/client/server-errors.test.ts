// A server that is not there, or an address that is not one: each entry point says so in one
// line naming the address and where it came from, and exits 1 — no transport stack, no long wait.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'maft-server-errors-'));
const env = { ...process.env, TEMPORAL_ADDRESS: '' };

function run(entry: 'client/bin.ts' | 'worker.ts', args: string[], extraEnv: Record<string, string> = {}): { status: number | null; stderr: string; seconds: number } {
  const start = Date.now();
  const out = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: 60_000 });
  return { status: out.status, stderr: out.stderr, seconds: (Date.now() - start) / 1000 };
}

function temporalYaml(name: string, address: string): string {
  const file = join(dir, name);
  writeFileSync(file, `server:\n  mode: address\n  address: "${address}"\nrunsDir: ${join(dir, 'runs')}\n`);
  return file;
}

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('an unreachable or malformed Temporal address', () => {
  it('maft names --address when nothing answers there', () => {
    const out = run('client/bin.ts', ['--address', '127.0.0.1:1', 'status', 'some-run']);
    assert.equal(out.status, 1);
    assertOneLine(out.stderr, /^no Temporal server answers at 127\.0\.0\.1:1 \(--address\)\. Check the address/);
  });

  it('maft names the file and key of a configured address, and the variable that overrides it', () => {
    const file = temporalYaml('unreachable.yaml', '127.0.0.1:1');
    const fromFile = run('client/bin.ts', ['--temporal', file, 'list']);
    assert.equal(fromFile.status, 1);
    assertOneLine(fromFile.stderr, new RegExp(`at 127\\.0\\.0\\.1:1 \\(${file.replace(/[.]/g, '\\.')}: server\\.address\\)`));
    const fromEnv = run('client/bin.ts', ['--temporal', file, 'list'], { TEMPORAL_ADDRESS: '127.0.0.1:2' });
    assertOneLine(fromEnv.stderr, /at 127\.0\.0\.1:2 \(TEMPORAL_ADDRESS\)/);
  });

  it('with no server to start, maft resume names the in-process resume that starts its own', () => {
    const file = join(dir, 'auto.yaml');
    writeFileSync(file, `server:\n  mode: auto\n  address: "127.0.0.1:1"\nrunsDir: ${join(dir, 'runs')}\n`);
    const out = run('client/bin.ts', ['--temporal', file, 'resume', 'some-run']);
    assert.equal(out.status, 1);
    assertOneLine(out.stderr, /use `maft resume some-run --in-process`, which starts one itself\.$/);
    assertOneLine(run('client/bin.ts', ['--temporal', file, 'cancel', 'some-run']).stderr, /use `maft run`, which starts one itself\.$/);
  });

  it('a malformed address is a config error naming where it was written', () => {
    const flag = run('client/bin.ts', ['--address', 'not a host:99999', 'status', 'x']);
    assert.equal(flag.status, 1);
    assertOneLine(flag.stderr, /^config error: --address: "not a host" in "not a host:99999" is not a host name or IP address/);
    const file = temporalYaml('malformed.yaml', 'localhost:99999');
    const fromFile = run('client/bin.ts', ['--temporal', file, 'list']);
    assertOneLine(fromFile.stderr, new RegExp(`^config error: ${file.replace(/[.]/g, '\\.')}:3: server\\.address: port 99999 in "localhost:99999" is outside 1–65535`));
  });

  it('the worker waits --wait seconds for its server, then exits 1 with one line', () => {
    const out = run('worker.ts', ['--address', '127.0.0.1:1', '--wait', '1']);
    assert.equal(out.status, 1);
    assertOneLine(out.stderr, /^worker: no Temporal server answers at 127\.0\.0\.1:1 \(--address\)/);
    const file = temporalYaml('worker.yaml', '127.0.0.1:1');
    const fromFile = run('worker.ts', ['--temporal', file, '--wait', '0']);
    assertOneLine(fromFile.stderr, new RegExp(`\\(${file.replace(/[.]/g, '\\.')}: server\\.address\\)`));
    const usage = run('worker.ts', ['--queues', 'tpu']);
    assertOneLine(usage.stderr, /^worker: --queues: expected cpu, gpu or cpu,gpu; got "tpu"/);
  });
});
