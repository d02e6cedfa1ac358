// Schema operations for the graph checker: the schema a Parallel branch receives, the
// scope a Let body sees, a Map's element, a Fanout's tuple. Every result describing
// values a node may *produce* is an over-approximation (it may admit more values than
// are possible, never fewer), so the checker's `yes` stays sound; precision is kept for
// the plain object schemas that stages declare. Inputs and outputs are imported
// schemas (see bundle.ts): refs point at top-level, namespaced `$defs`.
import { canonicalJson } from '../json/jcs.js';
import { bodyOf, defsOf, deref, hoist, withDefs, type Defs } from './bundle.js';
import { kindOf, KINDS, type Kind } from './subschema/kinds.js';
import { isSchemaObject, type JsonSchema, type JsonSchemaObject } from './types.js';

/** Beyond this depth of combinators and refs, answers fall back to "could be anything". */
const MAX_DEPTH = 24;

/** The JSON types a schema may admit (an over-approximation; integer counts as number). */
function typesIn(schema: JsonSchema, defs: Defs, depth: number): Set<Kind> {
  if (schema === false) return new Set();
  if (schema === true || depth > MAX_DEPTH) return new Set(KINDS);
  const s = deref(schema, defs);
  if (!isSchemaObject(s)) return typesIn(s, defs, depth + 1);
  let types = new Set<Kind>(KINDS);
  const keep = (allowed: Iterable<Kind | undefined>) => {
    const allowedSet = new Set(allowed);
    types = new Set([...types].filter((t) => allowedSet.has(t)));
  };
  if (typeof s.type === 'string' || Array.isArray(s.type)) {
    const listed = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    keep(listed.map((t) => (t === 'integer' ? 'number' : (t as Kind))));
  }
  if ('const' in s) keep([kindOf(s.const)]);
  if (Array.isArray(s.enum)) keep((s.enum as unknown[]).map(kindOf));
  for (const c of schemaList(s.allOf)) keep(typesIn(c, defs, depth + 1));
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[key])) keep(schemaList(s[key]).flatMap((b) => [...typesIn(b, defs, depth + 1)]));
  }
  if (typeof s.$ref === 'string') keep(typesIn({ $ref: s.$ref }, defs, depth + 1));
  return types;
}

export type Presence = 'always' | 'never' | 'maybe';

/** Whether the values of a schema are objects with an own property `key`. */
export function hasProperty(schema: JsonSchema, key: string): Presence {
  return presenceIn(bodyOf(schema), defsOf(schema), key, 0);
}

function presenceIn(schema: JsonSchema, defs: Defs, key: string, depth: number): Presence {
  if (schema === false) return 'never';
  if (schema === true || depth > MAX_DEPTH) return 'maybe';
  const s = deref(schema, defs);
  if (!isSchemaObject(s)) return presenceIn(s, defs, key, depth + 1);
  const types = typesIn(s, defs, depth);
  if (!types.has('object')) return 'never';
  const answers: Presence[] = [];
  if (ownPropertySchemas(s, key).some((p) => p === false)) answers.push('never');
  if (types.size === 1 && Array.isArray(s.required) && s.required.includes(key)) answers.push('always');
  for (const c of schemaList(s.allOf)) answers.push(presenceIn(c, defs, key, depth + 1));
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (!Array.isArray(s[k])) continue;
    const branches = schemaList(s[k]).map((b) => presenceIn(b, defs, key, depth + 1));
    if (branches.every((b) => b === 'never')) answers.push('never');
    else if (branches.every((b) => b === 'always')) answers.push('always');
  }
  if (answers.includes('never')) return 'never';
  return answers.includes('always') ? 'always' : 'maybe';
}

/** The values found at `key` in the objects of a schema that have it. */
export function propertyOf(schema: JsonSchema, key: string): JsonSchema {
  const defs = defsOf(schema);
  return withDefs(propertyIn(bodyOf(schema), defs, key, 0), defs);
}

function propertyIn(schema: JsonSchema, defs: Defs, key: string, depth: number): JsonSchema {
  if (schema === false) return false;
  if (schema === true || depth > MAX_DEPTH) return true;
  const s = deref(schema, defs);
  if (!isSchemaObject(s)) return propertyIn(s, defs, key, depth + 1);
  if (!typesIn(s, defs, depth).has('object')) return false;
  const parts: JsonSchema[] = [...ownPropertySchemas(s, key)];
  const fromValues = (values: unknown[]) =>
    anyOfBodies(
      values
        .filter((v) => kindOf(v) === 'object' && Object.hasOwn(v as object, key))
        .map((v) => ({
          const: (v as Record<string, unknown>)[key],
        })),
    );
  if ('const' in s) parts.push(fromValues([s.const]));
  if (Array.isArray(s.enum)) parts.push(fromValues(s.enum as unknown[]));
  for (const c of schemaList(s.allOf)) parts.push(propertyIn(c, defs, key, depth + 1));
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k]))
      parts.push(anyOfBodies(schemaList(s[k]).map((b) => propertyIn(b, defs, key, depth + 1))));
  }
  return allOfBodies(parts);
}

/** The subschemas an object's own property `key` must satisfy, from this level's keywords. */
function ownPropertySchemas(s: JsonSchemaObject, key: string): JsonSchema[] {
  const properties = isSchemaObject(s.properties) ? s.properties : {};
  if (Object.hasOwn(properties, key)) return [properties[key] as JsonSchema];
  const patterns = isSchemaObject(s.patternProperties) ? s.patternProperties : {};
  const matched = Object.entries(patterns)
    .filter(([pattern]) => patternMatches(pattern, key))
    .map(([, sub]) => sub as JsonSchema);
  if (matched.length > 0) return matched;
  return 'additionalProperties' in s ? [s.additionalProperties as JsonSchema] : [];
}

function patternMatches(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false; // an invalid pattern is reported by wellformedness; here it constrains nothing
  }
}

/** The values of a schema that are not objects with an own property `key`. */
export function withoutProperty(schema: JsonSchema, key: string): JsonSchema {
  if (schema === false) return false;
  const base: JsonSchemaObject = schema === true ? {} : schema;
  const properties = isSchemaObject(base.properties) ? base.properties : {};
  return { ...base, properties: { ...properties, [key]: false } };
}

/**
 * The objects of `schema` with each property of `replacements` set to a value of its
 * schema, replacing whatever was there (a Let's scope, a Stage's config merged over
 * its input). Constraints that a replacement could break are dropped.
 */
export function replaceProperties(schema: JsonSchema, replacements: Record<string, JsonSchema>): JsonSchema {
  // Memoised by the identity of the operands, so that equal scopes are the same object and
  // the subschema checker's identity memo answers the edges that follow them.
  const memoKey = Object.entries(replacements)
    .map(([k, v]) => `${JSON.stringify(k)}:${identity(v)}`)
    .join(',');
  const memo = memoFor(replaced, schema);
  const hit = memo.get(memoKey);
  if (hit !== undefined) return hit;
  const result = computeReplaced(schema, replacements);
  memo.set(memoKey, result);
  return result;
}

function computeReplaced(schema: JsonSchema, replacements: Record<string, JsonSchema>): JsonSchema {
  const keys = Object.keys(replacements);
  const { bodies, defs } = hoist([schema, ...Object.values(replacements)]);
  const replaced = Object.fromEntries(keys.map((k, i) => [k, bodies[i + 1]!]));
  return withDefs(replaceIn(bodies[0]!, defs, keys, replaced, 0), defs);
}

const replaced = new WeakMap<object, Map<string, JsonSchema>>();
const booleanMemos = new Map<boolean, Map<string, JsonSchema>>();
const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identity(schema: JsonSchema): string {
  if (typeof schema === 'boolean') return String(schema);
  let id = identities.get(schema);
  if (id === undefined) identities.set(schema, (id = nextIdentity++));
  return `#${id}`;
}

function memoFor(
  table: WeakMap<object, Map<string, JsonSchema>>,
  schema: JsonSchema,
): Map<string, JsonSchema> {
  const holder = typeof schema === 'boolean' ? booleanMemos : undefined;
  let memo = holder ? holder.get(schema as boolean) : table.get(schema as object);
  if (memo === undefined) {
    memo = new Map();
    if (holder) holder.set(schema as boolean, memo);
    else table.set(schema as object, memo);
  }
  return memo;
}

function replaceIn(
  schema: JsonSchema,
  defs: Defs,
  keys: string[],
  replaced: Record<string, JsonSchema>,
  depth: number,
): JsonSchema {
  if (schema === false) return false;
  const own: JsonSchemaObject = { type: 'object', properties: replaced, required: keys };
  if (schema === true || depth > MAX_DEPTH) return own;
  const s = deref(schema, defs);
  if (!isSchemaObject(s)) return replaceIn(s, defs, keys, replaced, depth + 1);
  if (!typesIn(s, defs, depth).has('object')) return false;
  const properties = isSchemaObject(s.properties) ? s.properties : {};
  own.properties = { ...properties, ...replaced };
  own.required = [...new Set([...(Array.isArray(s.required) ? (s.required as string[]) : []), ...keys])];
  // A pattern that matches a replaced key would constrain the new value: it goes, and so
  // does additionalProperties, which would otherwise take over the keys it matched.
  const patterns = isSchemaObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
  const kept = patterns.filter(([p]) => !keys.some((k) => patternMatches(p, k)));
  if (kept.length > 0) own.patternProperties = Object.fromEntries(kept);
  if ('additionalProperties' in s && kept.length === patterns.length)
    own.additionalProperties = s.additionalProperties;
  if (typeof s.minProperties === 'number') own.minProperties = s.minProperties;
  if (isSchemaObject(s.dependentRequired)) {
    const kept = Object.entries(s.dependentRequired).filter(([trigger]) => !keys.includes(trigger));
    if (kept.length > 0) own.dependentRequired = Object.fromEntries(kept);
  }
  const parts: JsonSchema[] = [own];
  for (const c of schemaList(s.allOf)) parts.push(replaceIn(c, defs, keys, replaced, depth + 1));
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k]))
      parts.push(anyOfBodies(schemaList(s[k]).map((b) => replaceIn(b, defs, keys, replaced, depth + 1))));
  }
  return allOfBodies(parts);
}

/** Drops what a schema requires of the given properties (they are provided elsewhere). */
export function relaxProperties(schema: JsonSchema, keys: readonly string[]): JsonSchema {
  if (!isSchemaObject(schema) || keys.length === 0) return schema;
  const properties = isSchemaObject(schema.properties) ? schema.properties : {};
  const out: JsonSchemaObject = {
    ...schema,
    properties: { ...properties, ...Object.fromEntries(keys.map((k) => [k, true])) },
  };
  if (Array.isArray(schema.required))
    out.required = (schema.required as string[]).filter((k) => !keys.includes(k));
  return out;
}

/** The elements of a schema's arrays. */
export function itemsOf(schema: JsonSchema): JsonSchema {
  const defs = defsOf(schema);
  return withDefs(itemsIn(bodyOf(schema), defs, 0), defs);
}

function itemsIn(schema: JsonSchema, defs: Defs, depth: number): JsonSchema {
  if (schema === false) return false;
  if (schema === true || depth > MAX_DEPTH) return true;
  const s = deref(schema, defs);
  if (!isSchemaObject(s)) return itemsIn(s, defs, depth + 1);
  if (!typesIn(s, defs, depth).has('array')) return false;
  const parts: JsonSchema[] = [];
  const rest = 'items' in s ? (s.items as JsonSchema) : true;
  parts.push(Array.isArray(s.prefixItems) ? anyOfBodies([...schemaList(s.prefixItems), rest]) : rest);
  const fromValues = (values: unknown[]) =>
    anyOfBodies(values.filter(Array.isArray).flatMap((v: unknown[]) => v.map((e) => ({ const: e }))));
  if ('const' in s) parts.push(fromValues([s.const]));
  if (Array.isArray(s.enum)) parts.push(fromValues(s.enum as unknown[]));
  for (const c of schemaList(s.allOf)) parts.push(itemsIn(c, defs, depth + 1));
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[k]))
      parts.push(anyOfBodies(schemaList(s[k]).map((b) => itemsIn(b, defs, depth + 1))));
  }
  return allOfBodies(parts);
}

/** A closed object with exactly these (required) properties. */
export function objectOf(properties: Record<string, JsonSchema>): JsonSchema {
  const keys = Object.keys(properties);
  const { bodies, defs } = hoist(Object.values(properties));
  const body = {
    type: 'object',
    properties: Object.fromEntries(keys.map((k, i) => [k, bodies[i]!])),
    required: keys,
    additionalProperties: false,
  };
  return withDefs(body, defs);
}

/** An array whose elements are values of `items`. */
export function arrayOf(items: JsonSchema): JsonSchema {
  const defs = defsOf(items);
  return withDefs({ type: 'array', items: bodyOf(items) }, defs);
}

/** A fixed-length array: element i is a value of `elements[i]`. */
export function tupleOf(elements: readonly JsonSchema[]): JsonSchema {
  const { bodies, defs } = hoist(elements);
  return withDefs(
    { type: 'array', prefixItems: bodies, items: false, minItems: bodies.length, maxItems: bodies.length },
    defs,
  );
}

/** The union of schemas (duplicates removed). */
export function anyOfSchemas(schemas: readonly JsonSchema[]): JsonSchema {
  const { bodies, defs } = hoist(schemas);
  return withDefs(anyOfBodies(bodies), defs);
}

/** The intersection of schemas; plain object schemas are merged into one, for readability. */
export function allOfSchemas(schemas: readonly JsonSchema[]): JsonSchema {
  const { bodies, defs } = hoist(schemas);
  return withDefs(mergeObjects(allOfBodies(bodies)), defs);
}

const PLAIN_OBJECT_KEYWORDS = new Set(['type', 'properties', 'required', 'title', 'description']);

function mergeObjects(schema: JsonSchema): JsonSchema {
  if (!isSchemaObject(schema) || !Array.isArray(schema.allOf) || Object.keys(schema).length !== 1)
    return schema;
  const conjuncts = schemaList(schema.allOf);
  const plain = conjuncts.every(
    (c) =>
      isSchemaObject(c) && c.type === 'object' && Object.keys(c).every((k) => PLAIN_OBJECT_KEYWORDS.has(k)),
  );
  if (!plain) return schema;
  // A Map, not an object: property names such as "toString" or "__proto__" are data here.
  const properties = new Map<string, JsonSchema>();
  const required = new Set<string>();
  for (const c of conjuncts as JsonSchemaObject[]) {
    for (const [k, v] of Object.entries((c.properties ?? {}) as Record<string, JsonSchema>)) {
      const earlier = properties.get(k);
      properties.set(k, earlier === undefined ? v : allOfBodies([earlier, v]));
    }
    for (const k of (c.required ?? []) as string[]) required.add(k);
  }
  return { type: 'object', properties: Object.fromEntries(properties), required: [...required] };
}

function anyOfBodies(bodies: readonly JsonSchema[]): JsonSchema {
  if (bodies.some((b) => b === true)) return true;
  const unique = dedupe(bodies.filter((b) => b !== false));
  if (unique.length === 0) return false;
  if (unique.length === 1) return unique[0]!;
  return { anyOf: unique };
}

function allOfBodies(bodies: readonly JsonSchema[]): JsonSchema {
  if (bodies.some((b) => b === false)) return false;
  const unique = dedupe(bodies.filter((b) => b !== true));
  if (unique.length === 0) return true;
  if (unique.length === 1) return unique[0]!;
  return { allOf: unique };
}

function dedupe(bodies: readonly JsonSchema[]): JsonSchema[] {
  const seen = new Set<string>();
  return bodies.filter((b) => {
    const text = canonicalJson(b);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

function schemaList(value: unknown): JsonSchema[] {
  return Array.isArray(value) ? (value as JsonSchema[]) : [];
}
