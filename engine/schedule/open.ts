// A scheduler for a config file on one long-lived engine: read the config, prepare every
// job (prepare.ts), take locks under `<config folder>/.noether/locks/`, and run each fire
// with engine.run, so that every fire goes through the same pipeline as `noether-ts run`
// (check memoised per graph, input validation, the engine's shared pure-stage cache,
// traces). The CLI is a thin shell over this; library users get the same scheduler.
import { join } from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { Engine, RunResult } from '../engine.js';
import { readScheduleConfig, type ScheduleConfig } from './config.js';
import type { FireQueue } from './fire-queue.js';
import { JobLocks, LOCKS_FOLDER } from './lock.js';
import { prepareJobs } from './prepare.js';
import { Scheduler, type ScheduleEvent } from './scheduler.js';
import type { WebhookPolicy } from './webhook.js';

export interface OpenScheduleOptions {
  onEvent: (event: ScheduleEvent) => void;
  /** Where fires come from (default: in-process cron timers). */
  queue?: FireQueue;
  webhook?: WebhookPolicy;
  /** The environment every fire's run gives its stages (default: the process's). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Called with each successful run's result before its `finished` event: a driver that
   * steers by what a job returned (stop when the sprint is complete) needs the output,
   * which events deliberately leave out (they are logged, outputs can be large).
   */
  onOutput?: (job: string, result: RunResult) => void;
}

export interface OpenSchedule {
  config: ScheduleConfig;
  scheduler: Scheduler;
  warnings: Diagnostic[];
}

/** Prepares the scheduler of a config; throws (naming the job) when any job cannot start. Nothing fires until `start`. */
export async function openSchedule(
  engine: Engine,
  configFile: string,
  options: OpenScheduleOptions,
): Promise<OpenSchedule> {
  const config = readScheduleConfig(configFile);
  const { jobs, warnings } = await prepareJobs(engine, config);
  const scheduler = new Scheduler({
    jobs,
    run: async (job, signal) => {
      const result = await engine.run(job.composition, job.input, {
        signal,
        ...(options.env === undefined ? {} : { env: options.env }),
      });
      options.onOutput?.(job.name, result);
      return result;
    },
    locks: new JobLocks(join(config.folder, LOCKS_FOLDER)),
    onEvent: options.onEvent,
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    ...(options.webhook === undefined ? {} : { webhook: options.webhook }),
  });
  return { config, scheduler, warnings };
}
