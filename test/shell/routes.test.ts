// The shell's HTTP edge: token checks, route schemas, the body cap and the failure envelope.
import { describe, expect, it } from 'vitest';
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
