import { describe, expect, it } from 'vitest';
import { expectNo, expectUnknown, expectYes } from './verdicts.js';

describe('arrays: counts', () => {
  it('accepts counts inside wider counts', () =>
    expectYes({ type: 'array', minItems: 2, maxItems: 3 }, { type: 'array', minItems: 1, maxItems: 5 }));
  it('rejects more items than downstream allows', () => {
    const result = expectNo(
      { type: 'array', maxItems: 10 },
      { type: 'array', maxItems: 5 },
      {
        reason: 'upstream allows up to 10 items but downstream allows at most 5',
      },
    );
    expect(result.witness).toHaveLength(6);
  });
  it('rejects fewer items than downstream requires', () =>
    expectNo(
      { type: 'array' },
      { minItems: 1 },
      {
        reason: 'upstream allows arrays with as few as 0 items but downstream requires at least 1',
      },
    ));
  it('bounds a closed tuple by its length', () =>
    expectYes({ type: 'array', prefixItems: [{}, {}], items: false }, { maxItems: 2 }));
});

describe('arrays: items', () => {
  it('compares item schemas', () =>
    expectYes({ type: 'array', items: { type: 'integer' } }, { type: 'array', items: { type: 'number' } }));
  it('rejects an item of the wrong type, pointing at the first position', () =>
    expectNo({ type: 'array', items: { type: 'string' } }, { items: { type: 'number' } }, { path: '/0' }));
  it('compares tuples position by position', () =>
    expectYes(
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false },
      { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } },
    ));
  it('rejects a tuple position, pointing at it', () =>
    expectNo(
      { prefixItems: [{ type: 'string' }, { type: 'string' }] },
      { prefixItems: [{}, { type: 'number' }] },
      {
        path: '/1',
      },
    ));
  it('ignores positions the upstream arrays never reach', () =>
    expectYes(
      { type: 'array', maxItems: 1, items: { type: 'string' } },
      { prefixItems: [{}, { type: 'number' }] },
    ));
});

describe('arrays: uniqueItems and contains', () => {
  it('rejects possibly duplicated items into uniqueItems with a duplicated witness', () => {
    const result = expectNo(
      { type: 'array', items: { type: 'integer' } },
      { uniqueItems: true },
      {
        reason: 'upstream may produce arrays with duplicate items but downstream requires unique items',
      },
    );
    const [first, second] = result.witness as unknown[];
    expect(first).toEqual(second);
  });
  it('accepts arrays of at most one item into uniqueItems', () =>
    expectYes({ type: 'array', maxItems: 1 }, { uniqueItems: true }));
  it('accepts a stronger contains', () =>
    expectYes(
      { type: 'array', contains: { type: 'integer' }, minContains: 2 },
      { contains: { type: 'number' } },
    ));
  it('accepts a non-empty array whose items all match contains', () =>
    expectYes({ type: 'array', items: { type: 'string' }, minItems: 1 }, { contains: { type: 'string' } }));
  it('rejects an array that may lack the item contains asks for', () =>
    expect(
      expectNo({ type: 'array', items: { type: 'string' } }, { contains: { const: 'a' } }).witness,
    ).toEqual([]));
  it('accepts maxContains when upstream arrays are short enough', () =>
    expectYes(
      { type: 'array', maxItems: 2 },
      { contains: { type: 'string' }, minContains: 0, maxContains: 2 },
    ));
  it('says unknown when contains may hold without being guaranteed', () =>
    expectUnknown(
      { type: 'array', minItems: 1, items: { type: 'string', minLength: 2 } },
      { type: 'array', contains: { pattern: '^a' } },
    ));
});
