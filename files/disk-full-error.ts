// A write that the file system refused for lack of space (ENOSPC, or EDQUOT for a quota). Retrying
// cannot help until someone frees space, so the step fails at once (its name is in
// experiment/error-names.ts) naming the file, what it needed and what is free; `maft resume`
// continues the run afterwards, reusing every finished step.
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

export class DiskFullError extends Error {
  override name = 'DiskFullError';

  constructor(
    readonly file: string,
    readonly bytes: number,
    readonly freeBytes: number | null,
  ) {
    super(`no space left on the device for ${file}: ${formatBytes(bytes)} to write, ${freeBytes === null ? 'free space unknown' : `${formatBytes(freeBytes)} free`}; free some space, then \`maft resume\` the run`);
  }
}

export function isNoSpace(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** The DiskFullError for a failed write of `bytes` to `file`, with the free space of its file system. */
export async function diskFull(file: string, bytes: number): Promise<DiskFullError> {
  const free = await statfs(dirname(file)).then(
    (s) => s.bavail * s.bsize,
    () => null,
  );
  return new DiskFullError(file, bytes, free);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
