// A step's manifest records what it was computed from (the input hash) and what it produced
// (path, rows, content hash of each output). It is written last and atomically, so its presence
// means the step finished; a step whose manifest matches its inputs and whose outputs still match
// their hashes is not recomputed (resume, activity retries).
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write';
import { sha256File } from './hash';

export const MANIFEST_FILE = 'manifest.json';

export interface ManifestOutput {
  /** Relative to the step directory. */
  path: string;
  /** Rows of a table output; null for other files (adapters, configs). */
  rows: number | null;
  bytes: number;
  sha256: string;
}

export interface StepManifest {
  version: 1;
  step: string;
  inputHash: string;
  outputs: ManifestOutput[];
  /** Small JSON summary the step returns (counts, accuracy), so a skipped step can return it again. */
  summary: unknown;
  completedAt: string;
}

/** An output as a writer reports it: an absolute or working-directory path inside the step directory. */
export interface OutputFile {
  path: string;
  rows?: number | null;
  bytes?: number;
  sha256?: string;
}

export type StepCheck = { complete: true; manifest: StepManifest } | { complete: false; reason: string };

function insideStep(stepDir: string, path: string): string {
  const rel = relative(resolve(stepDir), resolve(path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`output ${path} is not inside the step directory ${stepDir}`);
  }
  return rel.split('\\').join('/');
}

/** Hashes (where the writer did not) and records `outputs`, then writes the manifest atomically. */
export async function writeManifest(
  stepDir: string,
  step: { step: string; inputHash: string; outputs: readonly OutputFile[]; summary?: unknown },
): Promise<StepManifest> {
  const outputs: ManifestOutput[] = [];
  for (const out of step.outputs) {
    const path = insideStep(stepDir, out.path);
    const sha256 = out.sha256 ?? (await sha256File(out.path));
    const bytes = out.bytes ?? (await stat(out.path)).size;
    outputs.push({ path, rows: out.rows ?? null, bytes, sha256 });
  }
  const manifest: StepManifest = {
    version: 1,
    step: step.step,
    inputHash: step.inputHash,
    outputs,
    summary: step.summary ?? null,
    completedAt: new Date().toISOString(),
  };
  await writeFileAtomic(join(stepDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The step's manifest, or null when the step has none (never finished). */
export async function readManifest(stepDir: string): Promise<StepManifest | null> {
  const file = join(stepDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const m = JSON.parse(text) as Partial<StepManifest>;
  if (m.version !== 1 || typeof m.inputHash !== 'string' || !Array.isArray(m.outputs)) {
    throw new Error(`${file}: not a version 1 step manifest`);
  }
  return m as StepManifest;
}

/** Whether the step finished with these inputs and its outputs are intact; says why not. */
export async function checkStep(stepDir: string, inputHash: string): Promise<StepCheck> {
  const manifest = await readManifest(stepDir);
  if (!manifest) return { complete: false, reason: 'no manifest' };
  if (manifest.inputHash !== inputHash) return { complete: false, reason: 'inputs changed' };
  for (const out of manifest.outputs) {
    const file = join(stepDir, out.path);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return { complete: false, reason: `output ${out.path} is missing` };
    }
    if (size !== out.bytes || (await sha256File(file)) !== out.sha256) {
      return { complete: false, reason: `output ${out.path} does not match its hash` };
    }
  }
  return { complete: true, manifest };
}

export async function isStepComplete(stepDir: string, inputHash: string): Promise<boolean> {
  return (await checkStep(stepDir, inputHash)).complete;
}
