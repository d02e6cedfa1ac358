// A sprint run in-process, the way the scheduler would run it but one tick at a time: a
// fresh startSprintEnvironment (embedded forge, real shell, real agents), kickoff.json for
// a plan, then compositions/sprint_tick_stateful.json tick after tick. After kickoff and
// after every tick it keeps a snapshot of what the KV directory holds — the persisted
// TickState and the shell's agents file — so the e2e suites can assert on the history of
// a sprint (which statuses each task went through, what ran at the same time), not only
// on where it ended.
//
// Must never: drive two ticks at once (the suites that test the tick lock start their
// own processes), or hide a tick that found the sprint busy (one driver, so that is a bug).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Engine, loadEngine } from '../../engine/index.js';
import {
  type SprintEnvironment,
  type SprintEnvironmentOptions,
  startSprintEnvironment,
} from '../../caloron/demo/environment.js';
import type {
  AgentsFile,
  DagIsCompleteOutput,
  PlanTask,
  SaveTickStateOutput,
  TaskStatus,
  TickState,
} from '../../schemas/generated/types.js';
import { repo } from '../cli/in-process.js';
import { caloronHarness } from '../shell/e2e-harness.js';
import { tempProject } from '../temp-project.js';
import { journalKeys } from './tick-process.js';

const composition = (name: string) => join(repo, 'compositions', `${name}.json`);

export interface Snapshot {
  /** 0: the state kickoff persisted; n: the state after tick n. */
  tick: number;
  /** What the tick answered (undefined for the kickoff snapshot). */
  output: SaveTickStateOutput | undefined;
  state: TickState;
  /** `<sprint>.agents.json` as the shell had written it when the snapshot was taken. */
  agents: AgentsFile | undefined;
}

export interface SprintRunOptions {
  sprintId: string;
  plan: readonly PlanTask[];
  /** startSprintEnvironment's options; the harness defaults to `caloron harness` through tsx. */
  environment?: Omit<SprintEnvironmentOptions, 'dir'>;
  /** sprint_tick_stateful.json's tuning. */
  tick?: { stallThresholdM?: number; maxReviewCycles?: number };
}

export interface SprintRun {
  sprintId: string;
  environment: SprintEnvironment;
  engine: Engine;
  /** Kickoff's output. */
  kickoff: unknown;
  snapshots: Snapshot[];
  /** Runs one tick and records its snapshot. */
  tick(): Promise<SaveTickStateOutput>;
  /**
   * Ticks, pausing `pauseMs` between ticks, until a tick says complete or stuck; fails
   * once `limitMs` have passed with every task's status, so a hung sprint says where it
   * hung. A time limit, not a tick count: how many ticks a sprint takes depends on the load.
   */
  runToEnd(options?: { pauseMs?: number; limitMs?: number }): Promise<SaveTickStateOutput>;
  state(): TickState;
  agents(): AgentsFile | undefined;
  /** The keys of `<sprint>.journal.jsonl`, in order. */
  journal(): string[];
  /** dag_is_complete on the persisted state, run through the engine. */
  completion(): Promise<DagIsCompleteOutput>;
  /** retro.json on the sprint; its output. */
  retro(): Promise<Record<string, unknown>>;
  /** Each task's statuses across the snapshots, consecutive repeats collapsed. */
  statusHistory(): Record<string, TaskStatus[]>;
  close(): Promise<void>;
}

let sharedEngine: Promise<Engine> | undefined;

export async function startSprintRun(options: SprintRunOptions): Promise<SprintRun> {
  const engine = await (sharedEngine ??= loadEngine({ cwd: repo }));
  const environment = await startSprintEnvironment({
    harnessCommand: [...caloronHarness],
    heartbeatIntervalMs: 1000,
    ...options.environment,
    dir: tempProject({}, 'caloron-e2e-'),
  });
  const { sprintId } = options;
  const env = environment.env;
  const read = <T>(file: string): T | undefined => {
    const path = join(environment.kvDir, file);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
  };
  const state = (): TickState => {
    const found = read<TickState>(`${sprintId}.json`);
    if (found === undefined) throw new Error(`no state file for sprint ${sprintId} in ${environment.kvDir}`);
    return found;
  };
  const agents = () => read<AgentsFile>(`${sprintId}.agents.json`);
  const snapshots: Snapshot[] = [];
  const snap = (output: SaveTickStateOutput | undefined) =>
    snapshots.push({ tick: snapshots.length, output, state: state(), agents: agents() });

  let kickoff: unknown;
  try {
    kickoff = (
      await engine.run(composition('kickoff'), environment.kickoffInput(sprintId, options.plan), { env })
    ).output;
    snap(undefined);
  } catch (error) {
    await environment.close();
    throw error;
  }

  const tick = async (): Promise<SaveTickStateOutput> => {
    const input = environment.tickInput(sprintId, options.tick);
    const output = (await engine.run(composition('sprint_tick_stateful'), input, { env })).output as
      SaveTickStateOutput | { busy: true };
    if (output.busy)
      throw new Error(`tick ${snapshots.length} found sprint ${sprintId} busy with one driver`);
    snap(output);
    return output;
  };

  const statusHistory = (): Record<string, TaskStatus[]> => {
    const history: Record<string, TaskStatus[]> = {};
    for (const { state: snapshot } of snapshots)
      for (const task of Object.values(snapshot.state.tasks)) {
        if (task === undefined) continue;
        const seen = (history[task.id] ??= []);
        if (seen.at(-1) !== task.status) seen.push(task.status);
      }
    return history;
  };

  return {
    sprintId,
    environment,
    engine,
    kickoff,
    snapshots,
    tick,
    async runToEnd({ pauseMs = 300, limitMs = 90_000 } = {}) {
      const deadline = Date.now() + limitMs;
      for (;;) {
        const output = await tick();
        if (output.complete || output.stuck) return output;
        if (Date.now() > deadline) {
          const statuses = Object.values(state().state.tasks).map((task) => `${task?.id}: ${task?.status}`);
          throw new Error(
            `sprint ${sprintId} neither complete nor stuck after ${snapshots.length - 1} ticks in ${limitMs} ms (${statuses.join(', ')})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    },
    state,
    agents,
    journal: () => journalKeys(environment, sprintId),
    async completion() {
      const graph = {
        description: 'dag_is_complete on a persisted state',
        version: '1.0.0',
        root: { op: 'Stage', id: 'dag_is_complete' },
      };
      return (await engine.run(graph, { state: state().state })).output as DagIsCompleteOutput;
    },
    async retro() {
      return (await engine.run(composition('retro'), environment.retroInput(sprintId), { env }))
        .output as Record<string, unknown>;
    },
    statusHistory,
    close: () => environment.close(),
  };
}
