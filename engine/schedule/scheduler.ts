// The scheduler core (ENGINE §7): what happens to each fire. A FireQueue says when a job
// is due; this decides whether it runs (overlap policy, then the per-job lock), runs it
// through an injected JobRunner (engine.run on one long-lived engine, in production),
// reports every step as a ScheduleEvent, and posts the outcome to the job's webhook.
//
// It never throws out of a fire: a failed run, a lock that cannot be taken and a
// webhook that fails for good are events, so one bad job never stops the others.
import type { RunResult } from '../engine.js';
import { isNoetherError, NoetherError, type ErrorCode } from '../errors.js';
import type { Composition } from '../graph/ast.js';
import type { JobConfig } from './config.js';
import { CronFireQueue, type FireQueue } from './fire-queue.js';
import type { JobLocks, LockHolder } from './lock.js';
import {
  DEFAULT_WEBHOOK_POLICY,
  deliverWebhook,
  type WebhookPayload,
  type WebhookPolicy,
} from './webhook.js';

/** A job ready to fire: its graph loaded and checked, and its input validated, at start-up. */
export interface ScheduledJob extends JobConfig {
  /** The graph as loaded at start-up: what was checked is what runs, whatever the file becomes. */
  composition: Composition;
  compositionId: string;
}

/** Runs a job's graph on its input; failures throw (a NoetherError carries its code). */
export type JobRunner = (job: ScheduledJob, signal: AbortSignal) => Promise<RunResult>;

type Fire = { job: string; fired_at: string };
type Outcome = Fire & { composition_id: string; execution_id: string | null; duration_ms: number };

export type SkipReason = 'overlap' | 'queue_full' | 'locked' | 'stopping';

export type ScheduleEvent =
  | { event: 'ready'; jobs: { name: string; cron: string; next_fire: string | null }[] }
  | (Fire & { event: 'fired' })
  | (Fire & { event: 'queued' })
  | (Fire & { event: 'skipped'; reason: SkipReason; holder?: Omit<LockHolder, 'token'> })
  | (Outcome & { event: 'finished' })
  | (Outcome & { event: 'failed'; code: ErrorCode; message: string })
  | { event: 'webhook_delivered'; job: string; execution_id: string | null; status: number; attempts: number }
  | { event: 'webhook_failed'; job: string; execution_id: string | null; code: ErrorCode; message: string }
  | { event: 'stopping'; running: string[] }
  | { event: 'stopped' };

/** How one fire ended. */
export type FireResult = Extract<ScheduleEvent, { event: 'finished' | 'failed' | 'skipped' }>;

export interface SchedulerOptions {
  jobs: readonly ScheduledJob[];
  run: JobRunner;
  onEvent: (event: ScheduleEvent) => void;
  /** Cross-process locks; without them only this process's overlap policy applies. */
  locks?: JobLocks;
  queue?: FireQueue;
  webhook?: WebhookPolicy;
}

interface JobState {
  job: ScheduledJob;
  running: boolean;
  /** The one fire waiting for the running one (overlap "queue"). */
  queued: { firedAt: Date; settle: (result: FireResult) => void } | undefined;
}

export class Scheduler {
  private readonly states = new Map<string, JobState>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly queue: FireQueue;
  private readonly force = new AbortController();
  private stopping = false;

  constructor(private readonly options: SchedulerOptions) {
    for (const job of options.jobs) this.states.set(job.name, { job, running: false, queued: undefined });
    this.queue = options.queue ?? new CronFireQueue();
  }

  /** Starts the timers. */
  start(): void {
    this.queue.start(this.options.jobs, (job, firedAt) => void this.fire(job, firedAt));
    const jobs = this.options.jobs.map((j) => ({
      name: j.name,
      cron: j.cron,
      next_fire: this.queue.nextFire(j.name)?.toISOString() ?? null,
    }));
    this.emit({ event: 'ready', jobs });
  }

  /**
   * One fire of a job, through the overlap policy and the lock like any timed fire;
   * resolves when it ended (after its webhook) or was skipped.
   */
  fire(name: string, firedAt: Date = new Date()): Promise<FireResult> {
    const state = this.states.get(name);
    if (state === undefined) throw new NoetherError('NOE_USAGE', `the schedule has no job named "${name}"`);
    if (this.stopping) return Promise.resolve(this.skip(state, firedAt, 'stopping'));
    if (!state.running) return this.track(this.begin(state, firedAt));
    if (state.job.overlap === 'queue' && state.queued === undefined) {
      const waiting = new Promise<FireResult>((settle) => (state.queued = { firedAt, settle }));
      this.emit({ event: 'queued', job: name, fired_at: firedAt.toISOString() });
      return waiting;
    }
    return Promise.resolve(
      this.skip(state, firedAt, state.job.overlap === 'queue' ? 'queue_full' : 'overlap'),
    );
  }

  /** Stops firing; resolves once running jobs (and their webhooks) are done. Queued fires are dropped. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.queue.stop();
      for (const state of this.states.values()) {
        const waiting = state.queued;
        state.queued = undefined;
        waiting?.settle(this.skip(state, waiting.firedAt, 'stopping'));
      }
      const running = [...this.states.values()].filter((s) => s.running).map((s) => s.job.name);
      this.emit({ event: 'stopping', running });
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.emit({ event: 'stopped' });
  }

  /** Aborts running jobs and webhook deliveries (a second signal): stop() then resolves soon. */
  abort(): void {
    this.force.abort();
  }

  private async begin(state: JobState, firedAt: Date): Promise<FireResult> {
    const { job } = state;
    const fire = { job: job.name, fired_at: firedAt.toISOString() };
    let lock;
    try {
      lock = this.options.locks?.tryAcquire(job.name);
    } catch (error) {
      // The lock folder became unusable: this fire fails (and says so), the next may not.
      const result = this.settle(this.failure(fire, job, 0, error));
      await this.notify(job, result, undefined);
      return result;
    }
    if (lock?.acquired === false) {
      const holder = lock.holder && {
        pid: lock.holder.pid,
        hostname: lock.holder.hostname,
        started_at: lock.holder.started_at,
      };
      return this.settle({ ...fire, event: 'skipped', reason: 'locked', ...(holder && { holder }) });
    }
    state.running = true;
    this.emit({ ...fire, event: 'fired' });
    const started = performance.now();
    let result: FireResult;
    let output: unknown;
    try {
      const run = await this.options.run(job, this.force.signal);
      output = run.output;
      const duration = Math.round(performance.now() - started);
      result = {
        ...fire,
        event: 'finished',
        composition_id: run.compositionId,
        execution_id: run.executionId,
        duration_ms: duration,
      };
    } catch (error) {
      result = this.failure(fire, job, Math.round(performance.now() - started), error);
    } finally {
      lock?.release();
      state.running = false;
    }
    this.emit(result);
    this.dequeue(state);
    await this.notify(job, result, output);
    return result;
  }

  private dequeue(state: JobState): void {
    const waiting = state.queued;
    if (waiting === undefined) return;
    state.queued = undefined;
    void this.track(this.begin(state, waiting.firedAt)).then(waiting.settle);
  }

  private async notify(job: ScheduledJob, result: FireResult, output: unknown): Promise<void> {
    if (job.webhook === undefined || result.event === 'skipped') return;
    const payload: WebhookPayload = {
      job: job.name,
      composition_id: result.composition_id,
      execution_id: result.execution_id,
      ok: result.event === 'finished',
      ...(result.event === 'finished'
        ? { output }
        : { error: { code: result.code, message: result.message } }),
      duration_ms: result.duration_ms,
      fired_at: result.fired_at,
    };
    const policy = this.options.webhook ?? DEFAULT_WEBHOOK_POLICY;
    try {
      const { status, attempts } = await deliverWebhook(job.webhook, payload, policy, this.force.signal);
      this.emit({
        event: 'webhook_delivered',
        job: job.name,
        execution_id: payload.execution_id,
        status,
        attempts,
      });
    } catch (error) {
      const { code, message } = describeError(error);
      this.emit({
        event: 'webhook_failed',
        job: job.name,
        execution_id: payload.execution_id,
        code,
        message,
      });
    }
  }

  private failure(fire: Fire, job: ScheduledJob, duration: number, error: unknown): FireResult {
    const { code, message, executionId } = describeError(error);
    return {
      ...fire,
      event: 'failed',
      composition_id: job.compositionId,
      execution_id: executionId,
      duration_ms: duration,
      code,
      message,
    };
  }

  private skip(state: JobState, firedAt: Date, reason: SkipReason): FireResult {
    return this.settle({ job: state.job.name, fired_at: firedAt.toISOString(), event: 'skipped', reason });
  }

  private settle(result: FireResult): FireResult {
    this.emit(result);
    return result;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const done = () => void this.inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  private emit(event: ScheduleEvent): void {
    this.options.onEvent(event);
  }
}

function describeError(error: unknown): { code: ErrorCode; message: string; executionId: string | null } {
  if (!isNoetherError(error)) return { code: 'NOE_INTERNAL', message: String(error), executionId: null };
  const id = error.details?.execution_id;
  return { code: error.code, message: error.message, executionId: typeof id === 'string' ? id : null };
}
