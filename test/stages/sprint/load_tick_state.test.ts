// load_tick_state (CALORON §1): reads the sprint's state, agents and the clock under the tick
// lock; answers busy (without an error) when a live tick holds the lock; takes over stale
// locks; releases at run end only a lock that is still its own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NoetherError } from '../../../engine/errors.js';
import { validateValue } from '../../../engine/schema/index.js';
import type { LoadTickStateOutput, TickLock } from '../../../schemas/generated/types.js';
import { loadTickState } from '../../../stages/sprint/index.js';
import { callStage } from '../call-stage.js';
import { HOSTILE_IDS } from '../../fixtures/kv/hostile-ids.js';
import { kvDirWith } from '../../fixtures/kv/kv-dir.js';
import { tickInput } from '../../fixtures/kv/tick-input.js';

type Hooks = (() => void | Promise<void>)[];

async function load(kvDir: string, hooks: Hooks = [], sprintId = 'demo'): Promise<LoadTickStateOutput> {
  return (await callStage(loadTickState, tickInput(sprintId), {
    env: { CALORON_KV_DIR: kvDir },
    runEndHooks: hooks,
  })) as LoadTickStateOutput;
}

async function runEnd(hooks: Hooks): Promise<void> {
  for (const hook of hooks.splice(0)) await hook();
}

const lockPath = (kvDir: string) => join(kvDir, 'demo.lock');
const readLock = (kvDir: string) => JSON.parse(readFileSync(lockPath(kvDir), 'utf8')) as TickLock;

function holdLock(kvDir: string, lock: Partial<TickLock>): TickLock {
  const record: TickLock = {
    owner: 'a'.repeat(32),
    pid: process.pid,
    process_start: null,
    hostname: hostname(),
    acquired_at: new Date(Date.now() - 60_000).toISOString(),
    expires_at: new Date(Date.now() + 600_000).toISOString(),
    ...lock,
  };
  writeFileSync(lockPath(kvDir), JSON.stringify(record));
  return record;
}

/** A pid that has just exited, so it is dead on this host. */
let deadPid = 0;
beforeAll(async () => {
  const exited = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => exited.on('exit', resolve));
  deadPid = exited.pid ?? 0;
});

const kicked = () => kvDirWith({ 'demo.json': 'demo.json', 'demo.agents.json': 'demo.agents.json' });

describe('load_tick_state', () => {
  it('hands on the configuration with the persisted state, the agents and the clock', async () => {
    const before = Date.now();
    const output = await load(kicked());
    const persisted = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../fixtures/kv/demo.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(output).toMatchObject({ ...tickInput('demo'), busy: false });
    expect(output.state).toEqual(persisted.state);
    expect(output.interventions).toEqual(persisted.interventions);
    expect([output.since, output.seen]).toEqual([persisted.since, persisted.seen]);
    expect(Object.keys(output.agents)).toEqual(['dev-1']);
    expect(output.now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(output.now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(output.now)).toBeLessThanOrEqual(Date.now());
  });

  it('gives no agents when the shell has written none', async () => {
    expect((await load(kvDirWith({ 'demo.json': 'demo.json' }))).agents).toEqual({});
  });

  it('takes the tick lock and releases it when the run ends', async () => {
    const kvDir = kicked();
    const hooks: Hooks = [];
    await load(kvDir, hooks);
    expect(readLock(kvDir)).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(hooks).toHaveLength(1);
    await runEnd(hooks);
    expect(existsSync(lockPath(kvDir))).toBe(false);
  });

  it('says the sprint was never kicked off, and leaves no lock behind', async () => {
    const kvDir = kvDirWith();
    const hooks: Hooks = [];
    await expect(load(kvDir, hooks)).rejects.toMatchObject({ code: 'NOE_SPRINT_NOT_FOUND' });
    expect([existsSync(lockPath(kvDir)), hooks.length]).toEqual([false, 0]);
  });

  it('fails on a corrupt state file naming it, and still releases the lock at run end', async () => {
    const kvDir = kvDirWith({ 'demo.json': 'truncated-state.txt' });
    const hooks: Hooks = [];
    const error = await load(kvDir, hooks).then(
      () => expect.fail('loaded'),
      (thrown: NoetherError) => thrown,
    );
    expect([error.code, error.place.file]).toEqual(['NOE_STATE_INVALID', join(kvDir, 'demo.json')]);
    await runEnd(hooks);
    expect(existsSync(lockPath(kvDir))).toBe(false);
  });

  it('names the lock file when it cannot take the lock', async () => {
    const kvDir = kicked();
    mkdirSync(lockPath(kvDir));
    const error = await load(kvDir).then(
      () => expect.fail('loaded'),
      (thrown: NoetherError) => thrown,
    );
    expect([error.code, error.place.file]).toEqual(['NOE_FILE_WRITE', lockPath(kvDir)]);
  });

  it.each(HOSTILE_IDS)('is refused the sprint id %j by its input schema', (id) => {
    expect(validateValue(loadTickState.input, tickInput(id))).not.toEqual([]);
  });

  it('refuses a hostile sprint id even when called past its schema, creating nothing', async () => {
    const kvDir = kvDirWith();
    const run =
      loadTickState.implementation.kind === 'builtin' ? loadTickState.implementation.run : undefined;
    for (const id of HOSTILE_IDS) {
      const ctx = {
        signal: new AbortController().signal,
        log: () => {},
        onRunEnd: () => {},
        env: { CALORON_KV_DIR: join(kvDir, 'kv') },
      };
      await expect(Promise.resolve().then(() => run?.(tickInput(id), ctx))).rejects.toMatchObject({
        code: 'NOE_STAGE_INPUT_VIOLATION',
      });
    }
    expect(existsSync(join(kvDir, 'kv'))).toBe(false);
  });

  describe('when another tick holds the lock', () => {
    it('answers busy, with the state read, when the holder is alive', async () => {
      const kvDir = kicked();
      const holder = holdLock(kvDir, {});
      const hooks: Hooks = [];
      const output = await load(kvDir, hooks);
      expect(output.busy).toBe(true);
      expect(output.state.sprint_id).toBe('demo');
      expect(hooks).toEqual([]);
      expect(readLock(kvDir)).toEqual(holder);
    });

    it('answers busy when the holder is on another host, whose pids it cannot judge', async () => {
      const kvDir = kicked();
      holdLock(kvDir, { hostname: `not-${hostname()}`, pid: deadPid });
      expect((await load(kvDir)).busy).toBe(true);
    });

    it('takes over a lock whose process is dead on this host', async () => {
      const kvDir = kicked();
      holdLock(kvDir, { pid: deadPid });
      const output = await load(kvDir);
      expect(output.busy).toBe(false);
      expect(readLock(kvDir)).toMatchObject({ pid: process.pid });
      expect(readLock(kvDir).owner).not.toBe('a'.repeat(32));
    });

    it('answers busy when the holder is this very process (same pid, same start time)', async () => {
      const kvDir = kicked();
      const hooks: Hooks = [];
      await load(kvDir, hooks);
      expect(readLock(kvDir).process_start).toMatch(/^\d+$/);
      expect((await load(kvDir)).busy).toBe(true);
      await runEnd(hooks);
    });

    it('takes over a lock whose pid now belongs to a process with another start time', async () => {
      const kvDir = kicked();
      holdLock(kvDir, { pid: process.pid, process_start: '1' });
      expect((await load(kvDir)).busy).toBe(false);
      expect(readLock(kvDir).owner).not.toBe('a'.repeat(32));
    });

    it('takes over a lock past its expiry, even with a live process', async () => {
      const kvDir = kicked();
      holdLock(kvDir, {
        hostname: `not-${hostname()}`,
        expires_at: new Date(Date.now() - 1000).toISOString(),
      });
      expect((await load(kvDir)).busy).toBe(false);
      expect(readLock(kvDir).hostname).toBe(hostname());
    });

    it('treats an unreadable lock as held while it is fresh, and takes it over once old', async () => {
      const kvDir = kicked();
      writeFileSync(lockPath(kvDir), '{"owner": ');
      expect((await load(kvDir)).busy).toBe(true);
      const old = new Date(Date.now() - 120_000);
      utimesSync(lockPath(kvDir), old, old);
      expect((await load(kvDir)).busy).toBe(false);
    });

    it('backs off while another process is taking over the same stale lock', async () => {
      const kvDir = kicked();
      const stale = holdLock(kvDir, { pid: deadPid });
      holdClaim(kvDir, stale.owner, { pid: process.pid });
      expect((await load(kvDir)).busy).toBe(true);
      expect(readLock(kvDir)).toEqual(stale);
    });

    it('takes over a takeover claim whose process died, then the stale lock', async () => {
      const kvDir = kicked();
      const stale = holdLock(kvDir, { pid: deadPid });
      holdClaim(kvDir, stale.owner, { pid: deadPid });
      expect((await load(kvDir)).busy).toBe(false);
      expect(readLock(kvDir).pid).toBe(process.pid);
    });
  });

  describe('at run end', () => {
    it('releases the lock only if it is still its own', async () => {
      const kvDir = kicked();
      const hooks: Hooks = [];
      await load(kvDir, hooks);
      // Overran its expiry and was taken over: the lock now belongs to another tick.
      const successor = holdLock(kvDir, { owner: 'b'.repeat(32) });
      await runEnd(hooks);
      expect(readLock(kvDir)).toEqual(successor);
    });

    it('leaves its lock alone while another process is taking it over', async () => {
      const kvDir = kicked();
      const hooks: Hooks = [];
      await load(kvDir, hooks);
      const ours = readLock(kvDir);
      holdClaim(kvDir, ours.owner, { pid: process.pid });
      await runEnd(hooks);
      expect(readLock(kvDir)).toEqual(ours);
    });
  });
});

/** Writes the claim a process makes while it takes over (or releases) generation `owner`. */
function holdClaim(kvDir: string, owner: string, claim: Partial<TickLock>): void {
  writeFileSync(
    join(kvDir, `demo.lock.${owner}.claim`),
    JSON.stringify({
      owner: 'c'.repeat(32),
      pid: process.pid,
      process_start: null,
      hostname: hostname(),
      acquired_at: new Date().toISOString(),
      expires_at: new Date(Date.now() + 30_000).toISOString(),
      ...claim,
    }),
  );
}
