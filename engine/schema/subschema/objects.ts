// The object part of a schema: which schemas apply to which property (named properties,
// patterns, additionalProperties, kept per allOf member because additionalProperties
// only sees its own member's names), required names, counts, dependentRequired and
// propertyNames. The comparison lives in object-cover.ts; this file reads, intersects
// and builds upstream objects for witnesses.
import type { JsonSchemaObject } from '../types.js';
import { isSchemaObject } from '../types.js';
import { GiveUp, type Context } from './context.js';
import { count, isSchema } from './keywords.js';
import { childLoc, type Loc } from './loc.js';
import { patternRegex, regexOf, samplesMatching } from './patterns.js';
import { sampleConj } from './witness.js';

export interface PatternRule {
  readonly source: string;
  readonly regex: RegExp;
  readonly schema: Loc;
}

/** One schema object's `properties`, `patternProperties` and `additionalProperties`. */
export interface ObjectMember {
  readonly properties: ReadonlyMap<string, Loc>;
  readonly patterns: readonly PatternRule[];
  readonly additional: Loc | undefined;
}

export interface ObjectFacet {
  readonly kind: 'object';
  readonly members: readonly ObjectMember[];
  readonly required: readonly string[];
  readonly minProperties: number;
  readonly maxProperties: number;
  readonly dependentRequired: readonly (readonly [string, readonly string[]])[];
  readonly propertyNames: readonly Loc[];
}

export const ANY_OBJECT: ObjectFacet = {
  kind: 'object',
  members: [],
  required: [],
  minProperties: 0,
  maxProperties: Infinity,
  dependentRequired: [],
  propertyNames: [],
};

/** Combinations of patternProperties an unnamed property may match, beyond which the checker gives up. */
const MAX_FRESH_CASES = 16;

function stringList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const list: unknown[] = v;
  return list.every((x): x is string => typeof x === 'string') ? [...new Set(list)] : undefined;
}

export function readObject(loc: Loc, s: JsonSchemaObject): { facet: ObjectFacet; approx: boolean } {
  let approx = false;
  const properties = new Map<string, Loc>();
  const patterns: PatternRule[] = [];
  let additional: Loc | undefined;
  const schemaMap = (keyword: string, each: (key: string, value: JsonSchemaObject | boolean) => void) => {
    const map = s[keyword];
    if (map === undefined) return;
    if (!isSchemaObject(map)) approx = true;
    else {
      for (const [k, v] of Object.entries(map)) {
        if (isSchema(v)) each(k, v);
        else approx = true;
      }
    }
  };
  schemaMap('properties', (k, v) => properties.set(k, childLoc(loc, v, 'properties', k)));
  schemaMap('patternProperties', (k, v) =>
    patterns.push({ source: k, regex: patternRegex(k), schema: childLoc(loc, v, 'patternProperties', k) }),
  );
  if (s.additionalProperties !== undefined) {
    if (isSchema(s.additionalProperties))
      additional = childLoc(loc, s.additionalProperties, 'additionalProperties');
    else approx = true;
  }
  const required = s.required === undefined ? [] : stringList(s.required);
  const dependentRequired: [string, string[]][] = [];
  for (const keyword of ['dependentRequired', 'dependencies']) {
    const map = s[keyword];
    if (map === undefined) continue;
    if (!isSchemaObject(map)) approx = true;
    else {
      for (const [k, v] of Object.entries(map)) {
        const deps = stringList(v);
        if (deps !== undefined) dependentRequired.push([k, deps]);
        else if (keyword === 'dependentRequired') approx = true;
      }
    }
  }
  const minProperties = count(s.minProperties);
  const maxProperties = count(s.maxProperties);
  if (
    required === undefined ||
    (s.minProperties !== undefined && minProperties === undefined) ||
    (s.maxProperties !== undefined && maxProperties === undefined) ||
    (s.propertyNames !== undefined && !isSchema(s.propertyNames))
  ) {
    approx = true;
  }
  const facet: ObjectFacet = {
    kind: 'object',
    members:
      properties.size > 0 || patterns.length > 0 || additional !== undefined
        ? [{ properties, patterns, additional }]
        : [],
    required: required ?? [],
    minProperties: minProperties ?? 0,
    maxProperties: maxProperties ?? Infinity,
    dependentRequired,
    propertyNames: isSchema(s.propertyNames) ? [childLoc(loc, s.propertyNames, 'propertyNames')] : [],
  };
  return { facet, approx };
}

export function intersectObjects(a: ObjectFacet, b: ObjectFacet): ObjectFacet {
  return {
    kind: 'object',
    members: [...a.members, ...b.members],
    required: [...new Set([...a.required, ...b.required])],
    minProperties: Math.max(a.minProperties, b.minProperties),
    maxProperties: Math.min(a.maxProperties, b.maxProperties),
    dependentRequired: [...a.dependentRequired, ...b.dependentRequired],
    propertyNames: [...a.propertyNames, ...b.propertyNames],
  };
}

export function isTopObject(f: ObjectFacet): boolean {
  return (
    f.members.length === 0 &&
    f.required.length === 0 &&
    f.minProperties === 0 &&
    f.maxProperties === Infinity &&
    f.dependentRequired.length === 0 &&
    f.propertyNames.length === 0
  );
}

/** The schemas (a conjunction) that apply to the value of property `key`. */
export function schemasForKey(f: ObjectFacet, key: string): Loc[] {
  const out: Loc[] = [];
  for (const m of f.members) {
    const declared = m.properties.get(key);
    let matched = declared !== undefined;
    if (declared !== undefined) out.push(declared);
    for (const p of m.patterns) {
      if (p.regex.test(key)) {
        out.push(p.schema);
        matched = true;
      }
    }
    if (!matched && m.additional !== undefined) out.push(m.additional);
  }
  return out;
}

/** False when the property is certainly forbidden (a `false` schema applies to it). */
export function canHave(f: ObjectFacet, key: string): boolean {
  return !schemasForKey(f, key).some((l) => l.schema === false);
}

/** The required names, closed under dependentRequired, starting from `present` too. */
export function requiredClosure(f: ObjectFacet, present: readonly string[] = []): Set<string> {
  const out = new Set([...f.required, ...present]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [key, deps] of f.dependentRequired) {
      if (!out.has(key)) continue;
      for (const d of deps) {
        if (out.has(d)) continue;
        out.add(d);
        grew = true;
      }
    }
  }
  return out;
}

export function isEmptyObject(f: ObjectFacet): boolean {
  const required = requiredClosure(f);
  return (
    f.minProperties > f.maxProperties ||
    required.size > f.maxProperties ||
    [...required].some((k) => !canHave(f, k))
  );
}

/** False only when ajv certainly rejects the object (a count, a required name, a forbidden property). */
export function mayAdmitObject(f: ObjectFacet, value: JsonSchemaObject): boolean {
  const keys = Object.keys(value);
  if (keys.length < f.minProperties || keys.length > f.maxProperties) return false;
  if (f.required.some((k) => !Object.hasOwn(value, k))) return false;
  return keys.every((k) => canHave(f, k));
}

/**
 * A kind of property no schema names: the schemas that apply to it, and which member
 * patterns it is known to match or to miss. Each member contributes one of its patterns
 * or its additionalProperties.
 */
export interface FreshCase {
  readonly conj: readonly Loc[];
  readonly matches: ReadonlySet<string>;
  readonly misses: ReadonlySet<string>;
}

export function freshCases(f: ObjectFacet): FreshCase[] {
  let cases: FreshCase[] = [{ conj: [], matches: new Set(), misses: new Set() }];
  for (const m of f.members) {
    const next: FreshCase[] = [];
    for (const c of cases) {
      for (const p of m.patterns) {
        next.push({
          conj: [...c.conj, p.schema],
          matches: new Set([...c.matches, p.source]),
          misses: c.misses,
        });
      }
      const misses = new Set([...c.misses, ...m.patterns.map((p) => p.source)]);
      next.push({
        conj: m.additional === undefined ? c.conj : [...c.conj, m.additional],
        matches: c.matches,
        misses,
      });
    }
    cases = next.filter(
      (c) => !c.conj.some((l) => l.schema === false) && ![...c.matches].some((s) => c.misses.has(s)),
    );
    if (cases.length > MAX_FRESH_CASES)
      throw new GiveUp('too many combinations of patternProperties to compare');
  }
  return cases;
}

/** A property name of the fresh case (and matching `pattern` too, when given) that none of `taken` uses. */
export function freshKey(
  c: FreshCase,
  taken: ReadonlySet<string>,
  suffix = '',
  pattern?: string,
): string | undefined {
  const matches = pattern === undefined ? [...c.matches] : [...c.matches, pattern];
  const guesses = [...matches.flatMap(samplesMatching), 'extra', 'other', 'x', 'zz_extra', 'key_1'];
  return guesses
    .map((g) => g + suffix)
    .find(
      (k) =>
        !taken.has(k) &&
        matches.every((s) => regexOf(s)?.test(k)) &&
        ![...c.misses].some((s) => regexOf(s)?.test(k)),
    );
}

function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export interface BuildOptions {
  /** This property with this value. */
  readonly set?: readonly [string, unknown];
  /** Leave this property out even when required. */
  readonly omit?: string;
  /** Add this property (and what it requires). */
  readonly include?: string;
  /** At least this many properties. */
  readonly size?: number;
}

/** An upstream object shaped by `opts`, with sampled values; [] when none could be built. */
export function buildObject(f: ObjectFacet, ctx: Context, depth: number, opts: BuildOptions = {}): unknown[] {
  const obj: Record<string, unknown> = {};
  const wanted = requiredClosure(
    f,
    [opts.include, opts.set?.[0]].filter((k): k is string => k !== undefined),
  );
  const fill = (key: string): boolean => {
    if (key === opts.omit || Object.hasOwn(obj, key)) return true;
    const value = opts.set?.[0] === key ? opts.set[1] : sampleConj(schemasForKey(f, key), ctx, depth + 1)[0];
    if (value === undefined) return false;
    put(obj, key, value);
    return true;
  };
  for (const key of wanted) if (!fill(key)) return [];
  const target = Math.max(f.minProperties, opts.size ?? 0);
  const optional = f.members.flatMap((m) => [...m.properties.keys()]).filter((k) => canHave(f, k));
  for (const key of optional) {
    if (Object.keys(obj).length >= target) break;
    fill(key);
  }
  const fresh = freshCases(f)[0];
  for (let i = 0; fresh !== undefined && Object.keys(obj).length < target && i < 64; i++) {
    const key = freshKey(fresh, new Set([...Object.keys(obj), ...optional]), i === 0 ? '' : `_${i}`);
    const value = key === undefined ? undefined : sampleConj(fresh.conj, ctx, depth + 1)[0];
    if (key !== undefined && value !== undefined) put(obj, key, value);
  }
  return Object.keys(obj).length >= target ? [obj] : [];
}

export function sampleObjects(f: ObjectFacet, ctx: Context, depth: number): unknown[] {
  return buildObject(f, ctx, depth);
}
