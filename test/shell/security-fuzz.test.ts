// A thousand malformed or oversized requests with the right token (CALORON §6: bodies are
// validated by route schemas, their size is capped, failures are 4xx `{ok:false, error}`):
// every one is answered with a 4xx, none starts an agent or writes a file, and the shell
// still answers /health afterwards. The requests come from a seeded generator, so a failure
// names a request that can be replayed.
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.js';
import { tempProject } from '../temp-project.js';
import { SHELL_TOKEN, type ShellUnderTest, hangingHarness, request, shellUnderTest } from './e2e-harness.js';

const COUNT = 1000;
const CONCURRENCY = 16;
const HUGE = 4 * 1024 * 1024;

let shell: ShellUnderTest;
let pidsDir: string;

beforeAll(async () => {
  pidsDir = tempProject({}, 'shell-pids-');
  shell = await shellUnderTest({ harnessCommand: hangingHarness(pidsDir) });
});

interface Malformed {
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const ROUTES = ['/spawn', '/heartbeat', '/restart', '/kill'];
const VALID: Record<string, Record<string, unknown>> = {
  '/spawn': { sprint_id: 's1', task_id: 't1', agent_id: 'a1', role: 'developer', repo: 'o/r' },
  '/heartbeat': { sprint_id: 's1', agent_id: 'a1', task_id: 't1', status: 'running' },
  '/restart': { sprint_id: 's1', agent_id: 'a1' },
  '/kill': { sprint_id: 's1', agent_id: 'a1' },
};
const WRONG_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  true,
  [],
  ['s1'],
  {},
  { id: 's1' },
  '',
  'x'.repeat(10_000),
];
const JSON_HEADERS = { 'x-caloron-token': SHELL_TOKEN, 'content-type': 'application/json' };

function malformed(i: number): Malformed {
  const next = seededRandom(i + 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const path = pick(ROUTES);
  const valid = VALID[path] ?? {};
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
  switch (i % 6) {
    case 0: {
      // Valid JSON of the wrong shape: one required field gets a value of the wrong type.
      const field = pick(Object.keys(valid));
      const body = JSON.stringify({ ...valid, [field]: pick(WRONG_VALUES) });
      return { what: `${field} of the wrong type`, method: 'POST', path, headers: JSON_HEADERS, body };
    }
    case 1: {
      const text = JSON.stringify(valid);
      const cut = text.slice(0, Math.floor(next() * (text.length - 1)));
      return { what: 'truncated JSON', method: 'POST', path, headers: JSON_HEADERS, body: cut };
    }
    case 2: {
      const body = pick(['null', '[]', '"s1"', '42', 'true', '{"__proto__":{"ok":true}}', '{}', '']);
      return { what: `JSON ${body || '(empty)'}`, method: 'POST', path, headers: JSON_HEADERS, body };
    }
    case 3: {
      const type = pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'application/xml',
      ]);
      const headers = { 'x-caloron-token': SHELL_TOKEN, 'content-type': type };
      return { what: `content type ${type}`, method: 'POST', path, headers, body: JSON.stringify(valid) };
    }
    case 4:
      return {
        what: 'random bytes',
        method: 'POST',
        path,
        headers: JSON_HEADERS,
        body: bytes(1 + Math.floor(next() * 2048)),
      };
    default: {
      // Oversized bodies are the most expensive requests: one in sixty is 4 MiB, the rest a
      // valid body padded past any sane cap with an extra field.
      const size = i % 60 === 5 ? HUGE : 1024 * 1024 + Math.floor(next() * 1024);
      const body = JSON.stringify({ ...valid, padding: 'x'.repeat(size) });
      return { what: `a ${body.length}-byte body`, method: 'POST', path, headers: JSON_HEADERS, body };
    }
  }
}

async function send(item: Malformed): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${shell.url}${item.path}`, {
    method: item.method,
    headers: item.headers,
    body: item.body,
  }).catch((error: unknown) => {
    // A shell may close the connection on an oversized body after answering 413; anything
    // else is a failure to answer.
    throw new Error(`${item.what} to ${item.path}: no answer: ${String(error)}`);
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // A reply that is not JSON stays raw text, which the assertion then shows.
  }
  return { status: response.status, body };
}

describe('1,000 malformed or oversized requests', () => {
  const answers: { i: number; what: string; path: string; status: number; body: unknown }[] = [];

  beforeAll(async () => {
    let next = 0;
    const worker = async () => {
      while (next < COUNT) {
        const i = next++;
        const item = malformed(i);
        const reply = await send(item);
        answers.push({ i, what: item.what, path: item.path, ...reply });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }, 120_000);

  it('are each answered exactly once', () => {
    expect(answers.map((answer) => answer.i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: COUNT }, (_, i) => i),
    );
  });

  it('are each answered with a 4xx', () => {
    const wrong = answers.filter((answer) => answer.status < 400 || answer.status > 499);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('are each answered with {ok:false, error}', () => {
    const wrong = answers.filter(
      (answer) =>
        typeof answer.body !== 'object' ||
        answer.body === null ||
        (answer.body as { ok?: unknown }).ok !== false ||
        (answer.body as { error?: unknown }).error === undefined,
    );
    expect(
      wrong.slice(0, 5).map(({ i, what, path, status, body }) => ({ i, what, path, status, body })),
    ).toEqual([]);
  });

  it('refuse an oversized body with 413', () => {
    const huge = answers.filter((answer) => answer.what.endsWith('-byte body'));
    expect(huge.length).toBeGreaterThan(0);
    expect(huge.filter((answer) => answer.status !== 413).slice(0, 5)).toEqual([]);
  });

  it('start no agent and write no file', () => {
    expect(readdirSync(pidsDir)).toEqual([]);
    expect(readdirSync(shell.kvDir)).toEqual([]);
  });

  it('leave the shell answering /health', async () => {
    expect((await request(shell.url, 'GET', '/health', undefined, {})).status).toBe(200);
  });
});
