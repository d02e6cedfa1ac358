// The string part of a schema: length bounds (in code points, as ajv counts them),
// patterns and formats, and how one such part covers another. Patterns and formats are
// only known to cover each other when they are literally equal (or the downstream
// pattern matches everything); otherwise the answer is unknown unless a witness shows no.
import type { JsonSchemaObject } from '../types.js';
import { isValid } from '../validator.js';
import { FORMAT_MISSES, formatExamples, NUMBER_FORMATS, UNCHECKED_FORMATS } from './formats.js';
import { count } from './keywords.js';
import { isUniversalPattern, patternRegex, samplesMatching } from './patterns.js';
import { Conjunction, no, unknown, YES, type Res } from './result.js';

export interface StringFacet {
  readonly kind: 'string';
  readonly minLength: number;
  readonly maxLength: number;
  readonly patterns: readonly string[];
  readonly formats: readonly string[];
}

export const ANY_STRING: StringFacet = {
  kind: 'string',
  minLength: 0,
  maxLength: Infinity,
  patterns: [],
  formats: [],
};

export function readString(schema: JsonSchemaObject): { facet: StringFacet; approx: boolean } {
  const { pattern, format } = schema;
  const minLength = count(schema.minLength);
  const maxLength = count(schema.maxLength);
  let approx =
    (schema.minLength !== undefined && minLength === undefined) ||
    (schema.maxLength !== undefined && maxLength === undefined);
  const patterns: string[] = [];
  if (typeof pattern === 'string') {
    patternRegex(pattern);
    patterns.push(pattern);
  } else if (pattern !== undefined) approx = true;
  const formats: string[] = [];
  if (typeof format === 'string') {
    if (!NUMBER_FORMATS.has(format) && !UNCHECKED_FORMATS.has(format)) formats.push(format);
  } else if (format !== undefined) approx = true;
  const facet: StringFacet = {
    kind: 'string',
    minLength: minLength ?? 0,
    maxLength: maxLength ?? Infinity,
    patterns,
    formats,
  };
  return { facet, approx };
}

export function intersectStrings(a: StringFacet, b: StringFacet): StringFacet {
  return {
    kind: 'string',
    minLength: Math.max(a.minLength, b.minLength),
    maxLength: Math.min(a.maxLength, b.maxLength),
    patterns: [...new Set([...a.patterns, ...b.patterns])],
    formats: [...new Set([...a.formats, ...b.formats])],
  };
}

export function isTopString(f: StringFacet): boolean {
  return f.minLength === 0 && f.maxLength === Infinity && f.patterns.length === 0 && f.formats.length === 0;
}

export function isEmptyString(f: StringFacet): boolean {
  return f.minLength > f.maxLength;
}

/** Length in code points, as ajv's ucs2length counts it. */
function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    n++;
  }
  return n;
}

/** Whether ajv would accept `s` for this part (exact: it replays ajv's tests). */
export function admitsString(f: StringFacet, s: string): boolean {
  const n = codePointLength(s);
  if (n < f.minLength || n > f.maxLength) return false;
  if (!f.patterns.every((p) => patternRegex(p).test(s))) return false;
  return f.formats.every((format) => isValid({ type: 'string', format }, s));
}

export function stringsCover(sub: StringFacet, sup: StringFacet): Res {
  if (isEmptyString(sub)) return YES;
  const c = new Conjunction();
  const pick = (extra: readonly string[], rejected: (s: string) => boolean) => () =>
    sampleStrings(sub, extra).filter(rejected);
  if (sub.minLength < sup.minLength) {
    const reason = `upstream allows strings as short as ${sub.minLength} characters but downstream requires at least ${sup.minLength}`;
    const rejected = (s: string) => codePointLength(s) < sup.minLength;
    if (c.add(no(reason, pick(lengths(sub.minLength, sup.minLength - 1), rejected)))) return c.result;
  }
  if (sub.maxLength > sup.maxLength) {
    const upTo = sub.maxLength === Infinity ? 'of any length' : `up to ${sub.maxLength} characters long`;
    const reason = `upstream allows strings ${upTo} but downstream allows at most ${sup.maxLength}`;
    const rejected = (s: string) => codePointLength(s) > sup.maxLength;
    if (c.add(no(reason, pick(lengths(sup.maxLength + 1, sup.maxLength + 3), rejected)))) return c.result;
  }
  for (const p of sup.patterns) {
    if (sub.patterns.includes(p) || isUniversalPattern(p)) continue;
    const re = patternRegex(p);
    const reason = `downstream requires strings matching pattern ${JSON.stringify(p)}, which upstream does not guarantee`;
    const unmatched = (s: string) => !re.test(s);
    c.add(unknown(reason, pick(FORMAT_MISSES, unmatched)));
  }
  for (const format of sup.formats) {
    if (sub.formats.includes(format)) continue;
    const reason = `downstream requires format "${format}", which upstream does not guarantee`;
    const invalid = (s: string) => !isValid({ type: 'string', format }, s);
    c.add(unknown(reason, pick(FORMAT_MISSES, invalid)));
  }
  return c.result;
}

function lengths(from: number, to: number): string[] {
  const out: string[] = [];
  for (let n = from; n <= to && n <= from + 3; n++) out.push('a'.repeat(n));
  return out;
}

/** Strings that `f` admits: from its patterns and formats, padded to its lengths, plus `extra`. */
export function sampleStrings(f: StringFacet, extra: readonly string[] = []): string[] {
  const seeds = [
    ...extra,
    ...f.patterns.flatMap(samplesMatching),
    ...f.formats.flatMap(formatExamples),
    ...lengths(f.minLength, f.minLength + 1),
    'a',
    '',
  ];
  if (f.maxLength !== Infinity) seeds.push('a'.repeat(f.maxLength));
  const out = new Set<string>();
  for (const seed of seeds) {
    const n = codePointLength(seed);
    const padded =
      n < f.minLength ? [seed + 'a'.repeat(f.minLength - n), 'a'.repeat(f.minLength - n) + seed] : [seed];
    for (const s of padded) if (admitsString(f, s)) out.add(s);
    if (out.size >= 6) break;
  }
  return [...out];
}
