// Outputs appear whole or not at all: written beside the target under a temporary name, flushed,
// then renamed over it (rename is atomic within a file system). A crash or a retried activity
// leaves at most a stray temp entry, never a half-written file a retry would trust. Every writer
// of the project (Parquet artifacts, manifests, adapters, checkpoints, model files) goes through here.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { diskFull, isNoSpace } from './disk-full-error';

function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array | Uint8Array[]): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Array.isArray(data) ? Buffer.concat(data) : data;
  const temp = tempSibling(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw isNoSpace(err) ? await diskFull(path, bytes.length) : err;
  }
}

/**
 * Fills a fresh temporary directory with `fill`, then swaps it in for `dir` (replacing an
 * earlier result, which keeps retried activities idempotent).
 */
export async function writeDirAtomic(dir: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const temp = tempSibling(dir);
  const old = tempSibling(dir);
  await mkdir(temp);
  let movedAside = false;
  try {
    await fill(temp);
    try {
      await rename(dir, old);
      movedAside = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await rename(temp, dir);
  } catch (err) {
    if (movedAside) await rename(old, dir); // put the previous result back
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  await rm(old, { recursive: true, force: true });
}
