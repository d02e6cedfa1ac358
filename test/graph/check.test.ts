import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../engine/errors.js';
import { checkComposition, type CheckOptions } from '../../engine/graph/check.js';
import { parseCompositionValue } from '../../engine/graph/parse.js';
import { isValid, type JsonSchema } from '../../engine/schema/index.js';
import { StageRegistry } from '../../engine/stage/index.js';
import { checkerStages } from '../fixtures/checker/stages.js';

const registry = new StageRegistry();
for (const stage of checkerStages) registry.add(stage);

const TEXT = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };
/** Closed: no other property may appear (open objects may carry anything, null included). */
const CLOSED_TEXT = { ...TEXT, additionalProperties: false };
const stage = (id: string, config?: Record<string, unknown>) => ({
  op: 'Stage',
  id,
  ...(config ? { config } : {}),
});

function check(
  root: unknown,
  contract: { input?: JsonSchema; output?: JsonSchema } = {},
  options: CheckOptions = {},
) {
  const document = { description: 'test', version: '1', ...contract, root };
  return checkComposition(parseCompositionValue(document).composition, registry, options);
}

const where = (diagnostics: Diagnostic[]) => diagnostics.map((d) => [d.code, d.pointer]);

/** A witness must be a value the upstream may produce and the downstream rejects. */
function expectSeparatingWitness(d: Diagnostic) {
  expect(d.witness).toBeDefined();
  const { upstream, downstream } = d.details as { upstream: JsonSchema; downstream: JsonSchema };
  expect(isValid(upstream, d.witness!.value)).toBe(true);
  expect(isValid(downstream, d.witness!.value)).toBe(false);
}

describe('Stage', () => {
  it('accepts an input that satisfies the stage input', () => {
    const r = check(stage('text_length'), { input: TEXT });
    expect(r.errors).toEqual([]);
    expect(r.output).toMatchObject({ properties: { length: { type: 'integer' } } });
  });

  it('rejects an input that lacks a required property, with a witness', () => {
    const r = check(stage('text_length'), {
      input: { type: 'object', properties: { text: { type: 'string' } } },
    });
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root']]);
    expect(r.errors[0]!.message).toContain('text_length');
    expectSeparatingWitness(r.errors[0]!);
  });

  it('reports an unknown stage at its id with the nearest name', () => {
    const r = check(stage('text_lenght'), { input: TEXT });
    expect(where(r.errors)).toEqual([['NOE_STAGE_NOT_FOUND', '/root/id']]);
    expect(r.errors[0]!.message).toContain('text_length');
  });

  it('merges config over the input before checking it', () => {
    const r = check(stage('render', { mode: 'loud' }), { input: CLOSED_TEXT });
    expect(r.errors).toEqual([]);
  });

  it('rejects an open input where the stage input is closed, naming the extra property', () => {
    const r = check(stage('render', { mode: 'loud' }), { input: TEXT });
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root']]);
    expectSeparatingWitness(r.errors[0]!);
  });

  it('rejects a config value the stage does not accept, at the config key', () => {
    const r = check(stage('render', { mode: 'whisper' }), { input: TEXT });
    expect(where(r.errors)).toEqual([['NOE_CONFIG_TYPE', '/root/config/mode']]);
  });

  it('rejects a config key the stage input does not allow', () => {
    const r = check(stage('render', { mode: 'loud', colour: 'red' }), { input: TEXT });
    expect(where(r.errors)).toEqual([['NOE_CONFIG_TYPE', '/root/config/colour']]);
    expect(r.errors[0]!.message).toContain('no input property "colour"');
  });

  it('rejects config on an input that may not be an object', () => {
    const r = check(stage('render', { mode: 'loud', text: 'x' }), { input: { type: ['object', 'string'] } });
    expect(where(r.errors)).toEqual([['NOE_CONFIG_TYPE', '/root']]);
  });

  it('checks recursive stage schemas through their $refs', () => {
    const leaf = {
      type: 'object',
      properties: { value: { const: 1 } },
      required: ['value'],
      additionalProperties: false,
    };
    const ok = check(stage('tree_depth'), {
      input: { type: 'object', properties: { root: leaf }, required: ['root'] },
    });
    expect(ok.errors).toEqual([]);
    const bad = check(stage('tree_depth'), {
      input: {
        type: 'object',
        properties: { root: { type: 'object', properties: { value: { type: 'string' } } } },
        required: ['root'],
      },
    });
    expect(where(bad.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root']]);
  });
});

describe('Const', () => {
  it('outputs exactly its value, which downstream edges check', () => {
    const r = check({ op: 'Sequential', stages: [{ op: 'Const', value: { text: 3 } }, stage('upper')] });
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root/stages/1']]);
    expect(r.errors[0]!.witness).toEqual({ value: { text: 3 } });
  });
});

describe('Sequential', () => {
  it('checks every edge and types the output of the last stage', () => {
    const r = check(
      { op: 'Sequential', stages: [stage('upper'), stage('text_length'), stage('is_positive')] },
      { input: TEXT },
    );
    expect(r.errors).toEqual([]);
    expect(r.output).toEqual({ type: 'boolean' });
  });

  it('names the downstream node of a broken edge and the reason', () => {
    const r = check(
      { op: 'Sequential', stages: [stage('maybe_state'), stage('needs_state')] },
      { input: { type: 'object' } },
    );
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root/stages/1']]);
    expect(r.errors[0]!.message).toMatch(/state/);
    expectSeparatingWitness(r.errors[0]!);
  });
});

describe('Parallel', () => {
  it('hands each branch its own property when the input has it', () => {
    const input = {
      type: 'object',
      properties: {
        a: TEXT,
        b: { type: 'object', properties: { length: { type: 'integer' } }, required: ['length'] },
      },
      required: ['a', 'b'],
    };
    const r = check(
      { op: 'Parallel', branches: { a: stage('text_length'), b: stage('is_positive') } },
      { input },
    );
    expect(r.errors).toEqual([]);
    expect(r.output).toMatchObject({
      type: 'object',
      required: ['a', 'b'],
      properties: { b: { type: 'boolean' } },
    });
  });

  it('hands each branch the whole input when the input lacks its property', () => {
    const r = check(
      { op: 'Parallel', branches: { len: stage('text_length'), loud: stage('upper') } },
      {
        input: { ...TEXT, additionalProperties: false },
      },
    );
    expect(r.errors).toEqual([]);
  });

  it('checks both cases when the property is optional, and says which failed', () => {
    const input = {
      type: 'object',
      properties: { text: { type: 'string' }, up: { type: 'number' } },
      required: ['text'],
    };
    const r = check({ op: 'Parallel', branches: { up: stage('upper') } }, { input });
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root/branches/up']]);
    expect(r.errors[0]!.message).toContain('when the input has property "up"');
  });
});

describe('Branch', () => {
  const predicate = { op: 'Sequential', stages: [stage('text_length'), stage('is_positive')] };

  it('requires a boolean predicate', () => {
    const r = check(
      { op: 'Branch', predicate: stage('text_length'), if_true: stage('upper'), if_false: stage('upper') },
      { input: TEXT },
    );
    expect(where(r.errors)).toEqual([['NOE_BRANCH_PREDICATE', '/root/predicate']]);
  });

  it('checks both arms against the original input and unites their outputs', () => {
    const r = check(
      { op: 'Branch', predicate, if_true: stage('upper'), if_false: stage('text_length') },
      { input: TEXT },
    );
    expect(r.errors).toEqual([]);
    expect(r.output).toMatchObject({ anyOf: [expect.anything(), expect.anything()] });
  });

  it('rejects an arm that cannot take the original input', () => {
    const r = check(
      { op: 'Branch', predicate, if_true: stage('upper'), if_false: stage('is_positive') },
      { input: TEXT },
    );
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root/if_false']]);
  });
});

describe('Fanout', () => {
  it('runs every target on the source output and outputs a tuple', () => {
    const r = check(
      { op: 'Fanout', source: stage('upper'), targets: [stage('text_length'), stage('upper')] },
      {
        input: TEXT,
        output: { type: 'array', prefixItems: [{ type: 'object' }, TEXT], items: false },
      },
    );
    expect(r.errors).toEqual([]);
  });

  it('rejects a target that cannot take the source output', () => {
    const r = check(
      { op: 'Fanout', source: stage('upper'), targets: [stage('upper'), stage('is_positive')] },
      { input: TEXT },
    );
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root/targets/1']]);
  });
});

describe('Merge', () => {
  it('hands the target {source_0, source_1}', () => {
    const target = { op: 'Const', value: null };
    const r = check(
      { op: 'Merge', sources: [stage('upper'), stage('text_length')], target },
      { input: CLOSED_TEXT },
    );
    expect(r.errors).toEqual([]);
    const bad = check(
      { op: 'Merge', sources: [stage('upper'), stage('text_length')], target: stage('upper') },
      { input: CLOSED_TEXT },
    );
    expect(where(bad.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root/target']]);
  });
});

describe('Retry', () => {
  it('is transparent to types', () => {
    const r = check({ op: 'Retry', stage: stage('fetch_page'), max_attempts: 3 }, { input: TEXT });
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root/stage']]);
  });
});

describe('Let', () => {
  it('gives the body the input plus every binding output', () => {
    const r = check(
      { op: 'Let', bindings: { n: stage('text_length') }, body: stage('needs_state') },
      {
        input: {
          type: 'object',
          properties: { text: { type: 'string' }, state: { type: 'object' } },
          required: ['text', 'state'],
          additionalProperties: false,
        },
      },
    );
    expect(r.errors).toEqual([]);
  });

  it('shadows an input field with a binding of the same name (replaced, never intersected)', () => {
    const r = check(
      { op: 'Let', bindings: { text: { op: 'Const', value: 5 } }, body: stage('upper') },
      { input: TEXT },
    );
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root/body']]);
    expect(r.errors[0]!.witness).toEqual({ value: { text: 5 } });
  });

  it('needs an object input', () => {
    const r = check(
      { op: 'Let', bindings: { x: { op: 'Const', value: 1 } }, body: { op: 'Const', value: 2 } },
      {
        input: { type: 'string' },
      },
    );
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root']]);
  });
});

describe('Map', () => {
  it('applies the child to every element and outputs an array', () => {
    const r = check({ op: 'Map', stage: stage('text_length') }, { input: { type: 'array', items: TEXT } });
    expect(r.errors).toEqual([]);
    expect(r.output).toMatchObject({ type: 'array', items: { properties: { length: { type: 'integer' } } } });
  });

  it('rejects a non-array input and an element the child cannot take', () => {
    expect(where(check({ op: 'Map', stage: stage('upper') }, { input: TEXT }).errors)).toEqual([
      ['NOE_TYPE_MISMATCH', '/root'],
    ]);
    const r = check(
      { op: 'Map', stage: stage('upper') },
      { input: { type: 'array', items: { type: 'string' } } },
    );
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root/stage']]);
  });
});

describe('RemoteStage', () => {
  const remote = { op: 'RemoteStage', url: 'http://127.0.0.1:9/x', input: TEXT, output: { type: 'number' } };

  it('is typed by its declared schemas and has the Network and Fallible effects', () => {
    const r = check(remote, { input: TEXT });
    expect(r.errors).toEqual([]);
    expect(r.output).toEqual({ type: 'number' });
    expect(r.effects).toEqual(['Fallible', 'Network']);
    expect(where(check(remote, { input: { type: 'number' } }).errors)).toEqual([
      ['NOE_TYPE_MISMATCH', '/root'],
    ]);
  });

  it('rejects an invalid declared schema at its place', () => {
    const r = check({ ...remote, input: { type: 'strin' } }, { input: TEXT });
    expect(r.errors.map((e) => e.code)).toEqual(['NOE_SCHEMA_INVALID']);
    expect(r.errors[0]!.pointer).toMatch(/^\/root\/input/);
  });
});

describe('the graph contract', () => {
  it('checks the final output against the declared output', () => {
    const r = check(stage('upper'), { input: TEXT, output: { type: 'object', required: ['length'] } });
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/output']]);
  });

  it('infers the required input when none is declared, minus what Lets provide', () => {
    const r = check({ op: 'Let', bindings: { state: stage('maybe_state') }, body: stage('needs_state') });
    expect(r.inputInferred).toBe(true);
    expect(isValid(r.input, {})).toBe(true);
    expect(isValid(r.input, 'text')).toBe(false);
  });

  it('infers a keyed input for a Parallel whose branches read their own property', () => {
    const r = check({ op: 'Parallel', branches: { a: stage('upper'), b: stage('text_length') } });
    expect(r.errors).toEqual([]);
    expect(isValid(r.input, { a: { text: 'x' }, b: { text: 'y' } })).toBe(true);
    expect(isValid(r.input, { a: { text: 'x' } })).toBe(false);
  });
});

describe('effects', () => {
  it('is Pure only when every stage is', () => {
    expect(check(stage('upper'), { input: TEXT }).effects).toEqual(['Pure']);
    const mixed = check({
      op: 'Fanout',
      source: { op: 'Const', value: { url: 'x' } },
      targets: [stage('fetch_page')],
    });
    expect(mixed.effects).toEqual(['Fallible', 'Network']);
  });

  it('denies an effect at every stage node that has it', () => {
    const graph = { op: 'Parallel', branches: { a: stage('fetch_page'), b: stage('fetch_page') } };
    const input = {
      type: 'object',
      properties: { url: { type: 'string' } },
      required: ['url'],
      additionalProperties: false,
    };
    const r = check(graph, { input }, { denyEffects: ['Network'] });
    expect(where(r.errors)).toEqual([
      ['NOE_EFFECT_DENIED', '/root/branches/a'],
      ['NOE_EFFECT_DENIED', '/root/branches/b'],
    ]);
  });

  it('allows only the listed effects (Pure is always allowed)', () => {
    const input = { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] };
    expect(check(stage('fetch_page'), { input }, { allowEffects: ['Fallible', 'Network'] }).errors).toEqual(
      [],
    );
    expect(where(check(stage('fetch_page'), { input }, { allowEffects: ['Fallible'] }).errors)).toEqual([
      ['NOE_EFFECT_DENIED', '/root'],
    ]);
    expect(check(stage('upper'), { input: TEXT }, { allowEffects: [] }).errors).toEqual([]);
  });
});

describe('undecided edges', () => {
  const input = {
    type: 'object',
    properties: { text: { type: 'string', pattern: '^a+$' } },
    required: ['text'],
  };
  const downstream = {
    op: 'RemoteStage',
    url: 'http://127.0.0.1:9/',
    output: true,
    input: {
      type: 'object',
      properties: { text: { type: 'string', pattern: '^[a-c]+$' } },
      required: ['text'],
    },
  };

  it('are warnings, and errors with --strict', () => {
    const lax = check(downstream, { input });
    expect(where(lax.warnings)).toEqual([['NOE_TYPE_UNKNOWN', '/root']]);
    expect(lax.ok).toBe(true);
    const strict = check(downstream, { input }, { strict: true });
    expect(where(strict.errors)).toEqual([['NOE_TYPE_UNKNOWN', '/root']]);
    expect(strict.ok).toBe(false);
  });
});

describe('declared schemas in draft-04', () => {
  const positive = {
    op: 'RemoteStage',
    url: 'http://127.0.0.1:9/',
    input: { type: 'object', properties: { length: { exclusiveMinimum: 0 } }, required: ['length'] },
    output: true,
  };
  const draft04 = (exclusiveMinimum: boolean) => ({
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    properties: { length: { type: 'number', minimum: 0, exclusiveMinimum } },
    required: ['length'],
  });

  it('read a boolean exclusiveMinimum as draft-04 means it when $schema says so', () => {
    expect(check(positive, { input: draft04(true) }).errors).toEqual([]);
    const r = check(positive, { input: draft04(false) });
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root']]);
    expect(r.errors[0]!.witness).toEqual({ value: { length: 0 } });
  });
});

describe('input inference', () => {
  it('rejects a graph whose first consumers need incompatible inputs', () => {
    const r = check({
      op: 'Branch',
      predicate: {
        op: 'RemoteStage',
        url: 'http://127.0.0.1:9/',
        input: { type: 'string' },
        output: { type: 'boolean' },
      },
      if_true: stage('upper'),
      if_false: stage('upper'),
    });
    expect(where(r.errors)).toEqual([['NOE_TYPE_MISMATCH', '/root']]);
    expect(r.errors[0]!.message).toContain('no value satisfies');
  });
});
