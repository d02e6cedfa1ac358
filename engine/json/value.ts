// What counts as a JSON value when a library caller hands the engine an object instead
// of text: plain objects and arrays, finite numbers, strings without lone surrogates,
// nesting within MAX_JSON_DEPTH, no cycles. Whatever is kept as given (a Const value,
// config, a schema, a stage example) is checked here once, so that hashing and
// validation later never meet a function, a NaN, a Date or a cycle.
import { LONE_SURROGATE_CHAR, MAX_JSON_DEPTH } from './parse.js';

/** A plain object, as JSON.parse makes them: not an array, a Date, a Map or a class instance. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** How a value is named in "found …": its JSON type, and the value itself when short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'integer' : 'number'} ${value}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  if (Array.isArray(value)) return 'array';
  if (isJsonObject(value)) return 'object';
  return typeof value === 'object' ? 'a non-plain object' : typeof value;
}

/**
 * The first place inside a caller's value that JSON cannot carry (undefined in an array,
 * NaN, a function, a Date, a cycle, a lone surrogate, or nesting past MAX_JSON_DEPTH), so that hashing
 * and validation later never meet one. Iterative, as the value may be arbitrarily deep.
 */
export function firstNonJson(value: unknown): { tokens: (string | number)[]; found: string } | undefined {
  const onPath = new Set<object>();
  const done = new Set<object>();
  // A visit knows its parent and its own token: the path is built only for the value
  // reported, not copied at every member (which made this walk the slowest step of a run
  // whose input holds a large sprint state).
  const stack: Visit[] = [{ value, parent: undefined, token: undefined, depth: 0, leaving: undefined }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const v = item.value;
    if (item.leaving !== undefined) {
      onPath.delete(item.leaving);
      done.add(item.leaving);
      continue;
    }
    if (typeof v === 'string') {
      if (LONE_SURROGATE_CHAR.test(v))
        return {
          tokens: pathOf(item),
          found: 'a string with a lone surrogate, which JSON text cannot carry (I-JSON)',
        };
      continue;
    }
    if (v === null || typeof v === 'boolean') continue;
    if (typeof v === 'number' && Number.isFinite(v)) continue;
    if (typeof v !== 'object' || !(Array.isArray(v) || isJsonObject(v)))
      return { tokens: pathOf(item), found: describeValue(v) };
    if (done.has(v)) continue;
    const height = sealed.get(v);
    if (height !== undefined) {
      // Checked when it was sealed; only its place may take it past the nesting limit.
      if (item.depth + height > MAX_JSON_DEPTH)
        return { tokens: pathOf(item), found: `nesting deeper than ${MAX_JSON_DEPTH}` };
      continue;
    }
    if (onPath.has(v)) return { tokens: pathOf(item), found: 'a cycle' };
    if (item.depth >= MAX_JSON_DEPTH)
      return { tokens: pathOf(item), found: `nesting deeper than ${MAX_JSON_DEPTH}` };
    onPath.add(v);
    stack.push({ value: undefined, parent: undefined, token: undefined, depth: 0, leaving: v });
    const depth = item.depth + 1;
    // Pushed last to first, so members are visited in order.
    if (Array.isArray(v)) {
      const members: readonly unknown[] = v;
      for (let i = members.length - 1; i >= 0; i--)
        stack.push({ value: members[i], parent: item, token: i, depth, leaving: undefined });
    } else {
      const record = v;
      const keys = Object.keys(record);
      for (let i = keys.length - 1; i >= 0; i--) {
        const member = record[keys[i]!];
        if (member !== undefined)
          stack.push({ value: member, parent: item, token: keys[i], depth, leaving: undefined });
      }
    }
  }
  return undefined;
}

interface Visit {
  value: unknown;
  parent: Visit | undefined;
  token: string | number | undefined;
  depth: number;
  /** Set on the marker that closes an object's visit. */
  leaving: object | undefined;
}

function pathOf(visit: Visit): (string | number)[] {
  const tokens: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.parent !== undefined; at = at.parent) tokens.push(at.token!);
  return tokens.reverse();
}

/**
 * Objects and arrays known to be JSON frozen all the way down (made, or found so, by
 * frozenCopy), with their height: the levels of nesting they hold, themselves included.
 */
const sealed = new WeakMap<object, number>();

/**
 * A copy of a value firstNonJson accepted, frozen all the way down, that shares every
 * subtree already frozen all the way down instead of copying it. A caller that keeps a
 * large value frozen between runs (a scheduler holding a sprint state) hands it over at
 * the cost of its new parts, and the same objects keep their proofs (run/proof.ts) and
 * hashes (run/digest.ts) from run to run. Members that are undefined are left out, as
 * JSON leaves them out.
 */
export function frozenCopy<T>(value: T): T {
  return sealedCopy(value).value as T;
}

function sealedCopy(value: unknown): { value: unknown; height: number } {
  if (typeof value !== 'object' || value === null) return { value, height: 0 };
  const known = sealed.get(value);
  if (known !== undefined) return { value, height: known };
  let same = Object.isFrozen(value);
  let below = 0;
  const keep = (item: unknown): unknown => {
    const kept = sealedCopy(item);
    if (kept.value !== item) same = false;
    below = Math.max(below, kept.height);
    return kept.value;
  };
  let copy: unknown[] | Record<string, unknown>;
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    copy = items.map(keep);
  } else {
    const record = value as Record<string, unknown>;
    const members: Record<string, unknown> = {};
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (item === undefined) same = false;
      // An own "__proto__" (JSON.parse makes one) is a member; assigning it would set the prototype.
      else if (key === '__proto__')
        Object.defineProperty(members, key, {
          value: keep(item),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else members[key] = keep(item);
    }
    copy = members;
  }
  const result = same ? value : Object.freeze(copy);
  sealed.set(result, below + 1);
  return { value: result, height: below + 1 };
}

/** Objects and arrays found frozen all the way down by isDeepFrozen. */
const deepFrozen = new WeakSet<object>();

/**
 * Whether nothing in `value` can change any more. Remembered, so a large frozen subtree
 * met again (a sprint state in every stage input of a tick) is not walked again.
 */
export function isDeepFrozen(value: object): boolean {
  if (deepFrozen.has(value) || sealed.has(value)) return true;
  if (!Object.isFrozen(value)) return false;
  for (const child of Object.values(value) as unknown[])
    if (typeof child === 'object' && child !== null && !isDeepFrozen(child)) return false;
  deepFrozen.add(value);
  return true;
}

/** Freezes a JSON value all the way down (its own objects only: JSON values share none). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
