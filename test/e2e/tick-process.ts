// Sprint ticks as real processes, for the robustness suites: one `noether-ts run` of the
// stateful tick per tick (which a test may SIGKILL at any instant), or a long-lived
// `noether-ts schedule` firing it, each from the TypeScript sources and with the sprint
// environment's `env` (forge token, KV and reports folders, shell token) as its own.
//
// Each process runs in a working directory of its own, with the Caloron stages named by
// --stages: its traces (`.noether/traces/`) and, for a scheduler, its per-job lock are then
// its own, so two schedulers are serialised by nothing but the sprint's tick lock.
//
// What the forge record (forge-record.ts) cannot show is read here too: the forge's issue
// events (a label removed and added again, a second merge) and the sprint's side-effect
// journal. Labels are sets, so adding one an issue already has leaves no trace on the forge
// at all (GitHub's neither): that each label step ran once is read from the journal's keys.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadEngine, type Trace } from '../../engine/index.js';
import {
  FORGE_TOKEN_ENV,
  type SprintEnvironment,
  startSprintEnvironment,
} from '../../caloron/demo/environment.js';
import type { DagState, PlanTask, TickLock } from '../../schemas/generated/types.js';
import { noetherArgv } from '../cli/cli-process.js';
import { repo } from '../cli/in-process.js';
import { caloronHarness } from '../shell/e2e-harness.js';
import { forgeRecord } from './forge-record.js';

/** The default plan (caloron/demo/diamond.json): a; b and c after a; d after both. */
export const diamondPlan = JSON.parse(
  readFileSync(join(repo, 'caloron/demo/diamond.json'), 'utf8'),
) as PlanTask[];

/**
 * The diamond kicked off as `sprintId` in `<dir>/sprint`, with real agents beating every
 * second: where the suites that drive ticks from their own processes start. The
 * environment is closed again if kickoff fails.
 */
export async function kickedOffDiamond(dir: string, sprintId: string): Promise<SprintEnvironment> {
  const environment = await startSprintEnvironment({
    dir: join(dir, 'sprint'),
    harnessCommand: [...caloronHarness],
    heartbeatIntervalMs: 1000,
  });
  try {
    const engine = await loadEngine({ cwd: repo });
    await engine.run(
      join(repo, 'compositions/kickoff.json'),
      environment.kickoffInput(sprintId, diamondPlan),
      {
        env: environment.env,
      },
    );
  } catch (error) {
    await environment.close();
    throw error;
  }
  return environment;
}

export const STATEFUL_TICK = join(repo, 'compositions/sprint_tick_stateful.json');
const CALORON_STAGES = join(repo, 'stages/index.ts');

/** A child process that started, and how it ended (code null and a signal when killed). */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<Exit>;
}

function start(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
  stdin: 'ignore' | 'pipe' = 'ignore',
): RunningProcess {
  const child = spawn(process.execPath, argv, { cwd, env, stdio: [stdin, 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, pid: child.pid, exited };
}

/** A tick process that has loaded (or is loading) and waits for its input to start the tick. */
export interface WaitingTick extends RunningProcess {
  /** Hands the tick its input: the run starts once the engine has loaded. */
  go(): void;
}

/**
 * One `noether-ts run --json` of the stateful tick in `cwd`, its input (the environment's
 * tick input, or `input`) to come on stdin.
 * `noether-ts run` loads the engine (the Caloron stages: seconds of a loaded machine's CPU)
 * before it reads its input, so a tick started ahead of time has done that when `go()` is
 * called, and the tick itself runs at once: a sprint of tick processes then takes about as
 * long as a sprint of in-process ticks, not a process start-up per tick longer.
 */
export function tickProcess(
  environment: SprintEnvironment,
  sprintId: string,
  cwd: string,
  input: Record<string, unknown> = environment.tickInput(sprintId),
): WaitingTick {
  const running = start(
    noetherArgv('run', STATEFUL_TICK, '--json', '--stages', CALORON_STAGES),
    cwd,
    environment.env,
    'pipe',
  );
  // A process killed before it read its input breaks the pipe: that is no failure of ours.
  running.child.stdin?.on('error', () => {});
  return {
    ...running,
    go: () => running.child.stdin?.end(JSON.stringify(input)),
  };
}

/** What a finished `noether-ts run --json` of the tick answered. */
export interface TickOutput {
  busy: boolean;
  actions_taken: string[];
  errors: { key: string; message: string }[];
  complete: boolean;
  stuck: boolean;
}

/** The output and execution id of a tick process that ended well; throws with its stderr otherwise. */
export function tickResult(exit: Exit): { output: TickOutput; executionId: string } {
  if (exit.code !== 0)
    throw new Error(`the tick exited ${String(exit.code)} (${String(exit.signal)}):\n${exit.stderr}`);
  const { data } = JSON.parse(exit.stdout) as { data: { output: TickOutput; execution_id: string } };
  return { output: data.output, executionId: data.execution_id };
}

/** `noether-ts schedule` in `cwd`, firing the stateful tick of `sprintId` every second. */
export function schedulerProcess(
  environment: SprintEnvironment,
  sprintId: string,
  cwd: string,
): RunningProcess & { stop(): Promise<Exit> } {
  const config = join(cwd, 'scheduler.json');
  writeFileSync(
    config,
    JSON.stringify({
      jobs: [
        { name: 'tick', cron: '* * * * * *', graph: STATEFUL_TICK, input: environment.tickInput(sprintId) },
      ],
    }),
  );
  const running = start(
    noetherArgv('schedule', config, '--json', '--stages', CALORON_STAGES),
    cwd,
    environment.env,
  );
  return {
    ...running,
    // SIGTERM lets the running fire finish (and release the sprint's lock) before exit 0.
    stop: () => {
      running.child.kill('SIGTERM');
      return running.exited;
    },
  };
}

/** The scheduler's --json event lines. */
export function scheduleEvents(stdout: string): { event: string; [field: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { event: string });
}

/** The traces a process left under `cwd`. */
export function readTraces(cwd: string): Trace[] {
  const dir = join(cwd, '.noether', 'traces');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Trace);
}

/**
 * One recorded tick: busy (it found the sprint locked) or acting, and for an acting tick the
 * span it certainly held the lock in, in epoch milliseconds: from the end of load_tick_state
 * (which took the lock) to the end of save_tick_state (the lock is released after the run).
 */
export interface RecordedTick {
  executionId: string;
  ok: boolean;
  busy: boolean;
  held?: { from: number; to: number };
}

export function recordedTick(trace: Trace): RecordedTick {
  const started = Date.parse(trace.started_at);
  const call = (stage: string) => trace.calls.find((c) => c.stage === stage && c.status === 'ok');
  const load = call('load_tick_state');
  const save = call('save_tick_state');
  const busy = call('busy_tick_output') !== undefined;
  const tick: RecordedTick = { executionId: trace.execution_id, ok: trace.ok, busy };
  if (load?.duration_ms !== undefined && save?.duration_ms !== undefined)
    tick.held = {
      from: started + load.start_ms + load.duration_ms,
      to: started + save.start_ms + save.duration_ms,
    };
  return tick;
}

/** Each task's status in the sprint's persisted state (empty before kickoff). */
export function taskStatuses(environment: SprintEnvironment, sprintId: string): Record<string, string> {
  const path = join(environment.kvDir, `${sprintId}.json`);
  if (!existsSync(path)) return {};
  const { state } = JSON.parse(readFileSync(path, 'utf8')) as { state: DagState };
  return Object.fromEntries(Object.entries(state.tasks).map(([id, task]) => [id, task?.status ?? 'missing']));
}

export function readLock(environment: SprintEnvironment, sprintId: string): TickLock | undefined {
  try {
    return JSON.parse(readFileSync(join(environment.kvDir, `${sprintId}.lock`), 'utf8')) as TickLock;
  } catch {
    return undefined; // no lock, or one being written
  }
}

/** Every line of the sprint's side-effect journal, repeats included. */
export function journalKeys(environment: SprintEnvironment, sprintId: string): string[] {
  const path = join(environment.kvDir, `${sprintId}.journal.jsonl`);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { key: string }).key);
}

export interface IssueEvent {
  issue_number: number;
  event: string;
  label?: string;
}

/** The forge's issue events of the repository, every page (forge-record.ts does not read them). */
export async function issueEvents(environment: SprintEnvironment): Promise<IssueEvent[]> {
  const token = environment.env[FORGE_TOKEN_ENV] ?? '';
  const events: IssueEvent[] = [];
  for (let page = 1; ; page++) {
    const url = `${environment.forge.url}/repos/${environment.forgeConfig.repo}/issues/events?per_page=100&page=${String(page)}`;
    const reply = await fetch(url, { headers: { authorization: `token ${token}` } });
    if (!reply.ok) throw new Error(`GET ${url} answered ${String(reply.status)}: ${await reply.text()}`);
    type Raw = { event: string; issue: { number: number }; label?: { name: string } };
    const batch = (await reply.json()) as Raw[];
    for (const raw of batch)
      events.push({
        issue_number: raw.issue.number,
        event: raw.event,
        ...(raw.label === undefined ? {} : { label: raw.label.name }),
      });
    if (batch.length < 100) return events;
  }
}

/** The items that occur more than once, with their counts. */
export function repeated(items: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return Object.fromEntries([...counts].filter(([, count]) => count > 1));
}

/** The forge and the journal show each side effect once (CALORON §2: every action's key, once). */
export async function expectEveryEffectOnce(
  env: SprintEnvironment,
  sprintId: string,
  plan: readonly PlanTask[],
): Promise<void> {
  const record = await forgeRecord(env);
  expect(record.issues.map((issue) => issue.title).sort()).toEqual(plan.map((task) => task.title).sort());
  for (const issue of record.issues) {
    expect(issue.labels).toEqual(expect.arrayContaining(['caloron:task', 'caloron:done']));
    expect(repeated(issue.comments), `comments on #${String(issue.number)}`).toEqual({});
  }
  const markers = record.issues.flatMap((issue) =>
    issue.comments.flatMap((body) =>
      [...body.matchAll(/<!-- caloron:action key=(\S+) -->/g)].map((m) => m[1]!),
    ),
  );
  expect(markers.length).toBeGreaterThan(0);
  expect(repeated(markers)).toEqual({});
  expect(record.pulls).toHaveLength(plan.length);
  expect(new Set(record.pulls.map((pull) => pull.head)).size).toBe(plan.length);
  expect(record.pulls.every((pull) => pull.merged)).toBe(true);
  expect(record.files).toEqual(expect.arrayContaining(plan.map((task) => `caloron/${task.id}.md`)));
  const events = await issueEvents(env);
  const labelled = events
    .filter((e) => e.event === 'labeled')
    .map((e) => `#${String(e.issue_number)} ${e.label ?? ''}`);
  expect(repeated(labelled)).toEqual({});
  expect(events.some((e) => e.event === 'unlabeled')).toBe(false);
  const merged = events.filter((e) => e.event === 'merged').map((e) => String(e.issue_number));
  expect(merged.sort()).toEqual(record.pulls.map((pull) => String(pull.number)).sort());
  expect(repeated(journalKeys(env, sprintId))).toEqual({});
}
