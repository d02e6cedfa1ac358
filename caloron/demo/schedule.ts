// The scheduler config `caloron demo` writes into its folder and runs: one job, the
// stateful tick, firing every few seconds (croner's optional seconds field). The demo
// drives the sprint through the same scheduler a deployment runs from scheduler.json,
// so what the demo shows is what production does, only faster.
import { join } from 'node:path';
import { NoetherError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../engine/fs/atomic.js';
import { COMPOSITIONS } from './paths.js';

export const TICK_JOB = 'sprint-tick';

/**
 * The cron of a tick every `seconds`: 1–59 seconds, or whole minutes up to 59. Cron steps
 * restart at each minute (or hour), so a step that does not divide 60 leaves one shorter gap.
 */
export function tickCron(seconds: number): string {
  if (Number.isInteger(seconds) && seconds >= 1 && seconds <= 59)
    return seconds === 1 ? '* * * * * *' : `*/${String(seconds)} * * * * *`;
  const minutes = seconds / 60;
  if (Number.isInteger(minutes) && minutes >= 1 && minutes <= 59)
    return minutes === 1 ? '0 * * * * *' : `0 */${String(minutes)} * * * *`;
  throw new NoetherError(
    'NOE_USAGE',
    `--ticks-every ${String(seconds)}: give whole seconds from 1 to 59, or whole minutes (60, 120, …, 3540)`,
  );
}

/** The demo's scheduler config: the tick of one sprint, never two at once (overlap "skip"). */
export function demoScheduleConfig(tickInput: Record<string, unknown>, everySeconds: number) {
  return {
    $comment: 'Written by caloron demo: the sprint tick of this demo run, fired by the noether-ts scheduler.',
    jobs: [
      {
        name: TICK_JOB,
        cron: tickCron(everySeconds),
        graph: COMPOSITIONS.tick,
        input: tickInput,
        overlap: 'skip',
      },
    ],
  };
}

/** Writes the config as `<dir>/scheduler.json` (its locks then live in `<dir>/.noether/locks/`). */
export async function writeDemoSchedule(
  dir: string,
  tickInput: Record<string, unknown>,
  everySeconds: number,
): Promise<string> {
  const file = join(dir, 'scheduler.json');
  await writeFileAtomic(file, `${JSON.stringify(demoScheduleConfig(tickInput, everySeconds), null, 2)}\n`);
  return file;
}
