// A located schema: a subschema together with the document it sits in, so that its local
// `$ref`s can be resolved (against the nearest enclosing `$id` resource, as 2020-12 and
// ajv do) and so that ajv can be pointed at it. Locs are cheap values; their `key`
// identifies the schema object and its resource root for memoisation.
import { escapeToken, pointerTokens } from '../../json/pointer.js';
import { isSchemaObject, type JsonSchema, type JsonSchemaObject } from '../types.js';
import { GiveUp } from './context.js';

export interface Loc {
  readonly schema: JsonSchema;
  /** The whole document, as given to isSubschema (after dialect normalisation). */
  readonly doc: JsonSchema;
  /** JSON pointer of `schema` inside `doc`. */
  readonly ptr: string;
  /** The resource root that `#…` refs resolve against, and its pointer inside `doc`. */
  readonly base: JsonSchema;
  readonly basePtr: string;
}

export function rootLoc(doc: JsonSchema): Loc {
  return { schema: doc, doc, ptr: '', base: doc, basePtr: '' };
}

/** A schema with no refs that needs no document (made up by the checker itself). */
export function standalone(schema: JsonSchema): Loc {
  return rootLoc(schema);
}

/** The subschema `value` found at `tokens` below `loc`. */
export function childLoc(loc: Loc, value: JsonSchema, ...tokens: (string | number)[]): Loc {
  const ptr = loc.ptr + tokens.map((t) => `/${escapeToken(t)}`).join('');
  if (isSchemaObject(value) && typeof value.$id === 'string') {
    return { schema: value, doc: loc.doc, ptr, base: value, basePtr: ptr };
  }
  return { schema: value, doc: loc.doc, ptr, base: loc.base, basePtr: loc.basePtr };
}

const ids = new WeakMap<object, number>();
let nextId = 1;

function idOf(value: JsonSchema): string {
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  let id = ids.get(value);
  if (id === undefined) {
    id = nextId++;
    ids.set(value, id);
  }
  return String(id);
}

/** Identity of a located schema: the object, and the resource its refs resolve in. */
export function locKey(loc: Loc): string {
  if (typeof loc.schema === 'boolean') return idOf(loc.schema);
  return `${idOf(loc.schema)}@${idOf(loc.base)}`;
}

export function conjKey(conj: readonly Loc[]): string {
  return conj.map(locKey).join('&');
}

/** Resolves the `$ref` of a located schema, or throws GiveUp when it cannot be followed. */
export function resolveRef(loc: Loc, ref: string): Loc {
  const hash = ref.indexOf('#');
  const resource = hash < 0 ? ref : ref.slice(0, hash);
  const baseId = isSchemaObject(loc.base) ? loc.base.$id : undefined;
  if (resource !== '' && resource !== baseId) {
    throw new GiveUp(`$ref "${ref}" points outside the schema, which the checker does not follow`);
  }
  let fragment: string;
  try {
    fragment = hash < 0 ? '' : decodeURIComponent(ref.slice(hash + 1));
  } catch {
    throw new GiveUp(`$ref "${ref}" is not a valid URI fragment`);
  }
  if (fragment !== '' && !fragment.startsWith('/')) {
    throw new GiveUp(`$ref "${ref}" names an anchor, which the checker does not follow`);
  }
  let current: unknown = loc.base;
  let target: Loc = {
    schema: loc.base,
    doc: loc.doc,
    ptr: loc.basePtr,
    base: loc.base,
    basePtr: loc.basePtr,
  };
  let ptr = loc.basePtr;
  for (const token of pointerTokens(fragment)) {
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(token)) current = current[Number(token)];
    else if (isSchemaObject(current) && Object.hasOwn(current, token)) current = current[token];
    else throw new GiveUp(`$ref "${ref}" does not resolve to anything in the schema`);
    ptr += `/${escapeToken(token)}`;
    if (isSchemaObject(current) && typeof current.$id === 'string') {
      target = { schema: current, doc: loc.doc, ptr, base: current, basePtr: ptr };
    } else {
      target = {
        schema: current as JsonSchema,
        doc: loc.doc,
        ptr,
        base: target.base,
        basePtr: target.basePtr,
      };
    }
  }
  if (typeof current !== 'boolean' && !isSchemaObject(current)) {
    throw new GiveUp(`$ref "${ref}" resolves to something that is not a schema`);
  }
  return target;
}

/** The object form of a located schema, for code that has already handled booleans. */
export function objectOf(loc: Loc): JsonSchemaObject {
  return isSchemaObject(loc.schema) ? loc.schema : {};
}
