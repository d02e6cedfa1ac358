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
