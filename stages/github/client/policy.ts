// The request policy both adapters share: how long one attempt may take, which failures
// are retried (5xx, 429, and reads that got no answer), how long to wait between
// attempts, and how a failure becomes a NoetherError. The GitHub adapter feeds these
// numbers to octokit's plugins; the Gitea adapter runs its own loop on them. A token never
// reaches an error: errors carry the method, the path without its query, the status and
// the forge's own message.
import { NoetherError } from '../../../engine/errors.js';
import type { ForgeClientOptions } from './types.js';

export interface RequestPolicy {
  timeoutMs: number;
  retries: number;
  backoffBaseMs: number;
  maxRetryWaitMs: number;
  signal: AbortSignal | undefined;
}

export function resolvePolicy(options: ForgeClientOptions): RequestPolicy {
  return {
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 3,
    backoffBaseMs: options.backoffBaseMs ?? 1_000,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 30_000,
    signal: options.signal,
  };
}

/** One attempt's signal: its own timeout, and the stage's cancellation. */
export function attemptSignal(policy: RequestPolicy): AbortSignal {
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  return policy.signal === undefined ? timeout : AbortSignal.any([policy.signal, timeout]);
}

/** 5xx: the forge failed; 429: it asks us to slow down. Everything else is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * A request that got no answer (timed out, connection refused or dropped) is retried only
 * when sending it twice is harmless: GET and HEAD. A write that got no answer may have
 * been done; the stages' markers and journal make the next tick find out, not a blind resend.
 */
function retriesWithoutAnswer(method: string, failure: NoetherError): boolean {
  return (method === 'GET' || method === 'HEAD') && failure.code !== 'NOE_CANCELLED';
}

/**
 * How long to wait before attempt `attempt + 1` (attempt counts from 0), or undefined
 * when no retry should happen: attempts used up, or the forge asks for a longer wait
 * than the bound (waiting less than Retry-After would only be refused again).
 */
export function retryDelayMs(
  policy: RequestPolicy,
  attempt: number,
  retryAfter: string | null | undefined,
): number | undefined {
  if (attempt >= policy.retries) return undefined;
  const asked = retryAfterMs(retryAfter);
  if (asked !== undefined) return asked <= policy.maxRetryWaitMs ? asked : undefined;
  return Math.min(policy.backoffBaseMs * 2 ** attempt, policy.maxRetryWaitMs);
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Waits, unless the stage is cancelled first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const reason = (): Error => (signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal?.aborted === true) {
      reject(reason());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(reason());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RequestPlace {
  method: string;
  /** The URL path below the API base, without the query. */
  path: string;
}

/** Waits `ms` before the next attempt; the stage cancelling meanwhile fails the request. */
export async function pause(place: RequestPlace, policy: RequestPolicy, ms: number): Promise<void> {
  try {
    await sleep(ms, policy.signal);
  } catch (reason) {
    throw transportFailure(place, policy, reason);
  }
}

/**
 * After attempt `attempt` got no answer: waits before it is resent, or throws the failure
 * when it must not be (a write, cancelled, attempts used up).
 */
export async function pauseBeforeResend(
  place: RequestPlace,
  policy: RequestPolicy,
  attempt: number,
  error: unknown,
): Promise<void> {
  const failure = transportFailure(place, policy, error);
  const wait = retriesWithoutAnswer(place.method, failure)
    ? retryDelayMs(policy, attempt, undefined)
    : undefined;
  if (wait === undefined) throw failure;
  await pause(place, policy, wait);
}

/** The message of a refusal's body: its JSON `message`, else the start of its text. */
export function refusalMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string')
    return body.message;
  return typeof body === 'string' ? body.slice(0, 500) : '';
}

/** The forge answered, but not with 2xx. */
export function forgeRefused(place: RequestPlace, status: number, forgeMessage: string): NoetherError {
  const what = status === 405 && place.path.endsWith('/merge') ? ' (the pull request cannot be merged)' : '';
  return new NoetherError(
    'NOE_FORGE_FAILED',
    `${place.method} ${place.path} answered ${status}${what}: ${forgeMessage || 'no message'}`,
    { details: { status, method: place.method, path: place.path, message: forgeMessage } },
  );
}

/**
 * A request that got no answer: cancelled by the stage, out of time, or the forge could
 * not be reached. The cause is kept off the error: fetch causes can quote the request.
 */
function transportFailure(place: RequestPlace, policy: RequestPolicy, error: unknown): NoetherError {
  const details = { status: 0, method: place.method, path: place.path };
  if (policy.signal?.aborted === true) {
    return new NoetherError('NOE_CANCELLED', `${place.method} ${place.path} was cancelled`, { details });
  }
  if (isTimeout(error)) {
    return new NoetherError(
      'NOE_TIMEOUT',
      `${place.method} ${place.path} got no answer within ${policy.timeoutMs} ms`,
      { details: { ...details, timeout_ms: policy.timeoutMs } },
    );
  }
  const reason = describe(error);
  return new NoetherError(
    'NOE_FORGE_FAILED',
    `${place.method} ${place.path} could not reach the forge: ${reason}`,
    {
      details: { ...details, message: reason },
    },
  );
}

function isTimeout(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === 'TimeoutError') return true;
  }
  return false;
}

/** The innermost cause's message (fetch says "fetch failed" and keeps the reason below). */
function describe(error: unknown): string {
  let message = 'unknown error';
  for (let e: unknown = error; e !== undefined && e !== null; e = e instanceof Error ? e.cause : undefined) {
    if (e instanceof Error) message = e.message;
    else if (typeof e === 'string') message = e;
    if (!(e instanceof Error)) break;
  }
  return message;
}
