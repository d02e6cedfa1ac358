// defineStage (ENGINE §1): what a valid definition becomes, and each rule a definition
// can break, rejected at definition time with NOE_STAGE_INVALID naming stage and field.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { isNoetherError, type NoetherError } from '../../engine/errors.js';
import { defineStage, isStage } from '../../engine/stage/index.js';
import { echoTextSpec as spec } from './echo-text-spec.js';

function rejection(overrides: Record<string, unknown>): NoetherError {
  try {
    defineStage(spec(overrides));
  } catch (error) {
    if (isNoetherError(error)) return error;
    throw error;
  }
  throw new Error('defineStage accepted the definition');
}

function expectInvalid(overrides: Record<string, unknown>, field: string, message: RegExp): NoetherError {
  const error = rejection(overrides);
  expect(error.code).toBe('NOE_STAGE_INVALID');
  expect(error.details).toMatchObject({ field });
  expect(error.message).toContain(`field "${field}"`);
  expect(error.message).toMatch(message);
  return error;
}

describe('defineStage', () => {
  it('returns a frozen Stage with its content ids and the calling file as source', () => {
    const stage = defineStage(spec());
    expect(Object.isFrozen(stage)).toBe(true);
    expect(stage.id).toMatch(/^[0-9a-f]{64}$/);
    expect(stage.signatureId).toMatch(/^[0-9a-f]{64}$/);
    expect(stage.implementation).toMatchObject({
      kind: 'builtin',
      sourceFile: fileURLToPath(import.meta.url),
    });
  });

  it('keeps its own frozen copy of schemas and examples, leaving the author’s objects alone', () => {
    const input = { type: 'object', properties: { text: { type: 'string' } } };
    const examples = [{ input: { text: 'a' }, output: { text: 'a' } }];
    const stage = defineStage(spec({ input, examples }));
    expect(Object.isFrozen(input)).toBe(false);
    expect(Object.isFrozen(stage.input)).toBe(true);
    expect(Object.isFrozen(stage.examples[0]!.input)).toBe(true);
    expect(stage.input).toEqual(input);
  });

  it('keeps effects in the engine’s order whatever order they are declared in', () => {
    const stage = defineStage(spec({ effects: ['Network', 'Fallible', 'Cost'] }));
    expect(stage.effects).toEqual(['Fallible', 'Network', 'Cost']);
  });

  it('exposes timeout_ms as timeoutMs', () => {
    expect(defineStage(spec({ timeout_ms: 1500 })).timeoutMs).toBe(1500);
  });

  it('runs the author’s function as the implementation', async () => {
    const stage = defineStage(spec({ run: ({ text }: { text: string }) => ({ text: text + text }) }));
    if (stage.implementation.kind !== 'builtin') throw new Error('expected a built-in');
    const ctx = { signal: new AbortController().signal, log: () => {}, onRunEnd: () => {}, env: {} };
    expect(await stage.implementation.run({ text: 'ab' }, ctx)).toEqual({ text: 'abab' });
  });

  it('is recognised by isStage, which rejects look-alikes', () => {
    const stage = defineStage(spec());
    expect(isStage(stage)).toBe(true);
    expect(isStage({ ...stage })).toBe(false);
    expect(isStage(null)).toBe(false);
  });

  it('recognises a stage branded by another copy of the engine through the shared symbol', () => {
    const foreign = Object.defineProperty({}, Symbol.for('noether.stage'), { value: true });
    expect(isStage(foreign)).toBe(true);
  });
});

describe('defineStage rejects', () => {
  it('a name that is not lowercase snake case', () => {
    expectInvalid({ name: 'EchoText' }, 'name', /"EchoText" is not a stage name/);
  });

  it('a name longer than 64 characters', () => {
    expectInvalid({ name: `a${'b'.repeat(64)}` }, 'name', /at most 64 characters/);
  });

  it('an empty description', () => {
    expectInvalid({ description: '  ' }, 'description', /non-empty string/);
  });

  it('an unknown effect, naming it', () => {
    const error = expectInvalid({ effects: ['Pure', 'Teleport'] }, 'effects', /"Teleport" is not an effect/);
    expect(error.place.pointer).toBe('/effects/1');
  });

  it('an effect declared twice', () => {
    expectInvalid({ effects: ['Fallible', 'Fallible'] }, 'effects', /"Fallible" is declared twice/);
  });

  it('an empty effect list', () => {
    expectInvalid({ effects: [] }, 'effects', /at least one effect/);
  });

  it('Pure combined with anything but Fallible, saying so', () => {
    expectInvalid(
      { effects: ['Pure', 'Network'] },
      'effects',
      /Pure combines only with Fallible, not with Network/,
    );
  });

  it('an input that is not a JSON Schema object or boolean', () => {
    expectInvalid({ input: 'string' }, 'input', /must be a JSON Schema/);
  });

  it('an invalid output schema, with ajv’s message', () => {
    expectInvalid(
      { output: { type: 'strin' } },
      'output',
      /not a valid JSON Schema.*must be equal to one of the allowed values/,
    );
  });

  it.each([
    ['{"$ref": "#"}', { $ref: '#' }],
    ['{"anyOf": [{"$ref": "#"}]}', { anyOf: [{ $ref: '#' }] }],
    ['a → b → a', { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }],
  ])('a schema whose $refs cycle without reaching a value (%s), at the $ref', (_, schema) => {
    const error = expectInvalid({ input: schema }, 'input', /cycle that never reaches a value/);
    expect(error.place.pointer).toMatch(/^\/input(\/.*)?\/\$ref$/);
  });

  it('a schema with a $ref that resolves to nothing', () => {
    expectInvalid({ output: { $ref: '#/$defs/missing' } }, 'output', /not a valid JSON Schema/);
  });

  it('a timeout that is not a positive integer', () => {
    expectInvalid({ timeout_ms: 1.5 }, 'timeout_ms', /not a positive integer/);
    expectInvalid({ timeout_ms: 0 }, 'timeout_ms', /not a positive integer/);
  });

  it('an example whose input breaks the input schema, naming index, side and value pointer', () => {
    const error = expectInvalid(
      {
        examples: [
          { input: { text: 'ok' }, output: { text: 'ok' } },
          { input: { text: 3 }, output: { text: '3' } },
        ],
      },
      'examples',
      /example 1 input does not match the input schema at "\/text": must be string/,
    );
    expect(error.place.pointer).toBe('/examples/1/input/text');
  });

  it('an example whose output breaks the output schema', () => {
    expectInvalid(
      { examples: [{ input: { text: 'a' }, output: {} }] },
      'examples',
      /example 0 output does not match the output schema at the top level: must have required property 'text'/,
    );
  });

  it('an example with an unknown key', () => {
    expectInvalid(
      { examples: [{ input: { text: 'a' }, output: { text: 'a' }, note: 'x' }] },
      'examples',
      /unknown key "note"/,
    );
  });

  it('a run that is not a function', () => {
    expectInvalid({ run: 'echo' }, 'run', /must be a function/);
  });

  it('an unknown key, suggesting the intended one', () => {
    expectInvalid({ timeoutMs: 100 }, 'timeoutMs', /unknown key; did you mean "timeout_ms"\?/);
  });

  it('naming the file that defined the stage', () => {
    expect(rejection({ effects: ['Teleport'] }).place.file).toBe(fileURLToPath(import.meta.url));
  });
});
