// Robustness (a): the diamond sprint where every tick is a real `noether-ts run` process and a
// seeded share of them are SIGKILLed, in turn: right after the forge or the shell performed
// one of the tick's writes (before the tick heard the answer, so before its journal line), at
// a random instant while it holds the sprint's tick lock (mid-poll, mid-execute, mid-save),
// or at a random instant of its whole run (before the lock too). The next tick starts at once.
// The sprint must still complete, and the forge must show every side effect exactly once:
// 4 task issues, no comment posted twice, no label added twice, one PR per task merged once.
// A killed tick's lock names a dead pid, so the next tick takes it over instead of being busy.
// A tick killed mid-write leaves a temp file in the KV directory: the ticks after it sweep it,
// so once the sprint is done none is left that the last tick could tell was dead.
//
// The seed is in the test's name; CALORON_KILL_SEED=<seed> replays its choices (the timing of
// a loaded machine is never the same twice, so a replay is likely, not certain, to fail alike).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { SprintEnvironment } from '../../caloron/demo/environment.js';
import { readTrace } from '../../engine/run/index.js';
import { readAgents } from '../../stages/sprint/kv-store.js';
import { seededRandom } from '../seeded-random.js';
import { tempProject } from '../temp-project.js';
import { writeProxy, type WriteProxy } from './write-proxy.js';
import {
  diamondPlan,
  kickedOffDiamond,
  type Exit,
  expectEveryEffectOnce,
  journalKeys,
  readLock,
  recordedTick,
  type RunningProcess,
  taskStatuses,
  tickProcess,
  tickResult,
  type WaitingTick,
} from './tick-process.js';

const SEED = Number(process.env.CALORON_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SPRINT = 'killed';
/** The share of ticks killed, while fewer than MAX_KILLS have been. */
const KILL_SHARE = 0.5;
/** Three of each mode. */
const MAX_KILLS = 9;
/**
 * The writes whose answers a write kill withholds: a comment (the marker must stop the retry
 * from posting it again), a merge (the retry must find it merged) and an agent's spawn (the
 * shell must replace the agent the retry spawns again). A write kill aims at the kinds no
 * earlier one hit, whichever comes first, so the first always finds a target.
 */
const WRITES_KILLED = [/\/issues\/\d+\/comments$/, /\/pulls\/\d+\/merge$/, /^\/spawn$/];
/** A generous bound for the whole sprint on a loaded machine: a stuck loop fails, it never hangs. */
const SPRINT_LIMIT_MS = 150_000;
/** How long to wait for a tick process to take the lock before killing it anyway. */
const LOCK_WAIT_MS = 30_000;
/** Between ordinary ticks, as the integrator's in-process loop. */
const PAUSE_MS = 500;

const KILL_MODES = ['after a write', 'holding the lock', 'anytime'] as const;
type KillMode = (typeof KILL_MODES)[number];

let environment: SprintEnvironment | undefined;
let proxies: WriteProxy[] = [];
let spare: WaitingTick | undefined;
afterAll(async () => {
  spare?.child.kill('SIGKILL');
  await spare?.exited;
  for (const proxy of proxies.splice(0)) await proxy.close();
  await environment?.close();
});

/** What the loop did, reported on failure along with the seed. */
interface Story {
  ticks: number;
  kills: {
    mode: KillMode;
    /** The write whose answer never arrived, or the delay of a timed kill. */
    at: string;
    /** Journal lines the killed tick wrote: >0 means it died mid-execute or later. */
    journaled: number;
    leftLock: boolean;
  }[];
  /** Ticks that found a killed tick's lock and went on (took it over). */
  takeovers: number;
}

describe('a sprint whose tick processes are SIGKILLed at random points', () => {
  it(
    `still completes with every side effect performed once (seed ${String(SEED)})`,
    async () => {
      const dir = tempProject({}, 'caloron-kill-');
      environment = await kickedOffDiamond(dir, SPRINT);
      const env = environment;
      // The ticks reach the forge and the shell through the proxies; the agents, directly.
      proxies = [await writeProxy(env.forge.url), await writeProxy(env.shell.url)];
      const [forge, shell] = proxies as [WriteProxy, WriteProxy];
      const input = { ...env.tickInput(SPRINT), host: forge.url, shell_url: shell.url };

      const random = seededRandom(SEED);
      const story: Story = { ticks: 0, kills: [], takeovers: 0 };
      const replay = () =>
        `seed ${String(SEED)}, replay with CALORON_KILL_SEED=${String(SEED)}: ${JSON.stringify(story)}`;
      // Measured on the ticks that ran to the end, so the timed kills span a whole run
      // ("anytime") or the whole time a tick holds the lock, whatever the machine's speed.
      const lifetimes: number[] = [];
      const heldSpans: number[] = [];
      // A write kill waits, across ticks, for the tick that makes the write it aims at.
      let aim: RegExp[] | undefined;
      const deadline = Date.now() + SPRINT_LIMIT_MS;
      let lockLeft = false;
      let lastTickStarted = 0;
      // The next tick process loads while the current one runs, so it starts right after.
      spare = tickProcess(env, SPRINT, dir, input);
      for (;;) {
        if (Date.now() > deadline)
          throw new Error(
            `the sprint did not complete in time (${replay()}); where it stood: ${standing(env)}`,
          );
        story.ticks++;
        const tick = spare;
        spare = tickProcess(env, SPRINT, dir, input);
        const journalBefore = journalKeys(env, SPRINT).length;
        let mode: KillMode | undefined;
        let at = '';
        if (aim === undefined && story.kills.length < MAX_KILLS && random() < KILL_SHARE)
          // In turn, so every mode happens whatever the seed draws.
          mode = KILL_MODES[story.kills.length % KILL_MODES.length];
        if (mode === 'after a write') {
          const hit = story.kills
            .filter((kill) => kill.mode === mode)
            .map((kill) => kill.at.split(' ')[1] ?? '');
          const left = WRITES_KILLED.filter((kind) => !hit.some((path) => kind.test(path)));
          aim = left.length === 0 ? WRITES_KILLED : left;
        }
        const afterWrite = (method: string, query: string): 'drop' | 'deliver' => {
          const path = query.replace(/\?.*$/, '');
          if (aim?.some((kind) => kind.test(path)) !== true) return 'deliver';
          aim = undefined;
          mode = 'after a write';
          at = `${method} ${path}`;
          tick.child.kill('SIGKILL');
          return 'drop';
        };
        forge.afterWrite = afterWrite;
        shell.afterWrite = afterWrite;
        const started = Date.now();
        tick.go();
        let exit: Exit;
        if (mode === 'anytime' || mode === 'holding the lock') {
          const delayMs = Math.round(
            random() * (mode === 'anytime' ? median(lifetimes, 3000) : median(heldSpans, 1000)),
          );
          at = `${String(delayMs)} ms`;
          exit = await killAfter(env, tick, mode, delayMs);
        } else exit = await tick.exited;
        if (exit.signal === 'SIGKILL' && mode !== undefined) {
          const leftLock = readLock(env, SPRINT)?.pid === tick.pid;
          const journaled = journalKeys(env, SPRINT).length - journalBefore;
          story.kills.push({ mode, at, journaled, leftLock });
          lockLeft ||= leftLock;
          continue;
        }
        // Not killed (or it finished before the kill landed): an ordinary tick.
        let result: ReturnType<typeof tickResult>;
        try {
          result = tickResult(exit);
        } catch (error) {
          throw new Error(`${(error as Error).message}\n(${replay()})`);
        }
        if (mode === undefined) lifetimes.push(Date.now() - started);
        lastTickStarted = started;
        const held = recordedTick((await readTrace(dir, result.executionId)).trace).held;
        if (held !== undefined) heldSpans.push(held.to - held.from);
        // Only one tick runs at a time here: a busy answer would mean a dead tick's lock
        // stopped it, instead of being taken over.
        expect(result.output.busy, `a lone tick found the sprint busy (${replay()})`).toBe(false);
        expect(result.output.stuck, replay()).toBe(false);
        if (lockLeft) story.takeovers++;
        lockLeft = false;
        if (result.output.complete) break;
        // Give the agents a moment, as the scheduler would; after a kill, no pause.
        await sleep(PAUSE_MS);
      }
      expect(taskStatuses(env, SPRINT)).toEqual({ a: 'Done', b: 'Done', c: 'Done', d: 'Done' });
      expect(
        story.kills.some((kill) => kill.mode === 'after a write'),
        replay(),
      ).toBe(true);
      expect(story.kills.filter((kill) => kill.leftLock).length, replay()).toBeGreaterThan(0);
      expect(story.takeovers, replay()).toBeGreaterThan(0);
      await expectEveryEffectOnce(env, SPRINT, diamondPlan);
      expect(unsweptTemps(env.kvDir, lastTickStarted), replay()).toEqual([]);
    },
    SPRINT_LIMIT_MS + 30_000,
  );
});

/** What a sprint that did not finish was waiting on: its tasks' statuses and its agents' records. */
function standing(env: SprintEnvironment): string {
  const agents = readAgents(env.kvDir, SPRINT);
  return JSON.stringify({
    tasks: taskStatuses(env, SPRINT),
    agents: Object.values(agents).map((agent) =>
      agent === undefined
        ? null
        : {
            agent: agent.agent_id,
            task: agent.task_id,
            role: agent.role,
            status: agent.status,
            started_at: agent.started_at,
            last_beat_at: agent.last_beat_at,
          },
    ),
    journal: journalKeys(env, SPRINT),
  });
}

/** SIGKILLs `tick` `delayMs` after it starts, or after it takes the sprint's lock; its exit. */
async function killAfter(
  env: SprintEnvironment,
  tick: RunningProcess,
  mode: 'anytime' | 'holding the lock',
  delayMs: number,
): Promise<Exit> {
  let ended = false;
  void tick.exited.then(() => (ended = true));
  if (mode === 'holding the lock') {
    const limit = Date.now() + LOCK_WAIT_MS;
    while (!ended && Date.now() < limit && readLock(env, SPRINT)?.pid !== tick.pid) await sleep(5);
  }
  await Promise.race([sleep(delayMs), tick.exited]);
  tick.child.kill('SIGKILL');
  return tick.exited;
}

/**
 * The sprint's temp files left behind that should be gone once the last tick (started at
 * `startedMs`, alone) held the lock and swept. State temps: all of them, since every writer
 * was a tick process that exited before it started. The lock's temps and claims: those past
 * the claim TTL (30 s) when it started. The shell's agents-file temps are never swept while
 * the shell lives (it does, in this process), but none older than the last tick is left
 * unless a write of the shell hung (a second of slack for the coarse file clock).
 */
function unsweptTemps(kvDir: string, startedMs: number): string[] {
  return readdirSync(kvDir).filter((name) => {
    const mtimeMs = statSync(join(kvDir, name), { throwIfNoEntry: false })?.mtimeMs;
    if (mtimeMs === undefined) return false;
    if (/^\.killed\.json\..*\.tmp$/.test(name)) return true;
    if (/^\.killed\.agents\.json\..*\.tmp$/.test(name)) return mtimeMs < startedMs - 1_000;
    if (name.startsWith('killed.lock.')) return mtimeMs < startedMs - 31_000;
    return false;
  });
}

function median(values: readonly number[], otherwise: number): number {
  if (values.length === 0) return otherwise;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
