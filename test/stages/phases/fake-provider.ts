// The environment a phase test hands a stage to point it at one of the fake providers
// of test/fixtures/llm (node scripts: no network, no real model).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArchitectPoOutput, DevPoOutput } from '../../../schemas/generated/types.js';

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

/** What prose-wrapped.mjs answers (inside its prose) to the architect and to the dev prompt. */
export const proseWrappedAnswers = JSON.parse(readFileSync(join(FIXTURES, 'prose-wrapped.json'), 'utf8')) as {
  architect: Omit<ArchitectPoOutput, 'source'>;
  dev: Pick<DevPoOutput, 'tasks'>;
};
