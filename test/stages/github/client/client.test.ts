// openForgeClient: which forge a host selects, bad configuration, and the normalised
// records both adapters return (dates as Date, labels as names, Gitea's names mapped).
import { describe, expect, it } from 'vitest';
import { forgeEndpoint, openForgeClient } from '../../../../stages/github/client/index.js';
import { startFakeForge, issueFixture, pullFixture } from './fake-forge.js';

describe('forgeEndpoint', () => {
  it('selects GitHub at api.github.com for an empty host', () => {
    expect(forgeEndpoint('')).toEqual({ kind: 'github', baseUrl: 'https://api.github.com' });
  });

  it('selects Gitea for a URL ending in /api/v1, trailing slash or not', () => {
    expect(forgeEndpoint('http://gitea.local:3000/api/v1/')).toEqual({
      kind: 'gitea',
      baseUrl: 'http://gitea.local:3000/api/v1',
    });
  });

  it("selects GitHub's dialect at any other URL (the embedded forge)", () => {
    expect(forgeEndpoint('http://127.0.0.1:4567')).toEqual({
      kind: 'github',
      baseUrl: 'http://127.0.0.1:4567',
    });
  });

  it.each(['not a url', 'ftp://forge.test', 'http://user:pw@forge.test', 'http://forge.test/?token=x'])(
    'refuses host %s with NOE_FORGE_CONFIG',
    (host) => {
      expect(() => forgeEndpoint(host)).toThrow(
        expect.objectContaining({ code: 'NOE_FORGE_CONFIG', place: { pointer: '/host' } }),
      );
    },
  );
});

describe('openForgeClient', () => {
  it('refuses a repo that is not owner/name', () => {
    expect(() => openForgeClient({ repo: 'just-a-name', host: '', token_env: 'T' }, { env: {} })).toThrow(
      expect.objectContaining({ code: 'NOE_FORGE_CONFIG', place: { pointer: '/repo' } }),
    );
  });

  it('reports its kind and base', () => {
    const client = openForgeClient({ repo: 'o/r', host: 'http://h/api/v1', token_env: 'T' }, { env: {} });
    expect([client.kind, client.baseUrl, client.repo]).toEqual(['gitea', 'http://h/api/v1', 'o/r']);
  });
});

describe('normalised records', () => {
  it('GitHub: leaves pull requests out of issues, parses dates, names labels', async () => {
    const forge = await startFakeForge('github');
    const client = openForgeClient({ repo: 'o/r', host: forge.host, token_env: 'T' }, { env: {} });
    const issues = await client.listIssues({ state: 'all' });
    expect(issues.map((issue) => issue.number)).toEqual([2]);
    expect(issues[0]).toMatchObject({ labels: ['caloron:task'], user: 'octocat', closed_at: null });
    expect(issues[0]?.updated_at.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    const pull = await client.getPull(7);
    expect(pull).toMatchObject({
      number: 7,
      merged: false,
      mergeable: true,
      head: { ref: 'caloron/s1/t1' },
      base: { ref: 'main' },
    });
    expect(await client.mergePull(7)).toEqual({ merged: true, sha: 'd'.repeat(40) });
  });

  it("Gitea: maps review states, timeline entries and Gitea's zero dates", async () => {
    const forge = await startFakeForge('gitea', (r) =>
      r.path === '/repos/o/r/pulls/7'
        ? { status: 200, body: pullFixture(7, { merged_at: '0001-01-01T00:00:00Z' }) }
        : undefined,
    );
    const client = openForgeClient({ repo: 'o/r', host: forge.host, token_env: 'T' }, { env: {} });
    expect((await client.listReviews(7)).map((r) => r.state)).toContain('CHANGES_REQUESTED');
    const events = await client.listIssueEvents(3);
    expect(events[0]).toMatchObject({ event: 'labeled', label: 'caloron:task', actor: 'octocat' });
    expect(events).toHaveLength(51);
    expect((await client.getPull(7)).merged_at).toBeNull();
    expect(await client.mergePull(7)).toEqual({ merged: true, sha: null });
  });

  it('Gitea: keeps only issues carrying every requested label', async () => {
    const forge = await startFakeForge('gitea', (r) =>
      r.path === '/repos/o/r/issues'
        ? { status: 200, body: [issueFixture(1), issueFixture(2, { labels: [{ id: 8, name: 'other' }] })] }
        : undefined,
    );
    const client = openForgeClient({ repo: 'o/r', host: forge.host, token_env: 'T' }, { env: {} });
    expect((await client.listIssues({ labels: ['caloron:task'] })).map((i) => i.number)).toEqual([1]);
    expect(forge.requests[0]?.query).toMatchObject({ labels: 'caloron:task', type: 'issues', state: 'open' });
  });

  it('fails with NOE_FORGE_FAILED on an answer it cannot read', async () => {
    const forge = await startFakeForge('github', () => ({
      status: 200,
      body: issueFixture(3, { state: 'weird' }),
    }));
    const client = openForgeClient({ repo: 'o/r', host: forge.host, token_env: 'T' }, { env: {} });
    await expect(client.getIssue(3)).rejects.toMatchObject({ code: 'NOE_FORGE_FAILED' });
    await expect(client.getIssue(3)).rejects.toThrow('whose state is "weird"');
  });
});

describe('listRepoIssueEvents', () => {
  const at = (minute: number): string => `2026-11-20T10:${String(minute).padStart(2, '0')}:00Z`;
  const labeled = (id: number, minute: number, issue: unknown): Record<string, unknown> => ({
    id,
    event: 'labeled',
    actor: { login: 'octocat' },
    created_at: at(minute),
    label: { name: `l${id}`, color: 'ededed' },
    issue,
  });

  it('GitHub: pages newest first and stops at the page that reaches before the cursor', async () => {
    const forge = await startFakeForge('github', (r) => {
      if (r.path !== '/repos/o/r/issues/events') return undefined;
      const next = `<http://${String(r.headers.host)}/repos/o/r/issues/events?page=${Number(r.query.page ?? '1') + 1}>; rel="next"`;
      return r.query.page === undefined
        ? {
            status: 200,
            headers: { link: next },
            body: [labeled(4, 40, issueFixture(2)), labeled(3, 30, null)],
          }
        : r.query.page === '2'
          ? {
              status: 200,
              headers: { link: next },
              body: [labeled(2, 20, issueFixture(1)), labeled(1, 5, issueFixture(1))],
            }
          : { status: 500, body: { message: 'read past the cursor' } };
    });
    const client = openForgeClient({ repo: 'o/r', host: forge.host, token_env: 'T' }, { env: {} });
    const events = await client.listRepoIssueEvents({ since: new Date(at(10)) });
    // Event 3's issue is gone (issue: null): nothing to report; event 1 is before the cursor.
    expect(events.map((e) => [e.id, e.issue_number, e.event, e.label, e.actor])).toEqual([
      [4, 2, 'labeled', 'l4', 'octocat'],
      [2, 1, 'labeled', 'l2', 'octocat'],
    ]);
    expect(forge.requests).toHaveLength(2);
  });

  it('Gitea: reads the timelines of the issues updated since the cursor, keeping entries created since', async () => {
    const entry = (id: number, minute: number, body: string): Record<string, unknown> => ({
      id,
      type: 'label',
      body,
      user: { login: 'octocat' },
      created_at: at(minute),
      label: { id, name: `l${id}` },
    });
    const forge = await startFakeForge('gitea', (r) => {
      if (r.path === '/repos/o/r/issues')
        return { status: 200, body: [issueFixture(1), issueFixture(2, { pull_request: { merged: false } })] };
      if (r.path === '/repos/o/r/issues/1/timeline')
        return { status: 200, body: [entry(1, 5, '1'), entry(2, 20, '1')] };
      if (r.path === '/repos/o/r/issues/2/timeline') return { status: 200, body: [entry(3, 30, '0')] };
      return undefined;
    });
    const client = openForgeClient({ repo: 'o/r', host: forge.host, token_env: 'T' }, { env: {} });
    const events = await client.listRepoIssueEvents({ since: new Date(at(10)) });
    expect(events.map((e) => [e.id, e.issue_number, e.event, e.label])).toEqual([
      [2, 1, 'labeled', 'l2'],
      [3, 2, 'unlabeled', 'l3'],
    ]);
    expect(forge.requests.map((r) => r.path)).toEqual([
      '/repos/o/r/issues',
      '/repos/o/r/issues/1/timeline',
      '/repos/o/r/issues/2/timeline',
    ]);
  });
});
