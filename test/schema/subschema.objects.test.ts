import { describe, expect, it } from 'vitest';
import { isSubschema, type JsonSchemaObject } from '../../engine/schema/index.js';
import { expectNo, expectUnknown, expectYes } from './verdicts.js';

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});

describe('objects: required properties', () => {
  it('accepts a required property into an optional one', () =>
    expectYes(
      obj({ state: { type: 'string' } }, { required: ['state'] }),
      obj({ state: { type: 'string' } }),
    ));
  it('rejects a property that is optional upstream but required downstream', () => {
    const result = expectNo(
      obj({ state: { type: 'string' } }),
      obj({ state: { type: 'string' } }, { required: ['state'] }),
      {
        reason: 'property "state" is optional upstream but required downstream',
        path: '/state',
      },
    );
    expect(result.witness).toEqual({});
  });
  it('rejects a property required downstream that upstream never produces', () =>
    expectNo(
      obj({ a: { type: 'string' } }, { additionalProperties: false }),
      { required: ['b'] },
      {
        reason: 'property "b" is required downstream but upstream never produces it',
        path: '/b',
      },
    ));
  it('counts a property implied by dependentRequired as required', () =>
    expectYes(
      { type: 'object', required: ['a'], dependentRequired: { a: ['b'] } },
      { required: ['a', 'b'] },
    ));
});

describe('objects: property values', () => {
  it('compares the values of a shared property', () =>
    expectYes(obj({ n: { type: 'integer' } }), obj({ n: { type: 'number' } })));
  it('rejects a property value of the wrong type, pointing at the property', () =>
    expectNo(obj({ n: { type: 'string' } }), obj({ n: { type: 'number' } }), {
      reason: 'upstream may produce a string where downstream requires a number',
      path: '/n',
    }));
  it('points into nested objects', () =>
    expectNo(
      obj({ a: obj({ b: { type: 'number', maximum: 10 } }) }),
      obj({ a: obj({ b: { maximum: 5 } }) }),
      {
        path: '/a/b',
      },
    ));
  it('checks a downstream property against the upstream additionalProperties', () =>
    expectNo({ type: 'object', additionalProperties: { type: 'string' } }, obj({ x: { type: 'number' } }), {
      path: '/x',
    }));
  it('checks a downstream property against a matching upstream patternProperties', () =>
    expectYes(
      { type: 'object', patternProperties: { '^x': { type: 'integer' } }, additionalProperties: false },
      obj({ x1: { type: 'number' } }),
    ));
});

describe('objects: additional properties', () => {
  it('rejects additional properties upstream when downstream allows none', () =>
    expectNo(
      { type: 'object' },
      { type: 'object', additionalProperties: false },
      {
        reason: 'upstream may produce properties, which downstream does not allow',
      },
    ));
  it('accepts a closed object into a closed object that declares more', () =>
    expectYes(
      obj({ a: { type: 'string' } }, { additionalProperties: false }),
      obj({ a: {}, b: {} }, { additionalProperties: false }),
    ));
  it('rejects an upstream property that a closed downstream object does not declare', () =>
    expectNo(
      obj({ a: {}, c: {} }, { additionalProperties: false }),
      obj({ a: {} }, { additionalProperties: false }),
      {
        reason: 'upstream may produce property "c", which downstream does not allow',
        path: '/c',
      },
    ));
  it('compares additionalProperties schemas for properties nobody names', () =>
    expectYes(
      { type: 'object', additionalProperties: { type: 'integer' } },
      { additionalProperties: { type: 'number' } },
    ));
  it('accepts upstream patternProperties into the same downstream patternProperties', () =>
    expectYes(
      { type: 'object', patternProperties: { '^x-': { type: 'string' } }, additionalProperties: false },
      { type: 'object', patternProperties: { '^x-': { type: 'string' } }, additionalProperties: false },
    ));
  it('rejects unnamed upstream properties that fail a downstream pattern schema', () =>
    expectNo(
      { type: 'object', additionalProperties: { type: 'number' } },
      { patternProperties: { '^x': { type: 'string' } } },
      {
        path: '/x',
      },
    ));
});

describe('objects: counts, names and dependencies', () => {
  it('rejects fewer properties than downstream requires', () =>
    expectNo(
      { type: 'object' },
      { minProperties: 1 },
      {
        reason: 'upstream allows objects with as few as 0 properties but downstream requires at least 1',
      },
    ));
  it('counts required properties toward minProperties', () =>
    expectYes({ type: 'object', required: ['a', 'b'] }, { minProperties: 2 }));
  it('rejects more properties than downstream allows', () =>
    expectNo({ type: 'object' }, { maxProperties: 1 }, { reason: /at most 1/ }));
  it('bounds the count of a closed object by its declared properties', () =>
    expectYes(obj({ a: {}, b: {} }, { additionalProperties: false }), { maxProperties: 2 }));
  it('checks declared property names against propertyNames', () =>
    expectNo(
      obj({ Bad: {} }),
      { propertyNames: { pattern: '^[a-z]+$' } },
      {
        reason: 'upstream may produce property "Bad", whose name downstream does not allow',
        path: '/Bad',
      },
    ));
  it('accepts propertyNames into a looser propertyNames', () =>
    expectYes({ type: 'object', propertyNames: { maxLength: 3 } }, { propertyNames: { maxLength: 5 } }));
  it('rejects a property that may appear without the one downstream requires alongside it', () =>
    expectNo(
      obj({ a: {}, b: {} }),
      { dependentRequired: { a: ['b'] } },
      {
        reason: 'property "a" may appear upstream without "b", which downstream requires alongside it',
      },
    ));
  it('accepts a dependentRequired that upstream guarantees', () =>
    expectYes({ type: 'object', dependentRequired: { a: ['b'] } }, { dependentRequired: { a: ['b'] } }));
  it('says unknown for downstream keywords it does not decide', () =>
    expectUnknown({ type: 'object' }, { if: { required: ['a'] }, then: { required: ['b'] } }, /"if"/));
});

// ajv tests presence as `data[name] !== undefined`: for a name every object inherits,
// the checker's JSON reading of required and properties does not hold.
describe('objects: names every JavaScript object inherits', () => {
  const parsed = (text: string) => JSON.parse(text) as JsonSchemaObject;
  it('does not count a required "__proto__" toward minProperties: ajv accepts {}', () =>
    expect(
      expectNo(parsed('{"type":"object","required":["__proto__"]}'), { minProperties: 1 }).witness,
    ).toEqual({}));
  it('does not read a forbidden required "__proto__" as an empty schema: ajv ignores both', () =>
    expectNo(
      parsed('{"allOf":[{"type":"object","required":["__proto__"]},{"properties":{"__proto__":false}}]}'),
      false,
    ));
  it('says unknown for a "__proto__" property schema, which ajv drops', () =>
    expectUnknown(
      parsed('{"type":"object","properties":{"__proto__":{"type":"number"}},"additionalProperties":false}'),
      parsed('{"type":"object","properties":{"__proto__":{}},"additionalProperties":false}'),
      /"__proto__" is inherited/,
    ));
  it('does not trust a required "toString", which every object has to ajv', () =>
    expect(isSubschema({ type: 'object', required: ['toString'] }, { minProperties: 1 }).verdict).not.toBe(
      'yes',
    ));
});
