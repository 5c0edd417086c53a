// Idempotent steps. A step is keyed by the hash of its inputs (configuration that matters to it,
// plus the content of the files it reads); when its manifest matches and its outputs are intact,
// its recorded summary is returned without recomputing — that is how retries and `maft resume`
// continue where a run stopped.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { checkStep, inputHash, sha256File, writeManifest } from '../data/artifacts';
import type { OutputFile } from '../data/artifacts';
import type { PipelineStep } from '../experiment/pipeline-steps';
import type { ActivityDeps } from './deps';

export interface StepWork<S> {
  step: PipelineStep;
  runId: string;
  /** Relative to the run directory. */
  stepDir: string;
  /** Everything the outputs depend on, except files. */
  inputs: unknown;
  /** Files and directories (relative to the run directory) whose content the outputs depend on. */
  inputPaths: string[];
  compute(dir: string): Promise<{ outputs: OutputFile[]; summary: S }>;
}

export function runDirOf(deps: ActivityDeps, runId: string): string {
  return join(deps.runsRoot, runId);
}

export async function cachedStep<S>(deps: ActivityDeps, work: StepWork<S>): Promise<S> {
  const runDir = runDirOf(deps, work.runId);
  const dir = join(runDir, work.stepDir);
  const files = await Promise.all(work.inputPaths.map(async (p) => [p, await contentHash(join(runDir, p))] as const));
  const hash = inputHash({ step: work.step, inputs: work.inputs, files });
  const check = await checkStep(dir, hash);
  if (check.complete) {
    deps.log?.info(`${work.stepDir}: complete, reusing its outputs`, { step: work.step });
    return check.manifest.summary as S;
  }
  await deps.beforeCompute?.(work.step, work.stepDir);
  await mkdir(dir, { recursive: true });
  const { outputs, summary } = await work.compute(dir);
  await writeManifest(dir, { step: work.step, inputHash: hash, outputs, summary });
  return summary;
}

/** sha256 of a file, or of a directory's files (names and hashes, sorted). */
async function contentHash(path: string): Promise<string> {
  if (!(await stat(path)).isDirectory()) return sha256File(path);
  const files = await listFiles(path);
  const parts = await Promise.all(files.map(async (f) => `${relative(path, f)}:${await sha256File(f)}`));
  return inputHash(parts.sort());
}

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat().sort();
}
