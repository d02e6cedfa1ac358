// Atomic, durable file replacement (CALORON §1): a unique temp file beside the target,
// written and fsynced, renamed over the target, then the folder fsynced so the rename
// itself survives a crash. A reader, or a process killed at any instant, sees the old
// content or the new one, never a mix; concurrent writers never share a temp file.
// Files that are only a record or a cache (traces, cache entries) skip the fsyncs
// (`durable: false`): losing one in a power cut costs nothing, and they are written often.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The random part of a temp file's name, so concurrent writers in one process never share one. */
const RANDOM_BYTES = 6;
const TEMP_TAIL = new RegExp(`^([1-9]\\d{0,9})\\.[0-9a-f]{${RANDOM_BYTES * 2}}\\.tmp$`);

export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  { durable = true }: { durable?: boolean } = {},
): Promise<void> {
  const temp = join(
    dirname(path),
    `${tempPrefix(path)}${process.pid}.${randomBytes(RANDOM_BYTES).toString('hex')}.tmp`,
  );
  try {
    const file = await open(temp, 'wx', 0o644);
    try {
      await file.writeFile(data);
      if (durable) await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (durable) await syncFolder(dirname(path));
}

/**
 * The pid of the process that wrote `name`, when `name` is the name of one of the temp files
 * writeFileAtomic makes beside `path` (a killed writer leaves it behind); undefined for any
 * other name. Lets a sweeper that knows who may still be writing remove dead writers' temps.
 */
export function atomicTempWriter(path: string, name: string): number | undefined {
  const prefix = tempPrefix(path);
  if (!name.startsWith(prefix)) return undefined;
  const match = TEMP_TAIL.exec(name.slice(prefix.length));
  return match === null ? undefined : Number(match[1]);
}

/** Hidden, and named after the target, so a listing shows whose temp it is. */
function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/** fsync of a folder: makes a rename in it durable. Some file systems refuse; that is not an error. */
export async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EINVAL/EPERM where directories cannot be fsynced: the rename is all we can do.
  } finally {
    await handle?.close();
  }
}
