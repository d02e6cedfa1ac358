import { describe, expect, it } from 'vitest';
import { expectNo, expectUnknown, expectYes } from './verdicts.js';

describe('numeric bounds', () => {
  it('accepts a range inside a wider range', () =>
    expectYes({ type: 'number', minimum: 1, maximum: 5 }, { type: 'number', minimum: 0, maximum: 10 }));
  it('rejects an upper bound above the downstream one, at the bound', () => {
    const result = expectNo(
      { type: 'number', maximum: 10 },
      { type: 'number', maximum: 5 },
      {
        reason: 'upstream allows numbers up to 10 but downstream allows at most 5',
        path: '',
      },
    );
    expect(result.witness).toBeGreaterThan(5);
  });
  it('rejects a missing lower bound', () =>
    expectNo(
      { type: 'number' },
      { type: 'number', minimum: 0 },
      {
        reason: 'upstream allows numbers with no lower bound but downstream requires at least 0',
      },
    ));
  it('rejects an inclusive bound into the same exclusive bound, with the bound as witness', () =>
    expect(expectNo({ type: 'number', minimum: 0 }, { exclusiveMinimum: 0 }).witness).toBe(0));
  it('accepts an exclusive bound into the same inclusive bound', () =>
    expectYes({ exclusiveMaximum: 5 }, { maximum: 5 }));
  it('moves integer bounds onto integers: > 0 is >= 1', () =>
    expectYes({ type: 'integer', exclusiveMinimum: 0 }, { type: 'integer', minimum: 1 }));
  it('moves integer bounds onto integers: <= 4.5 is <= 4', () =>
    expectYes({ type: 'integer', maximum: 4.5 }, { maximum: 4 }));
  it('accepts an empty range into anything numeric', () =>
    expectYes({ type: 'integer', minimum: 0.2, maximum: 0.8 }, { type: 'number', minimum: 100 }));
  it('answers an integer range that crosses 2^53 without hanging', () =>
    expect(
      expectNo({ type: 'integer', minimum: 2 ** 53 - 10, maximum: 2 ** 53 + 10 }, { const: 0 }).witness,
    ).not.toBe(0));
  it('reads int32 as an integer range', () =>
    expectYes({ type: 'integer', minimum: 0, maximum: 100 }, { type: 'number', format: 'int32' }));
  it('rejects an unbounded integer into int32', () =>
    expectNo({ type: 'integer' }, { type: 'integer', format: 'int32' }, { reason: /at least -2147483648/ }));
});

describe('multipleOf', () => {
  it('accepts a multiple of 6 into multiples of 3 within a bounded range', () =>
    expectYes({ type: 'integer', multipleOf: 6, minimum: 0, maximum: 1000 }, { multipleOf: 3 }));
  it('accepts an equal divisor, even a fractional one', () =>
    expectYes({ multipleOf: 0.1 }, { multipleOf: 0.1 }));
  it('accepts multiples of 0.5 into multiples of 0.25 (powers of two divide exactly)', () =>
    expectYes({ multipleOf: 0.5, minimum: -100, maximum: 100 }, { multipleOf: 0.25 }));
  it('accepts an integer with an integral divisor into integer', () =>
    expectYes({ type: 'integer', multipleOf: 4 }, { type: 'integer' }));
  it('rejects an integral divisor into integer: 5e-324 / 4 underflows to 0, so ajv counts it a multiple', () =>
    expect(expectNo({ type: 'number', multipleOf: 4 }, { type: 'integer' }).witness).toBe(Number.MIN_VALUE));
  it('does not move bounds onto multiples of an integral divisor of a non-integer number', () =>
    expect(expectNo({ type: 'number', multipleOf: 3, exclusiveMinimum: 0 }, { minimum: 1 }).witness).toBe(
      Number.MIN_VALUE,
    ));
  it('does not enumerate the multiples of an integral divisor of a non-integer number', () =>
    expectUnknown({ type: 'number', multipleOf: 2, minimum: -1, maximum: 1 }, { const: 0 }));
  it('rejects multiples of 4 into multiples of 2: 1e-323 / 4 underflows but 1e-323 / 2 does not', () =>
    expect(
      expectNo({ type: 'number', multipleOf: 4, minimum: -100, maximum: 100 }, { multipleOf: 2 }).witness,
    ).toBe(2 * Number.MIN_VALUE));
  it('rejects a fractional divisor into integer', () =>
    expectNo({ type: 'number', multipleOf: 0.5 }, { type: 'integer' }, { reason: /non-integer/ }));
  it('rejects integers into multiples of 2 with an odd witness', () =>
    expect(Math.abs(expectNo({ type: 'integer' }, { multipleOf: 2 }).witness as number) % 2).toBe(1));
  it('rejects unbounded integers into multipleOf 1: ajv rejects quotients from 1e21 up', () =>
    expect(expectNo({ type: 'integer' }, { multipleOf: 1 }).witness).toBeGreaterThanOrEqual(1e21));
  it('finds where float division breaks a decimal multipleOf: 0.3 / 0.1 is not an integer to ajv', () =>
    expect(expectNo({ multipleOf: 0.3, minimum: 0, maximum: 1 }, { multipleOf: 0.1 }).witness).toBe(0.3));
  it('says unknown when the divisors are decimal and no separating value is found', () =>
    expectUnknown(
      { type: 'number', multipleOf: 0.5, minimum: 0, maximum: 10 },
      { multipleOf: 0.1 },
      /multiples of 0.1/,
    ));
});
