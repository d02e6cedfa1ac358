// The tick lock (CALORON §1): one tick per sprint at a time, across processes on one host and
// across hosts sharing the KV directory. `<sprint_id>.lock` holds a TickLock record; `owner`
// is a fresh random id per acquisition, so it names one generation of the lock.
//
// Creation is exclusive: the record is written whole to a unique temp file, then link(2)ed to
// the lock path, which fails with EEXIST exactly like open(O_CREAT|O_EXCL) but never shows a
// reader a half-written lock.
//
// Taking over a stale lock (dead pid on this host, or past expires_at) must let only one of
// several racers win. Removing the lock path is therefore itself guarded: whoever removes
// generation G (a taker-over, or the owner releasing) first creates `<lock>.<G>.claim`
// exclusively, re-reads the lock, and unlinks it only if it still holds G. Two racers for G
// cannot both hold the claim, and a racer that arrives after G is gone finds another
// generation and leaves it alone. A claim is itself a short-lived lock of the same kind, so a
// process killed while holding one is taken over the same way, one level down.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { basename } from 'node:path';
import { isAlive, processStart } from '../../engine/run/process-facts.js';
import { validateValue } from '../../engine/schema/index.js';
import type { TickLock } from '../../schemas/generated/types.js';
import { domainSchema } from '../../schemas/index.js';

/** How long a tick may hold its sprint before another tick may take the lock over. */
export const TICK_LOCK_TTL_MS = 15 * 60_000;
/** Claims are held for the few system calls of a takeover or a release. */
const CLAIM_TTL_MS = 30_000;
/** A lock path that keeps changing under us is someone else's: give up as busy after this. */
const ATTEMPTS = 4;
/** The random part of createExclusive's temp file names. */
const TEMP_RANDOM_BYTES = 4;
/** A generation's name: a lock record's owner, or an unreadable lock's inode (generationName). */
const GENERATION = '(?:[0-9a-f]{32}|corrupt-\\d{1,20})';
/**
 * What follows `<lock>.` in the names this protocol makes: through any number of claims on
 * claims (`<G>.claim.`), a temp of createExclusive (`<owner>.<8 hex>.tmp`) or a claim.
 */
const LEFTOVER = new RegExp(
  `^(?:${GENERATION}\\.claim\\.)*(?:[0-9a-f]{32}\\.[0-9a-f]{${TEMP_RANDOM_BYTES * 2}}\\.tmp|${GENERATION}\\.claim)$`,
);

export type LockOutcome =
  { acquired: true; lock: TickLock } | { acquired: false; holder: TickLock | undefined };

/** What a lock path holds: a checked record, a file we cannot read as one, or nothing. */
type Found =
  | { kind: 'record'; record: TickLock }
  | { kind: 'corrupt'; ino: number; mtimeMs: number }
  | { kind: 'missing' };

/** Takes the lock at `path` for `ttlMs` from `now`, or reports who holds it. */
export async function acquireLock(path: string, now: Date, ttlMs = TICK_LOCK_TTL_MS): Promise<LockOutcome> {
  const lock: TickLock = {
    owner: randomBytes(16).toString('hex'),
    pid: process.pid,
    process_start: processStart(process.pid) ?? null,
    hostname: osHostname(),
    acquired_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ttlMs).toISOString(),
  };
  let holder: TickLock | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(path, lock)) return { acquired: true, lock };
    const found = await readLock(path);
    if (found.kind === 'missing') continue;
    holder = found.kind === 'record' ? found.record : undefined;
    if (!isStale(found, now)) return { acquired: false, holder };
    if ((await removeGeneration(path, found, now)) === 'claimed elsewhere')
      return { acquired: false, holder };
  }
  return { acquired: false, holder };
}

/**
 * Releases the lock if it still holds `lock`'s generation (a tick that overran its expiry may
 * have been taken over: that newer lock is not ours to remove). True when it removed it.
 */
export async function releaseLock(path: string, lock: TickLock): Promise<boolean> {
  return (await removeGeneration(path, { kind: 'record', record: lock }, new Date())) === 'removed';
}

/** Live holders keep their lock; a dead pid can only be judged on the host that owns it. */
function isStale(found: Exclude<Found, { kind: 'missing' }>, now: Date): boolean {
  if (found.kind === 'corrupt') return found.mtimeMs + CLAIM_TTL_MS <= now.getTime();
  const { record } = found;
  if (Date.parse(record.expires_at) <= now.getTime()) return true;
  if (record.hostname !== osHostname()) return false;
  // Alive, and the same process that wrote the lock when it could record its start time.
  const alive =
    record.process_start === null
      ? processStart(record.pid) !== undefined
      : isAlive(record.pid, record.process_start);
  return !alive;
}

/**
 * Whether `name`, a file beside the lock at `path`, is a leftover of a process killed in the
 * middle of this lock's protocol, to be removed while `current` holds the lock, by its age:
 * undefined when `name` is none of this lock's files. Leftovers are the temp files of
 * createExclusive and the claims (at any depth: a claim on a claim, its temp) of a generation
 * other than `current`'s, once older than a claim may live. Those are past any use: a temp
 * lives for the few system calls before its link and unlink; a claim on a gone generation
 * guards nothing (its holder would find the lock no longer holds that generation and back
 * off), and one past the claim TTL is anyone's to take over anyway. Files of `current`'s
 * generation guard the removal of the lock itself: never leftovers.
 */
export function judgeLockLeftover(
  path: string,
  name: string,
  current: TickLock,
): ((ageMs: number) => boolean) | undefined {
  const prefix = `${basename(path)}.`;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  if (!LEFTOVER.test(rest)) return undefined;
  // A file belongs to the generation it names first (removeGeneration's claim, and so on down).
  const generation = rest.slice(0, rest.indexOf('.'));
  return (ageMs) => generation !== current.owner && ageMs >= CLAIM_TTL_MS;
}

/**
 * Unlinks `path` if it still holds generation `found`, under that generation's claim:
 * 'removed', or 'not there' (that generation is already gone), or 'claimed elsewhere' when
 * another process holds the claim (it is taking over or releasing that generation).
 */
async function removeGeneration(
  path: string,
  found: Exclude<Found, { kind: 'missing' }>,
  now: Date,
): Promise<'removed' | 'not there' | 'claimed elsewhere'> {
  const claimPath = `${path}.${generationName(found)}.claim`;
  const claim = await acquireLock(claimPath, now, CLAIM_TTL_MS);
  if (!claim.acquired) return 'claimed elsewhere';
  try {
    if (!sameGeneration(await readLock(path), found)) return 'not there';
    await unlinkIfPresent(path);
    return 'removed';
  } finally {
    // Held for microseconds, far below its TTL: nobody can have taken it over, so a plain
    // unlink is ours to do (guarding it with a claim of its own would never end).
    await unlinkIfPresent(claimPath);
  }
}

function generationName(found: Exclude<Found, { kind: 'missing' }>): string {
  // owner is checked against ^[0-9a-f]{32}$ by the schema, so it is safe in a file name.
  return found.kind === 'record' ? found.record.owner : `corrupt-${found.ino}`;
}

function sameGeneration(current: Found, expected: Exclude<Found, { kind: 'missing' }>): boolean {
  if (current.kind === 'record' && expected.kind === 'record')
    return current.record.owner === expected.record.owner;
  if (current.kind === 'corrupt' && expected.kind === 'corrupt') return current.ino === expected.ino;
  return false;
}

/** Creates `path` holding `lock`, only if nothing is there. */
async function createExclusive(path: string, lock: TickLock): Promise<boolean> {
  const temp = `${path}.${lock.owner}.${randomBytes(TEMP_RANDOM_BYTES).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', 0o644);
  try {
    await file.writeFile(JSON.stringify(lock));
  } finally {
    await file.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlinkIfPresent(temp);
  }
}

async function readLock(path: string): Promise<Found> {
  let text: string;
  let info;
  try {
    // stat before read: if the file is replaced in between, we judge the older generation by
    // the newer content's inode at worst, and sameGeneration then finds no match.
    info = await stat(path);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value !== undefined && validateValue(domainSchema('tick-lock'), value).length === 0)
    return { kind: 'record', record: value as TickLock };
  return { kind: 'corrupt', ino: info.ino, mtimeMs: info.mtimeMs };
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
