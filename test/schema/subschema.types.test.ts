import { describe, expect, it } from 'vitest';
import { isSubschema } from '../../engine/schema/index.js';
import { expectNo, expectYes } from './verdicts.js';

describe('boolean schemas', () => {
  it('accepts anything into true', () => expectYes({ type: 'string' }, true));
  it('accepts false into anything', () => expectYes(false, { type: 'string' }));
  it('treats {} as true', () => expectYes(true, {}));
  it('treats {"not": {}} as false', () => expectYes({ not: {} }, { type: 'null' }));
  it('rejects true into a typed schema with a witness of another type', () =>
    expectNo(true, { type: 'string' }, { reason: /where downstream requires a string/ }));
  it('rejects a non-empty schema into false', () => expectNo({ type: 'null' }, false, { path: '' }));
});

describe('type', () => {
  it('accepts integer into number', () => expectYes({ type: 'integer' }, { type: 'number' }));
  it('rejects number into integer with a fractional witness', () => {
    const result = expectNo(
      { type: 'number' },
      { type: 'integer' },
      {
        reason: 'upstream may produce a non-integer number where downstream requires an integer',
      },
    );
    expect(Number.isInteger(result.witness)).toBe(false);
  });
  it('accepts a type list into a wider type list', () =>
    expectYes({ type: ['string', 'null'] }, { type: ['null', 'number', 'string'] }));
  it('rejects a type list with a type the downstream lacks', () =>
    expectNo(
      { type: ['string', 'null'] },
      { type: 'string' },
      {
        reason: 'upstream may produce null where downstream requires a string',
        path: '',
      },
    ));
  it('names the downstream types in the reason', () =>
    expectNo(
      { type: 'string' },
      { type: ['number', 'object'] },
      {
        reason: 'upstream may produce a string where downstream requires a number or an object',
      },
    ));
  it('lets a keyword constrain only its own kind: minLength allows any number', () =>
    expectNo({ minLength: 3 }, { type: 'string' }, { reason: /where downstream requires a string/ }));
  it('accepts an untyped string keyword into the same keyword', () =>
    expectYes({ minLength: 3 }, { minLength: 2 }));
  it('accepts an integral number range into integer when it holds a single integer', () =>
    expectYes({ type: 'number', minimum: 3, maximum: 3 }, { type: 'integer' }));
  it('reads OpenAPI nullable as allowing null, as ajv does', () =>
    expectNo({ type: 'string', nullable: true }, { type: 'string' }, { reason: /may produce null/ }));
});

describe('const and enum', () => {
  it('accepts an enum into its type', () => expectYes({ enum: ['a', 'b'] }, { type: 'string' }));
  it('accepts an enum into a larger enum', () => expectYes({ enum: ['a', 'b'] }, { enum: ['c', 'b', 'a'] }));
  it('rejects an enum value the downstream enum lacks, as the witness', () =>
    expect(expectNo({ enum: ['a', 'b'] }, { enum: ['a'] }).witness).toBe('b'));
  it('decides a finite upstream against any downstream keyword', () =>
    expectYes({ enum: ['ab', 'abc'] }, { type: 'string', pattern: '^ab', minLength: 2 }));
  it('finds the enum value a downstream pattern rejects', () =>
    expect(expectNo({ enum: ['ab', 'ba'] }, { type: 'string', pattern: '^a' }).witness).toBe('ba'));
  it('accepts a const into an equal const', () =>
    expectYes({ const: { a: [1, 2] } }, { const: { a: [1, 2] } }));
  it('compares object values regardless of key order', () =>
    expectYes({ const: { a: 1, b: 2 } }, { enum: [{ b: 2, a: 1 }] }));
  it('rejects a string type into an enum with a string outside it', () =>
    expectNo({ type: 'string' }, { enum: ['a', 'b'] }, { reason: /outside downstream's allowed values/ }));
  it('accepts boolean into the enum of both booleans', () =>
    expectYes({ type: 'boolean' }, { enum: [false, true] }));
  it('accepts a small integer range into the enum that lists it', () =>
    expectYes({ type: 'integer', minimum: 1, maximum: 3 }, { enum: [3, 2, 1] }));
  it('treats 1.0 and 1 as the same value', () => expectYes({ const: 1.0 }, { type: 'integer' }));
  it('compares two huge enums in linear time', () => {
    const values = Array.from({ length: 50_000 }, (_, i) => ({ id: i }));
    const started = performance.now();
    expectYes({ enum: values }, { enum: [...values].reverse() });
    expect(performance.now() - started).toBeLessThan(3_000);
  });
  it('keeps only the enum values that fit the other keywords', () =>
    expectYes({ enum: [1, 5], maximum: 3 }, { const: 1 }));
});

describe('annotations', () => {
  it('ignores title, description, default, examples, $comment and vendor keys', () =>
    expectYes(
      {
        type: 'string',
        title: 'A',
        description: 'd',
        default: 'x',
        examples: ['y'],
        $comment: 'c',
        'x-foo': 1,
      },
      { type: 'string', deprecated: true, readOnly: true, writeOnly: false, $id: 'urn:a', 'x-bar': {} },
    ));
  it('answers yes for equal schemas at once, even with keywords it does not decide', () => {
    const conditional = () => ({ type: 'object', if: { required: ['a'] }, then: { required: ['b'] } });
    expect(isSubschema(conditional(), conditional())).toEqual({ verdict: 'yes' });
  });
});

describe('memoisation', () => {
  it('answers the same pair of schema objects from memory', () => {
    const sub = { type: 'object', properties: { a: { type: 'number' } } };
    const sup = { type: 'object', properties: { a: { type: 'integer' } } };
    expect(isSubschema(sub, sup)).toBe(isSubschema(sub, sup));
  });
  it('keeps the answers of the two dialects apart', () => {
    const sub = { minimum: 0, exclusiveMinimum: true };
    const sup = { exclusiveMinimum: 0 };
    expect(isSubschema(sub, sup, { dialect: 'draft-04' }).verdict).toBe('yes');
    expect(isSubschema(sub, sup).verdict).not.toBe('yes');
  });
});
