// A local forge in a fresh folder for a test, and a small GitHub client over fetch that
// returns status, headers and parsed body as they came (tests assert on all three).
// The clock is a settable one so `since` filters are tested without waiting.
import { afterAll } from 'vitest';
import { startLocalForge, type LocalForge, type LocalForgeOptions } from '../../forge/index.js';
import { tempProject } from '../temp-project.js';

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface TestForge {
  forge: LocalForge;
  /** The forge's clock; set it to stamp the next writes with a chosen time. */
  clock: { now: Date };
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;
}

const running: LocalForge[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((forge) => forge.close()));
});

export async function testForge(options: Partial<LocalForgeOptions> = {}): Promise<TestForge> {
  const clock = { now: new Date('2026-01-01T00:00:00Z') };
  const forge = await startLocalForge({
    dir: tempProject({}, 'forge-test-'),
    clock: () => clock.now,
    ...options,
  });
  running.push(forge);
  return {
    forge,
    clock,
    call: (method, path, body, headers) => call(forge.url, method, path, body, headers),
  };
}

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? null : (JSON.parse(text) as unknown),
  };
}

/** A field of a JSON object answer (tests read answers loosely; the contract test checks shapes). */
export function field<T = unknown>(answer: Answer, name: string): T {
  return (answer.body as Record<string, T>)[name] as T;
}

export function items(answer: Answer): Array<Record<string, unknown>> {
  return answer.body as Array<Record<string, unknown>>;
}
