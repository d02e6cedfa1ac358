// RemoteStage calls (ENGINE §2) against a real Fastify server on 127.0.0.1.
import Fastify, { type FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoetherError } from '../../engine/errors.js';
import type { RemoteStageNode } from '../../engine/graph/ast.js';
import { callRemoteStage, type RemoteCallOptions } from '../../engine/run/remote.js';

let server: FastifyInstance;
let base: string;
/** The bodies the server received, by route. */
const received = new Map<string, unknown>();

beforeAll(async () => {
  server = Fastify({ forceCloseConnections: true });
  server.addHook('preHandler', (request, _reply, done) => {
    received.set(request.url, request.body);
    done();
  });
  server.post('/add-one', (request) => {
    const { input } = request.body as { input: { n: number } };
    return { ok: true, data: { output: { n: input.n + 1 } } };
  });
  server.post('/cli-envelope', () => ({ ok: true, command: 'run', data: { output: null } }));
  server.post('/refuses', () => ({ ok: false, error: { code: 'E_QUOTA', message: 'quota exhausted' } }));
  server.post('/crashes', (_request, reply) =>
    reply.code(500).send({ ok: false, error: { code: 'E_BOOM', message: 'database down' } }),
  );
  server.post('/bad-gateway', (_request, reply) =>
    reply.code(502).type('text/html').send('<h1>Bad Gateway</h1>'),
  );
  server.post('/not-json', (_request, reply) => reply.type('text/plain').send('hello, world'));
  server.post('/wrong-shape', () => ({ ok: true, output: 1 }));
  server.post('/huge', () => ({ ok: true, data: { output: 'x'.repeat(100_000) } }));
  // Chunked, without a content-length: the cap must hold while reading.
  server.post('/huge-stream', (_request, reply) =>
    reply
      .type('application/json')
      .send(Readable.from(['{"ok":true,"data":{"output":"', 'x'.repeat(100_000), '"}}'])),
  );
  server.post('/moved', (_request, reply) => reply.redirect('/add-one', 307));
  // Never answers: closing the server drops its connections (forceCloseConnections).
  server.post('/slow', () => new Promise(() => undefined));
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => server.close());

function node(path: string, extra: Partial<RemoteStageNode> = {}): RemoteStageNode {
  return { op: 'RemoteStage', url: `${base}${path}`, input: {}, output: {}, ...extra };
}

function call(target: RemoteStageNode, input: unknown, options: Partial<RemoteCallOptions> = {}) {
  return callRemoteStage(target, input, { signal: new AbortController().signal, ...options });
}

async function failure(promise: Promise<unknown>): Promise<NoetherError> {
  const error: unknown = await promise.then(
    (value) => new Error(`expected a failure, got ${JSON.stringify(value)}`),
    (reason: unknown) => reason,
  );
  if (error instanceof NoetherError) return error;
  throw error;
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

describe('RemoteStage', () => {
  it('posts {"input": v} and returns data.output', async () => {
    await expect(call(node('/add-one'), { n: 41 })).resolves.toEqual({ n: 42 });
    expect(received.get('/add-one')).toEqual({ input: { n: 41 } });
  });

  it('accepts a noether-ts CLI envelope, whose extra "command" member it ignores, and a null output', async () => {
    await expect(call(node('/cli-envelope'), 1)).resolves.toBeNull();
  });

  it('fails with the server own code and message on an ok:false reply', async () => {
    const error = await failure(call(node('/refuses'), 1));
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.message).toContain('[E_QUOTA] quota exhausted');
    expect(error.details).toMatchObject({ status: 200, code: 'E_QUOTA', message: 'quota exhausted' });
  });

  it('fails on HTTP 500 with the status and the error the server sent', async () => {
    const error = await failure(call(node('/crashes'), 1));
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('database down');
    expect(error.details).toMatchObject({ status: 500, code: 'E_BOOM' });
  });

  it('fails on a non-2xx status with the start of a non-JSON body', async () => {
    const error = await failure(call(node('/bad-gateway'), 1));
    expect(error.message).toContain('HTTP 502');
    expect(error.details).toMatchObject({ status: 502, body: '"<h1>Bad Gateway</h1>"' });
  });

  it('fails on a 2xx body that is not JSON, quoting it', async () => {
    const error = await failure(call(node('/not-json'), 1));
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.message).toContain('not JSON: "hello, world"');
  });

  it('fails on a reply of the wrong shape', async () => {
    const error = await failure(call(node('/wrong-shape'), 1));
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.message).toContain('{"ok":true,"data":{"output":…}}');
  });

  it('fails on a reply over the size cap', async () => {
    const error = await failure(call(node('/huge'), 1, { maxReplyBytes: 10_000 }));
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.details).toMatchObject({ maxReplyBytes: 10_000 });
    await expect(call(node('/huge'), 1)).resolves.toHaveLength(100_000);
  });

  it('fails on a streamed reply once it passes the size cap', async () => {
    const error = await failure(call(node('/huge-stream'), 1, { maxReplyBytes: 10_000 }));
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.details).toMatchObject({ maxReplyBytes: 10_000 });
    await expect(call(node('/huge-stream'), 1)).resolves.toHaveLength(100_000);
  });

  it('does not follow a redirect', async () => {
    const error = await failure(call(node('/moved'), 1));
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.message).toContain('redirect');
  });

  it('times out with NOE_TIMEOUT after timeout_ms', async () => {
    const error = await failure(call(node('/slow', { timeout_ms: 200 }), 1));
    expect(error.code).toBe('NOE_TIMEOUT');
    expect(error.message).toContain('200 ms');
  });

  it('is cancelled with NOE_CANCELLED by its signal', async () => {
    const controller = new AbortController();
    received.delete('/slow');
    const pending = failure(call(node('/slow', { timeout_ms: 60_000 }), 1, { signal: controller.signal }));
    await expect.poll(() => received.has('/slow')).toBe(true);
    controller.abort();
    expect((await pending).code).toBe('NOE_CANCELLED');
  });

  it("reports the caller's deadline (a NOE_TIMEOUT abort reason) as NOE_TIMEOUT", async () => {
    const controller = new AbortController();
    received.delete('/slow');
    const pending = failure(call(node('/slow'), 1, { signal: controller.signal }));
    await expect.poll(() => received.has('/slow')).toBe(true);
    controller.abort(new NoetherError('NOE_TIMEOUT', 'the run did not finish within its timeout'));
    expect((await pending).code).toBe('NOE_TIMEOUT');
  });

  it('reports a refused connection as NOE_REMOTE_FAILED naming the system error', async () => {
    const error = await failure(call({ ...node(''), url: `http://127.0.0.1:${await closedPort()}/x` }, 1));
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('does not send anything when its signal is already aborted', async () => {
    received.delete('/add-one');
    const error = await failure(call(node('/add-one'), 1, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('NOE_CANCELLED');
    expect(received.has('/add-one')).toBe(false);
  });

  it('refuses a URL that is not http: or https:', async () => {
    const error = await failure(call({ ...node(''), url: 'file:///etc/passwd' }, 1));
    expect(error.code).toBe('NOE_REMOTE_FAILED');
    expect(error.message).toContain('only http: and https:');
  });
});
