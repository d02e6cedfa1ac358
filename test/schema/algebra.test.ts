// The schema operations the graph checker builds on must over-approximate: whatever the
// runtime can put in a place (a property, an element, a Let scope), the schema computed
// for that place must accept. Checked by property over generated schemas and instances,
// against the test's own ajv.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasProperty,
  importSchema,
  itemsOf,
  propertyOf,
  replaceProperties,
  withoutProperty,
  type JsonSchema,
} from '../../engine/schema/index.js';
import { candidates, schemaArb } from './arbitraries.js';
import { accepts } from './oracle.js';

const KEYS = ['a', 'b', 'c'];
const RUNS = { numRuns: 300 };

/** Instances of a schema: the candidates it mentions, plus objects and arrays built from them. */
function instances(schema: JsonSchema): unknown[] {
  const base = candidates(schema);
  const composite: unknown[] = [];
  for (const v of base.slice(0, 24)) {
    composite.push([v], [v, v], ...KEYS.map((k) => ({ [k]: v })), { a: v, b: v });
  }
  return [...base, ...composite].filter((v) => accepts(schema, v));
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

describe('schema algebra', () => {
  it('importing a schema (refs into namespaced $defs) keeps its meaning', () => {
    fc.assert(
      fc.property(schemaArb, (schema) => {
        const imported = importSchema(schema);
        for (const v of candidates(schema)) expect(accepts(imported, v)).toBe(accepts(schema, v));
      }),
      RUNS,
    );
  });

  it('propertyOf accepts every value found at that property', () => {
    fc.assert(
      fc.property(schemaArb, fc.constantFrom(...KEYS), (schema, key) => {
        const at = propertyOf(importSchema(schema), key);
        for (const v of instances(schema))
          if (isObject(v) && Object.hasOwn(v, key)) expect(accepts(at, v[key])).toBe(true);
      }),
      RUNS,
    );
  });

  it('hasProperty is never wrong when it says always or never', () => {
    fc.assert(
      fc.property(schemaArb, fc.constantFrom(...KEYS), (schema, key) => {
        const presence = hasProperty(importSchema(schema), key);
        for (const v of instances(schema)) {
          const has = isObject(v) && Object.hasOwn(v, key);
          if (presence === 'always') expect(has).toBe(true);
          if (presence === 'never') expect(has).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('withoutProperty keeps exactly the values that are not objects with that property', () => {
    fc.assert(
      fc.property(schemaArb, fc.constantFrom(...KEYS), (schema, key) => {
        const without = withoutProperty(importSchema(schema), key);
        for (const v of instances(schema))
          expect(accepts(without, v)).toBe(!(isObject(v) && Object.hasOwn(v, key)));
      }),
      RUNS,
    );
  });

  it('replaceProperties accepts every object with the property replaced (a Let scope)', () => {
    fc.assert(
      fc.property(schemaArb, schemaArb, fc.constantFrom(...KEYS), (schema, replacement, key) => {
        const scope = replaceProperties(importSchema(schema), { [key]: importSchema(replacement) });
        const values = instances(replacement).slice(0, 8);
        for (const v of instances(schema).filter(isObject)) {
          for (const r of values) expect(accepts(scope, { ...v, [key]: r })).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('itemsOf accepts every element of every array', () => {
    fc.assert(
      fc.property(schemaArb, (schema) => {
        const items = itemsOf(importSchema(schema));
        for (const v of instances(schema))
          if (Array.isArray(v)) for (const e of v) expect(accepts(items, e)).toBe(true);
      }),
      RUNS,
    );
  });
});
