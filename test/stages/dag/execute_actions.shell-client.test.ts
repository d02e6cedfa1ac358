// The shell client execute_actions uses (CALORON §6), against a loopback shell that speaks
// the §6 shapes: the token travels in x-caloron-token, and everything but 2xx {ok:true} is
// a failure with a catalogue code.
import Fastify from 'fastify';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import { openShellClient } from '../../../stages/dag/shell-client.js';
import { startLoopbackShell, type LoopbackShell } from './loopback-shell.js';

let shell: LoopbackShell;
beforeAll(async () => {
  shell = await startLoopbackShell();
});
afterAll(() => shell.close());

const spawn = {
  sprint_id: 's1',
  task_id: 'a',
  agent_id: 'dev-1',
  role: 'developer',
  repo: 'acme/widgets',
  issue_number: 3,
} as const;

function client(env: Record<string, string> = { CALORON_SHELL_TOKEN: shell.token }, timeoutMs?: number) {
  return openShellClient(`${shell.url}/`, { env, signal: new AbortController().signal, timeoutMs });
}

async function failure(promise: Promise<unknown>): Promise<NoetherError> {
  const error: unknown = await promise.then(
    (value) => new Error(`expected a failure, got ${JSON.stringify(value)}`),
    (reason: unknown) => reason,
  );
  if (error instanceof NoetherError) return error;
  throw error;
}

describe('the shell client', () => {
  it('posts the spawn request with the token from CALORON_SHELL_TOKEN and returns the reply', async () => {
    const reply = await client().spawn(spawn);
    expect(reply.ok).toBe(true);
    expect(shell.requests.at(-1)).toEqual({ route: '/spawn', token: shell.token, body: spawn });
  });

  it('posts restart requests to /restart', async () => {
    await client().restart({ sprint_id: 's1', agent_id: 'dev-1' });
    expect(shell.requests.at(-1)).toMatchObject({
      route: '/restart',
      body: { sprint_id: 's1', agent_id: 'dev-1' },
    });
  });

  it('fails with NOE_SHELL_FAILED when the token is missing, without quoting any token', async () => {
    const error = await failure(client({}).spawn(spawn));
    expect(error.code).toBe('NOE_SHELL_FAILED');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain(shell.token);
  });

  it("reports the shell's own error on a 5xx", async () => {
    shell.failNext('/spawn', 500);
    const error = await failure(client().spawn(spawn));
    expect(error.code).toBe('NOE_SHELL_FAILED');
    expect(error.message).toMatch(/HTTP 500: injected failure 500/);
  });

  it('takes HTTP 200 with {ok:false} for a failure, not a success', async () => {
    const liar = Fastify();
    liar.post('/spawn', () => ({ ok: false, error: 'worktree exists' }));
    await liar.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = liar.server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      const shellAt = openShellClient(`http://127.0.0.1:${address.port}`, {
        env: {},
        signal: new AbortController().signal,
      });
      const error = await failure(shellAt.spawn(spawn));
      expect(error.code).toBe('NOE_SHELL_FAILED');
      expect(error.message).toContain('worktree exists');
    } finally {
      await liar.close();
    }
  });

  it('gives up on a shell that does not answer within the timeout (NOE_TIMEOUT)', async () => {
    shell.hang('/spawn');
    try {
      const error = await failure(client(undefined, 200).spawn(spawn));
      expect(error.code).toBe('NOE_TIMEOUT');
    } finally {
      shell.release();
    }
  });

  it('takes its timeout from CALORON_SHELL_TIMEOUT_MS, and refuses a value that is no number', async () => {
    shell.hang('/restart');
    try {
      const env = { CALORON_SHELL_TOKEN: shell.token, CALORON_SHELL_TIMEOUT_MS: '150' };
      const error = await failure(client(env).restart({ sprint_id: 's1', agent_id: 'dev-1' }));
      expect(error.message).toContain('did not answer within 150 ms');
    } finally {
      shell.release();
    }
    expect(() => client({ CALORON_SHELL_TIMEOUT_MS: '5s' })).toThrow(/CALORON_SHELL_TIMEOUT_MS="5s"/);
  });

  it('reports NOE_CANCELLED when the stage is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const cancelled = openShellClient(shell.url, { env: {}, signal: controller.signal });
    expect((await failure(cancelled.spawn(spawn))).code).toBe('NOE_CANCELLED');
  });

  it('fails with NOE_SHELL_FAILED naming the reason when nothing listens', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    await new Promise((resolve) => probe.close(resolve));
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const nowhere = openShellClient(`http://127.0.0.1:${address.port}`, {
      env: {},
      signal: new AbortController().signal,
    });
    const error = await failure(nowhere.spawn(spawn));
    expect(error.code).toBe('NOE_SHELL_FAILED');
    expect(error.message).toMatch(/could not be reached: ECONNREFUSED/);
  });
});
