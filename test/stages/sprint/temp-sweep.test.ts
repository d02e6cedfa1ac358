// The sweep of a sprint's dead temp files (CALORON §1; stages/sprint/temp-sweep.ts): once a
// tick holds the sprint's tick lock, load_tick_state removes the temp files that killed
// writers left beside the sprint's files, and only those: a state temp of a dead pid (or one
// past the lock TTL), an agents-file temp of a dead pid (past a grace), the tick lock's temps
// and claims of other generations past the claim TTL. Everything else stays, and nothing the
// sweep cannot do fails the tick.
//
// Real files in a real KV directory; a dead pid is that of a child that has exited, a live
// one this process's.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadTickStateOutput, TickLock } from '../../../schemas/generated/types.js';
import { loadTickState } from '../../../stages/sprint/index.js';
import { sweepSprintTemps } from '../../../stages/sprint/temp-sweep.js';
import { callStage } from '../call-stage.js';
import { kvDirWith } from '../../fixtures/kv/kv-dir.js';
import { tickInput } from '../../fixtures/kv/tick-input.js';

type Hooks = (() => void | Promise<void>)[];
type Logged = { message: string; data?: unknown }[];

/** A pid that has just exited, so it is dead on this host. */
let deadPid = 0;
beforeAll(async () => {
  const exited = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => exited.on('exit', resolve));
  deadPid = exited.pid ?? 0;
});

const MINUTE = 60_000;
const OTHER_GENERATION = 'b'.repeat(32);

/** A KV directory with sprint `demo` kicked off, and `files` (name → age in ms) beside it. */
function kvDirHolding(files: Record<string, number>): string {
  const kvDir = kvDirWith({ 'demo.json': 'demo.json', 'demo.agents.json': 'demo.agents.json' });
  for (const [name, ageMs] of Object.entries(files)) {
    writeFileSync(join(kvDir, name), 'partial');
    age(kvDir, name, ageMs);
  }
  return kvDir;
}

function age(kvDir: string, name: string, ageMs: number): void {
  const at = new Date(Date.now() - ageMs);
  utimesSync(join(kvDir, name), at, at);
}

/** One tick's load_tick_state; its run-end hooks (the lock's release) are run before it returns. */
async function tick(kvDir: string, logged: Logged = []): Promise<LoadTickStateOutput> {
  const hooks: Hooks = [];
  const output = (await callStage(loadTickState, tickInput('demo'), {
    env: { CALORON_KV_DIR: kvDir },
    runEndHooks: hooks,
    log: (message, data) => logged.push({ message, data }),
  })) as LoadTickStateOutput;
  for (const hook of hooks) await hook();
  return output;
}

/** The names in the KV directory besides the sprint's own files. */
function leftovers(kvDir: string): string[] {
  return readdirSync(kvDir)
    .filter((name) => name !== 'demo.json' && name !== 'demo.agents.json')
    .sort();
}

const stateTemp = (pid: number, hex = 'a1b2c3d4e5f6') => `.demo.json.${String(pid)}.${hex}.tmp`;
const agentsTemp = (pid: number, hex = 'a1b2c3d4e5f6') => `.demo.agents.json.${String(pid)}.${hex}.tmp`;
const lockTemp = (owner: string, hex = '0a1b2c3d') => `demo.lock.${owner}.${hex}.tmp`;

/** A tick lock of generation `owner`, held by this process. */
function lockOf(owner: string): TickLock {
  return {
    owner,
    pid: process.pid,
    process_start: null,
    hostname: hostname(),
    acquired_at: new Date().toISOString(),
    expires_at: new Date(Date.now() + 15 * MINUTE).toISOString(),
  };
}

describe('load_tick_state, once it holds the tick lock, sweeps', () => {
  describe('the state file temps', () => {
    it('of a writer that is dead, however young', async () => {
      const kvDir = kvDirHolding({ [stateTemp(deadPid)]: 0 });
      expect((await tick(kvDir)).busy).toBe(false);
      expect(leftovers(kvDir)).toEqual([]);
    });

    it('of a live writer only once past the lock TTL (its lock has expired)', async () => {
      const young = stateTemp(process.pid, '000000000001');
      const expired = stateTemp(process.pid, '000000000002');
      const kvDir = kvDirHolding({ [young]: 14 * MINUTE, [expired]: 16 * MINUTE });
      await tick(kvDir);
      expect(leftovers(kvDir)).toEqual([young]);
    });
  });

  describe("the shell's agents file temps", () => {
    it('of a dead writer once past the grace', async () => {
      const kvDir = kvDirHolding({ [agentsTemp(deadPid)]: MINUTE });
      await tick(kvDir);
      expect(leftovers(kvDir)).toEqual([]);
    });

    it('never of a live writer, however old (the shell writes without the tick lock)', async () => {
      const kvDir = kvDirHolding({ [agentsTemp(process.pid)]: 24 * 60 * MINUTE });
      await tick(kvDir);
      expect(leftovers(kvDir)).toEqual([agentsTemp(process.pid)]);
    });

    it('not of a dead writer within the grace (its pid may be from another PID namespace)', async () => {
      const kvDir = kvDirHolding({ [agentsTemp(deadPid)]: 0 });
      await tick(kvDir);
      expect(leftovers(kvDir)).toEqual([agentsTemp(deadPid)]);
    });
  });

  describe("the tick lock's temps and claims", () => {
    const leftoverNames = [
      lockTemp(OTHER_GENERATION),
      `demo.lock.${OTHER_GENERATION}.claim`,
      `demo.lock.corrupt-4242.claim`,
      `demo.lock.${OTHER_GENERATION}.claim.${lockTemp('c'.repeat(32)).slice('demo.lock.'.length)}`,
      `demo.lock.${OTHER_GENERATION}.claim.${'c'.repeat(32)}.claim`,
    ];

    it('of other generations, once past the claim TTL', async () => {
      const kvDir = kvDirHolding(Object.fromEntries(leftoverNames.map((name) => [name, MINUTE])));
      await tick(kvDir);
      expect(leftovers(kvDir)).toEqual([]);
    });

    it('not while they are younger than the claim TTL', async () => {
      const kvDir = kvDirHolding(Object.fromEntries(leftoverNames.map((name) => [name, 5_000])));
      await tick(kvDir);
      expect(leftovers(kvDir)).toEqual([...leftoverNames].sort());
    });

    it('never of the generation that holds the lock, however old', async () => {
      const current = lockOf('a'.repeat(32));
      const ours = [lockTemp(current.owner), `demo.lock.${current.owner}.claim`];
      const kvDir = kvDirHolding(Object.fromEntries(ours.map((name) => [name, 60 * MINUTE])));
      expect(await sweepSprintTemps(kvDir, 'demo', current, new Date(), () => {})).toEqual([]);
      expect(leftovers(kvDir)).toEqual([...ours].sort());
    });
  });

  it('and says what it removed', async () => {
    const logged: Logged = [];
    const kvDir = kvDirHolding({ [stateTemp(deadPid)]: 0 });
    await tick(kvDir, logged);
    expect(logged).toContainEqual({
      message: 'swept 1 leftover temp files of sprint demo',
      data: { removed: [stateTemp(deadPid)] },
    });
  });
});

describe('the sweep leaves alone', () => {
  it("the sprint's own files, other sprints' temps and every name it does not recognise", async () => {
    const old = 24 * 60 * MINUTE;
    const kept = [
      'demo.journal.jsonl',
      // Another sprint's, whose prefix begins like this one's.
      `.demo-2.json.${String(deadPid)}.a1b2c3d4e5f6.tmp`,
      `.demo-2.agents.json.${String(deadPid)}.a1b2c3d4e5f6.tmp`,
      `demo-2.lock.${OTHER_GENERATION}.0a1b2c3d.tmp`,
      `demo-2.lock.${OTHER_GENERATION}.claim`,
      // Near misses of this sprint's patterns.
      `demo.json.${String(deadPid)}.a1b2c3d4e5f6.tmp`,
      `.demo.json.${String(deadPid)}.a1b2c3d4e5f6.tmp.bak`,
      `.demo.json.${String(deadPid)}.a1b2c3d4e5f.tmp`,
      `.demo.json.0.a1b2c3d4e5f6.tmp`,
      `.demo.journal.jsonl.${String(deadPid)}.a1b2c3d4e5f6.tmp`,
      `demo.lock.${OTHER_GENERATION}.0a1b2c3d.tmp.x`,
      `demo.lock.${OTHER_GENERATION}.claimed`,
      `demo.lock.${OTHER_GENERATION.toUpperCase()}.claim`,
      'demo.lock.old',
      'notes.txt',
    ];
    const kvDir = kvDirHolding(Object.fromEntries(kept.map((name) => [name, old])));
    await tick(kvDir);
    expect(leftovers(kvDir)).toEqual([...kept].sort());
  });

  it('everything while another tick holds the lock (the tick is busy)', async () => {
    const kvDir = kvDirHolding({ [stateTemp(deadPid)]: 0, [lockTemp(OTHER_GENERATION)]: MINUTE });
    writeFileSync(join(kvDir, 'demo.lock'), JSON.stringify(lockOf('e'.repeat(32))));
    expect((await tick(kvDir)).busy).toBe(true);
    expect(leftovers(kvDir)).toEqual(['demo.lock', lockTemp(OTHER_GENERATION), stateTemp(deadPid)].sort());
  });
});

describe('a sweep that fails', () => {
  it('does not fail the tick: it logs the file it could not remove and sweeps the rest', async () => {
    // unlink(2) cannot remove a folder, whoever asks: a failure even for root.
    const stuck = stateTemp(deadPid, '000000000001');
    const kvDir = kvDirHolding({ [stateTemp(deadPid, '000000000002')]: 0 });
    mkdirSync(join(kvDir, stuck));
    const logged: Logged = [];
    const output = await tick(kvDir, logged);
    expect([output.busy, output.state.sprint_id]).toEqual([false, 'demo']);
    expect(leftovers(kvDir)).toEqual([stuck]);
    const failure = logged.find((entry) => entry.message.startsWith('could not sweep'));
    expect(failure?.data).toEqual({ file: join(kvDir, stuck) });
    expect(existsSync(join(kvDir, 'demo.lock'))).toBe(false);
  });

  it('does not fail the tick when the KV directory cannot be listed', async () => {
    const logged: Logged = [];
    // A file where the folder should be: listing it fails with ENOTDIR.
    const notAFolder = join(kvDirWith({ 'demo.json': 'demo.json' }), 'demo.json');
    const log = (message: string) => logged.push({ message });
    expect(await sweepSprintTemps(notAFolder, 'demo', lockOf('a'.repeat(32)), new Date(), log)).toEqual([]);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.message).toContain(`could not list ${notAFolder}`);
  });
});
