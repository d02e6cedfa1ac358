// Assertions for subschema verdicts. A "no" is only accepted with a witness that the
// test's own ajv confirms separates the schemas, so no test can pass on a wrong witness.
import { expect } from 'vitest';
import {
  isSubschema,
  normalizeSchema,
  type Dialect,
  type JsonSchema,
  type SubschemaResult,
} from '../../engine/schema/index.js';
import { accepts } from './oracle.js';

export function expectYes(sub: JsonSchema, sup: JsonSchema, dialect?: Dialect): void {
  const result = isSubschema(sub, sup, dialect === undefined ? {} : { dialect });
  expect(result).toEqual({ verdict: 'yes' });
}

export function expectNo(
  sub: JsonSchema,
  sup: JsonSchema,
  expected: { reason?: string | RegExp; path?: string } = {},
  dialect?: Dialect,
): SubschemaResult {
  const result = isSubschema(sub, sup, dialect === undefined ? {} : { dialect });
  expect(result.verdict, result.reason).toBe('no');
  expect(result).toHaveProperty('witness');
  expect(accepts(normalizeSchema(sub, dialect), result.witness), 'the witness is valid upstream').toBe(true);
  expect(accepts(normalizeSchema(sup, dialect), result.witness), 'the witness is invalid downstream').toBe(
    false,
  );
  if (expected.reason !== undefined) {
    if (typeof expected.reason === 'string') expect(result.reason).toBe(expected.reason);
    else expect(result.reason).toMatch(expected.reason);
  }
  if (expected.path !== undefined) expect(result.path).toBe(expected.path);
  return result;
}

export function expectUnknown(sub: JsonSchema, sup: JsonSchema, reason?: RegExp): SubschemaResult {
  const result = isSubschema(sub, sup);
  expect(result.verdict, JSON.stringify(result)).toBe('unknown');
  expect(result).not.toHaveProperty('witness');
  expect(result.reason).toBeTypeOf('string');
  if (reason !== undefined) expect(result.reason).toMatch(reason);
  return result;
}
