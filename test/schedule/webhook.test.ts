import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../engine/errors.js';
import { deliverWebhook, type WebhookPayload, type WebhookPolicy } from '../../engine/schedule/index.js';
import { signatureValid, startReceiver } from './receiver.js';

const PAYLOAD: WebhookPayload = {
  job: 'nightly',
  composition_id: 'c'.repeat(64),
  execution_id: 'e1',
  ok: true,
  output: { text: 'ÉTÉ ☀' },
  duration_ms: 12,
  fired_at: '2026-01-01T03:00:00.000Z',
};
const FAST: WebhookPolicy = { attempts: 3, baseDelayMs: 20, timeoutMs: 2_000 };

/** A port that was just free: a server listened on it and closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  await new Promise((closed) => server.close(closed));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<NoetherError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NoetherError)) throw new Error(`expected a NoetherError, got ${String(error)}`);
  return error;
}

describe('webhook delivery', () => {
  it('posts the payload as JSON, signed with HMAC-SHA256 of the exact body', async () => {
    const receiver = await startReceiver();
    const delivery = await deliverWebhook({ url: receiver.url, secret: 'k3y' }, PAYLOAD, FAST);
    expect(delivery).toEqual({ status: 200, attempts: 1 });
    const [request] = receiver.received;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual(PAYLOAD);
    expect(signatureValid('k3y', request!)).toBe(true);
    expect(signatureValid('another key', request!)).toBe(false);
  });

  it('sends no signature when the webhook has no secret', async () => {
    const receiver = await startReceiver();
    await deliverWebhook({ url: receiver.url }, PAYLOAD, FAST);
    expect(receiver.received[0]!.headers['x-noether-signature']).toBeUndefined();
  });

  it('retries a non-2xx answer, with the same delivery id and signature', async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 500 : 200));
    const delivery = await deliverWebhook({ url: receiver.url, secret: 's' }, PAYLOAD, FAST);
    expect(delivery).toEqual({ status: 200, attempts: 2 });
    const [first, second] = receiver.received;
    expect(second!.headers['x-noether-delivery']).toBe(first!.headers['x-noether-delivery']);
    expect(second!.body).toBe(first!.body);
    expect(signatureValid('s', second!)).toBe(true);
  });

  it('gives up after the bounded attempts with NOE_WEBHOOK_FAILED', async () => {
    const receiver = await startReceiver(() => 503);
    const error = await failure(deliverWebhook({ url: receiver.url }, PAYLOAD, FAST));
    expect(error.code).toBe('NOE_WEBHOOK_FAILED');
    expect(error.message).toContain('HTTP 503');
    expect(error.details).toMatchObject({ attempts: 3, job: 'nightly' });
    expect(receiver.received).toHaveLength(3);
  });

  it('does not follow a redirect: a POST must not turn into a GET elsewhere', async () => {
    const receiver = await startReceiver(() => 302);
    const error = await failure(deliverWebhook({ url: receiver.url }, PAYLOAD, { ...FAST, attempts: 1 }));
    expect(error.message).toContain('HTTP 302');
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a receiver that does not answer within the per-attempt timeout', async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 'hang' : 204));
    const delivery = await deliverWebhook({ url: receiver.url }, PAYLOAD, { ...FAST, timeoutMs: 200 });
    expect(delivery).toEqual({ status: 204, attempts: 2 });
  });

  it('reports a refused connection by its reason', async () => {
    const error = await failure(
      deliverWebhook({ url: `http://127.0.0.1:${await closedPort()}/hook` }, PAYLOAD, FAST),
    );
    expect(error.code).toBe('NOE_WEBHOOK_FAILED');
    expect(error.message).toContain('ECONNREFUSED');
  });
});
