// The shell's HTTP face (CALORON §6): thin routes that check the token, let the route schema
// check the body, call the spawner or the store, and answer. Every failure is
// `{ok:false, error:{code, message}}` with an honest 4xx/5xx (reference §12.12: the Rust shell
// answered spawn failures with 200).
//
// Must never: compare the token in variable time, answer 200 to a failure, or accept a body
// over the cap.
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { isNoetherError, type ErrorCode } from '../engine/errors.js';
import { isJsonObject } from '../engine/json/value.js';
import { isAlive } from '../engine/run/process-facts.js';
import type { SpawnRequest } from '../schemas/generated/types.js';
import { domainSchema } from '../schemas/index.js';
import type { AgentsStore } from './agents-store.js';
import { FRAMEWORK_NAMES } from './frameworks/index.js';
import type { Heartbeat, Spawner } from './spawner.js';

const BODY_LIMIT = 64 * 1024;
const id = domainSchema('id');
const agentRef = {
  type: 'object',
  required: ['sprint_id', 'agent_id'],
  additionalProperties: false,
  properties: { sprint_id: id, agent_id: id },
} as const;

/**
 * POST /spawn's body: the SpawnRequest every caller sends (schemas/domain/spawn-request.schema.json,
 * also shell_spawn_agent's input), closed, and narrowed where only the shell knows better: the
 * frameworks it can run, and owner and name usable as folder names under the worktree root (no
 * leading dot or dash, at most 100 characters). Each narrowing accepts a subset of the shared
 * field, so the shell never takes what a caller's own check refuses.
 */
const spawnRequest = domainSchema('spawn-request');
const spawnBody = {
  ...spawnRequest,
  additionalProperties: false,
  properties: {
    ...(isJsonObject(spawnRequest.properties) ? spawnRequest.properties : {}),
    framework: { enum: FRAMEWORK_NAMES },
    repo: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$' },
  },
};

const heartbeatBody = {
  type: 'object',
  required: ['sprint_id', 'agent_id', 'task_id', 'status'],
  additionalProperties: false,
  properties: {
    sprint_id: id,
    agent_id: id,
    task_id: id,
    status: { enum: ['running', 'done', 'failed'] },
    detail: { type: 'string', maxLength: 8192 },
  },
} as const;

const STATUS: Partial<Record<ErrorCode, number>> = {
  NOE_INPUT_INVALID: 400,
  NOE_STAGE_INPUT_VIOLATION: 400,
  NOE_UNAUTHORIZED: 401,
  NOE_AGENT_NOT_FOUND: 404,
  NOE_FORGE_FAILED: 502,
  NOE_FORGE_CONFIG: 502,
};

export interface ServerParts {
  token: string | undefined;
  spawner: Spawner;
  store: AgentsStore;
}

export function buildServer({ token, spawner, store }: ServerParts): FastifyInstance {
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    return503OnClosing: true,
    // Fastify's defaults strip unknown fields and coerce types: a request off the contract
    // is refused instead (reference §7.2 accepted unknown fields silently).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  const expected = token === undefined ? undefined : digest(token);

  app.addHook('onRequest', async (request, reply) => {
    if (expected === undefined || request.routeOptions.url === '/health') return;
    const given = request.headers['x-caloron-token'];
    if (typeof given === 'string' && timingSafeEqual(digest(given), expected)) return;
    await reply.code(401).send(failure('NOE_UNAUTHORIZED', 'missing or invalid x-caloron-token header'));
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation !== undefined)
      return reply
        .code(400)
        .send(
          failure(
            'NOE_INPUT_INVALID',
            `${error.validationContext ?? 'request'}${error.message.replace(/^(body|querystring)/, '')}`,
          ),
        );
    if (isNoetherError(error))
      return reply.code(STATUS[error.code] ?? 500).send(failure(error.code, error.message));
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    return reply
      .code(status)
      .send(failure(status < 500 ? 'NOE_INPUT_INVALID' : 'NOE_INTERNAL', error.message));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(failure('NOE_USAGE', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );

  app.get('/health', () => ({ ok: true }));

  app.post<{ Body: SpawnRequest }>('/spawn', { schema: { body: spawnBody } }, async (request) => {
    const agent = await spawner.spawn(request.body);
    return { ok: true, pid: agent.pid, agent };
  });

  app.post<{ Body: { sprint_id: string; agent_id: string } }>(
    '/restart',
    { schema: { body: agentRef } },
    async (request) => {
      const agent = await spawner.restart(request.body.sprint_id, request.body.agent_id);
      return { ok: true, pid: agent.pid, agent };
    },
  );

  app.post<{ Body: { sprint_id: string; agent_id: string } }>(
    '/kill',
    { schema: { body: agentRef } },
    async (request) => ({
      ok: true,
      agent: await spawner.kill(request.body.sprint_id, request.body.agent_id),
    }),
  );

  app.post<{ Body: Heartbeat }>('/heartbeat', { schema: { body: heartbeatBody } }, async (request, reply) => {
    const agent = await spawner.heartbeat(request.body);
    if (agent === undefined)
      return reply
        .code(404)
        .send(
          failure(
            'NOE_AGENT_NOT_FOUND',
            `agent ${request.body.agent_id} of sprint ${request.body.sprint_id} was not spawned by this shell`,
          ),
        );
    return { ok: true };
  });

  app.get<{ Querystring: { sprint_id: string } }>(
    '/status',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['sprint_id'],
          additionalProperties: false,
          properties: { sprint_id: id },
        },
      },
    },
    (request) => {
      const agents = Object.values(store.read(request.query.sprint_id)).flatMap((record) =>
        record === undefined ? [] : [{ ...record, alive: isAlive(record.pid, record.process_start) }],
      );
      return { ok: true, sprint_id: request.query.sprint_id, agents };
    },
  );

  return app;
}

function failure(code: ErrorCode, message: string) {
  return { ok: false, error: { code, message } };
}

/** Equal-length digests, so timingSafeEqual never throws and the length leaks nothing. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
