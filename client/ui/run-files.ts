// /files/<runId>/...: a path from a URL resolved inside the runs directory, or refused. Every
// segment is decoded on its own and must be a plain name (no "..", ".", separators or NUL, so an
// encoded "..%2f" cannot climb either), and the real path (symbolic links followed) must still
// lie under the runs directory.
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

export interface FoundFile {
  kind: 'file' | 'dir';
  /** The real path on disk. */
  path: string;
  /** The decoded segments after /files/: the run id, then the path inside the run directory. */
  segments: string[];
  size: number;
  mtime: Date;
}

export type RunFile =
  | FoundFile
  | { kind: 'refused'; reason: string }
  | { kind: 'missing' };

/** `urlPath` is the raw (still percent-encoded) part of the URL after /files/. */
export async function resolveRunFile(runsRoot: string, urlPath: string): Promise<RunFile> {
  const raw = urlPath.split('/');
  if (raw[raw.length - 1] === '') raw.pop();
  const segments: string[] = [];
  for (const part of raw) {
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      return { kind: 'refused', reason: `malformed path segment "${part}"` };
    }
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) return { kind: 'refused', reason: `path segment "${name}" is not a plain name` };
    segments.push(name);
  }
  if (segments.length === 0) return { kind: 'refused', reason: 'no run named' };
  let root: string;
  let path: string;
  try {
    root = await realpath(runsRoot);
    path = await realpath(join(runsRoot, ...segments));
  } catch {
    return { kind: 'missing' };
  }
  if (!path.startsWith(root + sep)) return { kind: 'refused', reason: 'outside the runs directory' };
  const s = await stat(path);
  if (!s.isFile() && !s.isDirectory()) return { kind: 'refused', reason: 'not a file or directory' };
  return { kind: s.isDirectory() ? 'dir' : 'file', path, segments, size: s.size, mtime: s.mtime };
}

const contentTypes: Record<string, string> = {
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  txt: 'text/plain; charset=utf-8',
  md: 'text/plain; charset=utf-8',
  yaml: 'text/plain; charset=utf-8',
  tsv: 'text/plain; charset=utf-8',
  jsonl: 'text/plain; charset=utf-8',
};

export function contentTypeOf(name: string): string {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return contentTypes[ext] ?? 'application/octet-stream';
}
