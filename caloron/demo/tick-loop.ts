// The scheduler tick loop `caloron demo` and `caloron sprint --run` share: open a scheduler
// config holding the sprint's tick job, fire it at once and then on its cron, report each
// tick with the state read back from the KV folder, and stop at the first of: the tick
// says complete or stuck, the time is up, the signal fires.
//
// Must never: return with a scheduler timer still armed (the scheduler is stopped before
// returning), or tick without the scheduler (every tick is a scheduler fire, as in production).
import type { Engine } from '../../engine/engine.js';
import { openSchedule } from '../../engine/schedule/index.js';
import type { AgentRecord, DagState } from '../../schemas/generated/types.js';
import { readAgents, readTickState } from '../../stages/sprint/kv-store.js';
import type { TickOutput } from './table.js';

export interface SprintTick {
  n: number;
  output: TickOutput;
  state: DagState;
  agents: Readonly<Record<string, AgentRecord | undefined>>;
}

export interface TickReporter {
  tick(tick: SprintTick): void;
  /** A fire that failed or was skipped for a lock: the loop goes on. */
  note(text: string): void;
}

/** The `--json` form of a tick and of a note, one JSON object per line (caloron demo and caloron sprint). */
export function jsonTickReporter(print: (line: string) => void): TickReporter {
  return {
    tick: ({ n, output, state }) =>
      print(
        JSON.stringify({
          event: 'tick',
          tick: n,
          ...output,
          tasks: Object.values(state.tasks).map((task) => ({
            id: task?.id,
            title: task?.title,
            status: task?.status,
            issue_number: task?.issue_number,
            pr_number: task?.pr_number,
          })),
        }),
      ),
    note: (text) => print(JSON.stringify({ event: 'note', text })),
  };
}

export type TickOutcome = 'complete' | 'stuck' | 'timeout' | 'interrupted';

export interface TickLoopOptions {
  sprintId: string;
  /** The scheduler config holding the tick job (sprint_tick_stateful.json for this sprint). */
  schedulerConfig: string;
  /** The tick job's name in that config. */
  job: string;
  /** The environment every fire runs with (forge token, CALORON_KV_DIR, CALORON_SHELL_TOKEN…). */
  env: Readonly<Record<string, string | undefined>>;
  /** Where the tick persists the sprint (read back after each tick for the reporter). */
  kvDir: string;
  timeoutMs: number;
  /** Stops the loop cleanly (SIGINT): the running tick is aborted. */
  signal?: AbortSignal;
  reporter: TickReporter;
}

/** Runs the scheduler until a tick says complete or stuck, the time is up, or the signal fires. */
export async function tickUntilSettled(
  engine: Engine,
  options: TickLoopOptions,
): Promise<{ outcome: TickOutcome; ticks: number }> {
  const { reporter, sprintId, kvDir } = options;
  let ticks = 0;
  let outcome: TickOutcome | undefined;
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => (wake = resolve));
  // The first reason to stop wins; a tick that ends after it is not reported.
  const settle = (reason: TickOutcome) => {
    outcome ??= reason;
    wake();
  };
  const { scheduler } = await openSchedule(engine, options.schedulerConfig, {
    env: options.env,
    onEvent: (event) => {
      if (event.event === 'failed') reporter.note(`tick failed: ${event.code}: ${event.message}`);
      else if (event.event === 'skipped' && event.reason === 'locked')
        reporter.note(
          `tick skipped: another scheduler (pid ${String(event.holder?.pid)}) holds ${options.job}`,
        );
    },
    onOutput: (_job, result) => {
      if (outcome !== undefined) return;
      const output = result.output as TickOutput;
      ticks += 1;
      const state = readTickState(kvDir, sprintId).state;
      reporter.tick({ n: ticks, output, state, agents: readAgents(kvDir, sprintId) });
      if (output.complete) settle('complete');
      else if (output.stuck) settle('stuck');
    },
  });
  const timer = setTimeout(() => settle('timeout'), options.timeoutMs);
  const interrupt = () => settle('interrupted');
  options.signal?.addEventListener('abort', interrupt, { once: true });
  if (options.signal?.aborted === true) interrupt();
  scheduler.start();
  // The first tick at once rather than at the next cron second: kickoff left Ready tasks.
  void scheduler.fire(options.job);
  await woken;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', interrupt);
  // A tick cut short is safe: the next tick (of this sprint, in any process) resumes from
  // the journal and the persisted state. Waiting for it would only delay the stop.
  if (outcome === 'timeout' || outcome === 'interrupted') scheduler.abort();
  await scheduler.stop();
  return { outcome: outcome ?? 'interrupted', ticks };
}
