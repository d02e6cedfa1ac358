// Fault injection on the forge: rules set at start, through the library and through the
// admin routes; an error status (with Retry-After), a delay, a dropped connection, and
// `times` retiring a rule after that many matches.
import { describe, expect, it } from 'vitest';
import { field, items, testForge } from './forge-harness.js';

describe('fault injection', () => {
  it('answers a matching request with the rule’s status and Retry-After, others normally', async () => {
    const { call } = await testForge({
      faults: [{ method: 'GET', path: '/repos/*/*/issues', status: 503, retry_after: 7 }],
    });
    await call('POST', '/user/repos', { name: 'demo' });
    const faulted = await call('GET', '/repos/caloron/demo/issues');
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('7');
    expect(field(faulted, 'message')).toMatch(/fault/i);
    expect((await call('POST', '/repos/caloron/demo/issues', { title: 'not a GET' })).status).toBe(201);
    expect((await call('GET', '/repos/caloron/demo/issues/1')).status).toBe(200);
  });

  it('applies a rule `times` times and then retires it', async () => {
    const { call, forge } = await testForge({ faults: [{ path: '/repos/**', status: 500, times: 2 }] });
    await call('POST', '/user/repos', { name: 'demo' });
    const statuses = [];
    for (let n = 0; n < 3; n += 1) statuses.push((await call('GET', '/repos/caloron/demo')).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(forge.faults()).toEqual([]);
  });

  it('delays a matching request and then serves it, while others pass it by', async () => {
    const { call } = await testForge({ faults: [{ path: '/user/repos', delay_ms: 1000, times: 1 }] });
    const finished: string[] = [];
    const slow = call('POST', '/user/repos', { name: 'slow' }).then((answer) => {
      finished.push('delayed');
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await call('GET', '/repos/caloron/none')).status).toBe(404);
    finished.push('plain');
    expect((await slow).status).toBe(201);
    expect(finished).toEqual(['plain', 'delayed']);
  });

  it('drops the connection without an answer', async () => {
    const { call } = await testForge({ faults: [{ path: '/repos/**', drop: true, times: 1 }] });
    await expect(call('GET', '/repos/caloron/demo')).rejects.toThrow(/fetch failed/);
    expect((await call('GET', '/repos/caloron/demo')).status).toBe(404);
  });

  it('takes rules at runtime through the library and through the admin routes', async () => {
    const { call, forge } = await testForge();
    await call('POST', '/user/repos', { name: 'demo' });
    forge.setFaults([{ path: '^/repos/caloron/demo$', status: 502 }]);
    expect((await call('GET', '/repos/caloron/demo')).status).toBe(502);

    const replaced = await call('PUT', '/_forge/faults', [
      { method: 'post', path: '/repos/*/*/issues', status: 403, retry_after: 1 },
    ]);
    expect(items(replaced)).toHaveLength(1);
    expect((await call('GET', '/repos/caloron/demo')).status).toBe(200);
    const limited = await call('POST', '/repos/caloron/demo/issues', { title: 't' });
    expect(limited.status).toBe(403);
    expect(field(limited, 'message')).toMatch(/secondary rate limit/);

    expect(items(await call('DELETE', '/_forge/faults'))).toEqual([]);
    expect((await call('POST', '/repos/caloron/demo/issues', { title: 't' })).status).toBe(201);
  });

  it('refuses a malformed rule with 422 naming it', async () => {
    const { call } = await testForge();
    const refused = await call('POST', '/_forge/faults', [{ path: '/x', status: 'bad' }]);
    expect(refused.status).toBe(422);
    expect(field<Array<{ field: string }>>(refused, 'errors')[0]?.field).toBe('rules[0].status');
  });
});
