// What the OS says about a process, so the shell can tell its agent from a stranger that
// got the same pid later (reference §7.5), and stop a whole process group and know it is gone;
// and so the sprint's tick lock can tell a live holder from a dead one, and the sweep of the
// KV directory a live writer's temp file from a dead one's. Here, not in shell/, because
// stages use it too and stages import nothing above engine/.
//
// Must never: signal a pid whose start time no longer matches the one recorded (the pid was
// reused), or call a group gone while a live (non-zombie) member remains.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { signalGroup } from './process-group.js';

interface StatFacts {
  state: string;
  pgrp: number;
  start: string;
}

/** /proc/<pid>/stat read after the last ")" (a comm may hold spaces and parentheses). */
function procStat(pid: number): StatFacts | undefined | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT with a /proc mounted: the process is gone; no /proc at all: null, ask ps.
    return code === 'ENOENT' && hasProc() ? undefined : null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is stat field 3 (state), so field N is fields[N - 3].
  const state = fields[0];
  const pgrp = Number(fields[2]);
  const start = fields[19];
  if (state === undefined || start === undefined || !Number.isInteger(pgrp)) return undefined;
  return { state, pgrp, start };
}

let procMounted: boolean | undefined;
function hasProc(): boolean {
  if (procMounted === undefined) {
    try {
      readFileSync('/proc/self/stat');
      procMounted = true;
    } catch {
      procMounted = false;
    }
  }
  return procMounted;
}

/**
 * The process's start time as the OS reports it: /proc/<pid>/stat field 22 (clock ticks
 * since boot), or `ps -o lstart` where there is no /proc. undefined: no such process.
 */
export function processStart(pid: number): string | undefined {
  const stat = procStat(pid);
  if (stat === undefined) return undefined;
  if (stat !== null) return stat.state === 'Z' ? undefined : stat.start;
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return out === '' ? undefined : out;
  } catch {
    return undefined;
  }
}

/** The recorded process is still the one running: same pid, same start time, not a zombie. */
export function isAlive(pid: number | null, start: string | null): boolean {
  if (pid === null || start === null) return false;
  return processStart(pid) === start;
}

/** Some member of process group `pgid` is alive (zombies waiting to be reaped do not count). */
function groupAlive(pgid: number): boolean {
  if (hasProc()) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = procStat(Number(entry));
      if (stat && stat.pgrp === pgid && stat.state !== 'Z') return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the process group led by `pid` (the agent was started detached, so its pid is the
 * group id): SIGTERM, then SIGKILL after `graceMs`, and waits until no member is left. Does
 * nothing when the leader's start time says the pid now belongs to someone else.
 */
export async function stopGroup(pid: number, start: string | null, graceMs: number): Promise<void> {
  const current = processStart(pid);
  if (current !== undefined && current !== start) return; // reused pid: not ours to signal
  if (!groupAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  if (await waitGone(pid, graceMs)) return;
  signalGroup(pid, 'SIGKILL');
  await waitGone(pid, 5_000);
}

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= until) return false;
    await sleep(25);
  }
  return true;
}
