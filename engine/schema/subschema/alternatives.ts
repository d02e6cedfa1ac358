// The upstream side of a comparison, read kind by kind: for each kind of JSON value, the
// schema becomes a list of alternatives (a union), each a conjunction of one kind's
// keywords (a facet), possibly a finite set of values, and negated schemas still to be
// honoured. `allOf` and `$ref` intersect, `anyOf` and `oneOf` unite (oneOf loses its
// exclusivity: an over-approximation, which is safe upstream), `not` subtracts what it
// can. The reading may only ever admit more values than the schema does (then `approx`
// is set), never fewer: dropping an alternative requires proof that it is empty.
import { isSchemaObject, type JsonSchemaObject } from '../types.js';
import type { Context } from './context.js';
import { includesValue } from './finite.js';
import {
  ANY_ARRAY,
  intersectArrays,
  isEmptyArray,
  isTopArray,
  mayAdmitArray,
  readArray,
  type ArrayFacet,
} from './arrays.js';
import { isSchema, schemaList, undecidedKeyword } from './keywords.js';
import { KINDS, kindOf, readType, type Kind } from './kinds.js';
import { childLoc, extendTrail, resolveRef, type Loc, type RefTrail } from './loc.js';
import {
  admitsNumber,
  ANY_NUMBER,
  intersectNumbers,
  isEmptyNumber,
  isTopNumber,
  readNumber,
  type NumberFacet,
} from './numbers.js';
import {
  ANY_OBJECT,
  intersectObjects,
  isEmptyObject,
  isTopObject,
  mayAdmitObject,
  readObject,
  type ObjectFacet,
} from './objects.js';
import {
  admitsString,
  ANY_STRING,
  intersectStrings,
  isEmptyString,
  isTopString,
  readString,
  type StringFacet,
} from './strings.js';

export type Facet =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean' }
  | NumberFacet
  | StringFacet
  | ArrayFacet
  | ObjectFacet;

export interface Alt {
  readonly facet: Facet;
  /** When set, the alternative admits at most these values. */
  readonly values: readonly unknown[] | undefined;
  /** Schemas the values must not match (from `not`), not yet taken into account. */
  readonly nots: readonly Loc[];
  /** Some keyword was not read: the alternative may admit more values than the schema. */
  readonly approx: boolean;
}

/** Alternatives beyond which an intersection is approximated (anyOf inside allOf multiplies them). */
const MAX_ALTERNATIVES = 64;

function topFacet(kind: Kind): Facet {
  switch (kind) {
    case 'null':
    case 'boolean':
      return { kind };
    case 'number':
      return ANY_NUMBER;
    case 'string':
      return ANY_STRING;
    case 'array':
      return ANY_ARRAY;
    case 'object':
      return ANY_OBJECT;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

const topAlts = new Map<Kind, Alt>();

/** The alternative admitting every value of a kind (shared: it starts every reading). */
function topAlt(kind: Kind): Alt {
  let alt = topAlts.get(kind);
  if (alt === undefined) {
    alt = { facet: topFacet(kind), values: undefined, nots: [], approx: false };
    topAlts.set(kind, alt);
  }
  return alt;
}

function isTopFacet(f: Facet): boolean {
  switch (f.kind) {
    case 'null':
    case 'boolean':
      return true;
    case 'number':
      return isTopNumber(f);
    case 'string':
      return isTopString(f);
    case 'array':
      return isTopArray(f);
    case 'object':
      return isTopObject(f);
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** Admits every value of its kind, for certain. */
function isExactTop(alt: Alt): boolean {
  return !alt.approx && alt.values === undefined && alt.nots.length === 0 && isTopFacet(alt.facet);
}

function isEmptyFacet(f: Facet): boolean {
  switch (f.kind) {
    case 'null':
    case 'boolean':
      return false;
    case 'number':
      return isEmptyNumber(f);
    case 'string':
      return isEmptyString(f);
    case 'array':
      return isEmptyArray(f);
    case 'object':
      return isEmptyObject(f);
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** False only when ajv certainly rejects `value` (of the facet's kind) for this facet. */
export function mayAdmit(f: Facet, value: unknown): boolean {
  switch (f.kind) {
    case 'null':
    case 'boolean':
      return true;
    case 'number':
      return typeof value === 'number' && admitsNumber(f, value);
    case 'string':
      return typeof value === 'string' && admitsString(f, value);
    case 'array':
      return Array.isArray(value) && mayAdmitArray(f, value);
    case 'object':
      return isSchemaObject(value) && mayAdmitObject(f, value);
    default: {
      const never: never = f;
      return never;
    }
  }
}

function intersectFacets(a: Facet, b: Facet): Facet {
  switch (a.kind) {
    case 'null':
    case 'boolean':
      return a;
    case 'number':
      return b.kind === 'number' ? intersectNumbers(a, b) : a;
    case 'string':
      return b.kind === 'string' ? intersectStrings(a, b) : a;
    case 'array':
      return b.kind === 'array' ? intersectArrays(a, b) : a;
    case 'object':
      return b.kind === 'object' ? intersectObjects(a, b) : a;
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** The intersection of two alternatives of one kind, or undefined when it is surely empty. */
export function intersectAlt(a: Alt, b: Alt): Alt | undefined {
  if (a === topAlt(a.facet.kind)) return b;
  if (b === topAlt(b.facet.kind)) return a;
  const facet = intersectFacets(a.facet, b.facet);
  if (isEmptyFacet(facet)) return undefined;
  const bValues = b.values;
  let values =
    a.values === undefined
      ? bValues
      : bValues === undefined
        ? a.values
        : a.values.filter((v) => includesValue(bValues, v));
  if (values !== undefined) {
    values = values.filter((v) => mayAdmit(facet, v));
    if (values.length === 0) return undefined;
  }
  return { facet, values, nots: [...a.nots, ...b.nots], approx: a.approx || b.approx };
}

/** The same alternatives, each marked as possibly admitting more than the schema. */
function approximate(alts: readonly Alt[]): Alt[] {
  return alts.map((a) => (a.approx ? a : { ...a, approx: true }));
}

function intersectAll(as: readonly Alt[], bs: readonly Alt[]): Alt[] {
  // A ∩ B lies within A: past the limit keep the smaller side alone, an over-approximation.
  if (as.length * bs.length > MAX_ALTERNATIVES) return approximate(as.length <= bs.length ? as : bs);
  const out: Alt[] = [];
  for (const a of as) {
    for (const b of bs) {
      const both = intersectAlt(a, b);
      if (both !== undefined) out.push(both);
    }
  }
  return out;
}

export type Reading = { readonly alt: Alt } | { readonly none: 'type' | 'values' };

/** The alternative one schema object's own keywords describe for `kind` (no combinators, no refs). */
export function readAlt(loc: Loc, kind: Kind): Reading {
  const s = loc.schema;
  if (typeof s === 'boolean') return s ? { alt: topAlt(kind) } : { none: 'type' };
  const type = readType(s);
  let approx = type?.malformed ?? false;
  if (type !== undefined && !type.kinds.has(kind)) return { none: 'type' };
  let values: unknown[] | undefined;
  if (s.const !== undefined) {
    if (kindOf(s.const) !== kind) return { none: 'values' };
    values = [s.const];
  }
  if (s.enum !== undefined) {
    if (!Array.isArray(s.enum)) approx = true;
    else {
      const listed = s.enum.filter((v) => kindOf(v) === kind);
      values = values === undefined ? listed : values.filter((v) => includesValue(listed, v));
      if (values.length === 0) return { none: 'values' };
    }
  }
  const { facet, approx: unread } = readFacet(loc, s, kind, type?.integerOnly ?? false);
  if (values !== undefined) {
    values = values.filter((v) => mayAdmit(facet, v));
    if (values.length === 0) return { none: 'values' };
  }
  return { alt: { facet, values, nots: [], approx: approx || unread } };
}

/** One kind's keywords of a schema object; `approx` when some of them could not be read. */
function readFacet(
  loc: Loc,
  s: JsonSchemaObject,
  kind: Kind,
  integerOnly: boolean,
): { facet: Facet; approx: boolean } {
  switch (kind) {
    case 'null':
    case 'boolean':
      return { facet: { kind }, approx: false };
    case 'number':
      return readNumber(s, integerOnly);
    case 'string':
      return readString(s);
    case 'array':
      return readArray(loc, s);
    case 'object':
      return readObject(loc, s);
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * The kinds a conjunction may have values of, from `type`, `const` and `enum` alone:
 * combinators beside them only restrict further, so the other kinds need no reading.
 */
export function possibleKinds(conj: readonly Loc[]): Kind[] {
  let kinds: Kind[] = [...KINDS];
  for (const { schema } of conj) {
    if (schema === false) return [];
    if (schema === true) continue;
    const type = readType(schema);
    if (type !== undefined) kinds = kinds.filter((k) => type.kinds.has(k));
    if (schema.const !== undefined) kinds = kinds.filter((k) => k === kindOf(schema.const));
    const listed = schema.enum;
    if (Array.isArray(listed)) kinds = kinds.filter((k) => listed.some((v) => kindOf(v) === k));
  }
  return kinds;
}

/** The alternatives of a conjunction of located schemas, for one kind. */
export function expand(conj: readonly Loc[], kind: Kind, ctx: Context): Alt[] {
  let alts: Alt[] = [topAlt(kind)];
  for (const loc of conj) {
    alts = intersectAll(alts, expandOne(loc, kind, ctx, undefined));
    if (alts.length === 0) break;
  }
  return alts;
}

/** `trail` holds the refs followed without reaching a value: meeting one again is a cycle. */
function expandOne(loc: Loc, kind: Kind, ctx: Context, trail: RefTrail | undefined): Alt[] {
  ctx.tick();
  const s = loc.schema;
  const read = readAlt(loc, kind);
  if ('none' in read) return [];
  if (typeof s === 'boolean') return [read.alt];
  let alts: Alt[] = [read.alt];
  let approx = undecidedKeyword(s) !== undefined;
  if (typeof s.$ref === 'string') {
    const target = resolveRef(loc, s.$ref);
    alts = intersectAll(alts, expandOne(target, kind, ctx, extendTrail(trail, target, s.$ref, loc)));
  } else if (s.$ref !== undefined) approx = true;
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (s[keyword] === undefined || alts.length === 0) continue;
    const members = schemaList(s[keyword]);
    if (members === undefined) {
      approx = true;
      continue;
    }
    const branches = members.map((m, i) => expandOne(childLoc(loc, m, keyword, i), kind, ctx, trail));
    if (keyword === 'allOf') {
      for (const branch of branches) alts = intersectAll(alts, branch);
    } else {
      const union = branches.flat();
      const inexact = keyword === 'oneOf' && branches.filter((b) => b.length > 0).length > 1;
      alts = intersectAll(alts, inexact ? approximate(union) : union);
    }
  }
  if (s.not !== undefined && alts.length > 0) {
    if (isSchema(s.not)) alts = subtract(alts, childLoc(loc, s.not, 'not'), kind, ctx, trail);
    else approx = true;
  }
  return approx ? approximate(alts) : alts;
}

/** `alts` minus the values of `negated`: whole kinds drop out, the rest is remembered. */
function subtract(alts: Alt[], negated: Loc, kind: Kind, ctx: Context, trail: RefTrail | undefined): Alt[] {
  const removed = expandOne(negated, kind, ctx, trail);
  if (removed.length === 0) return alts;
  if (removed.some(isExactTop)) return [];
  return alts.map((a) => ({ ...a, nots: [...a.nots, negated] }));
}
