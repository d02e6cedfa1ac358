import { describe, expect, it } from 'vitest';
import { expectNo, expectUnknown, expectYes } from './verdicts.js';

const kind = (k: string, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: { kind: { const: k }, ...extra },
  required: ['kind'],
});

describe('anyOf', () => {
  it('accepts an upstream anyOf whose every branch fits', () =>
    expectYes({ anyOf: [{ type: 'string' }, { type: 'integer' }] }, { type: ['string', 'number'] }));
  it('rejects an upstream anyOf with a branch that does not fit', () =>
    expectNo(
      { anyOf: [{ type: 'string' }, { type: 'boolean' }] },
      { type: 'string' },
      {
        reason: 'upstream may produce a boolean where downstream requires a string',
      },
    ));
  it('accepts into a downstream anyOf when one branch covers', () =>
    expectYes({ type: 'string', maxLength: 2 }, { anyOf: [{ type: 'number' }, { type: 'string' }] }));
  it('splits upstream by type before giving up on a downstream anyOf', () =>
    expectYes({ type: ['string', 'number'] }, { anyOf: [{ type: 'string' }, { type: 'number' }] }));
  it('decides a finite upstream against a downstream anyOf value by value', () =>
    expectYes({ enum: [1, 10] }, { anyOf: [{ maximum: 1 }, { minimum: 10 }] }));
  it('rejects into a downstream anyOf with a witness no branch accepts', () =>
    expectNo({ type: 'number' }, { anyOf: [{ minimum: 0 }, { maximum: -5 }] }));
  it('explains a nullable downstream by its non-null branch', () =>
    expectNo(
      { type: 'object' },
      { anyOf: [{ type: 'null' }, { type: 'object', required: ['a'] }] },
      {
        reason: 'property "a" is optional upstream but required downstream',
        path: '/a',
      },
    ));
  it('says unknown when only the union of branches covers upstream', () =>
    expectUnknown({ type: 'number' }, { anyOf: [{ minimum: 0 }, { maximum: 0 }] }, /anyOf/));
});

describe('allOf', () => {
  it('accepts into a downstream allOf when every conjunct covers', () =>
    expectYes({ type: 'integer', minimum: 1 }, { allOf: [{ type: 'number' }, { minimum: 0 }] }));
  it('rejects into a downstream allOf when one conjunct does not cover', () =>
    expectNo({ type: 'integer' }, { allOf: [{ type: 'number' }, { minimum: 0 }] }, { reason: /at least 0/ }));
  it('merges upstream conjuncts', () =>
    expectYes(
      { allOf: [{ type: 'number' }, { minimum: 0 }, { maximum: 5 }] },
      { type: 'number', minimum: 0, maximum: 5 },
    ));
  it('merges upstream object conjuncts, additionalProperties staying with its own properties', () =>
    expectYes(
      {
        allOf: [
          { properties: { a: { type: 'string' } }, required: ['a'] },
          { type: 'object', required: ['b'] },
        ],
      },
      { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string' } } },
    ));
});

describe('allOf of many anyOfs', () => {
  const digits = { anyOf: Array.from({ length: 10 }, (_, i) => ({ const: i })) };
  it('approximates the product of alternatives by one conjunct and still decides yes', () =>
    expectYes({ allOf: [digits, digits, digits, { type: 'integer' }] }, { type: 'number', maximum: 9 }));
  it('approximates it and still finds a witness', () =>
    expect(expectNo({ allOf: [digits, digits, digits] }, { maximum: 8 }).witness).toBe(9));
});

describe('oneOf', () => {
  it('accepts a discriminated union into the same union', () =>
    expectYes({ oneOf: [kind('a'), kind('b')] }, { oneOf: [kind('a'), kind('b'), { type: 'string' }] }));
  it('accepts one variant into the union when the others exclude it', () =>
    expectYes(kind('a', { n: { type: 'integer' } }), { oneOf: [kind('a'), kind('b')] }));
  it('says unknown when it cannot show that the downstream branches exclude each other', () =>
    expectUnknown(
      { type: 'string', minLength: 1 },
      { oneOf: [{ type: 'string' }, { pattern: '^$' }] },
      /more than one branch/,
    ));
  it('rejects with a value that matches two branches', () =>
    expectNo({ type: 'integer', minimum: 0 }, { oneOf: [{ type: 'number' }, { type: 'integer' }] }));
});

describe('not', () => {
  it('accepts into a not of a disjoint type', () =>
    expectYes({ type: 'string' }, { not: { type: 'number' } }));
  it('accepts into a not of a disjoint range', () =>
    expectYes({ type: 'number', minimum: 10 }, { not: { type: 'number', maximum: 5 } }));
  it('accepts an enum into a not of other values', () =>
    expectYes({ enum: ['a', 'b'] }, { not: { const: 'c' } }));
  it('rejects into a not that excludes upstream values', () =>
    expect(expectNo({ type: 'string' }, { not: { const: '' } }).witness).toBe(''));
  it('reads an upstream not of a whole type as removing it', () =>
    expectYes({ type: ['string', 'null'], not: { type: 'null' } }, { type: 'string' }));
  it('reads an upstream not of a value into a finite decision', () =>
    expectYes({ enum: ['a', 'b', 'c'], not: { const: 'c' } }, { enum: ['a', 'b'] }));
});

describe('discriminated unions', () => {
  const tagged = {
    type: 'object',
    properties: { kind: { enum: ['a', 'b'] }, n: { type: 'integer' } },
    required: ['kind', 'n'],
  };
  it('splits upstream on its discriminator to cover an anyOf branch by branch', () =>
    expectYes(tagged, { anyOf: [kind('a', { n: { type: 'number' } }), kind('b')] }));
  it('splits upstream on its discriminator to cover a oneOf branch by branch', () =>
    expectYes(tagged, { oneOf: [kind('a'), kind('b')] }));
  it('rejects with the discriminator value no branch accepts', () =>
    expect(expectNo(tagged, { anyOf: [kind('a'), kind('c')] }).witness).toMatchObject({ kind: 'b' }));
});
