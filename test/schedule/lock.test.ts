import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobLocks, type LockHolder } from '../../engine/schedule/index.js';
import { tempProject } from '../temp-project.js';

const lockFile = (locks: JobLocks, job: string) => join(locks.folder, `${job}.lock`);
const holderOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as LockHolder;

function writeHolder(file: string, holder: Partial<LockHolder>): void {
  const full = { hostname: hostname(), started_at: new Date().toISOString(), token: 'theirs', ...holder };
  writeFileSync(file, JSON.stringify(full));
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid;
}

// A live process that is not this one, for the lifetime of the test file.
const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
afterAll(() => void sleeper.kill());

describe('JobLocks', () => {
  it('takes a free lock, writing pid, hostname and start, and removes it on release', () => {
    const locks = new JobLocks(join(tempProject(), '.noether/locks'));
    const attempt = locks.tryAcquire('nightly');
    expect(attempt.acquired).toBe(true);
    const file = lockFile(locks, 'nightly');
    expect(holderOf(file)).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Date.parse(holderOf(file).started_at)).not.toBeNaN();
    if (attempt.acquired) attempt.release();
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a lock this process holds, even through another JobLocks on the same folder', () => {
    const folder = join(tempProject(), 'locks');
    const first = new JobLocks(folder).tryAcquire('job');
    const second = new JobLocks(folder).tryAcquire('job');
    expect(first.acquired).toBe(true);
    expect(second).toMatchObject({ acquired: false, holder: { pid: process.pid } });
  });

  it('refuses a lock held by a live process, saying who holds it', () => {
    const locks = new JobLocks(tempProject());
    writeHolder(lockFile(locks, 'job'), { pid: sleeper.pid! });
    expect(locks.tryAcquire('job')).toMatchObject({ acquired: false, holder: { pid: sleeper.pid } });
  });

  it('breaks the lock of a dead process and takes it', () => {
    const locks = new JobLocks(tempProject());
    const file = lockFile(locks, 'job');
    writeHolder(file, { pid: deadPid() });
    expect(locks.tryAcquire('job').acquired).toBe(true);
    expect(holderOf(file).pid).toBe(process.pid);
  });

  it('breaks a lock with our own pid that this process never took (a restarted process)', () => {
    const locks = new JobLocks(tempProject());
    writeHolder(lockFile(locks, 'job'), { pid: process.pid, token: 'from-a-previous-life' });
    expect(locks.tryAcquire('job').acquired).toBe(true);
  });

  it('never breaks a lock taken on another host', () => {
    const locks = new JobLocks(tempProject());
    writeHolder(lockFile(locks, 'job'), { pid: deadPid(), hostname: `${hostname()}-elsewhere` });
    expect(locks.tryAcquire('job').acquired).toBe(false);
  });

  it('treats an empty lock as being written, until it is old enough to be abandoned', () => {
    const locks = new JobLocks(tempProject());
    const file = lockFile(locks, 'job');
    writeFileSync(file, '');
    expect(locks.tryAcquire('job')).toEqual({ acquired: false, holder: undefined });
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    expect(locks.tryAcquire('job').acquired).toBe(true);
  });

  it('does not remove, on release, a lock that another process took over meanwhile', () => {
    const locks = new JobLocks(tempProject());
    const attempt = locks.tryAcquire('job');
    const file = lockFile(locks, 'job');
    writeHolder(file, { pid: sleeper.pid! });
    if (attempt.acquired) attempt.release();
    expect(holderOf(file).pid).toBe(sleeper.pid);
  });

  it('keeps jobs apart: one job held does not block another', () => {
    const locks = new JobLocks(tempProject());
    expect(locks.tryAcquire('a').acquired).toBe(true);
    expect(locks.tryAcquire('b').acquired).toBe(true);
  });
});
