// A stand-in for the Caloron shell (CALORON §6) on 127.0.0.1 port 0, for execute_actions
// tests: the real shell is the next issue. It speaks the §6 request shapes for the two
// routes execute_actions calls (POST /spawn, POST /restart): token in x-caloron-token
// (401 without it), ids checked by the §1 rule (400), `{ok:true, pid}` on success, and
// `{ok:false, error}` with a 4xx/5xx on failure. It records every request it accepted and
// fails on demand: `failNext(route, status)` or `hang(route)` (never answers).
import Fastify, { type FastifyInstance } from 'fastify';

export interface ShellRequest {
  route: '/spawn' | '/restart';
  token: string | undefined;
  body: Record<string, unknown>;
}

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ID_FIELDS = { '/spawn': ['sprint_id', 'task_id', 'agent_id'], '/restart': ['sprint_id', 'agent_id'] };

export interface LoopbackShell {
  url: string;
  token: string;
  /** Accepted requests, in arrival order. */
  requests: ShellRequest[];
  /** The next `times` requests to `route` answer `status` with {ok:false, error}. */
  failNext(route: ShellRequest['route'], status: number, times?: number): void;
  /** Requests to `route` are never answered until `release()`. */
  hang(route: ShellRequest['route']): void;
  release(): void;
  close(): Promise<void>;
}

export async function startLoopbackShell(token = 'shell-secret'): Promise<LoopbackShell> {
  const server: FastifyInstance = Fastify({ forceCloseConnections: true });
  const requests: ShellRequest[] = [];
  const failures = new Map<string, { status: number; times: number }>();
  const hanging = new Set<string>();
  let pid = 1000;

  for (const route of ['/spawn', '/restart'] as const) {
    server.post(route, async (request, reply) => {
      if (request.headers['x-caloron-token'] !== token)
        return reply.code(401).send({ ok: false, error: 'missing or wrong x-caloron-token' });
      const body = request.body as Record<string, unknown>;
      for (const field of ID_FIELDS[route])
        if (typeof body[field] !== 'string' || !ID.test(body[field]))
          return reply.code(400).send({ ok: false, error: `${field} breaks the id rule` });
      if (hanging.has(route)) return new Promise(() => undefined);
      const failure = failures.get(route);
      if (failure !== undefined && failure.times > 0) {
        failure.times -= 1;
        return reply.code(failure.status).send({ ok: false, error: `injected failure ${failure.status}` });
      }
      requests.push({ route, token: request.headers['x-caloron-token'], body });
      pid += 1;
      return { ok: true, pid };
    });
  }
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    token,
    requests,
    failNext: (route, status, times = 1) => failures.set(route, { status, times }),
    hang: (route) => hanging.add(route),
    release: () => hanging.clear(),
    close: () => server.close(),
  };
}
