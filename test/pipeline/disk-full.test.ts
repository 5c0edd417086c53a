// A full disk fails the step at once — no retries — with one line naming the file, what it
// needed and what was free; `maft results --wait` then exits 1 and still prints the results
// (the plot it cannot write is named, not thrown). Files already there stay as they were; once
// space is freed, `maft resume` completes the run. The runs directory is a small tmpfs: this
// needs root (mount), and is skipped with a message where the machine does not allow it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ciTiny, runCli, startPipelineEnv } from './harness';
import type { PipelineEnv } from './harness';

const mountPoint = mkdtempSync(join(tmpdir(), 'maft-full-disk-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]).status === 0;
const skip = mounted ? false : 'cannot mount a small tmpfs here (needs root and mount permission): the disk-full path is not tested on this machine';

let env: PipelineEnv | undefined;
after(async () => {
  await env?.close();
  if (mounted) spawnSync('umount', [mountPoint]);
});

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

test('a full disk fails the step once, names the file and the free space, and loses nothing', { skip, timeout: 300_000 }, async (t) => {
  const runsDir = join(mountPoint, 'runs');
  // An earlier run's file, which must come through untouched.
  const earlier = join(runsDir, 'earlier-run', 'config.json');
  mkdirSync(join(runsDir, 'earlier-run'), { recursive: true });
  writeFileSync(earlier, '{"kept": true}\n');
  const earlierHash = sha(earlier);
  env = await startPipelineEnv({ runsDir });
  // Leave room for the questions and little else: the first debate shard cannot be written.
  const filler = join(mountPoint, 'filler');
  writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024 - 96 * 1024));

  const attempts = new Map<string, number>();
  const workers = await env.startWorkers({ beforeCompute: (_step, stepDir) => void attempts.set(stepDir, (attempts.get(stepDir) ?? 0) + 1) });
  try {
    const { runId } = await env.maft.startRun(ciTiny([['iterations: 2', 'iterations: 1']]), { runId: 'disk-full' });
    const out = await runCli(['--temporal', env.temporalFile, 'results', runId, '--wait'], 240_000);
    t.diagnostic(out.stdout.split('\n')[0]);
    assert.equal(out.status, 1, 'a failed run exits 1');
    assert.match(out.stdout, /^run disk-full: failed — .*no space left on the device for \/\S+: \d+(\.\d)? (B|KiB|MiB) to write, \d+(\.\d)? (B|KiB|MiB) free; free some space, then `maft resume` the run/m);
    assert.match(out.stderr, /^plot not written: no space left on the device for \S+accuracy\.svg/m);
    assert.doesNotMatch(out.stdout + out.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(Math.max(...attempts.values()) === 1, `no step is retried: ${JSON.stringify([...attempts])}`);
    assert.equal(sha(earlier), earlierHash);

    rmSync(filler);
    const resumed = await runCli(['--temporal', env.temporalFile, 'resume', runId, '--wait'], 240_000);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /run disk-full: completed/);
  } finally {
    await workers.shutdown();
  }
});
