// Which keywords the checker reads, which it ignores as annotations, and which it knows
// constrain values but does not decide. An upstream keyword the checker does not decide
// may be dropped (the upstream only grows, so "yes" stays sound); a downstream one makes
// the answer unknown. Keys ajv does not know (`x-foo`, typos) are ignored, as ajv does.
import { isSchemaObject, type JsonSchema, type JsonSchemaObject } from '../types.js';

/** Validation keywords ajv applies that the checker does not decide. */
const UNDECIDED = [
  'if',
  'dependentSchemas',
  'unevaluatedProperties',
  'unevaluatedItems',
  '$dynamicRef',
  '$recursiveRef',
  // ajv-formats registers these alongside its formats: they bound dates, times and the like.
  'formatMinimum',
  'formatMaximum',
  'formatExclusiveMinimum',
  'formatExclusiveMaximum',
];

/** The first keyword of `schema` that constrains values in a way the checker does not decide. */
export function undecidedKeyword(schema: JsonSchemaObject): string | undefined {
  const found = UNDECIDED.find((k) => schema[k] !== undefined);
  if (found !== undefined) return found;
  const deps = schema.dependencies;
  if (isSchemaObject(deps) && Object.values(deps).some((v) => !Array.isArray(v))) return 'dependencies';
  return undefined;
}

/** Keywords a schema may carry that never reject a value. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$dynamicAnchor',
  '$comment',
  '$defs',
  'definitions',
  '$vocabulary',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
  'contentSchema',
]);

/** Keywords the fast membership test in finite.ts evaluates itself. */
const FINITE_KEYWORDS = new Set(['type', 'enum', 'const']);

/** A schema made only of `type`, `enum`, `const` and annotations. */
export function isPlainFiniteSchema(schema: JsonSchemaObject): boolean {
  for (const key of Object.keys(schema)) {
    if (!FINITE_KEYWORDS.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-')) return false;
  }
  return true;
}

/** The members of an `allOf`/`anyOf`/`oneOf`, or undefined when the keyword is malformed. */
export function schemaList(value: unknown): JsonSchema[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const list: unknown[] = value;
  return list.every(isSchema) ? list : undefined;
}

export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'boolean' || isSchemaObject(value);
}

/** The value of a count keyword (`minLength`, `maxItems`, …): a non-negative integer, else undefined. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
