// The scheduler on the real engine: seconds-field crons, engine.run on the stamp fixture
// graph, lock files, and webhooks posted to a real receiver on 127.0.0.1. The tests run
// concurrently: each waits for a few cron ticks of its own jobs.
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { loadEngine, type Engine } from '../../engine/engine.js';
import { readCompositionFile } from '../../engine/engine.js';
import { compositionId } from '../../engine/graph/canonical.js';
import {
  openSchedule,
  type FireHandler,
  type FireQueue,
  type JobConfig,
  type OpenScheduleOptions,
  type WebhookPayload,
} from '../../engine/schedule/index.js';
import { repo } from '../cli/in-process.js';
import { tempProject } from '../temp-project.js';
import {
  EventLog,
  overlapping,
  runIntervals,
  scheduleProject,
  STAGES,
  STAMP_GRAPH,
  stampJob,
} from './harness.js';
import { signatureValid, startReceiver } from './receiver.js';

let engine: Engine;
let traces: string;
beforeAll(async () => {
  traces = tempProject({}, 'noether-schedule-traces-');
  engine = await loadEngine({ cwd: traces, stages: [STAGES] });
});

const ECHO_GRAPH = join(repo, 'test/fixtures/schedule/echo_env.json');
const STAMP_ID = compositionId(readCompositionFile(STAMP_GRAPH).composition.root);
const FAST_WEBHOOK = { attempts: 3, baseDelayMs: 50, timeoutMs: 2_000 };

async function open(config: string, options: Partial<OpenScheduleOptions> = {}) {
  const log = new EventLog();
  const opened = await openSchedule(engine, config, { onEvent: log.push, webhook: FAST_WEBHOOK, ...options });
  return { ...opened, log };
}

describe.concurrent('firing', () => {
  it('fires a seconds-field job through engine.run, with a trace per execution, until stopped', async ({
    expect,
  }) => {
    const project = scheduleProject((log) => [stampJob('tick', log)]);
    const { scheduler, log } = await open(project.config);
    scheduler.start();
    expect(log.of('ready')[0]!.jobs).toEqual([
      expect.objectContaining({ name: 'tick', cron: '* * * * * *' }),
    ]);
    const finished = await log.waitFor('finished', 2);
    await scheduler.stop();
    for (const f of finished) {
      expect(f.composition_id).toBe(STAMP_ID);
      expect(existsSync(join(traces, '.noether/traces', `${f.execution_id}.json`))).toBe(true);
      // Due on a whole second, as the cron says, not whenever the timer ran.
      expect(Date.parse(f.fired_at) % 1000).toBe(0);
    }
    expect(runIntervals(project.log).map((i) => i.pid)).toContain(process.pid);
    expect(log.events.at(-1)).toEqual({ event: 'stopped' });
    const fired = log.of('fired').length;
    await new Promise((wait) => setTimeout(wait, 1_300));
    expect(log.of('fired')).toHaveLength(fired);
  });

  it('skips a fire while the previous one still runs (overlap "skip", the default)', async ({ expect }) => {
    const project = scheduleProject((log) => [stampJob('slow', log, { hold_ms: 1_600 })]);
    const { scheduler, log } = await open(project.config);
    scheduler.start();
    const [skipped] = await log.waitFor('skipped');
    await log.waitFor('finished');
    await scheduler.stop();
    expect(skipped).toMatchObject({ job: 'slow', reason: 'overlap' });
    expect(overlapping(runIntervals(project.log))).toEqual([]);
  });

  it('queues one fire behind the running one and skips the next (overlap "queue")', async ({ expect }) => {
    const project = scheduleProject((log) => [stampJob('queued', log, { hold_ms: 2_300, overlap: 'queue' })]);
    const { scheduler, log } = await open(project.config);
    scheduler.start();
    const [queued] = await log.waitFor('queued');
    const [full] = await log.waitFor('skipped');
    // The queued fire runs (with its own due time) once the running one ends.
    await log.waitFor('finished', 1, (e) => e.fired_at === queued!.fired_at);
    await scheduler.stop();
    expect(full).toMatchObject({ reason: 'queue_full' });
    // The queued fire ran after the first ended, never alongside it.
    const intervals = runIntervals(project.log);
    expect(intervals.length).toBeGreaterThanOrEqual(2);
    expect(overlapping(intervals)).toEqual([]);
  });

  it('skips a fire whose lock another live process holds, naming the holder', async ({ expect }) => {
    const project = scheduleProject((log) => [stampJob('held', log)]);
    const { scheduler, config } = await open(project.config);
    const locks = join(config.folder, '.noether/locks');
    const holder = {
      pid: process.ppid,
      hostname: hostname(),
      started_at: new Date().toISOString(),
      token: 't',
    };
    writeFileSync(join(locks, 'held.lock'), JSON.stringify(holder));
    const result = await scheduler.fire('held');
    expect(result).toMatchObject({ event: 'skipped', reason: 'locked', holder: { pid: process.ppid } });
    expect(runIntervals(project.log)).toEqual([]);
  });
});

describe('the FireQueue seam', () => {
  /** Fires only when told to: what a distributed queue's consumer would do. */
  class HandFedQueue implements FireQueue {
    onFire: FireHandler = () => {};
    stopped = false;
    start(_jobs: readonly JobConfig[], onFire: FireHandler): void {
      this.onFire = onFire;
    }
    stop(): void {
      this.stopped = true;
    }
    nextFire(): undefined {
      return undefined;
    }
  }

  it('drives the same scheduler from another source of fires, overlap policy included', async ({
    expect,
  }) => {
    const project = scheduleProject((log) => [stampJob('fed', log, { hold_ms: 200 })]);
    const queue = new HandFedQueue();
    const { scheduler, log } = await open(project.config, { queue });
    scheduler.start();
    expect(log.of('ready')[0]!.jobs).toEqual([{ name: 'fed', cron: '* * * * * *', next_fire: null }]);
    queue.onFire('fed', new Date('2030-01-01T00:00:00Z'));
    queue.onFire('fed', new Date('2030-01-01T00:00:01Z'));
    const [finished] = await log.waitFor('finished');
    await scheduler.stop();
    expect(queue.stopped).toBe(true);
    expect(finished!.fired_at).toBe('2030-01-01T00:00:00.000Z');
    expect(log.of('skipped')).toEqual([
      { event: 'skipped', job: 'fed', fired_at: '2030-01-01T00:00:01.000Z', reason: 'overlap' },
    ]);
  });
});

describe.concurrent('webhooks', () => {
  it('posts each outcome signed with HMAC-SHA256, which the receiver verifies', async ({ expect }) => {
    const receiver = await startReceiver();
    const webhook = { url: receiver.url, secret: 'correct horse' };
    const project = scheduleProject((log) => [stampJob('hooked', log, { webhook })]);
    const { scheduler, log } = await open(project.config);
    scheduler.start();
    await log.waitFor('webhook_delivered');
    await scheduler.stop();
    const [request] = receiver.received;
    expect(signatureValid('correct horse', request!)).toBe(true);
    const payload = JSON.parse(request!.body) as WebhookPayload;
    const finished = log.of('finished').find((f) => f.execution_id === payload.execution_id)!;
    expect(payload).toEqual({
      job: 'hooked',
      composition_id: STAMP_ID,
      execution_id: finished.execution_id,
      ok: true,
      output: { label: 'hooked', pid: process.pid },
      duration_ms: finished.duration_ms,
      fired_at: finished.fired_at,
    });
  });

  it('retries a webhook that answers 500, then 200', async ({ expect }) => {
    const receiver = await startReceiver((n) => (n === 1 ? 500 : 200));
    const project = scheduleProject((log) => [stampJob('retried', log, { webhook: { url: receiver.url } })]);
    const { scheduler, log } = await open(project.config);
    const result = await scheduler.fire('retried');
    expect(result.event).toBe('finished');
    expect(log.of('webhook_delivered')).toEqual([expect.objectContaining({ status: 200, attempts: 2 })]);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
  });

  it('reports a failed run with ok false and the error code', async ({ expect }) => {
    const receiver = await startReceiver();
    const project = scheduleProject((log) => [
      stampJob('broken', log, { fail: true, webhook: { url: receiver.url } }),
    ]);
    const { scheduler, log } = await open(project.config);
    const result = await scheduler.fire('broken');
    expect(result).toMatchObject({ event: 'failed', code: 'NOE_STAGE_FAILED' });
    const payload = JSON.parse(receiver.received[0]!.body) as WebhookPayload;
    expect(payload).toMatchObject({
      ok: false,
      error: { code: 'NOE_STAGE_FAILED' },
      composition_id: STAMP_ID,
    });
    expect(payload.execution_id).toEqual(expect.any(String));
    expect(payload).not.toHaveProperty('output');
    expect(log.of('webhook_delivered')).toHaveLength(1);
  });

  it('logs a webhook that fails for good as NOE_WEBHOOK_FAILED and keeps firing', async ({ expect }) => {
    const receiver = await startReceiver(() => 500);
    const project = scheduleProject((log) => [stampJob('unheard', log, { webhook: { url: receiver.url } })]);
    const { scheduler, log } = await open(project.config);
    scheduler.start();
    const [failed] = await log.waitFor('webhook_failed');
    const before = log.of('finished').length;
    await log.waitFor('finished', before + 1);
    await scheduler.stop();
    expect(failed).toMatchObject({ job: 'unheard', code: 'NOE_WEBHOOK_FAILED' });
    expect(failed!.message).toContain('HTTP 500');
  });
});

describe('what fires run with', () => {
  it("gives every fire's run the schedule's env and hands its output to onOutput", async ({ expect }) => {
    const folder = tempProject({}, 'noether-schedule-env-');
    const config = join(folder, 'schedule.json');
    const job = { name: 'echo', cron: '0 0 1 1 *', graph: ECHO_GRAPH, input: { name: 'DEMO_VALUE' } };
    writeFileSync(config, JSON.stringify({ jobs: [job] }));
    const outputs: [string, unknown][] = [];
    const { scheduler } = await open(config, {
      env: { DEMO_VALUE: 'from the schedule' },
      onOutput: (name, result) => outputs.push([name, result.output]),
    });
    const result = await scheduler.fire('echo');
    await scheduler.stop();
    expect(result.event).toBe('finished');
    expect(outputs).toEqual([['echo', { value: 'from the schedule' }]]);
  });

  it("runs with the process's environment when no env is given", async ({ expect }) => {
    const folder = tempProject({}, 'noether-schedule-env-');
    const config = join(folder, 'schedule.json');
    const job = { name: 'echo', cron: '0 0 1 1 *', graph: ECHO_GRAPH, input: { name: 'PATH' } };
    writeFileSync(config, JSON.stringify({ jobs: [job] }));
    const outputs: unknown[] = [];
    const { scheduler } = await open(config, { onOutput: (_, result) => outputs.push(result.output) });
    await scheduler.fire('echo');
    await scheduler.stop();
    expect(outputs).toEqual([{ value: process.env.PATH ?? null }]);
  });
});

describe('start-up', () => {
  it('stops on a job whose graph does not type-check, naming the job and its place', async ({ expect }) => {
    const project = scheduleProject((log) => [
      stampJob('fine', log),
      { ...stampJob('mistyped', log), graph: join(STAMP_GRAPH, '../mistyped.json') },
    ]);
    const error = await openSchedule(engine, project.config, { onEvent: () => {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOE_TYPE_MISMATCH', details: { jobs: ['mistyped'] } });
    expect((error as Error).message).toMatch(
      new RegExp(`${project.config}:\\d+:\\d+: job "mistyped": graph .*mistyped.json`),
    );
  });

  it('stops on a job whose input breaks the graph input schema, at the place in the config', async ({
    expect,
  }) => {
    const project = scheduleProject((log) => [
      { ...stampJob('bad-input', log), input: { label: 'x', log, hold_ms: -1 } },
    ]);
    const error = await openSchedule(engine, project.config, { onEvent: () => {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'NOE_INPUT_INVALID',
      diagnostics: [{ pointer: '/jobs/0/input/hold_ms', details: { job: 'bad-input' } }],
    });
    expect((error as Error).message).toContain('job "bad-input"');
  });

  it('reports every bad job at once, a missing graph file included', async ({ expect }) => {
    const project = scheduleProject((log) => [
      { ...stampJob('lost', log), graph: 'nowhere.json' },
      { ...stampJob('wrong', log), input: { label: 1, log, hold_ms: 0 } },
    ]);
    const error = await openSchedule(engine, project.config, { onEvent: () => {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOE_FILE_READ', details: { jobs: ['lost', 'wrong'] } });
    expect((error as Error).message).toContain(join(project.folder, 'nowhere.json'));
  });
});
