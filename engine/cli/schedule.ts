// `noether-ts schedule CONFIG [--once JOB] [--json]` (ENGINE §7): start the scheduler of a
// config and print one line per event (fire, skip, finish, failure, webhook), as text or,
// with --json, as JSON lines ({"at", "event", …}: a long-running command answers with a
// stream, not one envelope). SIGINT/SIGTERM stop firing and let running jobs finish,
// then exit 0; a second signal aborts the running jobs. `--once JOB` fires one job now,
// through the same lock and webhook, and exits with the run's verdict.
import type { Engine } from '../engine.js';
import { exitCodeOf, NoetherError } from '../errors.js';
import { openSchedule, type FireResult, type ScheduleEvent } from '../schedule/index.js';
import { nearestSpelling } from '../spelling.js';
import { formatDiagnostic, type CliIO } from './output.js';

export interface ScheduleFlags {
  json: boolean;
  once?: string;
}

/** Subscribes to termination requests (SIGINT/SIGTERM in the real process); returns the unsubscribe. */
export type StopRequests = (onStop: (signal: string) => void) => () => void;

export async function schedule(
  engine: Engine,
  files: string[],
  flags: ScheduleFlags,
  io: CliIO,
  stopRequests: StopRequests = processSignals,
): Promise<number> {
  if (files.length !== 1) throw new NoetherError('NOE_USAGE', 'schedule takes exactly one config file');
  const print = (event: ScheduleEvent) => io.stdout(formatEvent(event, flags.json) + '\n');
  const { config, scheduler, warnings } = await openSchedule(engine, files[0]!, { onEvent: print });
  for (const w of warnings) io.stderr(formatDiagnostic(w));

  if (flags.once !== undefined) {
    const name = flags.once;
    if (!config.jobs.some((j) => j.name === name)) {
      const guess = nearestSpelling(
        name,
        config.jobs.map((j) => j.name),
      );
      throw new NoetherError(
        'NOE_USAGE',
        `--once: no job named "${name}" in ${config.file}${guess === undefined ? '' : `; did you mean "${guess}"?`}`,
      );
    }
    return onceExitCode(await scheduler.fire(name));
  }

  let signals = 0;
  let stopped: (signal: string) => void = () => {};
  const requested = new Promise<string>((resolve) => (stopped = resolve));
  const unsubscribe = stopRequests((signal) => {
    signals++;
    if (signals === 1) stopped(signal);
    else scheduler.abort();
  });
  try {
    scheduler.start();
    await requested;
    await scheduler.stop();
  } finally {
    unsubscribe();
  }
  return 0;
}

function onceExitCode(result: FireResult): number {
  switch (result.event) {
    case 'finished':
      return 0;
    case 'failed':
      return exitCodeOf(result.code);
    case 'skipped':
      return 3;
  }
}

function processSignals(onStop: (signal: string) => void): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => onStop(name);
    process.on(name, handler);
    return () => void process.off(name, handler);
  });
  return () => handlers.forEach((off) => off());
}

/** One line per event: JSON with the time it was printed, or words. */
export function formatEvent(event: ScheduleEvent, json: boolean): string {
  const at = new Date().toISOString();
  if (json) return JSON.stringify({ at, ...event });
  switch (event.event) {
    case 'ready':
      return `${at} ready: ${event.jobs.map((j) => `${j.name} (${j.cron}, next ${j.next_fire ?? 'never'})`).join(', ')}`;
    case 'fired':
      return `${at} ${event.job} fired (due ${event.fired_at})`;
    case 'queued':
      return `${at} ${event.job} queued behind its running fire (due ${event.fired_at})`;
    case 'skipped': {
      const why = {
        overlap: 'the previous fire is still running (overlap "skip")',
        queue_full: 'the previous fire is still running and one is already queued',
        locked: `another process holds the lock${event.holder ? ` (pid ${event.holder.pid} on ${event.holder.hostname} since ${event.holder.started_at})` : ''}`,
        stopping: 'the scheduler is stopping',
      }[event.reason];
      return `${at} ${event.job} skipped (due ${event.fired_at}): ${why}`;
    }
    case 'finished':
      return `${at} ${event.job} finished in ${event.duration_ms} ms (execution ${event.execution_id})`;
    case 'failed':
      return `${at} ${event.job} failed after ${event.duration_ms} ms: ${event.code}: ${event.message}${event.execution_id === null ? '' : ` (execution ${event.execution_id})`}`;
    case 'webhook_delivered':
      return `${at} ${event.job} webhook delivered: HTTP ${event.status} after ${event.attempts} attempt(s)`;
    case 'webhook_failed':
      return `${at} ${event.job} webhook failed: ${event.code}: ${event.message}`;
    case 'stopping':
      return `${at} stopping: no more fires; waiting for ${event.running.length === 0 ? 'nothing' : event.running.join(', ')}`;
    case 'stopped':
      return `${at} stopped`;
  }
}
