// Generators for the subschema property test: schema pairs built from a small pool of
// constants (so that the two sides of a pair are related often enough for the checker
// to answer yes or no, not only unknown), and candidate instances biased toward the
// constants a pair mentions (numbers around its bounds, strings of lengths around its
// limits, objects with its property names, short arrays).
import fc from 'fast-check';
import type { JsonSchema, JsonSchemaObject } from '../../engine/schema/index.js';

const NUMBERS = [-1, 0, 1, 2, 2.5, 5, 10];
const COUNTS = [0, 1, 2, 3];
const NAMES = ['a', 'b', 'c'];
const PATTERNS = ['^a', 'b$', '^[a-c]*$'];
const TYPES = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'];
const VALUES: unknown[] = [null, true, false, 0, 1, 2.5, -1, '', 'a', 'ab', [], [1], {}, { a: 1 }];

const num = fc.constantFrom(...NUMBERS);
const cnt = fc.constantFrom(...COUNTS);

/** A record of optional keywords: each present with probability 1/2. */
function keywords(model: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<JsonSchemaObject> {
  return fc.record(model, { requiredKeys: [] });
}

const numberSchema = fc
  .tuple(
    fc.constantFrom('number', 'integer', undefined),
    keywords({
      minimum: num,
      maximum: num,
      exclusiveMinimum: num,
      exclusiveMaximum: num,
      multipleOf: fc.constantFrom(1, 2, 0.5, 3),
    }),
  )
  .map(([type, k]) => (type === undefined ? k : { type, ...k }));

const stringSchema = fc
  .tuple(
    fc.boolean(),
    keywords({
      minLength: cnt,
      maxLength: cnt,
      pattern: fc.constantFrom(...PATTERNS),
      format: fc.constantFrom('date', 'email'),
    }),
  )
  .map(([typed, k]) => (typed ? { type: 'string', ...k } : k));

const typeSchema = fc.oneof(
  fc.constantFrom(...TYPES).map((type) => ({ type })),
  fc.uniqueArray(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 3 }).map((type) => ({ type })),
);

const finiteSchema = fc.oneof(
  fc.constantFrom(...VALUES).map((v) => ({ const: v })),
  fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 4 }).map((e) => ({ enum: e })),
);

const leaf: fc.Arbitrary<JsonSchema> = fc.oneof(
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 3, arbitrary: typeSchema },
  { weight: 3, arbitrary: numberSchema },
  { weight: 3, arbitrary: stringSchema },
  { weight: 2, arbitrary: finiteSchema },
);

function compound(inner: fc.Arbitrary<JsonSchema>): fc.Arbitrary<JsonSchema> {
  const object = fc
    .tuple(
      fc.boolean(),
      fc.dictionary(fc.constantFrom(...NAMES), inner, { maxKeys: 3 }),
      keywords({
        required: fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: 2 }),
        additionalProperties: fc.oneof(fc.boolean(), inner),
        minProperties: cnt,
        maxProperties: cnt,
        patternProperties: fc.constantFrom({ '^x': { type: 'number' } }, { '^[ab]': { type: 'string' } }),
        propertyNames: fc.constantFrom({ maxLength: 1 }, { pattern: '^[ab]' }, { enum: ['a', 'b'] }),
        dependentRequired: fc.constantFrom({ a: ['b'] }, { b: ['c'] }),
      }),
    )
    .map(([typed, properties, k]) => ({ ...(typed ? { type: 'object' } : {}), properties, ...k }));
  const array = fc
    .tuple(
      fc.boolean(),
      keywords({
        items: inner,
        prefixItems: fc.array(inner, { minLength: 1, maxLength: 2 }),
        minItems: cnt,
        maxItems: cnt,
        uniqueItems: fc.boolean(),
        contains: inner,
        minContains: fc.constantFrom(0, 1, 2),
        maxContains: fc.constantFrom(1, 2),
      }),
    )
    .map(([typed, k]) => ({ ...(typed ? { type: 'array' } : {}), ...k }));
  const pair = fc.array(inner, { minLength: 1, maxLength: 3 });
  return fc.oneof(
    { weight: 3, arbitrary: object },
    { weight: 2, arbitrary: array },
    { weight: 1, arbitrary: pair.map((anyOf) => ({ anyOf })) },
    { weight: 1, arbitrary: pair.map((allOf) => ({ allOf })) },
    { weight: 1, arbitrary: pair.map((oneOf) => ({ oneOf })) },
    { weight: 1, arbitrary: inner.map((not) => ({ not })) },
  );
}

const nestedArb: fc.Arbitrary<JsonSchema> = fc.oneof(
  { weight: 2, arbitrary: leaf },
  {
    weight: 3,
    arbitrary: compound(fc.oneof({ weight: 6, arbitrary: leaf }, { weight: 1, arbitrary: compound(leaf) })),
  },
);

/** A linked list through $defs: a recursive schema, its values from a leaf schema. */
const listArb: fc.Arbitrary<JsonSchema> = fc.tuple(leaf, fc.boolean()).map(([value, strict]) => ({
  $defs: {
    node: {
      type: 'object',
      properties: { v: value, next: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/node' }] } },
      ...(strict ? { required: ['v'] } : {}),
    },
  },
  $ref: '#/$defs/node',
}));

/** Schemas up to two levels of nesting, some behind a $ref, some recursive. */
export const schemaArb: fc.Arbitrary<JsonSchema> = fc.oneof(
  { weight: 8, arbitrary: nestedArb },
  { weight: 1, arbitrary: nestedArb.map((d) => ({ $defs: { d }, $ref: '#/$defs/d' })) },
  { weight: 1, arbitrary: listArb },
);

/** Builds a schema around `schema`, keeping its `$defs` at the root where its refs look for them. */
function around(schema: JsonSchema, build: (body: JsonSchema) => JsonSchemaObject): JsonSchema {
  if (typeof schema === 'boolean' || schema.$defs === undefined) return build(structuredClone(schema));
  const { $defs, ...body } = structuredClone(schema);
  return { $defs, ...build(body) };
}

/** A weaker version of a schema: a keyword dropped, or a union with something else. */
function weaken(schema: JsonSchema): fc.Arbitrary<JsonSchema> {
  if (typeof schema === 'boolean') return fc.constant(true);
  const keys = Object.keys(schema).filter((k) => !['properties', 'patternProperties', '$defs'].includes(k));
  const drop =
    keys.length === 0
      ? fc.constant<JsonSchema>(true)
      : fc.constantFrom(...keys).map((k) => {
          const { [k]: _dropped, ...rest } = schema;
          return rest;
        });
  return fc.oneof(
    drop,
    nestedArb.map((other) => around(schema, (body) => ({ anyOf: [body, other] }))),
  );
}

/** A stronger version: the schema and another one. */
function strengthen(schema: JsonSchema): fc.Arbitrary<JsonSchema> {
  return fc.oneof(
    nestedArb.map((other) => around(schema, (body) => ({ allOf: [body, other] }))),
    leaf.map((other) =>
      typeof schema === 'boolean' || typeof other === 'boolean' ? schema : { ...other, ...schema },
    ),
  );
}

/** Pairs [sub, sup]: related in both directions, and independent. */
export const pairArb: fc.Arbitrary<[JsonSchema, JsonSchema]> = fc.oneof(
  schemaArb.chain((s) => weaken(s).map((w): [JsonSchema, JsonSchema] => [s, w])),
  schemaArb.chain((s) => weaken(s).map((w): [JsonSchema, JsonSchema] => [w, s])),
  schemaArb.chain((s) => strengthen(s).map((t): [JsonSchema, JsonSchema] => [t, s])),
  schemaArb.chain((s) => strengthen(s).map((t): [JsonSchema, JsonSchema] => [s, t])),
  fc.tuple(schemaArb, schemaArb),
);

/** Every number, string and property name a schema mentions. */
function constants(value: unknown, into: { numbers: Set<number>; strings: Set<string> }): void {
  if (typeof value === 'number') into.numbers.add(value);
  else if (typeof value === 'string') into.strings.add(value);
  else if (Array.isArray(value)) value.forEach((v) => constants(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.strings.add(k);
      constants(v, into);
    }
  }
}

/** Candidate instances for a pair, biased toward the constants the two schemas mention. */
export function candidates(...schemas: JsonSchema[]): unknown[] {
  const found = { numbers: new Set<number>(), strings: new Set<string>() };
  schemas.forEach((s) => constants(s, found));
  const numbers = new Set<number>([0, 0.5, -2.5, 3, 7]);
  for (const n of found.numbers) for (const d of [-1, -0.5, 0, 0.5, 1]) numbers.add(n + d);
  const strings = new Set<string>([
    '',
    'a',
    'b',
    'ab',
    'ba',
    'abc',
    'aaaa',
    'xyz',
    '2024-01-15',
    'u@example.com',
  ]);
  for (const s of found.strings) if (s.length <= 12) strings.add(s);
  for (const n of found.numbers)
    if (Number.isInteger(n) && n >= 0 && n <= 6) strings.add('a'.repeat(n)).add('b'.repeat(n));
  const scalars: unknown[] = [null, true, false, ...numbers, ...strings];
  const small: unknown[] = [null, true, 0, 1, 2.5, -1, 'a', '', 'ab', [], {}, { a: 1 }, [0]];
  const arrays: unknown[] = [[]];
  for (const x of small) {
    arrays.push([x], [x, x]);
    for (const y of small.slice(0, 6)) arrays.push([x, y]);
    arrays.push([x, 'a', 0]);
  }
  const objects: unknown[] = [];
  const names = [...NAMES, 'x1', 'd'];
  const fillings: unknown[] = [0, 'a', null, 2.5, [], {}, true, 'abc', [1], { a: 1 }, -1];
  for (let mask = 0; mask < 1 << names.length; mask++) {
    for (let variant = 0; variant < 4; variant++) {
      const obj: Record<string, unknown> = {};
      names.forEach((name, i) => {
        if (mask & (1 << i)) obj[name] = fillings[(i * 3 + variant * 5 + mask) % fillings.length];
      });
      objects.push(obj);
    }
  }
  const lists: unknown[] = [];
  for (const v of [0, 'a', null, 2.5, -1, true]) {
    lists.push(
      { v },
      { v, next: null },
      { v, next: { v } },
      { v, next: { v: 'b', next: null } },
      { next: { v } },
    );
  }
  return [...scalars, ...arrays, ...objects, ...lists];
}
