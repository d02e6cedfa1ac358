// writeFileAtomic: the new content replaces the old whole, no temp file is left behind,
// and concurrent writers of one path each land a complete version.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../engine/fs/atomic.js';
import { tempProject } from '../temp-project.js';

const folder = () => tempProject({}, 'noether-atomic-');

describe('writeFileAtomic', () => {
  it('replaces an existing file and leaves no temp file', async () => {
    const dir = folder();
    const path = join(dir, 'state.json');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('replaces the file the same way without the fsyncs (durable: false)', async () => {
    const dir = folder();
    const path = join(dir, 'trace.json');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, 'new', { durable: false });
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['trace.json']);
  });

  it('lets concurrent writers of one path each land a whole version', async () => {
    const dir = folder();
    const path = join(dir, 'state.json');
    const versions = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ version: i, pad: 'x'.repeat(10_000) }),
    );
    await Promise.all(versions.map((text) => writeFileAtomic(path, text)));
    expect(versions).toContain(readFileSync(path, 'utf8'));
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('fails without touching the target when the folder does not exist', async () => {
    const path = join(folder(), 'missing', 'state.json');
    await expect(writeFileAtomic(path, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
