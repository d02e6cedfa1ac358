// The shell's front door (CALORON §6): every route but /health wants the token; ids and
// paths that could leave the worktree root or the KV directory are refused with 400 before
// anything touches the disk or starts a process.
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_IDS } from '../fixtures/kv/hostile-ids.js';
import { ENV, type ForgeRepo, forgeRepo } from '../stages/github/local-forge.js';
import { tempProject } from '../temp-project.js';
import { SHELL_TOKEN, type ShellUnderTest, hangingHarness, request, shellUnderTest } from './e2e-harness.js';

let forge: ForgeRepo;
let shell: ShellUnderTest;
let pidsDir: string;

beforeAll(async () => {
  forge = await forgeRepo('fortress');
  pidsDir = tempProject({}, 'shell-pids-');
  shell = await shellUnderTest({ forge: forge.config, env: ENV, harnessCommand: hangingHarness(pidsDir) });
});

const spawnBody = (fields: Record<string, unknown> = {}) => ({
  sprint_id: 's1',
  task_id: 't1',
  agent_id: 'dev-1',
  role: 'developer',
  repo: 'caloron/fortress',
  issue_number: 1,
  ...fields,
});

const PROTECTED: [method: string, path: string, body?: unknown][] = [
  ['POST', '/spawn', spawnBody()],
  ['POST', '/heartbeat', { sprint_id: 's1', agent_id: 'dev-1', task_id: 't1', status: 'running' }],
  ['GET', '/status'],
  ['GET', '/status?sprint_id=s1'],
  ['POST', '/restart', { sprint_id: 's1', agent_id: 'dev-1' }],
  ['POST', '/kill', { sprint_id: 's1', agent_id: 'dev-1' }],
];

const BAD_CREDENTIALS: [what: string, headers: Record<string, string>][] = [
  ['no token', {}],
  ['an empty token', { 'x-caloron-token': '' }],
  ['a wrong token of the same length', { 'x-caloron-token': SHELL_TOKEN.replace(/.$/, 'X') }],
  ['a prefix of the token', { 'x-caloron-token': SHELL_TOKEN.slice(0, -1) }],
  ['the token with more after it', { 'x-caloron-token': `${SHELL_TOKEN}x` }],
  ['the token in another header', { authorization: `token ${SHELL_TOKEN}` }],
];

describe('the token', () => {
  for (const [method, path, body] of PROTECTED)
    for (const [what, headers] of BAD_CREDENTIALS)
      it(`${method} ${path} with ${what} → 401 {ok:false}`, async () => {
        const reply = await request(shell.url, method, path, body, headers);
        expect(reply).toMatchObject({ status: 401, body: { ok: false } });
      });

  it('is checked before the body: a bad body without the token is 401, not 400', async () => {
    const reply = await request(shell.url, 'POST', '/spawn', { sprint_id: '../..' }, {});
    expect(reply.status).toBe(401);
  });

  it('is not asked of GET /health', async () => {
    expect((await request(shell.url, 'GET', '/health', undefined, {})).status).toBe(200);
  });

  it('let nothing be spawned or written', () => {
    expect(readdirSync(shell.kvDir)).toEqual([]);
    expect(readdirSync(pidsDir)).toEqual([]);
  });
});

describe('hostile ids', () => {
  const ID_FIELDS: [path: string, field: string, body: (id: string) => Record<string, unknown>][] = [
    ['/spawn', 'sprint_id', (id) => spawnBody({ sprint_id: id })],
    ['/spawn', 'task_id', (id) => spawnBody({ task_id: id })],
    ['/spawn', 'agent_id', (id) => spawnBody({ agent_id: id })],
    ['/heartbeat', 'sprint_id', (id) => ({ sprint_id: id, agent_id: 'a', task_id: 't', status: 'running' })],
    ['/heartbeat', 'agent_id', (id) => ({ sprint_id: 's1', agent_id: id, task_id: 't', status: 'running' })],
    ['/restart', 'sprint_id', (id) => ({ sprint_id: id, agent_id: 'a' })],
    ['/restart', 'agent_id', (id) => ({ sprint_id: 's1', agent_id: id })],
    ['/kill', 'sprint_id', (id) => ({ sprint_id: id, agent_id: 'a' })],
    ['/kill', 'agent_id', (id) => ({ sprint_id: 's1', agent_id: id })],
  ];
  for (const [path, field, body] of ID_FIELDS)
    it(`POST ${path} refuses every hostile ${field} with 400 {ok:false, error}`, async () => {
      for (const id of HOSTILE_IDS) {
        const reply = await shell.call('POST', path, body(id));
        expect({ id, ...reply }).toMatchObject({
          id,
          status: 400,
          body: { ok: false, error: expect.anything() as unknown },
        });
      }
    });

  it('GET /status refuses every hostile sprint_id with 400', async () => {
    for (const id of HOSTILE_IDS) {
      const reply = await shell.call('GET', `/status?sprint_id=${encodeURIComponent(id)}`);
      expect({ id, status: reply.status }).toEqual({ id, status: 400 });
    }
  });

  it('POST /spawn refuses a repository that is not owner/name', async () => {
    for (const repo of [
      '',
      'fortress',
      'a/b/c',
      '../fortress',
      'caloron/..',
      '/etc/passwd',
      'caloron/fortress\u0000',
    ]) {
      const reply = await shell.call('POST', '/spawn', spawnBody({ repo }));
      expect({ repo, status: reply.status }).toEqual({ repo, status: 400 });
    }
  });

  it('POST /spawn refuses a framework name that is a path', async () => {
    for (const framework of ['../../bin/sh', '/bin/sh', 'stub/../x', 'x'.repeat(200)]) {
      const reply = await shell.call('POST', '/spawn', spawnBody({ framework }));
      expect({ framework, status: reply.status }).toEqual({ framework, status: 400 });
    }
  });

  it('wrote nothing and started nothing', () => {
    expect(readdirSync(shell.kvDir)).toEqual([]);
    expect(readdirSync(pidsDir)).toEqual([]);
  });
});

describe('a symlink in the worktree root', () => {
  it('does not let a spawn reach outside the root: 400 and nothing written there', async () => {
    const outside = tempProject({}, 'shell-outside-');
    mkdirSync(join(shell.worktreeRoot), { recursive: true });
    symlinkSync(outside, join(shell.worktreeRoot, 'escape'));
    const reply = await shell.call(
      'POST',
      '/spawn',
      spawnBody({ sprint_id: 'escape', agent_id: 'dev-escape' }),
    );
    expect(reply).toMatchObject({ status: 400, body: { ok: false } });
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(pidsDir)).toEqual([]);
  });

  it('is the only reason for that 400: the same spawn into a real folder is accepted', async () => {
    const reply = await shell.call(
      'POST',
      '/spawn',
      spawnBody({ sprint_id: 'inside', agent_id: 'dev-inside' }),
    );
    expect(reply).toMatchObject({ status: 200, body: { ok: true } });
    const killed = await shell.call('POST', '/kill', { sprint_id: 'inside', agent_id: 'dev-inside' });
    expect(killed).toMatchObject({ status: 200, body: { ok: true } });
  });
});
