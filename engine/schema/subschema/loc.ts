// A located schema: a subschema together with the document it sits in, so that its local
// `$ref`s can be resolved (against the nearest enclosing `$id` resource, as 2020-12 and
// ajv do) and so that ajv can be pointed at it. Locs are cheap values; their `key`
// identifies the schema object and its resource root for memoisation.
import { pointerJoin, pointerTokens } from '../../json/pointer.js';
import { isSchemaObject, type JsonSchema } from '../types.js';
import { GiveUp } from './context.js';

export class Loc {
  private pointer: string | undefined;

  private constructor(
    readonly schema: JsonSchema,
    /** The whole document, as given to isSubschema (after dialect normalisation). */
    readonly doc: JsonSchema,
    /** The enclosing resource (`$id`) root; undefined when this schema is one itself. */
    private readonly resource: Loc | undefined,
    private readonly parent: Loc | undefined,
    private readonly tokens: readonly (string | number)[],
  ) {}

  static root(doc: JsonSchema): Loc {
    return new Loc(doc, doc, undefined, undefined, []);
  }

  /** JSON pointer of `schema` inside `doc` (built on demand: most locs never need it). */
  get ptr(): string {
    this.pointer ??= pointerJoin(this.parent?.ptr ?? '', ...this.tokens);
    return this.pointer;
  }

  /** The resource root that `#…` refs resolve against. */
  get base(): JsonSchema {
    return (this.resource ?? this).schema;
  }

  get baseLoc(): Loc {
    return this.resource ?? this;
  }

  /** The value found at `tokens` below this schema. */
  child(value: JsonSchema, tokens: readonly (string | number)[]): Loc {
    const ownResource = isSchemaObject(value) && typeof value.$id === 'string';
    return new Loc(value, this.doc, ownResource ? undefined : this.baseLoc, this, tokens);
  }
}

export function rootLoc(doc: JsonSchema): Loc {
  return Loc.root(doc);
}

/** The subschema `value` found at `tokens` below `loc`. */
export function childLoc(loc: Loc, value: JsonSchema, ...tokens: (string | number)[]): Loc {
  return loc.child(value, tokens);
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
  let target = loc.baseLoc;
  for (const token of pointerTokens(fragment)) {
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(token)) current = current[Number(token)];
    else if (isSchemaObject(current) && Object.hasOwn(current, token)) current = current[token];
    else throw new GiveUp(`$ref "${ref}" does not resolve to anything in the schema`);
    // Steps through maps and lists too: only the last value must be a schema.
    target = target.child(current as JsonSchema, [token]);
  }
  if (typeof current !== 'boolean' && !isSchemaObject(current)) {
    throw new GiveUp(`$ref "${ref}" resolves to something that is not a schema`);
  }
  return target;
}

/** The refs followed at one value position without reaching a value, newest first. */
export interface RefTrail {
  readonly key: string;
  readonly next: RefTrail | undefined;
}

/** Follows `$ref` to `target`, or throws GiveUp when that closes a cycle that never reaches a value. */
export function extendTrail(trail: RefTrail | undefined, target: Loc, ref: string, at: Loc): RefTrail {
  const key = locKey(target);
  for (let t = trail; t !== undefined; t = t.next) {
    if (t.key === key) {
      throw new GiveUp(
        `$ref "${ref}" at ${at.ptr || '/'} is part of a cycle that never reaches a value`,
        true,
      );
    }
  }
  return { key, next: trail };
}

/** Whether a JSON document has a ref-like key anywhere (iterative: any depth). */
export function containsRef(doc: unknown): boolean {
  const pending: unknown[] = [doc];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const v of value as unknown[]) pending.push(v);
      continue;
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      if (key === '$ref' || key === '$dynamicRef' || key === '$recursiveRef') return true;
      pending.push(record[key]);
    }
  }
  return false;
}
