// The shell's hold on its agents' processes (CALORON §6): /restart replaces the process
// group, /kill leaves nothing behind, and the records say so. The harness here is a
// stand-in that never ends and starts a grandchild, so there is a whole group to stop.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isRunning, recordedPids } from '../run/command-liveness.js';
import { ENV, type ForgeRepo, forgeRepo } from '../stages/github/local-forge.js';
import { tempProject } from '../temp-project.js';
import { SHELL_TOKEN, type ShellUnderTest, hangingHarness, shellUnderTest } from './e2e-harness.js';
import { join } from 'node:path';

const SPRINT = 's1';

let forge: ForgeRepo;
let shell: ShellUnderTest;
let pidsDir: string;

beforeAll(async () => {
  forge = await forgeRepo('gadgets');
  pidsDir = tempProject({}, 'shell-pids-');
  shell = await shellUnderTest({
    forge: forge.config,
    env: { ...ENV, UNRELATED_SECRET: 'do-not-pass-on' },
    harnessCommand: hangingHarness(pidsDir),
  });
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

describe("the harness's process", () => {
  it('carries no token in its argv, and only the environment it needs', async () => {
    const pids = await spawnHanging('t-env', 'dev-env');
    const argv = readFileSync(`/proc/${pids.leader}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
    const environ = readFileSync(`/proc/${pids.leader}/environ`, 'utf8').split('\0');
    expect(argv.join(' ')).not.toContain(SHELL_TOKEN);
    expect(argv.join(' ')).not.toContain(ENV.FORGE_TOKEN);
    expect(argv.slice(-2)[0]).toBe('--config');
    expect(environ).toContain(`CALORON_SHELL_TOKEN=${SHELL_TOKEN}`);
    expect(environ).toContain(`FORGE_TOKEN=${ENV.FORGE_TOKEN}`);
    expect(environ.filter((entry) => entry.startsWith('UNRELATED_SECRET='))).toEqual([]);
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

describe('an agent whose process ends without a final heartbeat', () => {
  it('is recorded exited with its exit code, and /status says it is not alive', async () => {
    const quitter = await shellUnderTest({
      forge: forge.config,
      env: ENV,
      harnessCommand: [process.execPath, '-e', 'process.exit(3)', '--'],
    });
    const spawned = await quitter.call('POST', '/spawn', {
      sprint_id: SPRINT,
      task_id: 't-quit',
      agent_id: 'dev-quit',
      role: 'developer',
      repo: forge.config.repo,
      issue_number: 1,
    });
    expect(spawned).toMatchObject({ status: 200, body: { ok: true } });
    const record = await quitter.record(SPRINT, 'dev-quit', (candidate) => candidate.exit_code !== null);
    expect(record).toMatchObject({ status: 'exited', exit_code: 3, last_beat_at: null });
    const status = await quitter.call('GET', `/status?sprint_id=${SPRINT}`);
    expect(status.body).toMatchObject({
      agents: [expect.objectContaining({ agent_id: 'dev-quit', alive: false, exit_code: 3 })] as unknown,
    });
  });
});

describe('a harness that ignores SIGTERM', () => {
  it('is killed all the same once the grace period is over', async () => {
    const stubborn = await shellUnderTest({
      forge: forge.config,
      env: ENV,
      harnessCommand: hangingHarness(pidsDir, { ignoreTerm: true }),
    });
    const spawned = await stubborn.call('POST', '/spawn', {
      sprint_id: SPRINT,
      task_id: 't-stubborn',
      agent_id: 'dev-stubborn',
      role: 'developer',
      repo: forge.config.repo,
      issue_number: 1,
    });
    expect(spawned).toMatchObject({ status: 200, body: { ok: true } });
    const record = await stubborn.record(SPRINT, 'dev-stubborn', (candidate) => candidate.pid !== null);
    const pids = await recordedPids(join(pidsDir, `${record.pid}.json`));
    const killed = await stubborn.call('POST', '/kill', { sprint_id: SPRINT, agent_id: 'dev-stubborn' });
    expect(killed).toMatchObject({ status: 200, body: { ok: true } });
    await eventually('the group to be gone', () => !isRunning(pids.leader) && !isRunning(pids.grandchild));
    expect(stubborn.agents(SPRINT)?.agents['dev-stubborn']?.status).toBe('killed');
  });
});

describe("the shell's close", () => {
  it('stops the agents it started and records them killed', async () => {
    const closing = await shellUnderTest({
      forge: forge.config,
      env: ENV,
      harnessCommand: hangingHarness(pidsDir),
    });
    const spawned = await closing.call('POST', '/spawn', {
      sprint_id: SPRINT,
      task_id: 't-close',
      agent_id: 'dev-close',
      role: 'developer',
      repo: forge.config.repo,
      issue_number: 1,
    });
    expect(spawned).toMatchObject({ status: 200, body: { ok: true } });
    const record = await closing.record(SPRINT, 'dev-close', (candidate) => candidate.pid !== null);
    const pids = await recordedPids(join(pidsDir, `${record.pid}.json`));
    await closing.close();
    await eventually('the group to be gone', () => !isRunning(pids.leader) && !isRunning(pids.grandchild));
    expect(closing.agents(SPRINT)?.agents['dev-close']?.status).toBe('killed');
  });
});
