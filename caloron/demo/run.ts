// The demo's run loop (`caloron demo`): a whole sprint on one machine, offline. It starts
// the sprint environment (forge and shell on free loopback ports, stub agents), kicks the
// plan off with kickoff.json, then lets the noether-ts scheduler fire
// sprint_tick_stateful.json every few seconds until the tick says the sprint is complete or
// stuck, and ends with retro.json. Printing is the caller's: each tick is reported with
// the state read back from the KV folder.
//
// Must never: return or throw with an agent, the shell, the forge or a scheduler timer
// still running (everything is closed in `finally`), or tick without the scheduler.
import { loadEngine, type Engine } from '../../engine/engine.js';
import { isNoetherError, NoetherError } from '../../engine/errors.js';
import type { DagState, PlanTask } from '../../schemas/generated/types.js';
import { readTickState } from '../../stages/sprint/kv-store.js';
import { startSprintEnvironment, type SprintEnvironment } from './environment.js';
import { COMPOSITIONS, PROJECT_ROOT } from './paths.js';
import { TICK_JOB, tickCron, writeDemoSchedule } from './schedule.js';
import { tickUntilSettled, type TickOutcome, type TickReporter } from './tick-loop.js';

export interface DemoOptions {
  /** Holds everything the run makes: forge/, kv/, worktrees/, reports/, scheduler.json. */
  dir: string;
  plan: readonly PlanTask[];
  /** Where the plan came from, to name it in errors. */
  planFile: string;
  ticksEverySeconds: number;
  timeoutMs: number;
  /** Stops the run cleanly (SIGINT): the running tick is aborted, everything is closed. */
  signal?: AbortSignal;
  sprintId?: string;
  harnessCommand?: string[];
  heartbeatIntervalMs?: number;
}

export interface DemoPlaces {
  dir: string;
  forgeUrl: string;
  shellUrl: string;
  /** The bare repository on the forge (`git clone` it to see what the agents merged). */
  repoPath: string;
  kvDir: string;
  reportsDir: string;
  schedulerConfig: string;
}

export interface DemoReporter extends TickReporter {
  /** The environment is up and the plan kicked off; ticks follow. */
  started(places: DemoPlaces, sprintId: string): void;
}

export type DemoOutcome = TickOutcome;

export interface DemoResult {
  sprintId: string;
  outcome: DemoOutcome;
  ticks: number;
  /** The state after the last tick (after kickoff when no tick ran). */
  state: DagState;
  places: DemoPlaces;
  /** retro.json's output, when the sprint ended complete or stuck. */
  retro?: { report_path: string; learnings_path: string };
}

export const DEMO_SPRINT = 'demo';

export async function runDemo(options: DemoOptions, reporter: DemoReporter): Promise<DemoResult> {
  const sprintId = options.sprintId ?? DEMO_SPRINT;
  tickCron(options.ticksEverySeconds); // a bad --ticks-every stops here, before anything starts
  const engine = await loadEngine({ cwd: PROJECT_ROOT });
  const environment = await startSprintEnvironment({
    dir: options.dir,
    ...(options.harnessCommand === undefined ? {} : { harnessCommand: options.harnessCommand }),
    ...(options.heartbeatIntervalMs === undefined
      ? {}
      : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
  });
  try {
    await kickoff(engine, environment, sprintId, options);
    const schedulerConfig = await writeDemoSchedule(
      environment.dir,
      environment.tickInput(sprintId),
      options.ticksEverySeconds,
    );
    const places: DemoPlaces = {
      dir: environment.dir,
      forgeUrl: environment.forge.url,
      shellUrl: environment.shell.url,
      repoPath: environment.repoPath,
      kvDir: environment.kvDir,
      reportsDir: environment.reportsDir,
      schedulerConfig,
    };
    reporter.started(places, sprintId);
    const { outcome, ticks } = await tickUntilSettled(engine, {
      sprintId,
      schedulerConfig,
      job: TICK_JOB,
      env: environment.env,
      kvDir: environment.kvDir,
      timeoutMs: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      reporter,
    });
    const state = readTickState(environment.kvDir, sprintId).state;
    const result: DemoResult = { sprintId, outcome, ticks, state, places };
    if (outcome === 'complete' || outcome === 'stuck') {
      const retro = await engine.run(COMPOSITIONS.retro, environment.retroInput(sprintId), {
        env: environment.env,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      result.retro = retro.output as { report_path: string; learnings_path: string };
    }
    return result;
  } finally {
    await environment.close();
  }
}

async function kickoff(
  engine: Engine,
  environment: SprintEnvironment,
  sprintId: string,
  options: DemoOptions,
): Promise<void> {
  try {
    await engine.run(COMPOSITIONS.kickoff, environment.kickoffInput(sprintId, options.plan), {
      env: environment.env,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    // dag_validate speaks of the DAG; the user wrote a plan file, so name it.
    if (isNoetherError(error) && (error.code === 'NOE_DAG_INVALID' || error.code === 'NOE_SPRINT_EXISTS'))
      throw new NoetherError(error.code, `${options.planFile}: ${error.message}`, {
        place: { file: options.planFile },
        ...(error.details === undefined ? {} : { details: error.details }),
        cause: error,
      });
    throw error;
  }
}
