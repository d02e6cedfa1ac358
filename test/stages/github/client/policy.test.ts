// Retries, timeouts, cancellation and error hygiene, for both adapters, against a
// loopback forge that scripts its answers.
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../../engine/errors.js';
import { openForgeClient, type ForgeClientOptions } from '../../../../stages/github/client/index.js';
import { resolvePolicy, retryDelayMs } from '../../../../stages/github/client/policy.js';
import { startFakeForge, type Dialect, type Script } from './fake-forge.js';

const TOKEN = 'sekrit-token-value';
const fast: Omit<ForgeClientOptions, 'env'> = { backoffBaseMs: 5, timeoutMs: 5_000 };

async function clientFor(dialect: Dialect, script: Script, options: Omit<ForgeClientOptions, 'env'> = fast) {
  const forge = await startFakeForge(dialect, script);
  const client = openForgeClient(
    { repo: 'o/r', host: forge.host, token_env: 'FORGE_TOKEN' },
    { env: { FORGE_TOKEN: TOKEN }, ...options },
  );
  return { forge, client };
}

async function failure(work: Promise<unknown>): Promise<NoetherError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NoetherError)) throw new Error(`expected a NoetherError, got ${String(error)}`);
  return error;
}

describe.each<Dialect>(['github', 'gitea'])('%s adapter: request policy', (dialect) => {
  it('retries a 500 and returns the answer of the retry', async () => {
    const { forge, client } = await clientFor(dialect, (_r, n) =>
      n === 1 ? { status: 500, body: { message: 'boom' } } : undefined,
    );
    const issue = await client.getIssue(4);
    expect(issue.number).toBe(4);
    expect(forge.requests.map((r) => r.path)).toEqual(['/repos/o/r/issues/4', '/repos/o/r/issues/4']);
  });

  it('gives up after the configured retries with the last status', async () => {
    const { forge, client } = await clientFor(
      dialect,
      () => ({ status: 502, body: { message: 'bad gateway' } }),
      { ...fast, retries: 2 },
    );
    const error = await failure(client.getIssue(4));
    expect(error.code).toBe('NOE_FORGE_FAILED');
    expect(error.details).toMatchObject({
      status: 502,
      method: 'GET',
      path: '/repos/o/r/issues/4',
      message: 'bad gateway',
    });
    expect(forge.requests).toHaveLength(3);
  });

  it('waits for the Retry-After of a 429 before retrying', async () => {
    const at: number[] = [];
    const { forge, client } = await clientFor(dialect, (_r, n) => {
      at.push(Date.now());
      return n === 1
        ? { status: 429, headers: { 'retry-after': '1' }, body: { message: 'slow down' } }
        : undefined;
    });
    await client.getIssue(4);
    expect(forge.requests).toHaveLength(2);
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('does not retry a 429 whose Retry-After exceeds the wait bound', async () => {
    const { forge, client } = await clientFor(dialect, () => ({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: { message: 'later' },
    }));
    const error = await failure(client.getIssue(4));
    expect(error.details).toMatchObject({ status: 429 });
    expect(forge.requests).toHaveLength(1);
  });

  it('does not retry a 404, and says which request failed', async () => {
    const { forge, client } = await clientFor(dialect, () => ({
      status: 404,
      body: { message: 'Not Found' },
    }));
    const error = await failure(client.createComment(7, 'hi'));
    expect(error.code).toBe('NOE_FORGE_FAILED');
    expect(error.message).toContain('POST /repos/o/r/issues/7/comments answered 404: Not Found');
    expect(forge.requests).toHaveLength(1);
  });

  it('retries a hung read, then fails with NOE_TIMEOUT naming the request', async () => {
    const { forge, client } = await clientFor(dialect, () => 'hang', { ...fast, timeoutMs: 150, retries: 2 });
    const error = await failure(client.getRepo());
    expect(error.code).toBe('NOE_TIMEOUT');
    expect(error.details).toMatchObject({ method: 'GET', path: '/repos/o/r', timeout_ms: 150 });
    expect(forge.requests).toHaveLength(3);
  });

  it('returns the answer when a hung read answers on its retry', async () => {
    const { forge, client } = await clientFor(dialect, (_request, n) => (n === 1 ? 'hang' : undefined), {
      ...fast,
      timeoutMs: 150,
    });
    expect((await client.getRepo()).full_name).toBe('o/r');
    expect(forge.requests).toHaveLength(2);
  });

  it('never resends a write that got no answer (it may have been done)', async () => {
    const { forge, client } = await clientFor(dialect, () => 'hang', { ...fast, timeoutMs: 150, retries: 2 });
    const error = await failure(client.createComment(1, 'hello'));
    expect(error.code).toBe('NOE_TIMEOUT');
    expect(forge.requests).toHaveLength(1);
  });

  it("answers NOE_CANCELLED when the stage's signal aborts a request in flight", async () => {
    const controller = new AbortController();
    const { forge, client } = await clientFor(dialect, () => 'hang', { ...fast, signal: controller.signal });
    const pending = failure(client.listPulls());
    while (forge.requests.length === 0) await new Promise((tick) => setTimeout(tick, 5));
    controller.abort();
    expect((await pending).code).toBe('NOE_CANCELLED');
  });

  // The wait before a retry ends at the abort: the next attempt is never sent.
  it('answers NOE_CANCELLED when the signal aborts during a backoff wait', async () => {
    const controller = new AbortController();
    const { forge, client } = await clientFor(
      dialect,
      () => ({ status: 503, headers: { 'retry-after': '1' } }),
      {
        ...fast,
        signal: controller.signal,
      },
    );
    const pending = failure(client.getRepo());
    setTimeout(() => controller.abort(), 100);
    expect((await pending).code).toBe('NOE_CANCELLED');
    expect(forge.requests).toHaveLength(1);
  });

  it('never puts the token in an error, even when the forge echoes it', async () => {
    const { client } = await clientFor(dialect, (r) => ({
      status: 401,
      body: { message: `bad credentials ${String(r.headers.authorization).length}` },
    }));
    const refused = await failure(client.getRepo());
    const unreachable = await failure(
      openForgeClient(
        { repo: 'o/r', host: `http://127.0.0.1:9${dialect === 'gitea' ? '/api/v1' : ''}`, token_env: 'T' },
        { env: { T: TOKEN } },
      ).getRepo(),
    );
    expect(unreachable.code).toBe('NOE_FORGE_FAILED');
    for (const error of [refused, unreachable]) {
      expect(
        JSON.stringify({ message: error.message, details: error.details, stack: error.stack }),
      ).not.toContain(TOKEN);
    }
  });

  it('sends no Authorization header when token_env is unset', async () => {
    const forge = await startFakeForge(dialect);
    await openForgeClient({ repo: 'o/r', host: forge.host, token_env: 'NOT_SET' }, { env: {} }).getRepo();
    expect(forge.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('reads the token at call time', async () => {
    const forge = await startFakeForge(dialect);
    const env: Record<string, string | undefined> = { FORGE_TOKEN: 'first' };
    const client = openForgeClient({ repo: 'o/r', host: forge.host, token_env: 'FORGE_TOKEN' }, { env });
    await client.getRepo();
    env.FORGE_TOKEN = 'second';
    await client.getRepo();
    expect(forge.requests.map((r) => r.headers.authorization)).toEqual(['token first', 'token second']);
  });

  it('reports a pull request that cannot be merged with status 405', async () => {
    const status = dialect === 'gitea' ? 409 : 405;
    const { client } = await clientFor(dialect, () => ({
      status,
      body: { message: 'Pull Request is not mergeable' },
    }));
    const error = await failure(client.mergePull(3));
    expect(error.details).toMatchObject({ status: 405, path: '/repos/o/r/pulls/3/merge' });
    expect(error.message).toContain('cannot be merged');
  });
});

describe('github adapter: GitHub rate limits', () => {
  it('retries a secondary rate limit after its Retry-After (throttling plugin)', async () => {
    const { forge, client } = await clientFor('github', (_r, n) =>
      n === 1
        ? {
            status: 403,
            headers: { 'retry-after': '1' },
            body: { message: 'You have exceeded a secondary rate limit' },
          }
        : undefined,
    );
    expect((await client.getRepo()).full_name).toBe('o/r');
    expect(forge.requests).toHaveLength(2);
  });
});

describe('retryDelayMs', () => {
  const policy = resolvePolicy({ env: {}, backoffBaseMs: 100, maxRetryWaitMs: 1_000, retries: 5 });

  it('doubles the backoff per attempt up to the bound when the forge gives no Retry-After', () => {
    expect([0, 1, 2, 3, 4].map((attempt) => retryDelayMs(policy, attempt, null))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
  });

  it('stops once the retries are used up', () => {
    expect(retryDelayMs(policy, 5, null)).toBeUndefined();
  });

  it('takes Retry-After in seconds or as an HTTP date, and refuses a wait beyond the bound', () => {
    expect(retryDelayMs(policy, 0, '1')).toBe(1_000);
    expect(retryDelayMs(policy, 0, '2')).toBeUndefined();
    const inTheFuture = retryDelayMs(policy, 0, new Date(Date.now() + 60_000).toUTCString());
    expect(inTheFuture).toBeUndefined();
    expect(retryDelayMs(policy, 0, new Date(Date.now() - 60_000).toUTCString())).toBe(0);
  });
});
