// `caloron sprint`'s work, on the compositions of CALORON §5: plan the goal with
// full_cycle.json (or take the plan file's tasks), kick the sprint off with kickoff.json,
// then either hand back the scheduler job that ticks it, or (--run) tick it through the
// scheduler with the loop `caloron demo` uses and end with retro.json. Printing is the
// caller's, through the reporter.
//
// Must never: tick without the scheduler, or return with a scheduler timer still running.
import { join } from 'node:path';
import { loadEngine, type Engine } from '../../engine/engine.js';
import type { DagState, PlanTask } from '../../schemas/generated/types.js';
import { kvDirectory, readTickState } from '../../stages/sprint/kv-store.js';
import {
  COMPOSITIONS,
  PROJECT_ROOT,
  tickCron,
  tickUntilSettled,
  type TickOutcome,
  type TickReporter,
} from '../demo/index.js';
import {
  sprintTickJob,
  TICK_GRAPH_IN_PROJECT,
  writeSprintSchedule,
  type SprintForge,
  type TickJob,
} from './job.js';
import type { SprintOptions } from './options.js';

const FULL_CYCLE = join(PROJECT_ROOT, 'compositions', 'full_cycle.json');

export interface KickoffOutput {
  sprint_id: string;
  state_path: string;
  resumed: boolean;
  tasks: { task_id: string; issue_number: number; created: boolean }[];
}

export interface SprintReporter extends TickReporter {
  /** The tasks the sprint runs: planned from the goal, or read from --plan. */
  planned(tasks: readonly PlanTask[], from: 'goal' | 'plan file'): void;
  kickedOff(kickoff: KickoffOutput): void;
  /** --run: the scheduler config written and about to run. */
  ticking(schedulerConfig: string, job: TickJob): void;
}

export interface SprintResult {
  sprintId: string;
  tasks: PlanTask[];
  kickoff: KickoffOutput;
  /** The job to add to the project's scheduler.json (graph relative to it, every minute). */
  job: TickJob;
  /** With --run: how the ticking ended, the state then, and retro.json's output. */
  run?: {
    outcome: TickOutcome;
    ticks: number;
    state: DagState;
    retro?: { report_path: string; learnings_path: string };
  };
}

export async function runSprint(
  options: SprintOptions,
  env: Readonly<Record<string, string | undefined>>,
  reporter: SprintReporter,
  signal?: AbortSignal,
): Promise<SprintResult> {
  const engine = await loadEngine({ cwd: PROJECT_ROOT });
  const runOptions = { env, ...(signal === undefined ? {} : { signal }) };
  const forge: SprintForge = {
    sprint_id: options.sprintId,
    repo: options.repo,
    host: options.host,
    token_env: options.tokenEnv,
  };

  const tasks = options.plan?.tasks ?? (await plan(engine, options, runOptions));
  reporter.planned(tasks, options.plan === undefined ? 'goal' : 'plan file');
  const kickoff = await kickoffSprint(engine, forge, tasks, options, runOptions);
  reporter.kickedOff(kickoff);
  const job = sprintTickJob(forge, options.shellUrl, { cron: '* * * * *', graph: TICK_GRAPH_IN_PROJECT });
  const result: SprintResult = { sprintId: options.sprintId, tasks, kickoff, job };
  if (options.run === undefined) return result;

  const kvDir = kvDirectory(env);
  const runJob = { ...job, cron: tickCron(options.run.ticksEverySeconds) };
  const schedulerConfig = await writeSprintSchedule(kvDir, runJob);
  reporter.ticking(schedulerConfig, runJob);
  const { outcome, ticks } = await tickUntilSettled(engine, {
    sprintId: options.sprintId,
    schedulerConfig,
    job: runJob.name,
    env,
    kvDir,
    timeoutMs: options.run.timeoutMs,
    ...(signal === undefined ? {} : { signal }),
    reporter,
  });
  const state = readTickState(kvDir, options.sprintId).state;
  result.run = { outcome, ticks, state };
  if (outcome === 'complete' || outcome === 'stuck') {
    const retro = await engine.run(
      COMPOSITIONS.retro,
      { sprint_id: forge.sprint_id, repo: forge.repo, host: forge.host, token_env: forge.token_env },
      runOptions,
    );
    result.run.retro = retro.output as { report_path: string; learnings_path: string };
  }
  return result;
}

type RunOptions = { env: Readonly<Record<string, string | undefined>>; signal?: AbortSignal };

async function plan(engine: Engine, options: SprintOptions, runOptions: RunOptions): Promise<PlanTask[]> {
  const input = {
    goal: options.goal,
    ...(options.constraints === undefined ? {} : { constraints: options.constraints }),
  };
  const planned = await engine.run(FULL_CYCLE, input, runOptions);
  return (planned.output as { tasks: PlanTask[] }).tasks;
}

async function kickoffSprint(
  engine: Engine,
  forge: SprintForge,
  tasks: readonly PlanTask[],
  options: SprintOptions,
  runOptions: RunOptions,
): Promise<KickoffOutput> {
  const input = {
    ...forge,
    tasks,
    ...(options.framework === undefined ? {} : { defaults: { framework: options.framework } }),
  };
  return (await engine.run(COMPOSITIONS.kickoff, input, runOptions)).output as KickoffOutput;
}
