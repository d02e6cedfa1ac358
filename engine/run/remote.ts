// Calls a RemoteStage node over HTTP (ENGINE §2): POST {"input": v} as JSON to node.url;
// the reply must be {"ok":true,"data":{"output":…}} (other members, such as the "command"
// of a noether-ts CLI envelope, are ignored). Everything else fails with
// NOE_REMOTE_FAILED, naming the URL, the HTTP status and the start of the body:
// {"ok":false,"error":{"code","message"}} (its code and message in details), a non-2xx
// status, a body that is not JSON or not of that shape, a body over maxReplyBytes, a
// refused or broken connection, a redirect (a stage endpoint that moved must be updated
// in the graph, not followed silently: a POST turned into a GET would lose the input).
// node.timeout_ms expiring is NOE_TIMEOUT; the caller's signal is NOE_CANCELLED.
import { NoetherError, type ErrorCode } from '../errors.js';
import { HTTP_URL } from '../graph/fields.js';
import type { RemoteStageNode } from '../graph/ast.js';
import { parseJsonDocument } from '../json/parse.js';
import { decodeJsonText } from '../json/text.js';
import { isJsonObject } from '../json/value.js';
import { abortCode } from './abort-code.js';
import { formatReported, reportedError, snippet } from './reported-error.js';

export interface RemoteCallOptions {
  signal: AbortSignal;
  /** Bytes of reply body past which the call fails (default 16 MiB). */
  maxReplyBytes?: number;
}

export const DEFAULT_MAX_REPLY_BYTES = 16 * 1024 * 1024;

type Fail = (
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
) => NoetherError;

export async function callRemoteStage(
  node: RemoteStageNode,
  input: unknown,
  options: RemoteCallOptions,
): Promise<unknown> {
  const fail: Fail = (code, message, details = {}, cause) =>
    new NoetherError(code, `remote stage ${node.url} ${message}`, {
      details: { url: node.url, ...details },
      cause,
    });
  if (!HTTP_URL.accepts(node.url))
    throw fail('NOE_REMOTE_FAILED', 'cannot be called: only http: and https: URLs are supported');
  const deadline = node.timeout_ms === undefined ? undefined : AbortSignal.timeout(node.timeout_ms);
  const signal = deadline === undefined ? options.signal : AbortSignal.any([options.signal, deadline]);
  const maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;

  let status: number | undefined;
  let body: Uint8Array;
  try {
    signal.throwIfAborted();
    const response = await fetch(node.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ input }),
      signal,
      redirect: 'error',
    });
    status = response.status;
    body = await readCapped(response, maxReplyBytes, () =>
      fail('NOE_REMOTE_FAILED', `answered HTTP ${response.status} with a body over ${maxReplyBytes} bytes`, {
        status: response.status,
        maxReplyBytes,
      }),
    );
    if (!response.ok) throw httpError(response.status, body, fail);
  } catch (error) {
    if (error instanceof NoetherError) throw error;
    if (options.signal.aborted) {
      const code = abortCode(options.signal);
      throw fail(
        code,
        code === 'NOE_TIMEOUT' ? "ran past the caller's deadline" : 'was cancelled',
        { status },
        error,
      );
    }
    if (deadline?.aborted === true)
      throw fail(
        'NOE_TIMEOUT',
        `did not answer within its timeout_ms (${node.timeout_ms} ms)`,
        { status },
        error,
      );
    throw fail('NOE_REMOTE_FAILED', `could not be reached: ${networkReason(error)}`, { status }, error);
  }

  const reply = parseBody(body);
  if (reply === undefined)
    throw fail('NOE_REMOTE_FAILED', `answered a body that is not JSON: ${bodySnippet(body)}`, {
      status,
      body: bodySnippet(body),
    });
  if (isJsonObject(reply) && reply.ok === false) {
    const reported = reportedError(reply.error);
    throw fail('NOE_REMOTE_FAILED', `failed: ${formatReported(reported)}`, { status, ...reported });
  }
  if (
    isJsonObject(reply) &&
    reply.ok === true &&
    isJsonObject(reply.data) &&
    Object.hasOwn(reply.data, 'output')
  )
    return reply.data.output;
  throw fail('NOE_REMOTE_FAILED', `did not answer {"ok":true,"data":{"output":…}}: ${bodySnippet(body)}`, {
    status,
    body: bodySnippet(body),
  });
}

/** A non-2xx answer, with the server's own error when it sent an envelope. */
function httpError(status: number, body: Uint8Array, fail: Fail): NoetherError {
  const reply = parseBody(body);
  const reported = isJsonObject(reply) && reply.ok === false ? reportedError(reply.error) : undefined;
  const said = reported === undefined ? bodySnippet(body) : formatReported(reported);
  return fail('NOE_REMOTE_FAILED', `answered HTTP ${status}: ${said}`, {
    status,
    body: bodySnippet(body),
    ...reported,
  });
}

/** The body's bytes, refusing (and dropping the connection) once it passes `cap`. */
async function readCapped(
  response: Response,
  cap: number,
  overflow: () => NoetherError,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > cap) {
    await response.body?.cancel();
    throw overflow();
  }
  if (response.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel();
      throw overflow();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function parseBody(body: Uint8Array): unknown {
  try {
    return parseJsonDocument(decodeJsonText(body, 'reply'), 'reply').value;
  } catch (error) {
    if (error instanceof NoetherError) return undefined;
    throw error;
  }
}

function bodySnippet(body: Uint8Array): string {
  return snippet(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
}

/** Why fetch failed, in words: undici hides the system error (ECONNREFUSED…) in `cause`. */
export function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause?.code !== undefined) return `${cause.code} (${cause.message})`;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
