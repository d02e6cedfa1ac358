// The shell's hold on its agents' processes (CALORON §6): /restart replaces the process
// group, /kill leaves nothing behind, and the records say so. The harness here is a
// stand-in that never ends and starts a grandchild, so there is a whole group to stop.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isRunning, recordedPids } from '../run/command-liveness.js';
import { ENV, type ForgeRepo, forgeRepo } from '../stages/github/local-forge.js';
import { tempProject } from '../temp-project.js';
import { type ShellUnderTest, hangingHarness, shellUnderTest } from './e2e-harness.js';
import { join } from 'node:path';

const SPRINT = 's1';

let forge: ForgeRepo;
let shell: ShellUnderTest;
let pidsDir: string;

beforeAll(async () => {
  forge = await forgeRepo('gadgets');
  pidsDir = tempProject({}, 'shell-pids-');
  shell = await shellUnderTest({ forge: forge.config, env: ENV, harnessCommand: hangingHarness(pidsDir) });
});

type Pids = { leader: number; grandchild: number };

// Whatever the tests leave running (the shell's close need not stop its agents) is stopped
// here by pid, so a failing test leaves no stray processes on the machine.
afterAll(() => {
  for (const file of readdirSync(pidsDir).filter((name) => name.endsWith('.json'))) {
    const pids = JSON.parse(readFileSync(join(pidsDir, file), 'utf8')) as Pids;
    for (const pid of [pids.leader, pids.grandchild]) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
});

/** Spawns a developer for `task` and waits until its stand-in harness has started its grandchild. */
async function spawnHanging(task: string, agent: string, replacing?: number): Promise<Pids> {
  const spawned = await shell.call('POST', '/spawn', {
    sprint_id: SPRINT,
    task_id: task,
    agent_id: agent,
    role: 'developer',
    repo: forge.config.repo,
    issue_number: 1,
  });
  expect(spawned).toMatchObject({ status: 200, body: { ok: true } });
  const record = await shell.record(
    SPRINT,
    agent,
    (candidate) => candidate.pid !== null && candidate.pid !== replacing,
    30_000,
  );
  return recordedPids(join(pidsDir, `${record.pid}.json`));
}

describe('POST /restart', () => {
  it('kills the old process group, starts a new one, and records the new pid', async () => {
    const old = await spawnHanging('t-restart', 'dev-restart');
    const restarted = await shell.call('POST', '/restart', { sprint_id: SPRINT, agent_id: 'dev-restart' });
    expect(restarted).toMatchObject({ status: 200, body: { ok: true } });
    const record = await shell.record(
      SPRINT,
      'dev-restart',
      (candidate) => candidate.pid !== null && candidate.pid !== old.leader,
      30_000,
    );
    const fresh = await recordedPids(join(pidsDir, `${record.pid}.json`));
    await eventually('the old group to be gone', () => !isRunning(old.leader) && !isRunning(old.grandchild));
    expect(isRunning(fresh.leader)).toBe(true);
    expect(isRunning(fresh.grandchild)).toBe(true);
    expect(record).toMatchObject({ status: 'running', task_id: 't-restart' });
  });
});

describe('POST /kill', () => {
  it('leaves neither the harness nor anything it started, and records killed', async () => {
    const pids = await spawnHanging('t-kill', 'dev-kill');
    const killed = await shell.call('POST', '/kill', { sprint_id: SPRINT, agent_id: 'dev-kill' });
    expect(killed).toMatchObject({ status: 200, body: { ok: true } });
    await eventually('the group to be gone', () => !isRunning(pids.leader) && !isRunning(pids.grandchild));
    const record = await shell.record(SPRINT, 'dev-kill', (candidate) => candidate.status === 'killed');
    expect(record.ended_at).not.toBeNull();
  });

  it('reports the killed agent as not alive in /status', async () => {
    const status = await shell.call('GET', `/status?sprint_id=${SPRINT}`);
    expect(status.body).toMatchObject({
      ok: true,
      agents: expect.arrayContaining([
        expect.objectContaining({ agent_id: 'dev-kill', alive: false, status: 'killed' }),
      ]) as unknown,
    });
  });

  it('answers 404 for an agent the shell never spawned', async () => {
    const killed = await shell.call('POST', '/kill', { sprint_id: SPRINT, agent_id: 'nobody' });
    expect(killed).toMatchObject({ status: 404, body: { ok: false } });
  });
});

describe('a re-spawn of a running agent', () => {
  it('replaces its process instead of starting a second one', async () => {
    const first = await spawnHanging('t-again', 'dev-again');
    const second = await spawnHanging('t-again', 'dev-again', first.leader);
    expect(second.leader).not.toBe(first.leader);
    await eventually(
      'the first group to be gone',
      () => !isRunning(first.leader) && !isRunning(first.grandchild),
    );
    expect(isRunning(second.leader)).toBe(true);
  });
});
