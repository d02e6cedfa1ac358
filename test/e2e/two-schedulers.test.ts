// Robustness (b): two `noether-ts schedule` processes drive the same diamond sprint, each with
// its own config file and working directory, so their per-job scheduler locks are different
// files and only the sprint's tick lock (load_tick_state) keeps their ticks apart. Both fire
// the stateful tick every second until the sprint completes.
//
// Each process's traces say what each of its ticks did: an acting tick ran load_tick_state
// and save_tick_state, a busy one ended in busy_tick_output. No two acting ticks may have
// held the sprint at the same time, busy ticks must end well (a "sprint busy" result, not a
// failure), and the forge must show every side effect once.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { SprintEnvironment } from '../../caloron/demo/environment.js';
import { tempProject } from '../temp-project.js';
import {
  diamondPlan,
  kickedOffDiamond,
  type Exit,
  expectEveryEffectOnce,
  readTraces,
  recordedTick,
  scheduleEvents,
  schedulerProcess,
  taskStatuses,
} from './tick-process.js';

const SPRINT = 'shared';
/** A generous bound for the whole sprint on a loaded machine: a stuck sprint fails, it never hangs. */
const SPRINT_LIMIT_MS = 150_000;
/**
 * Trace start times are whole milliseconds (ISO text, rounded down), so a computed instant may
 * be up to 1 ms early: two spans that touch may appear to overlap by that much, never more.
 */
const CLOCK_RESOLUTION_MS = 1;

let environment: SprintEnvironment | undefined;
afterAll(async () => {
  await environment?.close();
});

describe('two schedulers firing the tick of the same sprint', () => {
  it(
    'never run two acting ticks at once, end busy ticks quietly, and complete the sprint once',
    async () => {
      const dir = tempProject({}, 'caloron-schedulers-');
      environment = await kickedOffDiamond(dir, SPRINT);
      const env = environment;

      const folders = ['scheduler-1', 'scheduler-2'].map((name) => join(dir, name));
      for (const folder of folders) mkdirSync(folder);
      const schedulers = folders.map((folder) => schedulerProcess(env, SPRINT, folder));
      let exits: Exit[];
      try {
        await untilComplete(env, schedulers);
      } finally {
        exits = await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
      }
      for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);

      const ticks = folders.map((folder) => readTraces(folder).map(recordedTick));
      for (const [index, exit] of exits.entries()) {
        const events = scheduleEvents(exit.stdout);
        expect(events.filter((event) => event.event === 'failed')).toEqual([]);
        // Every run the scheduler reports is among the traces read here, so none is missed.
        const finished = events
          .filter((event) => event.event === 'finished')
          .map((event) => event.execution_id);
        expect(finished.length).toBeGreaterThan(0);
        expect(ticks[index]!.map((tick) => tick.executionId)).toEqual(expect.arrayContaining(finished));
      }
      const all = ticks.flat();
      for (const tick of all) {
        expect(tick.ok, tick.executionId).toBe(true);
        // A tick either found the sprint busy or held it from load to save.
        expect(tick.busy || tick.held !== undefined, tick.executionId).toBe(true);
      }
      const acting = all
        .flatMap((tick) =>
          tick.busy || tick.held === undefined ? [] : [{ id: tick.executionId, ...tick.held }],
        )
        .sort((a, b) => a.from - b.from);
      // Sorted by start, spans are disjoint when each starts after every earlier one ended.
      let latest = acting[0]!;
      for (const span of acting.slice(1)) {
        expect(
          span.from,
          `tick ${span.id} started while ${latest.id} held the sprint`,
        ).toBeGreaterThanOrEqual(latest.to - CLOCK_RESOLUTION_MS);
        if (span.to > latest.to) latest = span;
      }
      // Both schedulers fire every second, so a busy tick is all but certain; its absence is
      // worth a note, not a failure (the schedule, not the lock, decides whether they meet).
      const busy = all.filter((tick) => tick.busy).length;
      if (busy === 0) console.warn('two-schedulers: no tick found the sprint busy this time');
      expect(acting.length).toBeGreaterThanOrEqual(10);

      expect(taskStatuses(env, SPRINT)).toEqual({ a: 'Done', b: 'Done', c: 'Done', d: 'Done' });
      await expectEveryEffectOnce(env, SPRINT, diamondPlan);
    },
    SPRINT_LIMIT_MS + 60_000,
  );
});

/** Waits until every task is Done; fails at once if a scheduler dies, or at the limit. */
async function untilComplete(
  env: SprintEnvironment,
  schedulers: readonly { exited: Promise<Exit> }[],
): Promise<void> {
  let died: Exit | undefined;
  for (const scheduler of schedulers) void scheduler.exited.then((exit) => (died ??= exit));
  const deadline = Date.now() + SPRINT_LIMIT_MS;
  for (;;) {
    if (died !== undefined)
      throw new Error(
        `a scheduler stopped on its own (${String(died.code)}):\n${died.stderr}\n${died.stdout}`,
      );
    const statuses = Object.values(taskStatuses(env, SPRINT));
    if (statuses.length > 0 && statuses.every((status) => status === 'Done')) return;
    if (Date.now() > deadline)
      throw new Error(`the sprint did not complete in time: ${JSON.stringify(statuses)}`);
    await sleep(250);
  }
}
