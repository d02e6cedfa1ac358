// The environment a phase test hands a stage to point it at one of the fake providers
// of test/fixtures/llm (node scripts: no network, no real model).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/llm/', import.meta.url));

export type FakeProvider =
  | 'prose-wrapped'
  | 'garbage'
  | 'exit-1'
  | 'sleeper'
  | 'schema-breaking'
  | 'echo-answer'
  | 'recorder'
  | 'flood';

/** ctx.env running `node test/fixtures/llm/<name>.mjs` as the provider, plus `extra`. */
export function providerEnv(name: FakeProvider, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    CALORON_LLM_COMMAND: JSON.stringify([process.execPath, join(FIXTURES, `${name}.mjs`)]),
    ...extra,
  };
}

/** A log that keeps its lines, to read why a stage fell back. */
export function recordingLog(): { lines: string[]; log: (message: string) => void } {
  const lines: string[] = [];
  return { lines, log: (message) => lines.push(message) };
}

/** Whether `pid` is a live process (a zombie waiting for its parent counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; Z = exited, not yet reaped.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (briefly, polling) until `pid` is gone; true if it went. */
export async function becomesGone(pid: number, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i += 1) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !isAlive(pid);
}
