import { describe, expect, it } from 'vitest';
import { expectNo, expectUnknown, expectYes } from './verdicts.js';

describe('string lengths', () => {
  it('accepts lengths inside wider lengths', () =>
    expectYes(
      { type: 'string', minLength: 2, maxLength: 4 },
      { type: 'string', minLength: 1, maxLength: 8 },
    ));
  it('rejects a longer maximum with a witness one past the downstream limit', () =>
    expect(
      expectNo(
        { type: 'string', maxLength: 10 },
        { type: 'string', maxLength: 5 },
        {
          reason: 'upstream allows strings up to 10 characters long but downstream allows at most 5',
        },
      ).witness,
    ).toHaveLength(6));
  it('rejects a shorter minimum', () =>
    expectNo(
      { type: 'string' },
      { type: 'string', minLength: 1 },
      {
        reason: 'upstream allows strings as short as 0 characters but downstream requires at least 1',
      },
    ));
  it('counts code points as ajv does: an emoji is one character', () =>
    expectYes({ enum: ['😀😀'] }, { type: 'string', maxLength: 2 }));
});

describe('pattern', () => {
  it('accepts an equal pattern', () =>
    expectYes(
      { type: 'string', pattern: '^[a-z]+$', maxLength: 3 },
      { type: 'string', pattern: '^[a-z]+$' },
    ));
  it('accepts any string into a pattern that matches everything', () =>
    expectYes({ type: 'string' }, { type: 'string', pattern: '.*' }));
  it('rejects an unconstrained string into a pattern with a non-matching witness', () =>
    expectNo({ type: 'string' }, { type: 'string', pattern: '^a' }, { reason: /pattern "\^a"/ }));
  it('builds a witness from the upstream pattern', () =>
    expect(expectNo({ type: 'string', pattern: '^b[0-9]+$' }, { pattern: '^a' }).witness).toMatch(
      /^b[0-9]+$/,
    ));
  it('says unknown when different patterns may well agree', () =>
    expectUnknown({ type: 'string', pattern: '^ab' }, { type: 'string', pattern: '^a' }, /pattern/));
});

describe('format', () => {
  it('accepts an equal format', () =>
    expectYes({ type: 'string', format: 'date-time' }, { type: 'string', format: 'date-time' }));
  it('rejects a plain string into a format', () =>
    expectNo(
      { type: 'string' },
      { type: 'string', format: 'email' },
      {
        reason: 'downstream requires format "email", which upstream does not guarantee',
      },
    ));
  it('rejects a different format when an example of it fails the downstream one', () =>
    expect(expectNo({ type: 'string', format: 'date-time' }, { format: 'date' }).witness).toBe(
      '2024-01-15T12:30:00Z',
    ));
  it('rejects a date-shaped pattern into format date with an impossible date', () =>
    expect(
      expectNo(
        { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
        { type: 'string', format: 'date' },
      ).witness,
    ).toBe('0000-00-00'));
  it('says unknown for different formats when the upstream example passes the downstream format', () =>
    expectUnknown(
      { type: 'string', format: 'date-time' },
      { type: 'string', format: 'iso-date-time' },
      /iso-date-time/,
    ));
  it('treats formats ajv does not check (password) as any string', () =>
    expectYes({ type: 'string' }, { type: 'string', format: 'password' }));
  it('does not ignore the formatMaximum keyword that ajv-formats adds', () =>
    expectNo(
      { type: 'string', format: 'date' },
      { type: 'string', format: 'date', formatMaximum: '2020-01-01' },
      { reason: /formatMaximum/ },
    ));
  it('lets a string format say nothing about numbers', () =>
    expectYes({ type: 'number' }, { format: 'email' }));
});

describe('absurd length bounds', () => {
  it('say the value needed is too large, not that the schema is too deep', () => {
    expectUnknown({ type: 'string' }, { type: 'string', maxLength: 1e308 }, /too large to build/);
  });
});
