// Per-job lock files, so that two scheduler processes on one machine never run the same
// job at once (ENGINE §7). A lock is `<folder>/<job>.lock`, created with O_EXCL (the
// file system decides the race) and holding {pid, hostname, started_at, token}. It is
// stale when its process is gone: same hostname and a pid that no longer exists, or
// our own pid with a token we never issued (a restarted container often reuses pid 1).
// A lock from another host is never broken: this is a one-machine lock, not a cluster.
//
// Breaking a stale lock is itself raced (two processes may both see it stale, and the
// slower one must not delete the lock the faster one just took), so it happens under a
// short-lived `<job>.lock.break` file, also O_EXCL, after re-reading the lock. All of it
// is synchronous: no other fire of this process can interleave with it.
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { NoetherError } from '../errors.js';
import { fileErrorReason } from '../json/text.js';
import { processStart } from '../run/process-facts.js';

/** Where the locks of a project live, under its root (the scheduler config's folder). */
export const LOCKS_FOLDER = join('.noether', 'locks');

/** A lock file still empty after this long was left by a process that died while creating it. */
const UNWRITTEN_GRACE_MS = 5_000;

export interface LockHolder {
  pid: number;
  hostname: string;
  started_at: string;
  token: string;
}

export type LockAttempt =
  { acquired: true; release(): void } | { acquired: false; holder: LockHolder | undefined };

interface Seen {
  text: string;
  holder: LockHolder | undefined;
  ageMs: number;
}

/** The tokens of the locks this process holds, whichever JobLocks took them. */
const issued = new Set<string>();

export class JobLocks {
  private readonly host = hostname();

  constructor(readonly folder: string) {
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      throw new NoetherError(
        'NOE_FILE_READ',
        `cannot create the lock folder ${folder}: ${fileErrorReason(error, folder)}`,
        { place: { file: folder }, cause: error },
      );
    }
  }

  /** Takes the job's lock, or says who holds it. Never waits. */
  tryAcquire(job: string): LockAttempt {
    const file = join(this.folder, `${job}.lock`);
    // Twice at most: once more after removing a stale lock or seeing the lock vanish.
    for (let round = 0; round < 2; round++) {
      const mine = this.create(file);
      if (mine !== undefined) return { acquired: true, release: () => this.release(file, mine) };
      const seen = read(file);
      if (seen === undefined) continue;
      if (!this.isStale(seen) || !breakStale(file, seen)) return { acquired: false, holder: seen.holder };
    }
    return { acquired: false, holder: read(file)?.holder };
  }

  private create(file: string): string | undefined {
    const token = randomUUID();
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw new NoetherError(
        'NOE_FILE_READ',
        `cannot create the lock ${file}: ${fileErrorReason(error, file)}`,
        {
          place: { file },
          cause: error,
        },
      );
    }
    try {
      const holder: LockHolder = {
        pid: process.pid,
        hostname: this.host,
        started_at: new Date().toISOString(),
        token,
      };
      writeSync(fd, JSON.stringify(holder));
    } finally {
      closeSync(fd);
    }
    issued.add(token);
    return token;
  }

  private release(file: string, token: string): void {
    issued.delete(token);
    try {
      // Only our own lock: had it been broken and retaken, the file now belongs to another.
      if (read(file)?.holder?.token === token) unlinkQuietly(file);
    } catch {
      // A lock that cannot be removed now is stale from here on (our pid, a token no
      // longer issued), so the next fire of this process or another breaks it.
    }
  }

  private isStale({ holder, ageMs }: Seen): boolean {
    if (holder === undefined) return ageMs > UNWRITTEN_GRACE_MS;
    if (holder.hostname !== this.host) return false;
    if (holder.pid === process.pid) return !issued.has(holder.token);
    return processStart(holder.pid) === undefined;
  }
}

/** Removes a stale lock unless it changed since it was seen; true when the lock is gone. */
function breakStale(file: string, seen: Seen): boolean {
  const breaker = `${file}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx');
  } catch {
    // Another process is breaking it, or died doing so (then its breaker goes stale too).
    const age = ageOf(breaker);
    if (age !== undefined && age > UNWRITTEN_GRACE_MS) unlinkQuietly(breaker);
    return false;
  }
  closeSync(fd);
  try {
    const now = read(file);
    if (now === undefined) return true;
    if (now.text !== seen.text) return false;
    unlinkQuietly(file);
    return true;
  } finally {
    unlinkQuietly(breaker);
  }
}

function read(file: string): Seen | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return { text, holder: parseHolder(text), ageMs: ageOf(file) ?? 0 };
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    const { pid, hostname: host, started_at, token } = value;
    if (
      typeof pid === 'number' &&
      typeof host === 'string' &&
      typeof started_at === 'string' &&
      typeof token === 'string'
    )
      return { pid, hostname: host, started_at, token };
  } catch {
    // still being written, or not ours: the caller judges it by age
  }
  return undefined;
}

function ageOf(file: string): number | undefined {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat === undefined ? undefined : Date.now() - stat.mtimeMs;
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
