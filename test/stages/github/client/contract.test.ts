// Every request each adapter sends is one its forge publishes: GitHub's OpenAPI document
// (operation, declared parameters, request body schema) and Gitea's route list. The
// adapters run every ForgeClient method against a recording loopback forge.
import { beforeAll, describe, expect, it } from 'vitest';
import { openForgeClient, type ForgeClient } from '../../../../stages/github/client/index.js';
import { startFakeForge, type Dialect, type FakeForge } from './fake-forge.js';
import { loadGiteaRoutes, loadGitHubOpenApi } from './published-apis.js';

const since = new Date('2026-11-20T09:30:00+01:00');

/** Calls every method once; the fixtures answer each. */
async function exerciseEveryMethod(client: ForgeClient): Promise<void> {
  await client.getRepo();
  await client.listCommits({ limit: 5 });
  await client.getLanguages();
  await client.listIssues({ state: 'all', since, labels: ['caloron:task'] });
  await client.getIssue(3);
  await client.createIssue({ title: 'Escalation', body: 'b', labels: ['caloron:escalated', 'existing-1'] });
  await client.updateIssue(3, { state: 'closed' });
  await client.addLabels(3, ['caloron:task']);
  await client.listIssueComments(3);
  await client.listRepoComments({ since });
  await client.createComment(3, 'hello');
  await client.listIssueEvents(3);
  await client.listRepoIssueEvents({ since });
  await client.listPulls({ state: 'all', direction: 'asc' });
  await client.getPull(12);
  await client.createPull({ title: 'T', body: 'Closes #3', head: 'caloron/s1/t1', base: 'main' });
  await client.updatePull(12, { state: 'closed' });
  await client.mergePull(12);
  await client.listReviews(12);
  await client.createReview(12, { event: 'REQUEST_CHANGES', body: 'fix it' });
}

async function recorded(dialect: Dialect): Promise<FakeForge> {
  const forge = await startFakeForge(dialect);
  const client = openForgeClient(
    { repo: 'o/r', host: forge.host, token_env: 'FORGE_TOKEN' },
    { env: { FORGE_TOKEN: 'tok' } },
  );
  await exerciseEveryMethod(client);
  return forge;
}

describe('GitHub adapter against the GitHub OpenAPI document', () => {
  let forge: FakeForge;
  beforeAll(async () => {
    forge = await recorded('github');
  });

  it('sends only requests the document declares, with declared parameters and valid bodies', () => {
    const api = loadGitHubOpenApi();
    const problems = forge.requests.flatMap((request) => api.violations(request));
    expect(problems).toEqual([]);
    expect(forge.requests.length).toBeGreaterThanOrEqual(20);
  });

  it('rejects a request the document does not declare (the checker can fail)', () => {
    const api = loadGitHubOpenApi();
    const bad = {
      method: 'POST',
      path: '/repos/o/r/issues',
      query: { bogus: '1' },
      body: { title: 1.5, labels: 'x' },
      headers: {},
    };
    expect(api.violations(bad).length).toBeGreaterThanOrEqual(2);
    expect(
      api.violations({ ...bad, method: 'PUT', path: '/repos/o/r/issues/1/merge', body: undefined }),
    ).toHaveLength(1);
  });

  it('merges with PUT …/pulls/{n}/merge and sends since in UTC Z form', () => {
    expect(forge.requests.some((r) => r.method === 'PUT' && r.path === '/repos/o/r/pulls/12/merge')).toBe(
      true,
    );
    const issues = forge.requests.find((r) => r.path === '/repos/o/r/issues' && r.method === 'GET');
    expect(issues?.query.since).toBe('2026-11-20T08:30:00.000Z');
  });

  it('reads every page of a list by following Link', () => {
    const pages = forge.requests
      .filter((r) => r.path === '/repos/o/r/pulls' && r.method === 'GET')
      .map((r) => r.query.page ?? '1');
    expect(pages).toEqual(['1', '2']);
  });

  it('lists repository issue events without a since parameter (GitHub has none there)', () => {
    const pages = forge.requests.filter((r) => r.path === '/repos/o/r/issues/events');
    expect(pages.map((r) => r.query)).toEqual([{ per_page: '100' }, { per_page: '100', page: '2' }]);
  });

  it('sends the token from token_env as `Authorization: token …`', () => {
    expect(new Set(forge.requests.map((r) => r.headers.authorization))).toEqual(new Set(['token tok']));
  });
});

describe('Gitea adapter against the Gitea route list', () => {
  let forge: FakeForge;
  beforeAll(async () => {
    forge = await recorded('gitea');
  });

  it('sends only requests whose method and path are Gitea routes', () => {
    const routes = loadGiteaRoutes();
    expect(routes.routes.length).toBeGreaterThan(100);
    const unknown = forge.requests
      .filter((r) => routes.match(r) === undefined)
      .map((r) => `${r.method} ${r.path}`);
    expect(unknown).toEqual([]);
  });

  it('rejects a GitHub-only request (the checker can fail)', () => {
    const routes = loadGiteaRoutes();
    expect(
      routes.match({
        method: 'PUT',
        path: '/repos/o/r/pulls/1/merge',
        query: {},
        body: undefined,
        headers: {},
      }),
    ).toBeUndefined();
  });

  it('merges with POST …/pulls/{n}/merge {"Do":"merge"}', () => {
    const merge = forge.requests.find((r) => r.path === '/repos/o/r/pulls/12/merge');
    expect(merge).toMatchObject({ method: 'POST', body: { Do: 'merge' } });
  });

  it('adds labels by id, creating the missing ones once', () => {
    const created = forge.requests
      .filter((r) => r.method === 'POST' && r.path === '/repos/o/r/labels')
      .map((r) => r.body);
    expect(created).toEqual([
      { name: 'caloron:escalated', color: '#ededed' },
      { name: 'caloron:task', color: '#ededed' },
    ]);
    const issue = forge.requests.find((r) => r.method === 'POST' && r.path === '/repos/o/r/issues');
    expect(issue?.body).toMatchObject({ labels: [99, 1] });
    const add = forge.requests.find((r) => r.method === 'POST' && r.path === '/repos/o/r/issues/3/labels');
    expect(add?.body).toEqual({ labels: [99] });
  });

  it('pages with page/limit until a short page', () => {
    const pages = forge.requests
      .filter((r) => r.path === '/repos/o/r/pulls' && r.method === 'GET')
      .map((r) => [r.query.page, r.query.limit]);
    expect(pages).toEqual([
      ['1', '50'],
      ['2', '50'],
    ]);
  });

  it('reads repository issue events from the timelines of the issues updated since the cursor', () => {
    const listing = forge.requests.filter(
      (r) => r.method === 'GET' && r.path === '/repos/o/r/issues' && r.query.type === undefined,
    );
    expect(listing.map((r) => r.query)).toEqual([
      { state: 'all', since: '2026-11-20T08:30:00.000Z', page: '1', limit: '50' },
      { state: 'all', since: '2026-11-20T08:30:00.000Z', page: '2', limit: '50' },
    ]);
    const timelines = forge.requests.filter(
      (r) => /^\/repos\/o\/r\/issues\/\d+\/timeline$/.test(r.path) && r.query.since !== undefined,
    );
    // 51 issues and pull requests (a full page and one more), each timeline two pages.
    expect(new Set(timelines.map((r) => r.path)).size).toBe(51);
    expect(timelines).toHaveLength(102);
  });

  it('names review events and pull sorting the Gitea way', () => {
    const review = forge.requests.find(
      (r) => r.method === 'POST' && r.path === '/repos/o/r/pulls/12/reviews',
    );
    expect(review?.body).toEqual({ event: 'REQUEST_CHANGES', body: 'fix it' });
    expect(forge.requests.find((r) => r.path === '/repos/o/r/pulls')?.query.sort).toBe('leastupdate');
  });
});
