// Self-contained schemas for the checker. The checker cuts schemas apart (a property's
// schema, an array's items) and glues pieces from different stages together (a Let's
// scope, a Parallel's output). A local `$ref` only means something relative to its own
// root, so every schema that enters the checker is first *imported*: each `$ref` target
// becomes a top-level `$defs` entry named `<content hash>_<name>` and every ref points
// there. Names from different roots then never collide, and any piece cut out of a
// schema stays meaningful once the root's `$defs` are attached to it.
import { contentId } from '../json/jcs.js';
import { pointerGet, pointerTokens } from '../json/pointer.js';
import { normalizeSchema } from './normalize.js';
import { isSchemaObject, type JsonSchema, type JsonSchemaObject } from './types.js';
import { directSubschemas, mapSubschemas } from './vocabulary.js';

export type Defs = Readonly<Record<string, JsonSchema>>;

/** Root keywords that lose their meaning once a schema is cut apart or combined. */
const ROOT_ONLY = new Set(['$id', '$schema', '$defs', 'definitions', '$anchor', '$dynamicAnchor']);

const imported = new WeakMap<object, JsonSchema>();
const hasRefCache = new WeakMap<object, boolean>();

/**
 * Reads a schema into the checker's form (memoised by identity): draft-04 forms read as
 * 2020-12 when `$schema` says draft-04, then local refs rewritten into namespaced
 * top-level `$defs`.
 */
export function importSchema(schema: JsonSchema): JsonSchema {
  if (!isSchemaObject(schema)) return schema;
  const hit = imported.get(schema);
  if (hit !== undefined) return hit;
  const modern = normalizeSchema(schema);
  const result = !isSchemaObject(modern)
    ? modern
    : containsRef(modern)
      ? rewriteRoot(modern)
      : stripRootKeywords(modern);
  imported.set(schema, result);
  if (isSchemaObject(result)) imported.set(result, result);
  return result;
}

/** The `$defs` of an imported schema. */
export function defsOf(schema: JsonSchema): Defs {
  return isSchemaObject(schema) && isSchemaObject(schema.$defs) ? (schema.$defs as Defs) : {};
}

/** The schema without its `$defs` (to be embedded in another one). */
export function bodyOf(schema: JsonSchema): JsonSchema {
  if (!isSchemaObject(schema) || !('$defs' in schema)) return schema;
  const { $defs: _defs, ...body } = schema;
  return body;
}

/** Attaches definitions to a body, when the body needs them. */
export function withDefs(body: JsonSchema, defs: Defs): JsonSchema {
  if (!isSchemaObject(body) || Object.keys(defs).length === 0 || !containsRef(body)) return body;
  return { ...body, $defs: { ...defs, ...defsOf(body) } };
}

/** Combines imported schemas: their bodies, and the union of their definitions. */
export function hoist(schemas: readonly JsonSchema[]): { bodies: JsonSchema[]; defs: Defs } {
  const defs: Record<string, JsonSchema> = {};
  const bodies = schemas.map((s) => {
    Object.assign(defs, defsOf(s));
    return bodyOf(s);
  });
  return { bodies, defs };
}

/** Follows `$ref` at the top of a body (siblings of a ref apply too, as an allOf). */
export function deref(body: JsonSchema, defs: Defs): JsonSchema {
  let current = body;
  const seen = new Set<string>();
  while (isSchemaObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    const name = defName(ref);
    if (name === undefined || seen.has(name) || !(name in defs)) return current;
    seen.add(name);
    const { $ref: _ref, ...siblings } = current;
    const target = defs[name]!;
    current = Object.keys(siblings).length === 0 ? target : { allOf: [siblings, target] };
  }
  return current;
}

export function containsRef(schema: JsonSchema): boolean {
  if (!isSchemaObject(schema)) return false;
  const hit = hasRefCache.get(schema);
  if (hit !== undefined) return hit;
  let found = false;
  forEachSubschema(schema, (sub) => {
    if (!found && typeof sub.$ref === 'string') found = true;
  });
  hasRefCache.set(schema, found);
  return found;
}

function defName(ref: string): string | undefined {
  const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
  return match ? match[1] : undefined;
}

function stripRootKeywords(schema: JsonSchemaObject): JsonSchema {
  if (!Object.keys(schema).some((k) => ROOT_ONLY.has(k))) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !ROOT_ONLY.has(k)));
}

function rewriteRoot(root: JsonSchemaObject): JsonSchema {
  const ns = contentId(root).slice(0, 8);
  const names = new Map<string, string>();
  const pending: string[] = [];
  const nameFor = (pointer: string): string => {
    let name = names.get(pointer);
    if (name === undefined) {
      const tokens = pointerTokens(pointer);
      const isDef = tokens.length === 2 && (tokens[0] === '$defs' || tokens[0] === 'definitions');
      name = `${ns}_${isDef ? tokens[1]!.replace(/[^A-Za-z0-9_-]/g, '_') : `at${names.size}`}`;
      names.set(pointer, name);
      pending.push(pointer);
    }
    return name;
  };
  const rewriteRef = (ref: string): string => {
    if (ref === '#') return `#/$defs/${nameFor('')}`;
    if (!ref.startsWith('#/')) return ref; // remote or anchor refs stay: the checker says unknown
    const pointer = decodeURIComponent(ref.slice(1));
    if (pointerGet(root, pointer) === undefined) return ref; // unresolvable: reported by wellformedness
    return `#/$defs/${nameFor(pointer)}`;
  };
  const body = rewrite(stripRootKeywords(root), rewriteRef);
  const defs: Record<string, JsonSchema> = {};
  while (pending.length > 0) {
    const pointer = pending.shift()!;
    const target = pointerGet(root, pointer) as JsonSchema;
    defs[names.get(pointer)!] = rewrite(
      isSchemaObject(target) ? stripRootKeywords(target) : target,
      rewriteRef,
    );
  }
  return isSchemaObject(body) ? { ...body, $defs: defs } : body;
}

function rewrite(schema: JsonSchema, rewriteRef: (ref: string) => string): JsonSchema {
  if (!isSchemaObject(schema)) return schema;
  const out = mapSubschemas(schema, (sub) => rewrite(sub, rewriteRef));
  if (typeof schema.$ref === 'string') out.$ref = rewriteRef(schema.$ref);
  return out;
}

/** Calls `fn` on every subschema object (the schema itself included). */
function forEachSubschema(schema: JsonSchema, fn: (sub: JsonSchemaObject) => void): void {
  const stack: JsonSchema[] = [schema];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (!isSchemaObject(current)) continue;
    fn(current);
    for (const child of directSubschemas(current)) stack.push(child.schema);
  }
}
