// The shell's HTTP edge: token checks, route schemas, the body cap and the failure envelope.
import { describe, expect, it } from 'vitest';
import { isValid } from '../../engine/schema/index.js';
import { domainSchema } from '../../schemas/index.js';
import { shellFixture, TOKEN, type ShellFixture } from './shell-fixture.js';

const fx: ShellFixture = await shellFixture();
const spawn = (fields: Record<string, unknown> = {}) => ({
  sprint_id: 's1',
  task_id: 't1',
  agent_id: 'dev-1',
  role: 'developer',
  repo: fx.repo.config.repo,
  ...fields,
});

describe('authentication', () => {
  it('serves GET /health without a token', async () => {
    const reply = await fx.call('GET', '/health', undefined, null);
    expect(reply).toEqual({ status: 200, body: { ok: true } });
  });

  it.each([
    ['without a token', null],
    ['with a wrong token', 'wrong'],
    ['with a token of another length', `${TOKEN}x`],
  ])('answers 401 %s', async (_, token) => {
    for (const [method, path, body] of [
      ['POST', '/spawn', spawn()],
      ['POST', '/heartbeat', { sprint_id: 's1', agent_id: 'a', task_id: 't', status: 'running' }],
      ['GET', '/status?sprint_id=s1', undefined],
      ['POST', '/restart', { sprint_id: 's1', agent_id: 'a' }],
      ['POST', '/kill', { sprint_id: 's1', agent_id: 'a' }],
    ] as const) {
      const reply = await fx.call(method, path, body, token);
      expect(reply.status, `${method} ${path}`).toBe(401);
      expect(reply.body).toMatchObject({ ok: false, error: { code: 'NOE_UNAUTHORIZED' } });
    }
  });
});

describe('request validation', () => {
  it.each([
    ['sprint_id', '../etc'],
    ['task_id', 'T1'],
    ['agent_id', 'a/b'],
    ['agent_id', ''],
    ['repo', '../../x'],
    ['role', 'admin'],
  ])('answers 400 to /spawn with %s %j', async (field, value) => {
    const reply = await fx.call('POST', '/spawn', spawn({ [field]: value }));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'NOE_INPUT_INVALID' } });
    expect((reply.body.error as { message: string }).message).toContain(field);
  });

  it('answers 400 to a field the contract does not have', async () => {
    const reply = await fx.call('POST', '/spawn', spawn({ worktree_base: '/etc' }));
    expect(reply.status).toBe(400);
  });

  it('answers 400 to a framework the registry does not have', async () => {
    const reply = await fx.call('POST', '/spawn', spawn({ framework: 'vim' }));
    expect(reply.status).toBe(400);
    expect((reply.body.error as { message: string }).message).toContain('framework');
  });

  it.each([
    [
      'an agent id off the id pattern',
      spawn({ agent_id: 'Dev-1' }),
      'body/agent_id must match pattern "^[a-z0-9][a-z0-9_-]{0,63}$"',
    ],
    ['no repo', spawn({ repo: undefined }), "body must have required property 'repo'"],
    [
      'a role off the table',
      spawn({ role: 'admin' }),
      'body/role must be equal to one of the allowed values',
    ],
    ['an issue number below 1', spawn({ issue_number: 0 }), 'body/issue_number must be >= 1'],
    [
      'a prompt over 32768 characters',
      spawn({ prompt: 'x'.repeat(32769) }),
      'body/prompt must NOT have more than 32768 characters',
    ],
  ])('refuses, as the shared SpawnRequest does, a body with %s', async (_, body, message) => {
    expect(isValid(domainSchema('spawn-request'), body)).toBe(false);
    const reply = await fx.call('POST', '/spawn', body);
    expect(reply).toEqual({
      status: 400,
      body: { ok: false, error: { code: 'NOE_INPUT_INVALID', message } },
    });
  });

  it.each([
    [
      'a field the contract does not have',
      spawn({ worktree_base: '/etc' }),
      'body must NOT have additional properties',
    ],
    [
      'a framework it does not have',
      spawn({ framework: 'vim' }),
      'body/framework must be equal to one of the allowed values',
    ],
    [
      'a repository name with a leading dot',
      spawn({ repo: 'caloron/.github' }),
      'body/repo must match pattern "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$"',
    ],
  ])('narrows the shared SpawnRequest: refuses %s', async (_, body, message) => {
    expect(isValid(domainSchema('spawn-request'), body)).toBe(true);
    const reply = await fx.call('POST', '/spawn', body);
    expect(reply).toEqual({
      status: 400,
      body: { ok: false, error: { code: 'NOE_INPUT_INVALID', message } },
    });
  });

  it('refuses with 400 every body the shared SpawnRequest refuses, field by field', async () => {
    const fields = [
      'sprint_id',
      'task_id',
      'agent_id',
      'role',
      'framework',
      'repo',
      'issue_number',
      'pr_number',
      'prompt',
    ];
    const values = [
      undefined,
      null,
      true,
      0,
      -1,
      1,
      1.5,
      '',
      'a',
      'A',
      'a/b',
      '../x',
      'a'.repeat(65),
      'x'.repeat(32769),
      'developer',
      'stub',
      [],
      {},
    ];
    const refused = fields
      .flatMap((field) => values.map((value) => spawn({ [field]: value })))
      .filter((body) => !isValid(domainSchema('spawn-request'), body));
    expect(refused.length).toBeGreaterThan(100);
    for (const body of refused) {
      const reply = await fx.call('POST', '/spawn', body);
      expect({
        body,
        status: reply.status,
        code: (reply.body.error as { code?: string } | undefined)?.code,
      }).toEqual({
        body,
        status: 400,
        code: 'NOE_INPUT_INVALID',
      });
    }
  });

  it('answers 400 to /status without a valid sprint_id', async () => {
    expect((await fx.call('GET', '/status')).status).toBe(400);
    expect((await fx.call('GET', '/status?sprint_id=..%2Fx')).status).toBe(400);
  });

  it('answers 400 to malformed JSON', async () => {
    const reply = await fx.call('POST', '/kill', '{"sprint_id":');
    expect(reply.status).toBe(400);
    expect(reply.body.ok).toBe(false);
  });

  it('answers 413 to a body over 64 KiB', async () => {
    const reply = await fx.call('POST', '/spawn', spawn({ prompt: 'x'.repeat(70 * 1024) }));
    expect(reply.status).toBe(413);
    expect(reply.body.ok).toBe(false);
  });

  it('answers 404 with the envelope for an unknown route', async () => {
    const reply = await fx.call('GET', '/nowhere');
    expect(reply.status).toBe(404);
    expect(reply.body.ok).toBe(false);
  });

  it('answers 404 to /kill of an agent with no record', async () => {
    const reply = await fx.call('POST', '/kill', { sprint_id: 's1', agent_id: 'nobody' });
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'NOE_AGENT_NOT_FOUND' } });
  });

  it('lists no agents for a sprint the shell has not seen', async () => {
    expect(await fx.call('GET', '/status?sprint_id=fresh')).toEqual({
      status: 200,
      body: { ok: true, sprint_id: 'fresh', agents: [] },
    });
  });
});
