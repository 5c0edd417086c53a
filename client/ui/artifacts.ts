// The run's Parquet files as the pages read them: validated against their schemas, missing ones
// as null (a running or older run), and cached while a file is unchanged (same size and mtime),
// so browsing a finished run reads each file once.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { debateSchema, readRows } from '../../data/artifacts';
import type { ArtifactSchema, DebateRow } from '../../data/artifacts';
import { DEBATE_FILE, inStep, shardDir } from '../../experiment/run-layout';

const MAX_CACHED = 256;

export class RunArtifacts {
  private readonly cache = new Map<string, { key: string; rows: unknown[] }>();

  constructor(readonly runsRoot: string) {}

  runDir(runId: string): string {
    return join(this.runsRoot, runId);
  }

  async rows<Row>(schema: ArtifactSchema<Row>, runId: string, relPath: string): Promise<Row[] | null> {
    const path = join(this.runDir(runId), relPath);
    const s = await stat(path).catch(() => null);
    if (!s?.isFile()) return null;
    const key = `${s.size}:${s.mtimeMs}`;
    const hit = this.cache.get(path);
    if (hit?.key === key) return hit.rows as Row[];
    const rows = await readRows(schema, path);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(path, { key, rows });
    return rows;
  }

  /** Every shard's debate.parquet of a debate step (shard-1.. as far as the step has entries), in order; null when none is written. */
  debate(runId: string, debateStepDir: string): Promise<DebateRow[] | null> {
    return this.shards(debateSchema, runId, debateStepDir, DEBATE_FILE);
  }

  /** `file` of every shard of a sharded step (shard-1.. as far as the step has entries), concatenated in order; null when none is written. */
  async shards<Row>(schema: ArtifactSchema<Row>, runId: string, shardedStepDir: string, file: string): Promise<Row[] | null> {
    const shards = (await this.subdirs(runId, shardedStepDir, 'shard-')).length;
    const parts = await Promise.all(Array.from({ length: shards }, (_, k) => this.rows(schema, runId, inStep(shardDir(shardedStepDir, k), file))));
    const written = parts.filter((p): p is Row[] => p !== null);
    return written.length > 0 ? written.flat() : null;
  }

  /** The names of a directory's subdirectories that start with `prefix`, in natural order (batch-2 before batch-10); none when it is missing. */
  async subdirs(runId: string, dir: string, prefix: string): Promise<string[]> {
    const entries = await readdir(join(this.runDir(runId), dir), { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory() && e.name.startsWith(prefix))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  }
}
