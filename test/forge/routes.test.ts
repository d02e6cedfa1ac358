// The forge's GitHub routes over real HTTP: repositories, issues (filters, sort,
// pagination with Link headers), labels, comments and issue events, persistence across a
// restart, and the token check. Shapes are checked by contract.test.ts; these assert behaviour.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startLocalForge } from '../../forge/index.js';
import { tempProject } from '../temp-project.js';
import { call, field, items, testForge, type TestForge } from './forge-harness.js';

async function withRepo(options = {}): Promise<TestForge> {
  const forge = await testForge(options);
  expect((await forge.call('POST', '/user/repos', { name: 'demo' })).status).toBe(201);
  return forge;
}

const at = (iso: string): Date => new Date(iso);

describe('repositories', () => {
  it('creates a user repository with an initial commit on main and its clone path', async () => {
    const { call, forge } = await testForge();
    const created = await call('POST', '/user/repos', { name: 'demo', description: 'A demo' });
    expect(created.status).toBe(201);
    expect(field(created, 'full_name')).toBe('caloron/demo');
    expect(field(created, 'default_branch')).toBe('main');
    expect(field(created, 'clone_url')).toBe(forge.repoPath('caloron', 'demo'));
    const commits = await call('GET', '/repos/caloron/demo/commits');
    expect(items(commits)).toHaveLength(1);
    expect((items(commits)[0]?.commit as { message: string }).message).toBe('Initial commit');
  });

  it('creates an organisation repository owned by the organisation', async () => {
    const { call } = await testForge();
    expect(field(await call('POST', '/orgs/acme/repos', { name: 'widgets' }), 'full_name')).toBe(
      'acme/widgets',
    );
    expect((await call('GET', '/repos/acme/widgets')).status).toBe(200);
  });

  it('refuses a second repository of the same name with 422', async () => {
    const { call } = await withRepo();
    const again = await call('POST', '/user/repos', { name: 'demo' });
    expect(again.status).toBe(422);
    expect(field(again, 'message')).toBe('Validation Failed');
  });

  it('refuses a repository name that could leave the forge folder', async () => {
    const { call } = await testForge();
    expect((await call('POST', '/user/repos', { name: '..' })).status).toBe(422);
    expect((await call('POST', '/user/repos', { name: 'a/b' })).status).toBe(422);
  });

  it('answers 404 with GitHub’s body for an unknown repository', async () => {
    const { call } = await testForge();
    const missing = await call('GET', '/repos/nobody/nothing');
    expect(missing.status).toBe(404);
    expect(field(missing, 'message')).toBe('Not Found');
  });

  it('answers 400 "Problems parsing JSON" for a malformed body', async () => {
    const { forge } = await testForge();
    const response = await fetch(`${forge.url}/user/repos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe('Problems parsing JSON');
  });
});

describe('issues', () => {
  it('numbers issues from 1 and returns them by number', async () => {
    const { call } = await withRepo();
    const first = await call('POST', '/repos/caloron/demo/issues', { title: 'one', body: 'b' });
    expect(first.status).toBe(201);
    expect(field(first, 'number')).toBe(1);
    expect(field(await call('POST', '/repos/caloron/demo/issues', { title: 'two' }), 'number')).toBe(2);
    expect(field(await call('GET', '/repos/caloron/demo/issues/1'), 'title')).toBe('one');
  });

  it('refuses an issue without a title with 422 naming the field', async () => {
    const { call } = await withRepo();
    const answer = await call('POST', '/repos/caloron/demo/issues', { body: 'no title' });
    expect(answer.status).toBe(422);
    expect(field<Array<{ field: string }>>(answer, 'errors')[0]?.field).toBe('title');
  });

  it('lists open issues by default and closed or all on request', async () => {
    const { call } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 'open one' });
    await call('POST', '/repos/caloron/demo/issues', { title: 'closed one' });
    expect(field(await call('PATCH', '/repos/caloron/demo/issues/2', { state: 'closed' }), 'state')).toBe(
      'closed',
    );
    const titles = async (query: string) =>
      items(await call('GET', `/repos/caloron/demo/issues${query}`)).map((issue) => issue.title);
    expect(await titles('')).toEqual(['open one']);
    expect(await titles('?state=closed')).toEqual(['closed one']);
    expect(await titles('?state=all&direction=asc')).toEqual(['open one', 'closed one']);
  });

  it('filters by `since` on updated_at, inclusive', async () => {
    const { call, clock } = await withRepo();
    clock.now = at('2026-01-01T10:00:00Z');
    await call('POST', '/repos/caloron/demo/issues', { title: 'old' });
    clock.now = at('2026-01-01T11:00:00Z');
    await call('POST', '/repos/caloron/demo/issues', { title: 'new' });
    clock.now = at('2026-01-01T12:00:00Z');
    await call('PATCH', '/repos/caloron/demo/issues/1', { body: 'touched' });
    const since = (iso: string) =>
      call('GET', `/repos/caloron/demo/issues?since=${encodeURIComponent(iso)}`).then((a) =>
        items(a).map((i) => i.title),
      );
    expect(await since('2026-01-01T11:00:00Z')).toEqual(['new', 'old']);
    expect(await since('2026-01-01T11:00:01Z')).toEqual(['old']);
    expect(await since('2026-01-01T13:00:00+01:00')).toEqual(['old']);
    expect((await call('GET', '/repos/caloron/demo/issues?since=yesterday')).status).toBe(422);
  });

  it('filters by labels, every listed label required', async () => {
    const { call } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 'both', labels: ['a', 'b'] });
    await call('POST', '/repos/caloron/demo/issues', { title: 'only a', labels: ['a'] });
    const titles = async (labels: string) =>
      items(await call('GET', `/repos/caloron/demo/issues?labels=${labels}&direction=asc`)).map(
        (i) => i.title,
      );
    expect(await titles('a')).toEqual(['both', 'only a']);
    expect(await titles('a,b')).toEqual(['both']);
  });

  it('sorts by updated when asked', async () => {
    const { call, clock } = await withRepo();
    clock.now = at('2026-01-01T10:00:00Z');
    await call('POST', '/repos/caloron/demo/issues', { title: 'first' });
    clock.now = at('2026-01-01T11:00:00Z');
    await call('POST', '/repos/caloron/demo/issues', { title: 'second' });
    clock.now = at('2026-01-01T12:00:00Z');
    await call('POST', '/repos/caloron/demo/issues/1/comments', { body: 'bump' });
    const list = await call('GET', '/repos/caloron/demo/issues?sort=updated&direction=desc');
    expect(items(list).map((i) => i.title)).toEqual(['first', 'second']);
  });

  it('updates title, body, state and labels with PATCH', async () => {
    const { call } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 't', labels: ['x'] });
    const patched = await call('PATCH', '/repos/caloron/demo/issues/1', {
      title: 'T',
      body: 'B',
      state: 'closed',
      labels: ['y'],
    });
    expect(patched.status).toBe(200);
    expect(field(patched, 'title')).toBe('T');
    expect(field(patched, 'body')).toBe('B');
    expect(field(patched, 'closed_at')).not.toBeNull();
    expect(field<Array<{ name: string }>>(patched, 'labels').map((l) => l.name)).toEqual(['y']);
  });
});

describe('pagination', () => {
  it('pages with per_page and page and links next, last, first and prev', async () => {
    const { call } = await withRepo();
    for (let n = 1; n <= 5; n += 1) await call('POST', '/repos/caloron/demo/issues', { title: `issue ${n}` });
    const first = await call('GET', '/repos/caloron/demo/issues?per_page=2&direction=asc');
    expect(items(first).map((i) => i.number)).toEqual([1, 2]);
    const links = parseLinks(first.headers.get('link'));
    expect(Object.keys(links).sort()).toEqual(['last', 'next']);
    expect(new URL(links.last ?? '').searchParams.get('page')).toBe('3');

    const seen: number[] = [];
    let next: string | undefined = `/repos/caloron/demo/issues?per_page=2&direction=asc`;
    let lastLinks: Record<string, string> = {};
    while (next !== undefined) {
      const page: Awaited<ReturnType<typeof call>> = await call('GET', next);
      seen.push(...items(page).map((i) => i.number as number));
      lastLinks = parseLinks(page.headers.get('link'));
      next =
        lastLinks.next === undefined
          ? undefined
          : new URL(lastLinks.next).pathname + new URL(lastLinks.next).search;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(Object.keys(lastLinks).sort()).toEqual(['first', 'prev']);
  });

  it('defaults to 30 per page and caps per_page at 100', async () => {
    const { call } = await withRepo();
    for (let n = 1; n <= 31; n += 1) await call('POST', '/repos/caloron/demo/labels', { name: `l${n}` });
    expect(items(await call('GET', '/repos/caloron/demo/labels'))).toHaveLength(30);
    expect(items(await call('GET', '/repos/caloron/demo/labels?per_page=500'))).toHaveLength(31);
    expect((await call('GET', '/repos/caloron/demo/labels?per_page=100')).headers.get('link')).toBeNull();
  });
});

describe('labels', () => {
  it('creates a label and refuses a duplicate name with 422', async () => {
    const { call } = await withRepo();
    const label = await call('POST', '/repos/caloron/demo/labels', { name: 'caloron:task', color: 'ff0000' });
    expect(label.status).toBe(201);
    expect(field(label, 'color')).toBe('ff0000');
    expect((await call('POST', '/repos/caloron/demo/labels', { name: 'caloron:task' })).status).toBe(422);
    expect(items(await call('GET', '/repos/caloron/demo/labels')).map((l) => l.name)).toEqual([
      'caloron:task',
    ]);
  });

  it('adds labels to an issue, creating missing ones, and lists them', async () => {
    const { call } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 't' });
    const added = await call('POST', '/repos/caloron/demo/issues/1/labels', { labels: ['caloron:done'] });
    expect(added.status).toBe(200);
    expect(items(added).map((l) => l.name)).toEqual(['caloron:done']);
    expect(items(await call('GET', '/repos/caloron/demo/labels')).map((l) => l.name)).toEqual([
      'caloron:done',
    ]);
    expect(items(await call('GET', '/repos/caloron/demo/issues/1/labels')).map((l) => l.name)).toEqual([
      'caloron:done',
    ]);
  });

  it('adds a label once even when added twice', async () => {
    const { call } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 't' });
    await call('POST', '/repos/caloron/demo/issues/1/labels', { labels: ['x'] });
    await call('POST', '/repos/caloron/demo/issues/1/labels', { labels: ['x'] });
    expect(items(await call('GET', '/repos/caloron/demo/issues/1/labels'))).toHaveLength(1);
    expect(items(await call('GET', '/repos/caloron/demo/issues/1/events'))).toHaveLength(1);
  });
});

describe('comments', () => {
  it('posts comments on an issue and lists them oldest first', async () => {
    const { call } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 't' });
    const posted = await call('POST', '/repos/caloron/demo/issues/1/comments', { body: 'hello' });
    expect(posted.status).toBe(201);
    expect(field(posted, 'issue_url')).toMatch(/\/repos\/caloron\/demo\/issues\/1$/);
    await call('POST', '/repos/caloron/demo/issues/1/comments', { body: 'again' });
    expect(items(await call('GET', '/repos/caloron/demo/issues/1/comments')).map((c) => c.body)).toEqual([
      'hello',
      'again',
    ]);
    expect(field(await call('GET', '/repos/caloron/demo/issues/1'), 'comments')).toBe(2);
  });

  it('lists the repository’s comments since a time', async () => {
    const { call, clock } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 'a' });
    await call('POST', '/repos/caloron/demo/issues', { title: 'b' });
    clock.now = at('2026-01-02T00:00:00Z');
    await call('POST', '/repos/caloron/demo/issues/1/comments', { body: 'early' });
    clock.now = at('2026-01-03T00:00:00Z');
    await call('POST', '/repos/caloron/demo/issues/2/comments', { body: 'late' });
    const since = await call('GET', '/repos/caloron/demo/issues/comments?since=2026-01-02T12:00:00Z');
    expect(items(since).map((c) => c.body)).toEqual(['late']);
    expect(items(await call('GET', '/repos/caloron/demo/issues/comments'))).toHaveLength(2);
  });
});

describe('issue events', () => {
  it('records labeled, unlabeled, closed and reopened, per issue and repository-wide', async () => {
    const { call } = await withRepo();
    await call('POST', '/repos/caloron/demo/issues', { title: 't', labels: ['a'] });
    await call('PATCH', '/repos/caloron/demo/issues/1', { labels: ['b'], state: 'closed' });
    await call('PATCH', '/repos/caloron/demo/issues/1', { state: 'open' });
    const kinds = items(await call('GET', '/repos/caloron/demo/issues/1/events')).map((e) => e.event);
    expect(kinds).toEqual(['labeled', 'unlabeled', 'labeled', 'closed', 'reopened']);
    const repoWide = items(await call('GET', '/repos/caloron/demo/issues/events'));
    expect(repoWide.map((e) => e.event)).toEqual(['reopened', 'closed', 'labeled', 'unlabeled', 'labeled']);
    expect((repoWide[0]?.issue as { number: number }).number).toBe(1);
  });
});

describe('persistence', () => {
  it('serves the same repositories, issues and numbering after a restart on the same folder', async () => {
    const first = await withRepo();
    await first.call('POST', '/repos/caloron/demo/issues', { title: 'kept', labels: ['x'] });
    await first.call('POST', '/repos/caloron/demo/issues/1/comments', { body: 'also kept' });
    await first.forge.close();
    const again = await startLocalForge({ dir: first.forge.dir });
    try {
      expect(field(await call(again.url, 'GET', '/repos/caloron/demo/issues/1'), 'title')).toBe('kept');
      expect(items(await call(again.url, 'GET', '/repos/caloron/demo/issues/1/comments'))).toHaveLength(1);
      const next = await call(again.url, 'POST', '/repos/caloron/demo/issues', { title: 'next' });
      expect(field(next, 'number')).toBe(2);
      expect(items(await call(again.url, 'GET', '/repos/caloron/demo/commits'))).toHaveLength(1);
    } finally {
      await again.close();
    }
  });
});

describe('token check', () => {
  it('accepts `token X` and `Bearer X` and answers 401 otherwise', async () => {
    const { call } = await testForge({ token: 's3cret' });
    expect((await call('POST', '/user/repos', { name: 'r' }, { authorization: 'token s3cret' })).status).toBe(
      201,
    );
    expect(
      (await call('GET', '/repos/caloron/r', undefined, { authorization: 'Bearer s3cret' })).status,
    ).toBe(200);
    const wrong = await call('GET', '/repos/caloron/r', undefined, { authorization: 'token nope' });
    expect(wrong.status).toBe(401);
    expect(field(wrong, 'message')).toBe('Bad credentials');
    const none = await call('GET', '/repos/caloron/r');
    expect(none.status).toBe(401);
    expect(field(none, 'message')).toBe('Requires authentication');
  });
});

function parseLinks(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of (header ?? '').split(',').filter(Boolean)) {
    const match = /<([^>]+)>;\s*rel="(\w+)"/.exec(part.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) links[match[2]] = match[1];
  }
  return links;
}

describe('forge state on disk', () => {
  it('refuses to start on a corrupt state file with NOE_STATE_INVALID naming the file', async () => {
    const dir = tempProject({ 'forge.json': '{"schema_version": 1' }, 'forge-corrupt-');
    await expect(startLocalForge({ dir })).rejects.toMatchObject({
      code: 'NOE_STATE_INVALID',
      place: { file: join(dir, 'forge.json') },
    });
  });
});
