// The Fastify application: GitHub's request conventions (JSON bodies that may be empty,
// "Problems parsing JSON", token auth with GitHub's 401 bodies, GitHub-shaped errors)
// around the route modules, plus the fault injector and its admin routes.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { FaultInjector } from './faults.js';
import { ForgeHttpError } from './http.js';
import type { RouteContext } from './routes/context.js';
import { issueRoutes } from './routes/issues.js';
import { pullRoutes } from './routes/pulls.js';
import { repoRoutes } from './routes/repos.js';

export const ADMIN_PREFIX = '/_forge/';

export function buildApp(
  context: RouteContext,
  faults: FaultInjector,
  token: string | undefined,
): FastifyInstance {
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
    if (token !== undefined && !authorized(request.headers.authorization, token)) {
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

  repoRoutes(app, context);
  issueRoutes(app, context);
  pullRoutes(app, context);

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

/** `Authorization: token X` or `Bearer X`, compared in constant time. */
function authorized(header: string | undefined, token: string): boolean {
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  if (match?.[1] === undefined) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
