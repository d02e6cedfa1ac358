// github_poll_events when the forge misbehaves (the local forge's fault injection): a
// passing 5xx or 429 is retried away; a lasting one, a timeout or a dropped connection fails
// the stage with a forge error that says which request failed.
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import { githubPollEvents } from '../../../stages/github/index.js';
import { callStage } from '../call-stage.js';
import { ENV, type ForgeRepo, forgeRepo } from './local-forge.js';

// Two retries, short waits: the tests stay fast and count attempts exactly.
const FAST = {
  ...ENV,
  CALORON_FORGE_RETRIES: '2',
  CALORON_FORGE_BACKOFF_MS: '10',
  CALORON_FORGE_TIMEOUT_MS: '300',
};
const ISSUES = '/repos/*/*/issues';

async function poll(repo: ForgeRepo) {
  return callStage(githubPollEvents, { ...repo.config, since: null, seen: [] }, { env: FAST });
}

async function failure(promise: Promise<unknown>): Promise<NoetherError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NoetherError)) throw new Error(`expected a NoetherError, got ${String(error)}`);
  return error;
}

/** How many times the rule was applied (it was given `times` uses). */
const used = (repo: ForgeRepo, times: number) => times - (repo.forge.faults()[0]?.times ?? 0);

describe('github_poll_events against a failing forge', () => {
  it('retries a 500 and succeeds', async () => {
    const repo = await forgeRepo();
    await repo.client.createIssue({ title: 'x' });
    repo.forge.setFaults([{ method: 'GET', path: ISSUES, status: 500, times: 1 }]);
    const out = (await poll(repo)) as { events: unknown[] };
    expect(out.events).toHaveLength(1);
    expect(repo.forge.faults()).toEqual([]);
  });

  it('waits out a 429 with Retry-After and succeeds', async () => {
    const repo = await forgeRepo();
    await repo.client.createIssue({ title: 'x' });
    repo.forge.setFaults([{ method: 'GET', path: ISSUES, status: 429, retry_after: 1, times: 1 }]);
    const out = (await poll(repo)) as { events: unknown[] };
    expect(out.events).toHaveLength(1);
    expect(repo.forge.faults()).toEqual([]);
  });

  it('fails with a forge error after the retries (three attempts) when the forge keeps answering 502', async () => {
    const repo = await forgeRepo();
    repo.forge.setFaults([{ method: 'GET', path: ISSUES, status: 502, times: 10 }]);
    const error = await failure(poll(repo));
    expect(error.code).toBe('NOE_FORGE_FAILED');
    expect(error.details).toMatchObject({ status: 502, method: 'GET' });
    expect(error.message).toContain('/issues');
    expect(used(repo, 10)).toBe(3);
  });

  // Reads that got no answer (timed out, dropped) are retried like a 5xx; when the forge
  // stays silent the stage fails naming the request. The cursor only moves when a poll
  // succeeds, so the next tick asks again from the same place.
  it('retries a read that timed out and succeeds', async () => {
    const repo = await forgeRepo();
    await repo.client.createIssue({ title: 'x' });
    repo.forge.setFaults([{ method: 'GET', path: ISSUES, delay_ms: 2_000, times: 1 }]);
    const out = (await poll(repo)) as { events: unknown[] };
    expect(out.events).toHaveLength(1);
  });

  it('retries a dropped connection and succeeds', async () => {
    const repo = await forgeRepo();
    await repo.client.createIssue({ title: 'x' });
    repo.forge.setFaults([{ method: 'GET', path: ISSUES, drop: true, times: 1 }]);
    const out = (await poll(repo)) as { events: unknown[] };
    expect(out.events).toHaveLength(1);
  });

  it('fails with a timeout error naming the request after the retries when the forge never answers in time', async () => {
    const repo = await forgeRepo();
    repo.forge.setFaults([{ method: 'GET', path: ISSUES, delay_ms: 2_000, times: 10 }]);
    const error = await failure(poll(repo));
    expect(error.code).toBe('NOE_TIMEOUT');
    expect(error.message).toContain('/issues');
    expect(used(repo, 10)).toBe(3);
  });

  it('fails with a forge error naming the request after the retries when the forge keeps dropping the connection', async () => {
    const repo = await forgeRepo();
    repo.forge.setFaults([{ method: 'GET', path: ISSUES, drop: true, times: 10 }]);
    const error = await failure(poll(repo));
    expect(error.code).toBe('NOE_FORGE_FAILED');
    expect(error.message).toContain('/issues');
    expect(used(repo, 10)).toBe(3);
  });

  it('refuses a policy variable that is not a number, naming it', async () => {
    const repo = await forgeRepo();
    const error = await failure(
      callStage(
        githubPollEvents,
        { ...repo.config, since: null, seen: [] },
        { env: { ...ENV, CALORON_FORGE_RETRIES: 'many' } },
      ),
    );
    expect(error.code).toBe('NOE_FORGE_CONFIG');
    expect(error.message).toContain('CALORON_FORGE_RETRIES');
  });
});
