// POST /spawn, /heartbeat, GET /status, POST /restart and /kill against a real shell, a real
// local forge and the fake harness: worktrees, records, liveness and whole process groups.
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStart } from '../../shell/index.js';
import { openShellClient } from '../../stages/dag/shell-client.js';
import { readAgents } from '../../stages/sprint/kv-store.js';
import { ENV } from '../stages/github/local-forge.js';
import { eventually, harnessFacts, shellFixture, TOKEN, type ShellFixture } from './shell-fixture.js';

const fx: ShellFixture = await shellFixture();
let counter = 0;

function spawnBody(prompt: string, extra: Record<string, unknown> = {}) {
  counter += 1;
  return {
    sprint_id: 's1',
    task_id: `t${counter}`,
    agent_id: `dev-${counter}`,
    role: 'developer',
    repo: fx.repo.config.repo,
    issue_number: 7,
    prompt,
    ...extra,
  };
}

interface StatusAgent {
  agent_id: string;
  pid: number;
  status: string;
  alive: boolean;
  exit_code: number | null;
  last_beat_at: string | null;
  detail?: string;
}

async function status(agentId: string): Promise<StatusAgent | undefined> {
  const reply = await fx.call('GET', '/status?sprint_id=s1');
  expect(reply.status).toBe(200);
  return (reply.body.agents as StatusAgent[]).find((agent) => agent.agent_id === agentId);
}

const gone = (pid: number) => processStart(pid) === undefined;

describe('POST /spawn', () => {
  it('creates the worktree on the task branch and starts the harness there with harness.json', async () => {
    const body = spawnBody('run');
    const reply = await fx.call('POST', '/spawn', body);
    expect(reply.status).toBe(200);
    expect(reply.body.ok).toBe(true);
    const pid = reply.body.pid as number;
    const worktree = join(fx.worktreeRoot, 's1', body.task_id, 'developer');
    const branch = await execa('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: worktree });
    expect(branch.stdout).toBe(`caloron/s1/${body.task_id}`);
    const facts = await eventually(() => harnessFacts(fx.worktreeRoot, 's1', body.agent_id, pid));
    expect(facts.cwd).toBe(worktree);
    const config = JSON.parse(
      readFileSync(facts.argv[facts.argv.indexOf('--config') + 1] ?? '', 'utf8'),
    ) as Record<string, unknown>;
    expect(config).toMatchObject({
      sprint_id: 's1',
      task_id: body.task_id,
      agent_id: body.agent_id,
      role: 'developer',
      framework: 'stub',
      repo: fx.repo.config.repo,
      host: fx.repo.config.host,
      token_env: 'FORGE_TOKEN',
      issue_number: 7,
      pr_number: null,
      worktree,
      branch: `caloron/s1/${body.task_id}`,
      base_branch: 'main',
      shell_url: fx.shell.url,
      heartbeat_interval_ms: 200,
    });
  });

  it('hands the harness the model credentials the frameworks read', async () => {
    const own = await shellFixture({
      env: { ...process.env, ...ENV, ANTHROPIC_API_KEY: 'model-key', UNRELATED_SECRET: 'x' },
    });
    const body = spawnBody('run');
    const reply = await own.call('POST', '/spawn', body);
    const facts = await eventually(() =>
      harnessFacts(own.worktreeRoot, 's1', body.agent_id, reply.body.pid as number),
    );
    expect(facts.env.ANTHROPIC_API_KEY).toBe('model-key');
    expect(facts.env.UNRELATED_SECRET).toBeUndefined();
  });

  it('gives the harness the tokens in its environment, never in argv, and no unrelated variables', async () => {
    const body = spawnBody('run');
    const reply = await fx.call('POST', '/spawn', body);
    const facts = await eventually(() =>
      harnessFacts(fx.worktreeRoot, 's1', body.agent_id, reply.body.pid as number),
    );
    expect(facts.env.FORGE_TOKEN).toBe('test-token');
    expect(facts.env.CALORON_SHELL_TOKEN).toBe('shell-test-token');
    expect(facts.argv.join(' ')).not.toContain('test-token');
    expect(
      Object.keys(facts.env).filter(
        (name) => !/^(PATH|HOME|TMPDIR|LANG|FORGE_TOKEN|CALORON_.*|PWD|SHLVL|_)$/.test(name),
      ),
    ).toEqual([]);
  });

  it('records the agent as running in <sprint>.agents.json, which load_tick_state can read', async () => {
    const body = spawnBody('run');
    const reply = await fx.call('POST', '/spawn', body);
    await eventually(async () => ((await status(body.agent_id))?.last_beat_at ? true : undefined));
    const record = readAgents(fx.kvDir, 's1')[body.agent_id];
    expect(record).toMatchObject({
      task_id: body.task_id,
      role: 'developer',
      pid: reply.body.pid,
      status: 'running',
    });
    expect(record?.process_start).toEqual(expect.any(String));
    expect((await status(body.agent_id))?.alive).toBe(true);
  });

  it('replaces a running agent when it is spawned again: the old group is stopped first', async () => {
    const body = spawnBody('run');
    const first = await fx.call('POST', '/spawn', body);
    const oldPid = first.body.pid as number;
    const old = await eventually(() => harnessFacts(fx.worktreeRoot, 's1', body.agent_id, oldPid));
    const second = await fx.call('POST', '/spawn', body);
    expect(second.status).toBe(200);
    expect(second.body.pid).not.toBe(oldPid);
    expect(gone(oldPid) && gone(old.grandchild)).toBe(true);
    expect(await status(body.agent_id)).toMatchObject({
      pid: second.body.pid,
      alive: true,
      status: 'running',
    });
  });

  it('answers 500 with the reason when the harness cannot be started', async () => {
    const broken = await shellFixture({ harnessCommand: ['/nonexistent/harness'] });
    const reply = await broken.call('POST', '/spawn', spawnBody('run'));
    expect(reply.status).toBe(500);
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'NOE_SHELL_FAILED' } });
    expect(JSON.stringify(reply.body)).toContain('/nonexistent/harness');
  });

  it('answers 500 when a reviewer is spawned for a branch that was never pushed', async () => {
    const reply = await fx.call('POST', '/spawn', spawnBody('run', { role: 'reviewer' }));
    expect(reply.status).toBe(500);
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'NOE_SHELL_FAILED' } });
  });

  it('checks out the pushed branch head, detached, for a reviewer', async () => {
    const body = spawnBody('run', { role: 'reviewer', pr_number: 3 });
    const head = await fx.repo.push(`caloron/s1/${body.task_id}`, 'a.txt', 'work\n');
    const reply = await fx.call('POST', '/spawn', body);
    expect(reply.status).toBe(200);
    const worktree = join(fx.worktreeRoot, 's1', body.task_id, 'reviewer');
    expect((await execa('git', ['rev-parse', 'HEAD'], { cwd: worktree })).stdout).toBe(head);
    expect((await execa('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: worktree })).stdout).toBe(
      'HEAD',
    );
  });

  it('refuses a worktree whose sprint folder is a symlink out of the root', async () => {
    const { symlinkSync, mkdirSync } = await import('node:fs');
    const outside = join(fx.kvDir, 'elsewhere');
    mkdirSync(outside);
    symlinkSync(outside, join(fx.worktreeRoot, 'escape'));
    const reply = await fx.call('POST', '/spawn', { ...spawnBody('run'), sprint_id: 'escape' });
    expect(reply.status).toBe(400);
    expect(existsSync(join(outside, 't1'))).toBe(false);
  });
});

describe('the shell client of execute_actions', () => {
  it('spawns and restarts through openShellClient with the token from CALORON_SHELL_TOKEN', async () => {
    const client = openShellClient(fx.shell.url, {
      env: { CALORON_SHELL_TOKEN: TOKEN },
      signal: new AbortController().signal,
    });
    const body = { ...spawnBody('run'), role: 'developer' as const };
    const spawned = await client.spawn(body);
    expect(spawned.pid).toEqual(expect.any(Number));
    const restarted = await client.restart({ sprint_id: 's1', agent_id: body.agent_id });
    expect(restarted.pid).not.toBe(spawned.pid);
    expect(gone(spawned.pid as number)).toBe(true);
  });
});

describe('agent exit', () => {
  it('keeps the final "done" heartbeat and records exit code 0, no longer alive', async () => {
    const body = spawnBody('done');
    await fx.call('POST', '/spawn', body);
    const agent = await eventually(async () => {
      const seen = await status(body.agent_id);
      return seen?.exit_code === null ? undefined : seen;
    });
    expect(agent).toMatchObject({ status: 'done', exit_code: 0, alive: false, detail: 'wrote the file' });
  });

  it('keeps the final "failed" heartbeat with its detail and the non-zero exit code', async () => {
    const body = spawnBody('fail');
    await fx.call('POST', '/spawn', body);
    const agent = await eventually(async () => {
      const seen = await status(body.agent_id);
      return seen?.exit_code === null ? undefined : seen;
    });
    expect(agent).toMatchObject({
      status: 'failed',
      exit_code: 1,
      alive: false,
      detail: 'the framework crashed',
    });
  });

  it('records "exited" with the exit code when the process ends without a final heartbeat', async () => {
    const body = spawnBody('exit:3');
    await fx.call('POST', '/spawn', body);
    const agent = await eventually(async () => {
      const seen = await status(body.agent_id);
      return seen?.exit_code === null ? undefined : seen;
    });
    expect(agent).toMatchObject({ status: 'exited', exit_code: 3, alive: false });
  });
});

describe('POST /restart', () => {
  it('replaces the process with a new one in the same context', async () => {
    const body = spawnBody('run');
    const first = await fx.call('POST', '/spawn', body);
    const oldPid = first.body.pid as number;
    const old = await eventually(() => harnessFacts(fx.worktreeRoot, 's1', body.agent_id, oldPid));
    const reply = await fx.call('POST', '/restart', { sprint_id: 's1', agent_id: body.agent_id });
    expect(reply.status).toBe(200);
    const newPid = reply.body.pid as number;
    expect(newPid).not.toBe(oldPid);
    expect(gone(oldPid) && gone(old.grandchild)).toBe(true);
    const agent = await status(body.agent_id);
    expect(agent).toMatchObject({ pid: newPid, alive: true, status: 'running' });
    const facts = await eventually(() => harnessFacts(fx.worktreeRoot, 's1', body.agent_id, newPid));
    expect(facts.cwd).toBe(join(fx.worktreeRoot, 's1', body.task_id, 'developer'));
  });

  it('answers 404 for an agent that was never spawned', async () => {
    const reply = await fx.call('POST', '/restart', { sprint_id: 's1', agent_id: 'nobody' });
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'NOE_AGENT_NOT_FOUND' } });
  });
});

describe('POST /kill', () => {
  it('stops the harness and its grandchild and records the agent killed', async () => {
    const body = spawnBody('run');
    const spawned = await fx.call('POST', '/spawn', body);
    const pid = spawned.body.pid as number;
    const facts = await eventually(() => harnessFacts(fx.worktreeRoot, 's1', body.agent_id, pid));
    const reply = await fx.call('POST', '/kill', { sprint_id: 's1', agent_id: body.agent_id });
    expect(reply.status).toBe(200);
    expect(gone(pid)).toBe(true);
    expect(gone(facts.grandchild)).toBe(true);
    expect(await status(body.agent_id)).toMatchObject({ status: 'killed', alive: false });
  });
});

describe('POST /heartbeat', () => {
  it('answers 400 to a beat that names another task than the agent was spawned for', async () => {
    const body = spawnBody('run');
    await fx.call('POST', '/spawn', body);
    const reply = await fx.call('POST', '/heartbeat', {
      sprint_id: 's1',
      agent_id: body.agent_id,
      task_id: 'other',
      status: 'done',
    });
    expect(reply.status).toBe(400);
    expect(await status(body.agent_id)).toMatchObject({ status: 'running' });
  });

  it('answers 404 for an agent the shell never spawned', async () => {
    const reply = await fx.call('POST', '/heartbeat', {
      sprint_id: 's1',
      agent_id: 'ghost',
      task_id: 't1',
      status: 'running',
    });
    expect(reply.status).toBe(404);
  });
});
