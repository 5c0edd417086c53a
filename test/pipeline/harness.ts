// What the pipeline tests share: a real devserver on a free port, a temporal.yaml for it with a
// temporary runs directory, workers in this process or as a child process, and readers of the
// manifests that prove which steps were (not) recomputed.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import type { ActivityDeps } from '../../activities';
import { connectMaft } from '../../client/api';
import type { MaftClient } from '../../client/api';
import type { RunResults } from '../../client/report/results';
import { parseExperimentConfig } from '../../config/load-experiment';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import { CHECKPOINTS_DIR } from '../../experiment/run-layout';
import { MANIFEST_FILE } from '../../data/artifacts';
import { loadCheckpoint } from '../../lm/train/checkpoint';
import { loadTemporalConfig } from '../../config/temporal-config';
import type { LoadedTemporalConfig } from '../../config/temporal-config';
import { installQuietRuntime } from '../../temporal/quiet-runtime';
import { startLocalWorkers } from '../../worker/local-workers';
import type { RunningWorkers } from '../../worker/start-workers';
import { startDevServer } from '../../devserver';
import type { DevServer } from '../../devserver';



export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The steps' options in a test's temporal.yaml: a killed worker is noticed within 10 s, retries come fast. */
export const TEST_ACTIVITY_DEFAULTS = { heartbeatTimeout: '10s', retry: { initialInterval: '200ms', maximumInterval: '1s' } };

/** temporal.yaml for a test: its own runs directory and short heartbeat timeouts. */
export function writeTemporalYaml(dir: string, address: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, 'temporal.yaml');
  writeFileSync(
    file,
    stringify({
      server: { mode: 'address', address, dbPath: join(dir, 'temporal.db') },
      runsDir: join(dir, 'runs'),
      searchAttributes: true,
      activities: { default: TEST_ACTIVITY_DEFAULTS },
      ...extra,
    }),
  );
  return file;
}

/** A shipped config, optionally edited (every occurrence replaced), validated like the CLI does. */
export function shippedConfig(file: string, edits: [string, string][] = []): ExperimentConfig {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
    text = text.split(from).join(to);
  }
  return parseExperimentConfig(file, text);
}

/** configs/ci-tiny.yaml, optionally edited. */
export function ciTiny(edits: [string, string][] = []): ExperimentConfig {
  return shippedConfig('configs/ci-tiny.yaml', edits);
}

/**
 * `maft run --config FILE --json` as a user runs it: the embedded devserver on a free port and
 * in-process workers, in a fresh directory; the results and the run directory.
 */
export async function runConfigViaCli(configFile: string, runId: string): Promise<{ results: RunResults; runDir: string; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), `maft-${runId}-`));
  const temporalFile = join(dir, 'temporal.yaml');
  writeFileSync(
    temporalFile,
    stringify({ server: { mode: 'embedded', address: `127.0.0.1:${await freePort()}`, dbPath: join(dir, 'temporal.db') }, runsDir: join(dir, 'runs') }),
  );
  const started = Date.now();
  const out = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'client/bin.ts', '--temporal', temporalFile, 'run', '--config', configFile, '--run-id', runId, '--json'],
    { encoding: 'utf8', timeout: 280_000 },
  );
  const seconds = (Date.now() - started) / 1000;
  assert.equal(out.status, 0, `maft run failed after ${seconds}s:\n${out.stderr}`);
  return { results: JSON.parse(out.stdout) as RunResults, runDir: join(dir, 'runs', runId), seconds };
}

export interface PipelineEnv {
  dir: string;
  server: DevServer;
  temporalFile: string;
  temporal: LoadedTemporalConfig;
  maft: MaftClient;
  runDir(runId: string): string;
  startWorkers(deps?: Partial<ActivityDeps>): Promise<RunningWorkers>;
  close(): Promise<void>;
}

export async function startPipelineEnv(extra: Record<string, unknown> = {}): Promise<PipelineEnv> {
  installQuietRuntime();
  const dir = mkdtempSync(join(tmpdir(), 'maft-pipeline-'));
  const server = await startDevServer({ port: 0 });
  const temporalFile = writeTemporalYaml(dir, server.address, extra);
  const temporal = loadTemporalConfig(temporalFile);
  const maft = await connectMaft({ temporal });
  return {
    dir,
    server,
    temporalFile,
    temporal,
    maft,
    runDir: (runId) => join(temporal.runsRoot, runId),
    startWorkers: (deps = {}) => startLocalWorkers(temporal, server.address, { deps }),
    async close() {
      await maft.close();
      await server.close();
    },
  };
}

/** `npm run worker` as a child process (so that it can be killed like a crashed machine). */
export function spawnWorker(temporalFile: string): ChildProcess {
  // Its errors show in the test output; its progress lines are not needed.
  return spawn(process.execPath, ['--import', 'tsx', 'worker.ts', '--temporal', temporalFile], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Runs the maft CLI as a child process without blocking this one (which may host the server). */
export function runCli(args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'client/bin.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

/** Every file under a directory, as paths relative to it, sorted; none when it does not exist. */
function filesUnder(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(root, path));
    }
  };
  if (existsSync(root)) walk(root);
  return files.sort();
}

/** completedAt of every step manifest under a run directory, by step directory. */
export function manifestTimes(runDir: string): Map<string, string> {
  const times = new Map<string, string>();
  for (const file of filesUnder(runDir)) {
    if (basename(file) !== MANIFEST_FILE) continue;
    times.set(relative(runDir, join(runDir, dirname(file))), (JSON.parse(readFileSync(join(runDir, file), 'utf8')) as { completedAt: string }).completedAt);
  }
  return times;
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits until a training step (finetune or policy update) under `iterationDir` whose directory
 * starts with `prefix` has a checkpoint of at least `minStep` optimizer steps but no manifest: it
 * can resume from there and has not finished, which is where a crash tests resuming. The step is
 * read from the checkpoint because an attempt cancelled by a heartbeat timeout also leaves one,
 * at whatever step it stopped. Polled quickly: the window until the step's end can be a few
 * optimizer steps. Returns the step directory's name.
 */
export function waitForCheckpointedStep(iterationDir: string, prefix: string, minStep: number, timeoutMs: number): Promise<string> {
  return waitFor(`a ${prefix}* step under ${iterationDir} with a checkpoint at step ${minStep} or later`, timeoutMs, async () => {
    const steps = existsSync(iterationDir) ? readdirSync(iterationDir).filter((d) => d.startsWith(prefix)).sort() : [];
    for (const d of steps) {
      if (existsSync(join(iterationDir, d, MANIFEST_FILE))) continue;
      const checkpoint = await loadCheckpoint(join(iterationDir, d, CHECKPOINTS_DIR));
      if (checkpoint && checkpoint.step >= minStep) return d;
    }
    return undefined;
  }, 20);
}

/** SIGKILL, as a machine that dies: no shutdown hook runs, the server learns of it only from missed heartbeats. */
export async function killWorker(worker: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGKILL');
  await exited;
}

/** sha256 of every file under a run directory, by relative path (to compare two runs' artifacts byte for byte). */
export function fileHashes(runDir: string): Map<string, string> {
  return new Map(filesUnder(runDir).map((file) => [file, createHash('sha256').update(readFileSync(join(runDir, file))).digest('hex')]));
}
