// Where a 2020-12 schema keeps its subschemas: the one description of the vocabulary
// that every walk over schemas in this folder uses (well-formedness, ref bundling).
// Anything else in a schema object is data (const, enum, required, …) or an annotation.
import { isSchemaObject, type JsonSchema, type JsonSchemaObject } from './types.js';

/** Keywords whose value is one schema. */
export const SCHEMA_VALUE_KEYWORDS = [
  'not',
  'if',
  'then',
  'else',
  'items',
  'contains',
  'additionalProperties',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
] as const;

/** Keywords whose value is a list of schemas. */
export const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;

/** Keywords whose value maps names to schemas. */
export const SCHEMA_MAP_KEYWORDS = [
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
] as const;

/** A subschema position: the keyword, and the index or name under it for lists and maps. */
export type SubschemaStep = [keyword: string] | [keyword: string, member: string | number];

/** The direct subschemas of a schema object, with the steps that lead to each. */
export function directSubschemas(schema: JsonSchemaObject): { steps: SubschemaStep; schema: JsonSchema }[] {
  const out: { steps: SubschemaStep; schema: JsonSchema }[] = [];
  const push = (steps: SubschemaStep, value: unknown) => {
    if (typeof value === 'boolean' || isSchemaObject(value)) out.push({ steps, schema: value });
  };
  for (const k of SCHEMA_VALUE_KEYWORDS) push([k], schema[k]);
  for (const k of SCHEMA_LIST_KEYWORDS) {
    const list = schema[k];
    if (Array.isArray(list)) list.forEach((v: unknown, i) => push([k, i], v));
  }
  for (const k of SCHEMA_MAP_KEYWORDS) {
    const map = schema[k];
    if (isSchemaObject(map)) for (const [name, v] of Object.entries(map)) push([k, name], v);
  }
  return out;
}

/** A copy of a schema object with each direct subschema replaced by `fn` of it. */
export function mapSubschemas(
  schema: JsonSchemaObject,
  fn: (sub: JsonSchema) => JsonSchema,
): JsonSchemaObject {
  const out: JsonSchemaObject = { ...schema };
  for (const k of SCHEMA_VALUE_KEYWORDS) {
    const v = schema[k];
    if (typeof v === 'boolean' || isSchemaObject(v)) out[k] = fn(v);
  }
  for (const k of SCHEMA_LIST_KEYWORDS) {
    const list = schema[k];
    if (Array.isArray(list))
      out[k] = list.map((v: unknown) => (typeof v === 'boolean' || isSchemaObject(v) ? fn(v) : v));
  }
  for (const k of SCHEMA_MAP_KEYWORDS) {
    const map = schema[k];
    if (isSchemaObject(map)) {
      out[k] = Object.fromEntries(
        Object.entries(map).map(([name, v]) => [
          name,
          typeof v === 'boolean' || isSchemaObject(v) ? fn(v) : v,
        ]),
      );
    }
  }
  return out;
}
