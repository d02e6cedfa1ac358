// The tick lock across real processes (CALORON §1: one tick per sprint at a time).
// - Two processes tick one sprint in a loop (load → hold → run-end release): the intervals
//   in which each held the lock never overlap, and both made progress.
// - Several processes race to take over one stale lock: exactly one wins.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTickState } from '../../../stages/sprint/kv-store.js';
import { buildChild } from '../../fixtures/kv/bundle.js';
import { kvDirWith } from '../../fixtures/kv/kv-dir.js';
import { kickedOffState } from '../../fixtures/kv/tick-input.js';

let child: string[] = [];
/** The pid of a process that has exited: a lock naming it on this host is stale. */
let deadPid = 0;
beforeAll(async () => {
  child = await buildChild('lock-child.ts');
  const exited = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => exited.on('exit', resolve));
  deadPid = exited.pid ?? 0;
}, 30_000);

async function kickedOff(sprintId: string): Promise<string> {
  const kvDir = kvDirWith();
  await writeTickState(kvDir, sprintId, kickedOffState(sprintId));
  return kvDir;
}

function start(args: string[]): { process: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> } {
  const started = spawn(process.execPath, [...child, ...args], { stdio: 'pipe' });
  started.stderr.pipe(process.stderr);
  return { process: started, lines: createInterface({ input: started.stdout })[Symbol.asyncIterator]() };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const line = await lines.next();
  if (line.done === true) throw new Error('the child ended without answering');
  return line.value;
}

interface LoopReport {
  pid: number;
  busy: number;
  intervals: [string, string][];
}

describe('tick lock between processes', () => {
  it('never lets two processes tick one sprint at the same time, and lets both tick', async () => {
    const kvDir = await kickedOff('shared');
    const reports = await Promise.all(
      [0, 1].map(
        async () => JSON.parse(await nextLine(start([kvDir, 'shared', 'loop', '40']).lines)) as LoopReport,
      ),
    );
    const intervals = reports
      .flatMap((report) =>
        report.intervals.map(([from, to]) => ({ pid: report.pid, from: BigInt(from), to: BigInt(to) })),
      )
      .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    for (let i = 1; i < intervals.length; i++) {
      const [before, after] = [intervals[i - 1]!, intervals[i]!];
      expect(after.from > before.to, `pid ${after.pid} took the lock while pid ${before.pid} held it`).toBe(
        true,
      );
    }
    expect(reports.map((report) => report.intervals.length)).toEqual([40, 40]);
    expect(new Set(intervals.map((interval) => interval.pid)).size).toBe(2);
    // They did contend: at least one load found the sprint busy.
    expect(reports[0]!.busy + reports[1]!.busy).toBeGreaterThan(0);
  }, 60_000);

  it('lets exactly one of several racing processes take over a stale lock', async () => {
    const kvDir = await kickedOff('raced');
    const racers = Array.from({ length: 6 }, () => start([kvDir, 'raced', 'race']));
    for (const racer of racers) expect(await nextLine(racer.lines)).toBe('ready');
    const ask = async (line: string) => {
      for (const racer of racers) racer.process.stdin.write(`${line}\n`);
      return Promise.all(racers.map((racer) => nextLine(racer.lines)));
    };
    for (let round = 0; round < 30; round++) {
      writeFileSync(
        join(kvDir, 'raced.lock'),
        JSON.stringify({
          owner: `${round}`.padStart(32, 'f'),
          pid: deadPid,
          process_start: null,
          hostname: hostname(),
          acquired_at: '2026-01-01T00:00:00.000Z',
          expires_at: '2999-01-01T00:00:00.000Z',
        }),
      );
      const results = (await ask('go')).map((line) => JSON.parse(line) as { pid: number; busy: boolean });
      expect(
        results.filter((result) => !result.busy),
        `round ${round}`,
      ).toHaveLength(1);
      expect(await ask('release')).toEqual(racers.map(() => 'released'));
      expect(existsSync(join(kvDir, 'raced.lock'))).toBe(false);
    }
    for (const racer of racers) racer.process.stdin.end();
    await Promise.all(racers.map((racer) => new Promise((resolve) => racer.process.on('exit', resolve))));
  }, 60_000);
});
