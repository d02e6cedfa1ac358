// Reading older dialects: rewrites draft-04 forms into their 2020-12 equivalents, so that
// the checker and ajv (which runs 2020-12) read the schema as its author meant it:
// `definitions` → `$defs` (with refs rewritten), boolean `exclusiveMinimum`/`Maximum` →
// numeric, array `items` → `prefixItems` (and `additionalItems` → `items`),
// `dependencies` → `dependentRequired`/`dependentSchemas`, siblings of `$ref` dropped
// (draft-04 ignores them), `id` and `$schema` dropped. It never mutates its input, and
// returns 2020-12 schemas unchanged (same object).
import { escapeToken, pointerTokens } from '../json/pointer.js';
import { isSchemaObject, type Dialect, type JsonSchema, type JsonSchemaObject } from './types.js';

const DRAFT_04 = /^https?:\/\/json-schema\.org\/draft-04\/schema#?$/;

function declaresDraft04(schema: JsonSchema): boolean {
  return isSchemaObject(schema) && typeof schema.$schema === 'string' && DRAFT_04.test(schema.$schema);
}

const normalized = new WeakMap<object, JsonSchema>();

/** The 2020-12 form of a schema: rewritten when it declares draft-04 or `dialect` says so. */
export function normalizeSchema(schema: JsonSchema, dialect?: Dialect): JsonSchema {
  if (!isSchemaObject(schema) || (dialect !== 'draft-04' && !declaresDraft04(schema))) return schema;
  let out = normalized.get(schema);
  if (out === undefined) {
    out = new Draft04(schema).schema(schema);
    normalized.set(schema, out);
  }
  return out;
}

/** Keywords whose value maps names to schemas, in both dialects. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
/** Keywords whose value is one schema. */
const SCHEMA_VALUES = new Set(['not', 'additionalProperties']);

class Draft04 {
  constructor(private readonly root: JsonSchemaObject) {}

  schema(value: unknown): JsonSchema {
    if (!isSchemaObject(value)) return typeof value === 'boolean' ? value : {};
    const out: JsonSchemaObject = {};
    if (typeof value.$ref === 'string') {
      out.$ref = this.ref(value.$ref);
      if (isSchemaObject(value.definitions)) out.$defs = this.map(value.definitions);
      return out;
    }
    for (const [key, v] of Object.entries(value)) {
      if (key === 'id' || key === '$schema' || key === 'additionalItems') continue;
      if (key === 'definitions') out.$defs = isSchemaObject(v) ? this.map(v) : v;
      else if (SCHEMA_MAPS.has(key)) out[key] = isSchemaObject(v) ? this.map(v) : v;
      else if (SCHEMA_LISTS.has(key)) out[key] = Array.isArray(v) ? v.map((m) => this.schema(m)) : v;
      else if (SCHEMA_VALUES.has(key)) out[key] = this.schema(v);
      else if (key === 'items') this.items(value, out);
      else if (key === 'dependencies') this.dependencies(v, out);
      else if (key === 'minimum' || key === 'maximum') this.bound(value, key, out);
      else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
        if (typeof v === 'number') out[key] = v; // already the numeric (draft-06+) form
      } else out[key] = v;
    }
    return out;
  }

  private map(value: JsonSchemaObject): JsonSchemaObject {
    const out: JsonSchemaObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.schema(v);
    return out;
  }

  private items(value: JsonSchemaObject, out: JsonSchemaObject): void {
    if (Array.isArray(value.items)) {
      out.prefixItems = value.items.map((m) => this.schema(m));
      if (value.additionalItems !== undefined) out.items = this.schema(value.additionalItems);
    } else out.items = this.schema(value.items);
  }

  private dependencies(value: unknown, out: JsonSchemaObject): void {
    if (!isSchemaObject(value)) return;
    const required: JsonSchemaObject = {};
    const schemas: JsonSchemaObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (Array.isArray(v)) required[k] = v;
      else schemas[k] = this.schema(v);
    }
    if (Object.keys(required).length > 0) out.dependentRequired = required;
    if (Object.keys(schemas).length > 0) out.dependentSchemas = schemas;
  }

  private bound(value: JsonSchemaObject, key: 'minimum' | 'maximum', out: JsonSchemaObject): void {
    const exclusive = key === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum';
    if (value[exclusive] === true) out[exclusive] = value[key];
    else out[key] = value[key];
  }

  /** A local ref, its pointer rewritten through the renamed keywords of the original document. */
  private ref(ref: string): string {
    if (!ref.startsWith('#')) return ref;
    let tokens: string[];
    try {
      tokens = pointerTokens(decodeURIComponent(ref.slice(1)));
    } catch {
      return ref;
    }
    const out: string[] = [];
    let node: unknown = this.root;
    let position = 'schema' as Position;
    for (const [i, token] of tokens.entries()) {
      const parent = node;
      node =
        isSchemaObject(parent) || Array.isArray(parent)
          ? (parent as Record<string, unknown>)[token]
          : undefined;
      if (position === 'schema' && isSchemaObject(parent)) {
        const [renamed, next] = keyword(parent, token, tokens[i + 1]);
        out.push(renamed);
        position = next;
      } else {
        out.push(token);
        position = position === 'map' || position === 'list' ? 'schema' : 'data';
      }
    }
    return `#${out.map((t) => `/${encodeToken(t)}`).join('')}`;
  }
}

/** What a pointer token stands at: a schema, a map or list of schemas, or plain data. */
type Position = 'schema' | 'map' | 'list' | 'data';

/** How a keyword of a draft-04 schema is named in 2020-12, and what its value holds. */
function keyword(parent: JsonSchemaObject, token: string, next: string | undefined): [string, Position] {
  if (token === 'definitions') return ['$defs', 'map'];
  if (SCHEMA_MAPS.has(token)) return [token, 'map'];
  if (SCHEMA_LISTS.has(token)) return [token, 'list'];
  if (SCHEMA_VALUES.has(token)) return [token, 'schema'];
  if (token === 'items') return Array.isArray(parent.items) ? ['prefixItems', 'list'] : ['items', 'schema'];
  if (token === 'additionalItems') return ['items', 'schema'];
  if (token === 'dependencies') {
    const dep =
      next !== undefined && isSchemaObject(parent.dependencies) ? parent.dependencies[next] : undefined;
    return Array.isArray(dep) ? ['dependentRequired', 'data'] : ['dependentSchemas', 'map'];
  }
  return [token, 'data'];
}

function encodeToken(token: string): string {
  const escaped = escapeToken(token);
  return /^[\w.\-~$]*$/.test(escaped) ? escaped : encodeURIComponent(escaped);
}
