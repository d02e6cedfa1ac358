// The client side of the Caloron shell (CALORON §6) as execute_actions uses it: POST a JSON
// body to `<shell_url>/spawn` or `/restart` with the token from CALORON_SHELL_TOKEN in
// `x-caloron-token`, within a timeout. The shell answers `{ok:true, …}`; anything else is a
// failure the caller records (reference §12.3 and §12.12: the Python client sent no token and
// took HTTP 200 `{ok:false}` for success).
//
// Must never: put the token in an error message, follow a redirect (a POST turned into a GET
// would lose the body), or wait forever on a shell that does not answer.
import { NoetherError } from '../../engine/errors.js';
import { isJsonObject } from '../../engine/json/value.js';
import { abortCode } from '../../engine/run/abort-code.js';
import { networkReason } from '../../engine/run/remote.js';
import { formatReported, reportedError, snippet } from '../../engine/run/reported-error.js';
import type { SpawnRequest } from '../../schemas/generated/types.js';

/** The token's environment variable (CALORON §6). */
const SHELL_TOKEN_ENV = 'CALORON_SHELL_TOKEN';
const DEFAULT_SHELL_TIMEOUT_MS = 30_000;
/** The timeout of one shell call, in ms, from the stage's environment when the caller sets none. */
const SHELL_TIMEOUT_ENV = 'CALORON_SHELL_TIMEOUT_MS';

/** `POST /restart` (CALORON §6). */
export interface RestartRequest {
  sprint_id: string;
  agent_id: string;
}

/** The shell's `{ok:true, …}` reply, whatever else it carries (a pid, …). */
export type ShellReply = Record<string, unknown> & { ok: true };

export interface ShellClient {
  /** `POST /spawn` (CALORON §6): the shared SpawnRequest (schemas/domain/spawn-request.schema.json). */
  spawn(request: SpawnRequest): Promise<ShellReply>;
  restart(request: RestartRequest): Promise<ShellReply>;
}

export interface ShellClientOptions {
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  timeoutMs?: number;
}

export function openShellClient(shellUrl: string, options: ShellClientOptions): ShellClient {
  const base = shellUrl.replace(/\/+$/, '');
  // Read once, when the client opens: a bad value fails the stage before any action runs.
  const timeoutMs = options.timeoutMs ?? envTimeout(options.env) ?? DEFAULT_SHELL_TIMEOUT_MS;
  const post = (path: string, body: object): Promise<ShellReply> =>
    postShell(`${base}${path}`, body, { ...options, timeoutMs });
  return {
    spawn: (request) => post('/spawn', request),
    restart: (request) => post('/restart', request),
  };
}

async function postShell(
  url: string,
  body: object,
  options: ShellClientOptions & { timeoutMs: number },
): Promise<ShellReply> {
  const { timeoutMs } = options;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([options.signal, deadline]);
  const fail = (
    code: 'NOE_SHELL_FAILED' | 'NOE_TIMEOUT' | 'NOE_CANCELLED',
    message: string,
    status?: number,
  ) => new NoetherError(code, `shell POST ${url} ${message}`, { details: { url, status } });
  const token = options.env[SHELL_TOKEN_ENV];
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  // No token: the request goes without one and an authenticating shell answers 401, a clear
  // failure; a shell started with its explicit insecure flag accepts it.
  if (token !== undefined && token !== '') headers['x-caloron-token'] = token;

  let status: number | undefined;
  let text: string;
  try {
    signal.throwIfAborted();
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal,
      redirect: 'error',
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (options.signal.aborted) {
      const code = abortCode(options.signal);
      throw fail(code, code === 'NOE_TIMEOUT' ? "ran past the stage's deadline" : 'was cancelled', status);
    }
    if (deadline.aborted) throw fail('NOE_TIMEOUT', `did not answer within ${timeoutMs} ms`, status);
    throw fail('NOE_SHELL_FAILED', `could not be reached: ${networkReason(error)}`, status);
  }
  const reply = parseReply(text);
  const said =
    isJsonObject(reply) && reply.ok === false ? formatReported(reportedError(reply.error)) : snippet(text);
  if (status < 200 || status > 299)
    throw fail('NOE_SHELL_FAILED', `answered HTTP ${status}: ${said}`, status);
  if (isJsonObject(reply) && reply.ok === true) return reply as ShellReply;
  throw fail('NOE_SHELL_FAILED', `did not succeed (HTTP ${status}): ${said}`, status);
}

function parseReply(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function envTimeout(env: ShellClientOptions['env']): number | undefined {
  const text = env[SHELL_TIMEOUT_ENV];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text) || Number(text) === 0)
    throw new NoetherError(
      'NOE_USAGE',
      `${SHELL_TIMEOUT_ENV}=${JSON.stringify(text)} is not a positive whole number of ms`,
    );
  return Number(text);
}
