// Where fires come from: the one seam between "when is a job due" and "run the job".
//
// The scheduler core (scheduler.ts) never reads a clock. It hands its jobs to a
// FireQueue and is called back with (job, fired_at) for each fire; overlap policy,
// locks, the run and the webhook are all on the consuming side. CronFireQueue, the
// only implementation, keeps one croner timer per job in this process.
//
// When one machine is not enough (ENGINE §7), a FireQueue backed by an existing
// distributed queue on a real database (pg-boss or Graphile Worker on Postgres, BullMQ
// on Redis) replaces it: its producer enqueues one message per fire, keyed by job name
// and fire time so that each fire is taken once, and `start` subscribes the consumer
// that calls `onFire`. The per-job lock then belongs to that queue (a singleton or
// concurrency-1 key per job) rather than to lock files, which only bind one machine.
// There is deliberately no home-made cluster here.
import { Cron } from 'croner';
import { CRON_MODE, type JobConfig } from './config.js';

export type FireHandler = (job: string, firedAt: Date) => void;

export interface FireQueue {
  /** Begins delivering fires of these jobs to `onFire`. */
  start(jobs: readonly JobConfig[], onFire: FireHandler): void;
  /** Stops delivering fires: after it returns, `onFire` is not called again. */
  stop(): void;
  /** The next fire of a job, when the queue knows it (for the start-up report). */
  nextFire(job: string): Date | undefined;
}

export class CronFireQueue implements FireQueue {
  private readonly timers = new Map<string, Cron>();

  start(jobs: readonly JobConfig[], onFire: FireHandler): void {
    for (const job of jobs) {
      // fired_at is the instant the fire was due, not the moment the timer callback ran:
      // croner's currentRun() is the latter. The next due instant is read after each fire.
      let due: Date | null = null;
      const timer = new Cron(
        job.cron,
        { mode: CRON_MODE, ...(job.timezone && { timezone: job.timezone }) },
        (self: Cron) => {
          const firedAt = due ?? new Date();
          due = self.nextRun();
          onFire(job.name, firedAt);
        },
      );
      due = timer.nextRun();
      this.timers.set(job.name, timer);
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) timer.stop();
    this.timers.clear();
  }

  nextFire(job: string): Date | undefined {
    return this.timers.get(job)?.nextRun() ?? undefined;
  }
}
