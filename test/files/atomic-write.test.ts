import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeDirAtomic, writeFileAtomic } from '../../files/atomic-write';

let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), 'maft-atomic-'))));
after(async () => rm(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('replaces a directory whole, and keeps the old one when filling fails', async () => {
    const target = join(dir, 'out');
    await writeDirAtomic(target, (temp) => writeFile(join(temp, 'a.txt'), 'first'));
    await writeDirAtomic(target, (temp) => writeFile(join(temp, 'b.txt'), 'second'));
    assert.deepEqual(await readdir(target), ['b.txt']);
    await assert.rejects(
      writeDirAtomic(target, async (temp) => {
        await writeFile(join(temp, 'c.txt'), 'partial');
        throw new Error('disk full');
      }),
      /disk full/,
    );
    assert.deepEqual(await readdir(target), ['b.txt']);
    assert.deepEqual(await readdir(dir), ['out'], 'no temporary entries are left behind');
  });

  it('writes files through a temporary sibling', async () => {
    const path = join(dir, 'nested', 'f.json');
    await writeFileAtomic(path, '{"a":1}');
    await writeFileAtomic(path, [Buffer.from('{"a":'), Buffer.from('2}')]);
    assert.equal(await readFile(path, 'utf8'), '{"a":2}');
    assert.deepEqual(await readdir(join(dir, 'nested')), ['f.json']);
  });
});
