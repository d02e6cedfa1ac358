// Scheduler test harness: projects with a schedule.json whose jobs run the `stamp`
// fixture graph, the stamp log read back as run intervals, scheduler events awaited as
// they arrive, and the CLI as a real child process.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ScheduleEvent } from '../../engine/schedule/index.js';
import { noetherArgv } from '../cli/cli-process.js';
import { repo } from '../cli/in-process.js';
import { tempProject } from '../temp-project.js';

export const STAGES = join(repo, 'test/fixtures/schedule/stages.ts');
export const STAMP_GRAPH = join(repo, 'test/fixtures/schedule/stamp.json');

export interface StampProject {
  folder: string;
  config: string;
  log: string;
}

/** A project whose schedule.json has these jobs; `stamp(…)` fills a stamp job's input. */
export function scheduleProject(jobs: (log: string) => Record<string, unknown>[]): StampProject {
  const folder = tempProject({}, 'noether-schedule-');
  const log = join(folder, 'stamps.log');
  const config = join(folder, 'schedule.json');
  writeFileSync(config, JSON.stringify({ jobs: jobs(log) }, null, 2));
  return { folder, config, log };
}

export function stampJob(
  name: string,
  log: string,
  options: { hold_ms?: number; fail?: boolean; cron?: string; overlap?: string; webhook?: unknown } = {},
): Record<string, unknown> {
  const { hold_ms = 0, fail, cron = '* * * * * *', ...rest } = options;
  return {
    name,
    cron,
    graph: STAMP_GRAPH,
    input: { label: name, log, hold_ms, ...(fail === undefined ? {} : { fail }) },
    ...rest,
  };
}

export interface Interval {
  pid: number;
  label: string;
  start: number;
  end: number;
}

/** The runs recorded in a stamp log, each as its start and end. */
export function runIntervals(log: string): Interval[] {
  if (!existsSync(log)) return [];
  const records = readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { pid: number; label: string; phase: string; t: number });
  const open = new Map<string, number>();
  const intervals: Interval[] = [];
  for (const r of records) {
    const key = `${r.pid} ${r.label}`;
    if (r.phase === 'start') open.set(key, r.t);
    else intervals.push({ pid: r.pid, label: r.label, start: open.get(key)!, end: r.t });
  }
  return intervals;
}

/** Pairs of intervals of the same label that overlap in time. */
export function overlapping(intervals: Interval[]): [Interval, Interval][] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const pairs: [Interval, Interval][] = [];
  sorted.forEach((a, i) => {
    for (const b of sorted.slice(i + 1)) if (b.label === a.label && b.start < a.end) pairs.push([a, b]);
  });
  return pairs;
}

/** Scheduler events as they arrive, and a way to wait for the n-th one matching a test. */
export class EventLog {
  readonly events: ScheduleEvent[] = [];
  private readonly waiters: Array<() => void> = [];

  readonly push = (event: ScheduleEvent): void => {
    this.events.push(event);
    for (const wake of this.waiters.splice(0)) wake();
  };

  async waitFor<E extends ScheduleEvent['event']>(
    event: E,
    count = 1,
    where: (e: Extract<ScheduleEvent, { event: E }>) => boolean = () => true,
  ): Promise<Extract<ScheduleEvent, { event: E }>[]> {
    for (;;) {
      const hits = this.of(event).filter(where);
      if (hits.length >= count) return hits;
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  of<E extends ScheduleEvent['event']>(event: E): Extract<ScheduleEvent, { event: E }>[] {
    return this.events.filter((e): e is Extract<ScheduleEvent, { event: E }> => e.event === event);
  }
}

/** `noether-ts schedule CONFIG --json --stages <fixture> …args` as a real process, from `cwd`. */
export class SchedulerProcess {
  readonly lines: Array<Record<string, unknown>> = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child;
  private readonly waiters: Array<() => void> = [];

  constructor(config: string, cwd: string, args: string[] = []) {
    this.child = spawn(
      process.execPath,
      noetherArgv('schedule', config, '--json', '--stages', STAGES, ...args),
      {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    running.add(this.child);
    let pending = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) this.lines.push(JSON.parse(line) as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        running.delete(this.child);
        for (const wake of this.waiters.splice(0)) wake();
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first line of this event (and matching `where`), once printed. */
  async waitFor(event: string, where: (line: Record<string, unknown>) => boolean = () => true) {
    let hit: Record<string, unknown> | undefined;
    await until([this], () => (hit = this.lines.find((l) => l.event === event && where(l))) !== undefined);
    return hit!;
  }

  /** Resolves at the next line printed, or at exit. */
  changed(): Promise<void> {
    return new Promise<void>((wake) => this.waiters.push(wake));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  count(event: string, where: (line: Record<string, unknown>) => boolean = () => true): number {
    return this.lines.filter((l) => l.event === event && where(l)).length;
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }
}

const running = new Set<ReturnType<typeof spawn>>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Waits until `done()` holds, re-testing at every line the processes print; fails if one exits first. */
export async function until(processes: SchedulerProcess[], done: () => boolean): Promise<void> {
  for (;;) {
    if (done()) return;
    const dead = processes.find((p) => !p.alive);
    if (dead !== undefined) throw new Error(`scheduler ${dead.pid} exited early: ${dead.stderr}`);
    await Promise.race(processes.map((p) => p.changed()));
  }
}
