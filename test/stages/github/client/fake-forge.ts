// A stand-in for a remote forge on 127.0.0.1 (port 0): it records every request (method,
// path, query, JSON body, headers) and answers plausible GitHub- or Gitea-shaped fixtures
// for the routes the client uses, so contract tests can check what the client sends and
// retry tests can script failures. Lists come in two pages (GitHub: a Link header;
// Gitea: a full first page of `limit` items), so pagination is exercised on every list.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

export type Dialect = 'github' | 'gitea';

export interface Recorded {
  method: string;
  /** Below the API base (Gitea's /api/v1 removed). */
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Scripted answer for the n-th request (1-based); undefined → the route's fixture. */
export type Script = (request: Recorded, n: number) => Answer | 'hang' | undefined;

export interface FakeForge {
  /** What goes into `host`: the server root (GitHub dialect) or root + /api/v1 (Gitea). */
  host: string;
  requests: Recorded[];
}

const closers: Array<() => Promise<void>> = [];
afterAll(() => Promise.all(closers.splice(0).map((close) => close())));

export async function startFakeForge(dialect: Dialect, script: Script = () => undefined): Promise<FakeForge> {
  const requests: Recorded[] = [];
  const hanging: ServerResponse[] = [];
  const prefix = dialect === 'gitea' ? '/api/v1' : '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://forge.test');
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: Recorded = {
        method: req.method ?? 'GET',
        path: url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: raw === '' ? undefined : (JSON.parse(raw) as unknown),
        headers: req.headers,
      };
      requests.push(recorded);
      const scripted = script(recorded, requests.length);
      if (scripted === 'hang') {
        hanging.push(res);
        return;
      }
      const answer = scripted ?? fixture(dialect, recorded, `http://${req.headers.host ?? ''}${prefix}`);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  closers.push(
    () =>
      new Promise<void>((closed) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => closed());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { host: `http://127.0.0.1:${port}${prefix}`, requests };
}

const AT = '2026-11-20T10:00:00Z';
const user = { login: 'octocat', id: 1 };

export function issueFixture(number: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 1000 + number,
    number,
    title: `Issue ${number}`,
    body: `<!-- caloron:task sprint=s1 task=t${number} -->`,
    state: 'open',
    labels: [{ id: 7, name: 'caloron:task', color: 'ededed' }],
    user,
    created_at: AT,
    updated_at: AT,
    closed_at: null,
    html_url: `https://forge.test/o/r/issues/${number}`,
    ...extra,
  };
}

export function pullFixture(number: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 2000 + number,
    number,
    title: `PR ${number}`,
    body: `Closes #${number - 1}`,
    state: 'open',
    merged: false,
    merged_at: null,
    merge_commit_sha: null,
    mergeable: true,
    draft: false,
    head: { ref: 'caloron/s1/t1', sha: 'a'.repeat(40) },
    base: { ref: 'main', sha: 'b'.repeat(40) },
    labels: [],
    user,
    created_at: AT,
    updated_at: AT,
    closed_at: null,
    html_url: `https://forge.test/o/r/pull/${number}`,
    ...extra,
  };
}

function commentFixture(id: number, issue: number, base: string): Record<string, unknown> {
  return {
    id,
    body: `comment ${id}`,
    user,
    created_at: AT,
    updated_at: AT,
    issue_url: `${base}/repos/o/r/issues/${issue}`,
  };
}

function reviewFixture(id: number, dialect: Dialect): Record<string, unknown> {
  return {
    id,
    user,
    body: 'looks good',
    state: dialect === 'gitea' ? 'REQUEST_CHANGES' : 'APPROVED',
    commit_id: 'a'.repeat(40),
    submitted_at: AT,
  };
}

function eventFixture(id: number, dialect: Dialect): Record<string, unknown> {
  return dialect === 'gitea'
    ? { id, type: 'label', body: '1', user, created_at: AT, label: { id: 7, name: 'caloron:task' } }
    : { id, event: 'labeled', actor: user, created_at: AT, label: { name: 'caloron:task', color: 'ededed' } };
}

/** Two pages of `make(i)`; GitHub links page 1 to page 2, Gitea fills page 1 to `limit`. */
function paged(dialect: Dialect, request: Recorded, base: string, make: (i: number) => unknown): Answer {
  const page = Number(request.query.page ?? '1');
  if (dialect === 'gitea') {
    const limit = Number(request.query.limit ?? '50');
    const count = page === 1 ? limit : 1;
    return { status: 200, body: Array.from({ length: count }, (_, i) => make((page - 1) * limit + i + 1)) };
  }
  if (page === 1) {
    const next = new URLSearchParams({ ...request.query, page: '2' });
    return {
      status: 200,
      headers: { link: `<${base}${request.path}?${next.toString()}>; rel="next"` },
      body: [make(1)],
    };
  }
  return { status: 200, body: [make(2)] };
}

function fixture(dialect: Dialect, request: Recorded, base: string): Answer {
  const { method, path } = request;
  const route = path.replace(/^\/repos\/[^/]+\/[^/]+/, '');
  const n = Number(/\/(\d+)(?:\/|$)/.exec(route)?.[1] ?? '1');
  const body = (request.body ?? {}) as Record<string, unknown>;
  const ok = (value: unknown, status = 200): Answer => ({ status, body: value });
  const key = `${method} ${route.replace(/\/\d+(?=\/|$)/g, '/N')}`;
  switch (key) {
    case 'GET ':
      return ok({
        full_name: 'o/r',
        default_branch: 'main',
        description: null,
        private: false,
        html_url: 'https://forge.test/o/r',
        clone_url: 'https://forge.test/o/r.git',
      });
    case 'GET /commits':
      return ok([
        {
          sha: 'c'.repeat(40),
          commit: { message: 'init', author: { name: 'Octo', date: AT } },
          author: user,
        },
      ]);
    case 'GET /languages':
      return ok({ TypeScript: 1234 });
    case 'GET /issues':
      return paged(dialect, request, base, (i) =>
        issueFixture(i, i === 1 ? { pull_request: { url: 'x' } } : {}),
      );
    case 'GET /issues/N':
    case 'PATCH /issues/N':
      return ok(issueFixture(n, body));
    case 'POST /issues':
      return ok(issueFixture(5, { title: body.title, labels: [] }), 201);
    case 'GET /labels':
      return paged(dialect, request, base, (i) => ({ id: i, name: `existing-${i}`, color: 'ededed' }));
    case 'POST /labels':
      return ok({ id: 99, name: body.name, color: 'ededed' }, 201);
    case 'POST /issues/N/labels':
      return ok([{ id: 99, name: 'caloron:task', color: 'ededed' }]);
    case 'GET /issues/N/comments':
      return ok([commentFixture(1, n, base)]);
    case 'GET /issues/comments':
      return paged(dialect, request, base, (i) => commentFixture(i, 3, base));
    case 'POST /issues/N/comments':
      return ok(commentFixture(9, n, base), 201);
    case 'GET /issues/events':
      return paged(dialect, request, base, (i) => ({ ...eventFixture(i, dialect), issue: issueFixture(3) }));
    case 'GET /issues/N/events':
    case 'GET /issues/N/timeline':
      return paged(dialect, request, base, (i) => eventFixture(i, dialect));
    case 'GET /pulls':
      return paged(dialect, request, base, (i) => pullFixture(i + 10));
    case 'GET /pulls/N':
    case 'PATCH /pulls/N':
      return ok(pullFixture(n, body));
    case 'POST /pulls':
      return ok(pullFixture(12, { title: body.title }), 201);
    case 'PUT /pulls/N/merge':
      return ok({ sha: 'd'.repeat(40), merged: true, message: 'Pull Request successfully merged' });
    case 'POST /pulls/N/merge':
      return { status: 200 };
    case 'GET /pulls/N/reviews':
      return paged(dialect, request, base, (i) => reviewFixture(i, dialect));
    case 'POST /pulls/N/reviews':
      return ok(reviewFixture(42, dialect));
    default:
      return { status: 404, body: { message: `no fixture for ${key}` } };
  }
}
