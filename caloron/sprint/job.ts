// The scheduler job that ticks one sprint: sprint_tick_stateful.json with the sprint's
// forge and shell, never two ticks at once. `caloron sprint` prints it for the project's
// scheduler.json (graph relative to it, every minute) and, with --run, writes it into a
// config of its own (graph absolute, the chosen pace) that it runs itself: one job, built
// here, either way.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../engine/fs/atomic.js';
import { COMPOSITIONS } from '../demo/index.js';

export interface SprintForge {
  sprint_id: string;
  repo: string;
  host: string;
  token_env: string;
}

export interface TickJob {
  name: string;
  cron: string;
  graph: string;
  input: SprintForge & { shell_url: string; stall_threshold_m: number; max_review_cycles: number };
  overlap: 'skip';
}

/** As the project's scheduler.json names the tick's graph (it sits at the project root). */
export const TICK_GRAPH_IN_PROJECT = './compositions/sprint_tick_stateful.json';

/** `sprint-tick-<id>`, cut to the scheduler's 64-character job names. */
export function tickJobName(sprintId: string): string {
  return `sprint-tick-${sprintId}`.slice(0, 64);
}

export function sprintTickJob(
  forge: SprintForge,
  shellUrl: string,
  place: { cron: string; graph: string },
): TickJob {
  return {
    name: tickJobName(forge.sprint_id),
    cron: place.cron,
    graph: place.graph,
    input: { ...forge, shell_url: shellUrl, stall_threshold_m: 5, max_review_cycles: 3 },
    overlap: 'skip',
  };
}

/**
 * Writes `<kvDir>/schedules/<sprint>/scheduler.json` holding the job (graph made absolute),
 * so that every `caloron sprint --run` of one sprint shares the scheduler's job lock.
 */
export async function writeSprintSchedule(kvDir: string, job: TickJob): Promise<string> {
  const file = join(kvDir, 'schedules', job.input.sprint_id, 'scheduler.json');
  const config = {
    $comment: 'Written by caloron sprint --run: the tick of this sprint, fired by the noether-ts scheduler.',
    jobs: [{ ...job, graph: COMPOSITIONS.tick }],
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}
