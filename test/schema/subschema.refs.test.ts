import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSubschema, type JsonSchema } from '../../engine/schema/index.js';
import { expectNo, expectUnknown, expectYes } from './verdicts.js';

const fixture = (name: string): JsonSchema =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonSchema;

describe('local refs', () => {
  it('follows a ref into $defs', () =>
    expectYes({ $defs: { n: { type: 'integer' } }, $ref: '#/$defs/n' }, { type: 'number' }));
  it('follows a ref into draft-04 style definitions', () =>
    expectYes({ type: 'number' }, { definitions: { n: { type: 'number' } }, $ref: '#/definitions/n' }));
  it('follows a ref to any local pointer', () =>
    expectNo(
      { properties: { a: { type: 'string' } }, type: 'object' },
      {
        properties: { a: { type: 'number' }, b: { $ref: '#/properties/a' } },
      },
      { path: '/a' },
    ));
  it('applies a ref alongside other keywords as an allOf', () =>
    expectNo(
      { type: 'integer' },
      { $defs: { n: { type: 'number' } }, $ref: '#/$defs/n', minimum: 0 },
      {
        reason: /at least 0/,
      },
    ));
  it('resolves refs inside a nested $id resource against that resource', () =>
    expectYes(
      { type: 'object', properties: { a: { type: 'string' } } },
      {
        type: 'object',
        properties: { a: { $id: 'urn:inner', $defs: { s: { type: 'string' } }, $ref: '#/$defs/s' } },
      },
    ));
  it('says unknown for a ref outside the document', () =>
    expectUnknown({ type: 'string' }, { $ref: 'https://example.com/schema.json' }, /outside the schema/));
});

describe('recursive schemas', () => {
  it('accepts a recursive tree into itself (as a separate copy)', () =>
    expectYes(fixture('tree'), fixture('tree')));
  it('accepts a recursive tree into a looser version of it', () =>
    expectYes(fixture('tree'), fixture('tree-loose')));
  it('rejects a recursive tree into a stricter version with a witness', () =>
    expectNo(fixture('tree'), fixture('tree-strict'), { path: '/value' }));
  it('finds a witness deep inside the recursion', () =>
    expectNo(fixture('tree-loose'), fixture('tree'), {
      reason: /non-integer|optional upstream but required/,
    }));
  it('accepts a linked list whose tail refers to the root into itself', () =>
    expectYes(fixture('list'), fixture('list')));
  it('rejects a linked list into one whose heads are shorter', () => {
    const list = fixture('list') as { properties: Record<string, unknown> };
    const shorter = { ...list, properties: { ...list.properties, head: { type: 'string', maxLength: 3 } } };
    expectNo(fixture('list'), shorter, { path: '/head' });
  });
});

describe('ref cycles that never reach a value', () => {
  it('answers unknown for {"$ref": "#"} without looping', () =>
    expectUnknown({ $ref: '#' }, { type: 'string' }, /cycle that never reaches a value/));
  it('answers unknown for a → b → a without looping', () =>
    expectUnknown(
      { type: 'string' },
      { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' },
      /cycle/,
    ));
  it('answers unknown for a cycle through anyOf', () =>
    expectUnknown({ anyOf: [{ $ref: '#' }, { type: 'string' }] }, { type: 'string' }, /cycle/));
  it('answers deeply nested schemas without overflowing the stack', () => {
    const nest = (leaf: JsonSchema): JsonSchema => {
      let schema = leaf;
      for (let i = 0; i < 5000; i++) schema = { type: 'object', properties: { a: schema } };
      return schema;
    };
    expect(isSubschema(nest({ type: 'string' }), nest({ type: 'string' })).verdict).toBe('yes');
    expect(isSubschema(nest({ type: 'string' }), nest({ type: 'number' })).verdict).toBe('unknown');
  });
});
