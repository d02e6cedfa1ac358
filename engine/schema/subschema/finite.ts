// Finite sets of values: `const`, `enum`, and the parts of a schema that have only a few
// values (null, the booleans, a short integer range, the empty string). A finite
// upstream is decided exactly, one value at a time, by asking whether the downstream
// accepts it; the value that it does not accept is the witness.
import { canonicalJson } from '../../json/jcs.js';
import { isSchemaObject } from '../types.js';
import type { Facet } from './alternatives.js';
import { maxItemsBound } from './arrays.js';
import { isPlainFiniteSchema } from './keywords.js';
import { kindOf, readType } from './kinds.js';
import type { Loc } from './loc.js';
import { enumerateNumbers } from './numbers.js';
import { no, show, YES, type Res } from './result.js';
import { runValidator, validatorAt } from './validate.js';

/** JSON equality as ajv's `const`, `enum` and `uniqueItems` use it (iterative: any depth). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const pending: [unknown, unknown][] = [[a, b]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [x, y] = pair;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const kx = Object.keys(x);
    if (kx.length !== Object.keys(y).length) return false;
    for (const k of kx) {
      if (!Object.hasOwn(y, k)) return false;
      pending.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
    }
  }
  return true;
}

/** Lists shorter than this are searched; longer ones are hashed. */
const SHORT_LIST = 16;
const hashed = new WeakMap<readonly unknown[], Set<string> | null>();

/** The canonical JSON of a value: equal exactly when deepEqual says so (undefined if not JSON). */
function keyOf(value: unknown): string | undefined {
  try {
    return canonicalJson(value);
  } catch {
    return undefined;
  }
}

/**
 * Whether `list` holds a value deepEqual to `value`. Long lists (a huge `enum`) are
 * hashed once per list by canonical JSON, so that comparing two of them stays linear.
 */
export function includesValue(list: readonly unknown[], value: unknown): boolean {
  if (list.length < SHORT_LIST) return list.some((w) => deepEqual(value, w));
  let keys = hashed.get(list);
  if (keys === undefined) {
    const all = list.map(keyOf);
    keys = all.every((k): k is string => k !== undefined) ? new Set(all) : null;
    hashed.set(list, keys);
  }
  const key = keys === null ? undefined : keyOf(value);
  return key === undefined || keys === null ? list.some((w) => deepEqual(value, w)) : keys.has(key);
}

/** Whether ajv accepts `value` against a located schema; undefined when it cannot tell. */
export function member(value: unknown, loc: Loc): boolean | undefined {
  const s = loc.schema;
  if (typeof s === 'boolean') return s;
  if (isPlainFiniteSchema(s)) {
    const type = readType(s);
    const kind = kindOf(value);
    if (type !== undefined) {
      if (type.malformed || kind === undefined) return undefined;
      if (!type.kinds.has(kind)) return false;
      if (type.integerOnly && typeof value === 'number' && !Number.isInteger(value)) return false;
    }
    if (s.const !== undefined && !deepEqual(s.const, value)) return false;
    if (s.enum !== undefined) {
      if (!Array.isArray(s.enum)) return undefined;
      if (!includesValue(s.enum, value)) return false;
    }
    return true;
  }
  const validate = validatorAt(loc);
  return validate === undefined ? undefined : runValidator(validate, value);
}

/** Every value of a part that has only a few, or undefined. */
export function enumerate(f: Facet): unknown[] | undefined {
  switch (f.kind) {
    case 'null':
      return [null];
    case 'boolean':
      return [true, false];
    case 'number':
      return enumerateNumbers(f);
    case 'string':
      return f.maxLength === 0 ? [''] : undefined;
    case 'array':
      return maxItemsBound(f) === 0 ? [[]] : undefined;
    case 'object':
      return f.maxProperties === 0 ? [{}] : undefined;
    default: {
      const never: never = f;
      return never;
    }
  }
}

/**
 * Decides a finite upstream exactly: "yes" when the downstream accepts every value,
 * "no" with the first value it rejects; `otherwise` when ajv cannot tell.
 */
export function decideFinite(values: readonly unknown[], sup: Loc, otherwise: Res): Res {
  for (const value of values) {
    const accepted = member(value, sup);
    if (accepted === undefined) return otherwise;
    if (!accepted)
      return no(`upstream may produce ${show(value)}, which downstream does not accept`, () => [value]);
  }
  return YES;
}

export function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (isSchemaObject(value)) return Object.values(value).every(isJsonValue);
  return false;
}
