// The Fastify application: GitHub's request conventions (JSON bodies that may be empty,
// "Problems parsing JSON", token auth with GitHub's 401 bodies, GitHub-shaped errors)
// around the route modules, plus the fault injector and its admin routes.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { FaultInjector } from './faults.js';
import { ForgeHttpError } from './http.js';
import type { RouteContext } from './routes/context.js';
import { issueRoutes } from './routes/issues.js';
import { pullRoutes } from './routes/pulls.js';
import { repoRoutes } from './routes/repos.js';

const ADMIN_PREFIX = '/_forge/';

/** Who may call: the forge's own token (acting as `login`) and per-user tokens. */
export interface ForgeAuth {
  login: string;
  token?: string;
  /** token → login: each token acts as its user, as GitHub tokens do. */
  users?: Record<string, string>;
}

export function buildApp(
  context: Omit<RouteContext, 'loginOf'>,
  faults: FaultInjector,
  auth: ForgeAuth,
): FastifyInstance {
  const logins = new WeakMap<FastifyRequest, string>();
  const routes: RouteContext = { ...context, loginOf: (request) => logins.get(request) ?? auth.login };
  const required = auth.token !== undefined || Object.keys(auth.users ?? {}).length > 0;
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ForgeHttpError(400, 'Problems parsing JSON'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    // GitHub tags every answer with a request id; clients (octokit) log it with errors.
    void reply.header('x-github-request-id', request.id);
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith(ADMIN_PREFIX)) {
      const fault = faults.take(request.method, path);
      if (fault !== undefined) {
        if (fault.delay_ms > 0) await new Promise((resolve) => setTimeout(resolve, fault.delay_ms));
        if (fault.drop) {
          request.raw.socket.destroy();
          return reply.hijack();
        }
        if (fault.status !== undefined) {
          if (fault.retry_after !== undefined) void reply.header('retry-after', String(fault.retry_after));
          // A 403 with Retry-After is GitHub's secondary rate limit; clients recognise it by the message.
          const message =
            fault.status === 403 && fault.retry_after !== undefined
              ? 'You have exceeded a secondary rate limit (injected fault)'
              : `Injected fault ${fault.status}`;
          return reply.code(fault.status).send(new ForgeHttpError(fault.status, message).body());
        }
      }
    }
    const login = loginOfHeader(request.headers.authorization, auth);
    if (login !== undefined) logins.set(request, login);
    else if (required) {
      const message =
        request.headers.authorization === undefined ? 'Requires authentication' : 'Bad credentials';
      return reply.code(401).send(new ForgeHttpError(401, message).body());
    }
    return undefined;
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ForgeHttpError) return reply.code(error.status).send(error.body());
    const status =
      typeof (error as { statusCode?: unknown }).statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
    const message = error instanceof Error ? error.message : String(error);
    return reply
      .code(status)
      .send(new ForgeHttpError(status, status >= 500 ? `Server Error: ${message}` : message).body());
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(new ForgeHttpError(404, 'Not Found').body()),
  );

  repoRoutes(app, routes);
  issueRoutes(app, routes);
  pullRoutes(app, routes);

  app.get(`${ADMIN_PREFIX}faults`, () => faults.list());
  app.put(`${ADMIN_PREFIX}faults`, (request) => {
    faults.set(request.body);
    return faults.list();
  });
  app.post(`${ADMIN_PREFIX}faults`, (request) => {
    faults.add(request.body);
    return faults.list();
  });
  app.delete(`${ADMIN_PREFIX}faults`, () => {
    faults.set([]);
    return faults.list();
  });
  return app;
}

/** The login of `Authorization: token X` or `Bearer X` (tokens compared in constant time). */
function loginOfHeader(header: string | undefined, auth: ForgeAuth): string | undefined {
  const given = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (given === undefined) return undefined;
  if (auth.token !== undefined && sameSecret(given, auth.token)) return auth.login;
  return Object.entries(auth.users ?? {}).find(([token]) => sameSecret(given, token))?.[1];
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
