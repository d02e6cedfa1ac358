// The heartbeat store and the process facts on their own: serialised writes that readAgents
// accepts, and liveness that a reused pid cannot fool. Then the shell's lifetime: close()
// stops its agents, and a new shell on the same folders can still restart them.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { AgentsStore } from '../../shell/agents-store.js';
import { isAlive, processStart } from '../../shell/index.js';
import { startShell } from '../../shell/index.js';
import { readAgents } from '../../stages/sprint/kv-store.js';
import { tempProject } from '../temp-project.js';
import { ENV } from '../stages/github/local-forge.js';
import { eventually, FAKE_HARNESS, shellFixture, TOKEN } from './shell-fixture.js';

const record = (agentId: string) => ({
  agent_id: agentId,
  sprint_id: 's1',
  task_id: 't1',
  role: 'developer' as const,
  pid: null,
  process_start: null,
  started_at: '2026-01-01T00:00:00.000Z',
  last_beat_at: null,
  status: 'running' as const,
  exit_code: null,
  ended_at: null,
});

describe('AgentsStore', () => {
  it('keeps every one of many concurrent updates to one sprint file', async () => {
    const store = new AgentsStore(tempProject({}, 'kv-'));
    const ids = Array.from({ length: 40 }, (_, index) => `a${index}`);
    await Promise.all(ids.map((id) => store.update('s1', (agents) => void (agents[id] = record(id)))));
    expect(Object.keys(readAgents(store.kvDir, 's1')).sort()).toEqual([...ids].sort());
  });

  it('refuses to write a record readAgents would refuse, and leaves the file as it was', async () => {
    const store = new AgentsStore(tempProject({}, 'kv-'));
    await store.update('s1', (agents) => void (agents.a = record('a')));
    await expect(
      store.update('s1', (agents) => void (agents.b = { ...record('b'), status: 'lost' as 'running' })),
    ).rejects.toMatchObject({
      code: 'NOE_INTERNAL',
    });
    expect(Object.keys(readAgents(store.kvDir, 's1'))).toEqual(['a']);
  });
});

describe('process facts', () => {
  it('calls a live process alive only with its own start time', async () => {
    const child = execa('sleep', ['30']);
    const pid = child.pid ?? 0;
    const start = processStart(pid);
    expect(start).toEqual(expect.any(String));
    expect(isAlive(pid, start ?? null)).toBe(true);
    expect(isAlive(pid, `${start ?? ''}1`)).toBe(false);
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    expect(isAlive(pid, start ?? null)).toBe(false);
  });
});

describe('the shell lifetime', () => {
  it('kills its agents on close() and records them killed', async () => {
    const fx = await shellFixture();
    const spawned = await fx.call('POST', '/spawn', {
      sprint_id: 's1',
      task_id: 't1',
      agent_id: 'dev-1',
      role: 'developer',
      repo: fx.repo.config.repo,
    });
    const pid = spawned.body.pid as number;
    await fx.shell.close();
    expect(processStart(pid)).toBeUndefined();
    expect(readAgents(fx.kvDir, 's1')['dev-1']).toMatchObject({ status: 'killed' });
  });

  it('restarts, after its own restart, an agent spawned by the shell before it', async () => {
    const fx = await shellFixture();
    await fx.call('POST', '/spawn', {
      sprint_id: 's1',
      task_id: 't1',
      agent_id: 'dev-1',
      role: 'developer',
      repo: fx.repo.config.repo,
    });
    await fx.shell.close();
    const again = await startShell({
      port: 0,
      token: TOKEN,
      kvDir: fx.kvDir,
      worktreeRoot: fx.worktreeRoot,
      forge: { host: fx.repo.config.host, token_env: fx.repo.config.token_env },
      harnessCommand: [process.execPath, FAKE_HARNESS],
      env: { ...process.env, ...ENV },
      heartbeatIntervalMs: 200,
    });
    try {
      const reply = await fetch(`${again.url}/restart`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-caloron-token': TOKEN },
        body: JSON.stringify({ sprint_id: 's1', agent_id: 'dev-1' }),
      });
      expect(reply.status).toBe(200);
      const { pid } = (await reply.json()) as { pid: number };
      await eventually(() => (readAgents(fx.kvDir, 's1')['dev-1']?.last_beat_at ? true : undefined));
      expect(readAgents(fx.kvDir, 's1')['dev-1']).toMatchObject({ pid, status: 'running', task_id: 't1' });
    } finally {
      await again.close();
    }
  });
});
