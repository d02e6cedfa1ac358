// The array part of a schema: counts, uniqueness, per-position item schemas (a tuple of
// `prefixItems` then `items` for the rest) and `contains` rules, and how one such part
// covers another. Items are compared position by position, only where upstream arrays
// can actually reach.
import { isSchemaObject, type JsonSchemaObject } from '../types.js';
import type { Context } from './context.js';
import { compareConj } from './covers.js';
import { deepEqual } from './finite.js';
import { count, isSchema, schemaList } from './keywords.js';
import { childLoc, type Loc } from './loc.js';
import { Conjunction, nested, no, unknown, upTo, YES, type Res } from './result.js';
import { sampleConj } from './witness.js';

export interface ContainsRule {
  readonly schema: Loc;
  readonly min: number;
  readonly max: number;
}

export interface ArrayFacet {
  readonly kind: 'array';
  readonly minItems: number;
  readonly maxItems: number;
  readonly unique: boolean;
  /** Schemas (a conjunction) for each leading position; `rest` for the positions after. */
  readonly tuple: readonly (readonly Loc[])[];
  readonly rest: readonly Loc[];
  readonly contains: readonly ContainsRule[];
}

export const ANY_ARRAY: ArrayFacet = {
  kind: 'array',
  minItems: 0,
  maxItems: Infinity,
  unique: false,
  tuple: [],
  rest: [],
  contains: [],
};

export function readArray(loc: Loc, s: JsonSchemaObject): { facet: ArrayFacet; approx: boolean } {
  let approx = false;
  let tuple: Loc[][] = [];
  if (s.prefixItems !== undefined) {
    const list = schemaList(s.prefixItems);
    if (list === undefined) approx = true;
    else tuple = list.map((p, i) => [childLoc(loc, p, 'prefixItems', i)]);
  }
  let rest: Loc[] = [];
  if (s.items !== undefined) {
    if (isSchema(s.items)) rest = [childLoc(loc, s.items, 'items')];
    else approx = true;
  }
  const contains: ContainsRule[] = [];
  if (s.contains !== undefined && tuple.length > 0) {
    // ajv (8.x) skips `contains` on arrays shorter than `prefixItems`: not a rule to rely on.
    approx = true;
  } else if (s.contains !== undefined) {
    if (isSchema(s.contains)) {
      const min = s.minContains === undefined ? 1 : count(s.minContains);
      const max = s.maxContains === undefined ? Infinity : count(s.maxContains);
      if (min === undefined || max === undefined) approx = true;
      contains.push({ schema: childLoc(loc, s.contains, 'contains'), min: min ?? 1, max: max ?? Infinity });
    } else approx = true;
  }
  const minItems = count(s.minItems);
  const maxItems = count(s.maxItems);
  if (
    (s.minItems !== undefined && minItems === undefined) ||
    (s.maxItems !== undefined && maxItems === undefined)
  ) {
    approx = true;
  }
  let unique = s.uniqueItems === true;
  if (unique && tuple.length > 0 && isSchemaObject(s.items) && s.items.type !== undefined) {
    // ajv (8.x) then compares only the items of `items`' type for uniqueness, prefix items included.
    [unique, approx] = [false, true];
  }
  const facet: ArrayFacet = {
    kind: 'array',
    minItems: minItems ?? 0,
    maxItems: maxItems ?? Infinity,
    unique,
    tuple,
    rest,
    contains,
  };
  return { facet, approx };
}

export function itemsAt(f: ArrayFacet, index: number): readonly Loc[] {
  return f.tuple[index] ?? f.rest;
}

export function intersectArrays(a: ArrayFacet, b: ArrayFacet): ArrayFacet {
  const length = Math.max(a.tuple.length, b.tuple.length);
  const tuple: Loc[][] = [];
  for (let i = 0; i < length; i++) tuple.push([...itemsAt(a, i), ...itemsAt(b, i)]);
  return {
    kind: 'array',
    minItems: Math.max(a.minItems, b.minItems),
    maxItems: Math.min(a.maxItems, b.maxItems),
    unique: a.unique || b.unique,
    tuple,
    rest: [...a.rest, ...b.rest],
    contains: [...a.contains, ...b.contains],
  };
}

export function isTopArray(f: ArrayFacet): boolean {
  return (
    f.minItems === 0 &&
    f.maxItems === Infinity &&
    !f.unique &&
    f.tuple.every((t) => t.length === 0) &&
    f.rest.length === 0 &&
    f.contains.length === 0
  );
}

/** The most items an array can have: `maxItems`, or the first position that accepts nothing. */
export function maxItemsBound(f: ArrayFacet): number {
  let bound = f.maxItems;
  const closed = f.tuple.findIndex((t) => t.some((l) => l.schema === false));
  if (closed >= 0) bound = Math.min(bound, closed);
  if (f.rest.some((l) => l.schema === false)) bound = Math.min(bound, f.tuple.length);
  return bound;
}

function minItemsBound(f: ArrayFacet): number {
  return Math.max(f.minItems, ...f.contains.map((c) => c.min));
}

export function isEmptyArray(f: ArrayFacet): boolean {
  return minItemsBound(f) > maxItemsBound(f);
}

/** False only when ajv certainly rejects the array (its length is out of bounds). */
export function mayAdmitArray(f: ArrayFacet, value: readonly unknown[]): boolean {
  return value.length >= f.minItems && value.length <= maxItemsBound(f);
}

export function arraysCover(sub: ArrayFacet, sup: ArrayFacet, ctx: Context): Res {
  const subMin = minItemsBound(sub);
  const subMax = maxItemsBound(sub);
  if (subMin > subMax) return YES;
  const c = new Conjunction();
  const build = (length: number, set?: { index: number; value: unknown }) => () =>
    buildArray(sub, ctx, 0, length, set);
  if (subMin < sup.minItems) {
    const reason = `upstream allows arrays with as few as ${subMin} items but downstream requires at least ${sup.minItems}`;
    if (c.add(no(reason, build(subMin)))) return c.result;
  }
  if (subMax > sup.maxItems) {
    const reason = `upstream allows ${upTo(subMax, 'items')} but downstream allows at most ${sup.maxItems}`;
    if (c.add(no(reason, build(sup.maxItems + 1)))) return c.result;
  }
  const positions = Math.max(sub.tuple.length, sup.tuple.length);
  // Positions up to `positions` one by one, then every later position at once (index `positions`).
  for (let i = 0; i <= positions && i < subMax; i++) {
    for (const supLoc of itemsAt(sup, i)) {
      const res = compareConj(itemsAt(sub, i), supLoc, ctx);
      const embed = (inner: unknown) => buildArray(sub, ctx, 0, i + 1, { index: i, value: inner });
      if (c.add(nested(res, i, embed))) return c.result;
    }
  }
  if (sup.unique && !sub.unique && subMax >= 2) {
    const reason = 'upstream may produce arrays with duplicate items but downstream requires unique items';
    if (c.add(no(reason, () => duplicates(sub, ctx, Math.max(2, subMin))))) return c.result;
  }
  for (const rule of sup.contains) {
    if (c.add(containsCovered(sub, subMin, subMax, rule, ctx))) return c.result;
  }
  return c.result;
}

function containsCovered(
  sub: ArrayFacet,
  subMin: number,
  subMax: number,
  rule: ContainsRule,
  ctx: Context,
): Res {
  const maxOk = rule.max === Infinity || subMax <= rule.max;
  const stronger = () =>
    sub.contains.some(
      (own) => own.min >= rule.min && compareConj([own.schema], rule.schema, ctx).verdict === 'yes',
    );
  const everyItem = () => {
    for (let i = 0; i < Math.min(sub.tuple.length, subMax); i++) {
      if (compareConj(itemsAt(sub, i), rule.schema, ctx).verdict !== 'yes') return false;
    }
    return subMax <= sub.tuple.length || compareConj(sub.rest, rule.schema, ctx).verdict === 'yes';
  };
  const minOk = rule.min === 0 || stronger() || (subMin >= rule.min && everyItem());
  if (minOk && maxOk) return YES;
  const bounds = rule.max === Infinity ? '' : ` and at most ${rule.max}`;
  const needs = rule.min === 1 ? 'an item' : `at least ${rule.min} items`;
  const reason = `downstream requires ${needs} matching its "contains"${bounds}, which upstream does not guarantee`;
  return unknown(reason, () =>
    [0, 1, 2, rule.max + 1].flatMap((extra) => buildArray(sub, ctx, 0, subMin + extra)),
  );
}

/** An upstream array of `length` items (at least `minItems`), with `set` placed at its index. */
function buildArray(
  f: ArrayFacet,
  ctx: Context,
  depth: number,
  length: number,
  set?: { index: number; value: unknown },
): unknown[] {
  const n = Math.max(length, f.minItems, set === undefined ? 0 : set.index + 1);
  if (n > maxItemsBound(f) || n > 64) return [];
  const items: unknown[] = [];
  // The leading items also match the first contains rule, as many as it asks for.
  const first = f.contains[0];
  for (let i = 0; i < n; i++) {
    if (set !== undefined && set.index === i) {
      items.push(set.value);
      continue;
    }
    const conj = first !== undefined && i < first.min ? [...itemsAt(f, i), first.schema] : itemsAt(f, i);
    const options = sampleConj(conj, ctx, depth + 1);
    const pick = f.unique ? options.find((o) => !items.some((it) => deepEqual(it, o))) : options[0];
    if (pick === undefined) return [];
    items.push(pick);
  }
  return [items];
}

function duplicates(f: ArrayFacet, ctx: Context, length: number): unknown[] {
  if (length > 64) return [];
  const conj: Loc[] = [];
  for (let i = 0; i < length; i++) conj.push(...itemsAt(f, i));
  return sampleConj(conj, ctx, 1).map((item) => Array.from({ length }, () => item));
}

export function sampleArrays(f: ArrayFacet, ctx: Context, depth: number): unknown[] {
  return buildArray(f, ctx, depth, minItemsBound(f));
}
