// The side-effect journal of a sprint (CALORON §1–§2): `<sprint_id>.journal.jsonl` in the KV
// directory, one JSON line `{"key": …}` per side effect already performed. execute_actions
// skips a key it finds here and appends a key the moment its effect succeeded, so a tick
// that crashes, or fails half-way, never repeats what the forge or the shell already did
// (reference §12.4: the Python tick re-posted comments and re-merged on every retry).
//
// Durability: each append is one write of a whole line to a file opened for append, then
// fsync; the folder is fsynced when the file is created. A crash in the middle of a write
// can leave a torn last line: that effect was never acknowledged, so the line is cut off on
// the next open and the effect is retried. Any other unreadable line is corruption, reported
// with its line number, never skipped in silence (a skipped key is a repeated side effect).
//
// One writer at a time: the tick lock (load_tick_state) guarantees it.
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NoetherError } from '../../engine/errors.js';
import { syncFolder } from '../../engine/fs/atomic.js';
import { isJsonObject } from '../../engine/json/value.js';
import { sprintPath } from '../sprint/kv-store.js';

export class Journal {
  private constructor(
    readonly path: string,
    private readonly keys: Set<string>,
    private exists: boolean,
  ) {}

  /** Reads the sprint's journal (none yet: empty), cutting off a torn last line. */
  static async open(kvDir: string, sprintId: string): Promise<Journal> {
    const path = sprintPath(kvDir, sprintId, 'journal');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Journal(path, new Set(), false);
      throw new NoetherError(
        'NOE_FILE_READ',
        `cannot read the journal ${path}: ${(error as Error).message}`,
        {
          place: { file: path },
          cause: error,
        },
      );
    }
    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) await cutTornLine(path, Buffer.byteLength(text.slice(0, complete)));
    const keys = new Set<string>();
    text
      .slice(0, complete)
      .split('\n')
      .forEach((line, index) => {
        if (line !== '') keys.add(parseLine(path, line, index + 1));
      });
    return new Journal(path, keys, true);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Records that `key`'s effect happened; durable when the promise resolves. */
  async append(key: string): Promise<void> {
    if (this.keys.has(key)) return;
    try {
      if (!this.exists) await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const file = await open(this.path, 'a', 0o600);
      try {
        await file.write(`${JSON.stringify({ key })}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      if (!this.exists) await syncFolder(dirname(this.path));
    } catch (error) {
      throw new NoetherError(
        'NOE_FILE_WRITE',
        `cannot append to the journal ${this.path}: ${(error as Error).message}`,
        {
          place: { file: this.path },
          cause: error,
        },
      );
    }
    this.exists = true;
    this.keys.add(key);
  }
}

function parseLine(path: string, line: string, lineNumber: number): string {
  let value: unknown;
  try {
    value = JSON.parse(line) as unknown;
  } catch {
    value = undefined;
  }
  if (isJsonObject(value) && typeof value.key === 'string' && value.key !== '') return value.key;
  throw new NoetherError(
    'NOE_STATE_INVALID',
    `${path}:${lineNumber}: a journal line must be {"key": "<action key>"}, found ${JSON.stringify(line.slice(0, 80))}`,
    { place: { file: path, line: lineNumber } },
  );
}

async function cutTornLine(path: string, bytes: number): Promise<void> {
  try {
    await truncate(path, bytes);
  } catch (error) {
    throw new NoetherError(
      'NOE_FILE_WRITE',
      `cannot cut the torn last line of ${path}: ${(error as Error).message}`,
      {
        place: { file: path },
        cause: error,
      },
    );
  }
}
