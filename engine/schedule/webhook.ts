// Webhook delivery after each run (ENGINE §7). The body is the JSON text of
// {job, composition_id, execution_id, ok, output | error, duration_ms, fired_at}; when
// the job's webhook has a `secret`, the request carries
//
//   x-noether-signature: sha256=<lowercase hex HMAC-SHA256(secret, exact body bytes)>
//
// which a receiver recomputes over the raw body it read (before any JSON parsing) and
// compares in constant time. `x-noether-delivery` is one id per delivery, the same on
// every retry, so a receiver can drop the duplicates that retries may cause.
//
// Network errors, per-attempt timeouts and non-2xx answers (redirects included: a POST
// must not silently turn into a GET) are retried with exponential backoff and jitter, a
// bounded number of times; then delivery fails with NOE_WEBHOOK_FAILED, which the
// scheduler logs. Nothing here throws anything else.
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NoetherError } from '../errors.js';
import { networkReason } from '../run/remote.js';
import type { WebhookTarget } from './config.js';

export const SIGNATURE_HEADER = 'x-noether-signature';
export const DELIVERY_HEADER = 'x-noether-delivery';

export interface WebhookPayload {
  job: string;
  composition_id: string;
  /** Null when the run failed before an execution began. */
  execution_id: string | null;
  ok: boolean;
  output?: unknown;
  error?: { code: string; message: string; details?: Record<string, unknown> };
  duration_ms: number;
  fired_at: string;
}

export interface WebhookPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The wait before the first retry; it doubles at each further retry. */
  baseDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { attempts: 5, baseDelayMs: 500, timeoutMs: 10_000 };

export interface Delivery {
  status: number;
  attempts: number;
}

/** `sha256=<hex>`: the value of the signature header for this exact body. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * Delivers one payload; resolves with the final 2xx status, or rejects with
 * NOE_WEBHOOK_FAILED. `signal` abandons the delivery (the scheduler's forced stop).
 */
export async function deliverWebhook(
  target: WebhookTarget,
  payload: WebhookPayload,
  policy: WebhookPolicy = DEFAULT_WEBHOOK_POLICY,
  signal?: AbortSignal,
): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [DELIVERY_HEADER]: randomUUID(),
  };
  if (target.secret !== undefined) headers[SIGNATURE_HEADER] = signWebhookBody(target.secret, body);
  const attempts = Math.max(1, policy.attempts);
  let last = '';
  let tried = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) {
      const wait = policy.baseDelayMs * 2 ** (attempt - 2);
      // Equal jitter: half fixed, half random, so that many schedulers do not retry in step.
      await sleep(wait / 2 + Math.random() * (wait / 2), undefined, signal ? { signal } : {}).catch(() => {});
    }
    if (signal?.aborted === true) {
      last = 'the scheduler was stopped';
      break;
    }
    const limit = AbortSignal.timeout(policy.timeoutMs);
    tried = attempt;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: signal === undefined ? limit : AbortSignal.any([limit, signal]),
      });
      // Drained so the connection can be reused; the receiver's answer is not ours to read.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300)
        return { status: response.status, attempts: attempt };
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = limit.aborted ? `no answer within ${policy.timeoutMs} ms` : networkReason(error);
    }
  }
  throw new NoetherError(
    'NOE_WEBHOOK_FAILED',
    `webhook ${target.url} for job "${payload.job}" failed after ${tried} attempt(s): ${last}`,
    {
      details: {
        job: payload.job,
        url: target.url,
        attempts: tried,
        last,
        execution_id: payload.execution_id,
      },
    },
  );
}
