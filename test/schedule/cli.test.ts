// `noether-ts schedule` in-process (--once and start-up errors) and as real processes
// (SIGTERM while a job runs; two schedulers on one config).
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/in-process.js';
import {
  overlapping,
  runIntervals,
  scheduleProject,
  SchedulerProcess,
  STAGES,
  stampJob,
  until,
} from './harness.js';

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('noether-ts schedule --once', () => {
  it('fires one job now and exits 0, one JSON line per event', async () => {
    const project = scheduleProject((log) => [stampJob('now', log, { cron: '0 3 * * *' })]);
    const r = await cli(['schedule', project.config, '--once', 'now', '--json', '--stages', STAGES], {
      cwd: project.folder,
    });
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).map((l) => [l.event, l.job])).toEqual([
      ['fired', 'now'],
      ['finished', 'now'],
    ]);
    expect(runIntervals(project.log)).toHaveLength(1);
  });

  it('exits with the execution class (3) when the run fails, and says why in words', async () => {
    const project = scheduleProject((log) => [stampJob('doomed', log, { fail: true })]);
    const r = await cli(['schedule', project.config, '--once', 'doomed', '--stages', STAGES], {
      cwd: project.folder,
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/doomed failed after \d+ ms: NOE_STAGE_FAILED: .*told to fail/);
  });

  it('names the nearest job when --once names none', async () => {
    const project = scheduleProject((log) => [stampJob('nightly', log)]);
    const r = await cli(['schedule', project.config, '--once', 'nighty', '--stages', STAGES]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NOE_USAGE');
    expect(r.stderr).toContain('did you mean "nightly"?');
  });

  it('refuses a bad config at start with NOE_SCHEDULE_INVALID and its place', async () => {
    const project = scheduleProject((log) => [{ ...stampJob('x', log), overlap: 'sometimes' }]);
    const r = await cli(['schedule', project.config, '--json', '--stages', STAGES]);
    expect(r.code).toBe(1);
    const [envelope] = jsonLines(r.stdout);
    expect(envelope).toMatchObject({
      ok: false,
      command: 'schedule',
      error: { code: 'NOE_SCHEDULE_INVALID', details: { job: 'x' } },
    });
    expect(r.stdout).toContain(`${project.config}:`);
  });
});

describe.concurrent('noether-ts schedule as a process', () => {
  it('on SIGTERM stops firing, lets the running job finish and exits 0', async ({ expect }) => {
    const project = scheduleProject((log) => [stampJob('long', log, { hold_ms: 1_500 })]);
    const scheduler = new SchedulerProcess(project.config, project.folder);
    await scheduler.waitFor('fired');
    scheduler.signal('SIGTERM');
    expect(await scheduler.exited).toBe(0);
    const events = scheduler.lines.map((l) => l.event);
    expect(events.slice(events.indexOf('stopping'))).toEqual(['stopping', 'finished', 'stopped']);
    expect(scheduler.lines.find((l) => l.event === 'stopping')).toMatchObject({ running: ['long'] });
    // The run that was going on when the signal came ended normally.
    const intervals = runIntervals(project.log);
    expect(intervals.length).toBeGreaterThanOrEqual(1);
    expect(intervals.every((i) => i.pid === scheduler.pid)).toBe(true);
  });

  it('on a second signal aborts the running job and still exits 0', async ({ expect }) => {
    const project = scheduleProject((log) => [stampJob('endless', log, { hold_ms: 60_000 })]);
    const scheduler = new SchedulerProcess(project.config, project.folder);
    await scheduler.waitFor('fired');
    scheduler.signal('SIGINT');
    await scheduler.waitFor('stopping');
    scheduler.signal('SIGINT');
    expect(await scheduler.exited).toBe(0);
    expect(scheduler.lines.find((l) => l.event === 'failed')).toMatchObject({ code: 'NOE_CANCELLED' });
  });

  it('never runs the same job in two scheduler processes at once', async ({ expect }) => {
    const project = scheduleProject((log) => [stampJob('shared', log, { hold_ms: 800 })]);
    const [a, b] = [
      new SchedulerProcess(project.config, project.folder),
      new SchedulerProcess(project.config, project.folder),
    ];
    await Promise.all([a.waitFor('ready'), b.waitFor('ready')]);
    const windowStart = Date.now();
    // The window: until a few runs happened (both processes fire at every tick).
    const finished = () => a.count('finished') + b.count('finished');
    const refused = () =>
      a.count('skipped', (l) => l.reason === 'locked') + b.count('skipped', (l) => l.reason === 'locked');
    await until([a, b], () => finished() >= 3);
    const windowEnd = Date.now();
    expect([a.alive, b.alive]).toEqual([true, true]);
    a.signal('SIGTERM');
    b.signal('SIGTERM');
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    const intervals = runIntervals(project.log);
    expect(intervals.filter((i) => i.end > windowStart && i.start < windowEnd).length).toBeGreaterThan(0);
    expect(overlapping(intervals)).toEqual([]);
    // The lock is what kept them apart: each tick, one of them was refused it.
    expect(refused()).toBeGreaterThanOrEqual(1);
    // Every run in the log was one of theirs.
    expect(intervals.every((i) => i.pid === a.pid || i.pid === b.pid)).toBe(true);
  });
});
