// The spec of a stage that returns its `{text}` input, with fields to override: for tests
// about what defining a stage checks.
import type { StageSpec } from '../../engine/stage/index.js';

export const text = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };

export function echoTextSpec(
  overrides: Record<string, unknown> = {},
): StageSpec<{ text: string }, { text: string }> {
  return {
    name: 'echo_text',
    description: 'Returns its input.',
    input: text,
    output: text,
    effects: ['Pure'],
    run: (input) => input,
    ...overrides,
  };
}
