// The number part of a schema: an interval, an integer flag and `multipleOf` divisors,
// and how one such part covers another. ajv is the reference: `multipleOf` holds when
// ajv's float division `x / n` passes `parseInt`, which fails for quotients ≥ 1e21 and
// for most non-integer divisors (0.3 is not a multiple of 0.1 to ajv), and passes for
// every tiny number whose quotient underflows to 0 (5e-324 is a "multiple" of 4 to ajv,
// though not an integer). So divisibility is only claimed where that arithmetic is
// provably exact, and otherwise left to a witness.
import type { JsonSchemaObject } from '../types.js';
import { Conjunction, no, unknown, YES, type Res } from './result.js';

export interface NumberFacet {
  readonly kind: 'number';
  readonly lo: number;
  readonly loEx: boolean;
  readonly hi: number;
  readonly hiEx: boolean;
  readonly integer: boolean;
  readonly multipleOf: readonly number[];
}

export const ANY_NUMBER: NumberFacet = {
  kind: 'number',
  lo: -Infinity,
  loEx: false,
  hi: Infinity,
  hiEx: false,
  integer: false,
  multipleOf: [],
};

const SAFE = 2 ** 53;
/** ajv's `parseInt` test fails for every quotient at or above this magnitude. */
const PARSE_INT_LIMIT = 1e21;
const INT32 = 2 ** 31;
/** The smallest positive number: what an underflowing multipleOf quotient lets through. */
const TINY = Number.MIN_VALUE;

/** Exactly ajv's multipleOf test. */
function ajvMultipleOf(x: number, divisor: number): boolean {
  const quotient = x / divisor;
  return quotient === Number.parseInt(String(quotient), 10);
}

export function readNumber(
  schema: JsonSchemaObject,
  integerOnly: boolean,
): { facet: NumberFacet; approx: boolean } {
  let f: NumberFacet = integerOnly ? { ...ANY_NUMBER, integer: true } : ANY_NUMBER;
  let approx = false;
  const bound = (keyword: string, apply: (v: number) => NumberFacet): void => {
    const v = schema[keyword];
    if (typeof v === 'number' && Number.isFinite(v)) f = apply(v);
    else if (v !== undefined) approx = true;
  };
  bound('minimum', (v) => intersectNumbers(f, { ...ANY_NUMBER, lo: v }));
  bound('exclusiveMinimum', (v) => intersectNumbers(f, { ...ANY_NUMBER, lo: v, loEx: true }));
  bound('maximum', (v) => intersectNumbers(f, { ...ANY_NUMBER, hi: v }));
  bound('exclusiveMaximum', (v) => intersectNumbers(f, { ...ANY_NUMBER, hi: v, hiEx: true }));
  const m = schema.multipleOf;
  if (typeof m === 'number' && m > 0 && Number.isFinite(m)) f = { ...f, multipleOf: [m] };
  else if (m !== undefined) approx = true;
  // The number formats of ajv-formats, read as the constraints they are.
  if (schema.format === 'int32')
    f = intersectNumbers(f, { ...ANY_NUMBER, integer: true, lo: -INT32, hi: INT32 - 1 });
  if (schema.format === 'int64') f = { ...f, integer: true };
  return { facet: f, approx };
}

export function intersectNumbers(a: NumberFacet, b: NumberFacet): NumberFacet {
  const lo = a.lo > b.lo ? [a.lo, a.loEx] : b.lo > a.lo ? [b.lo, b.loEx] : [a.lo, a.loEx || b.loEx];
  const hi = a.hi < b.hi ? [a.hi, a.hiEx] : b.hi < a.hi ? [b.hi, b.hiEx] : [a.hi, a.hiEx || b.hiEx];
  return {
    kind: 'number',
    lo: lo[0] as number,
    loEx: lo[1] as boolean,
    hi: hi[0] as number,
    hiEx: hi[1] as boolean,
    integer: a.integer || b.integer,
    multipleOf: [...new Set([...a.multipleOf, ...b.multipleOf])],
  };
}

export function isTopNumber(f: NumberFacet): boolean {
  return f.lo === -Infinity && f.hi === Infinity && !f.integer && f.multipleOf.length === 0;
}

/**
 * Whether every value is an integer. An integer divisor other than 1 does not make it so:
 * ajv counts the subnormal numbers whose quotient underflows to 0 as its multiples.
 */
function isIntegral(f: NumberFacet): boolean {
  return f.integer || f.multipleOf.includes(1);
}

/** The spacing of the values when they are all integers (ajv-exactly so below 2^53). */
function integerStep(f: NumberFacet): number | undefined {
  if (!isIntegral(f)) return undefined;
  return f.multipleOf.find((d) => Number.isInteger(d) && d < INT32) ?? 1;
}

interface Range {
  readonly lo: number;
  readonly loEx: boolean;
  readonly hi: number;
  readonly hiEx: boolean;
}

/** The interval with its bounds moved onto the values integers can take. */
function effectiveRange(f: NumberFacet): Range {
  const step = integerStep(f);
  let { lo, loEx, hi, hiEx } = f;
  if (step === undefined) return { lo, loEx, hi, hiEx };
  if (Number.isFinite(lo) && Math.abs(lo) + step < SAFE) {
    let k = Math.ceil(lo / step) - 1;
    while (!(k * step > lo || (k * step === lo && !loEx))) k++;
    [lo, loEx] = [k * step, false];
  }
  if (Number.isFinite(hi) && Math.abs(hi) + step < SAFE) {
    let k = Math.floor(hi / step) + 1;
    while (!(k * step < hi || (k * step === hi && !hiEx))) k--;
    [hi, hiEx] = [k * step, false];
  }
  return { lo, loEx, hi, hiEx };
}

function isEmptyRange(r: Range): boolean {
  return r.lo > r.hi || (r.lo === r.hi && (r.loEx || r.hiEx));
}

export function isEmptyNumber(f: NumberFacet): boolean {
  return isEmptyRange(effectiveRange(f));
}

/** Whether ajv would accept `x` for this part (exact: it replays ajv's tests). */
export function admitsNumber(f: NumberFacet, x: number): boolean {
  if (x < f.lo || (x === f.lo && f.loEx) || x > f.hi || (x === f.hi && f.hiEx)) return false;
  if (f.integer && !Number.isInteger(x)) return false;
  return f.multipleOf.every((m) => ajvMultipleOf(x, m));
}

function singleValue(r: Range): number | undefined {
  return r.lo === r.hi && !r.loEx && !r.hiEx ? r.lo : undefined;
}

function exponentOfTwo(x: number): number | undefined {
  const e = Math.log2(x);
  return Number.isInteger(e) && e >= -60 && e <= 60 && 2 ** e === x ? e : undefined;
}

/** Whether every value of `sub` passes ajv's `multipleOf: n`, by exact-arithmetic rules only. */
function multiplesCovered(sub: NumberFacet, r: Range, n: number): boolean {
  if (sub.multipleOf.includes(n)) return true;
  const single = singleValue(r);
  if (single !== undefined) return ajvMultipleOf(single, n);
  const magnitude = Math.max(Math.abs(r.lo), Math.abs(r.hi));
  if (integerStep(sub) !== undefined && magnitude < SAFE) {
    // Every value is an exact integer below 2^53.
    if (Number.isInteger(n) && (n === 1 || sub.multipleOf.some((m) => Number.isInteger(m) && m % n === 0))) {
      return true;
    }
    const e = exponentOfTwo(n);
    if (e !== undefined && e <= 0 && magnitude * 2 ** -e < PARSE_INT_LIMIT) return true;
  }
  // x = q·2^a exactly, so x / 2^b = q·2^(a-b) exactly; unless a > 0 lets x / 2^a underflow
  // to 0 for a tiny x that is no multiple of 2^b (1e-323 passes multipleOf 4, not 2).
  const b = exponentOfTwo(n);
  return (
    b !== undefined &&
    magnitude / n < PARSE_INT_LIMIT &&
    sub.multipleOf.some((m) => {
      const a = exponentOfTwo(m);
      return a !== undefined && a >= b && (a <= 0 || isIntegral(sub));
    })
  );
}

export function numbersCover(sub: NumberFacet, sup: NumberFacet): Res {
  const r = effectiveRange(sub);
  if (isEmptyRange(r)) return YES;
  const c = new Conjunction();
  const pick = (points: number[], rejected: (x: number) => boolean) => () =>
    sampleNumbers(sub, points).filter(rejected);
  if (sup.lo !== -Infinity && !(r.lo > sup.lo || (r.lo === sup.lo && (!sup.loEx || r.loEx)))) {
    const from =
      r.lo === -Infinity ? 'with no lower bound' : `down to ${r.lo}${r.loEx ? ' (exclusive)' : ''}`;
    const reason = `upstream allows numbers ${from} but downstream requires ${sup.loEx ? 'more than' : 'at least'} ${sup.lo}`;
    const points = [sup.lo, sup.lo - 1, sup.lo - 0.5, r.lo, (r.lo + sup.lo) / 2, TINY, -TINY];
    const below = (x: number) => x < sup.lo || (x === sup.lo && sup.loEx);
    if (c.add(no(reason, pick(points, below)))) return c.result;
  }
  if (sup.hi !== Infinity && !(r.hi < sup.hi || (r.hi === sup.hi && (!sup.hiEx || r.hiEx)))) {
    const to = r.hi === Infinity ? 'with no upper bound' : `up to ${r.hi}${r.hiEx ? ' (exclusive)' : ''}`;
    const reason = `upstream allows numbers ${to} but downstream allows ${sup.hiEx ? 'less than' : 'at most'} ${sup.hi}`;
    const points = [sup.hi, sup.hi + 1, sup.hi + 0.5, r.hi, (r.hi + sup.hi) / 2, TINY, -TINY];
    const above = (x: number) => x > sup.hi || (x === sup.hi && sup.hiEx);
    if (c.add(no(reason, pick(points, above)))) return c.result;
  }
  const single = singleValue(r);
  if (sup.integer && integerStep(sub) === undefined && !(single !== undefined && Number.isInteger(single))) {
    const reason = 'upstream may produce a non-integer number where downstream requires an integer';
    const halves = [0.5, -0.5, 1.5, r.lo + 0.5, r.hi - 0.5, ...sub.multipleOf.map((m) => m * 0.5), TINY];
    const fractional = (x: number) => !Number.isInteger(x);
    if (c.add(no(reason, pick(halves, fractional)))) return c.result;
  }
  for (const n of sup.multipleOf) {
    if (multiplesCovered(sub, r, n)) continue;
    const reason = `downstream requires multiples of ${n}, which upstream does not guarantee`;
    const unit = integerStep(sub) ?? sub.multipleOf[0] ?? 1;
    const points = [1, 2, 3, 4, 5, 7].map((k) => k * unit);
    points.push(n / 2, n * 1.5, 0.5, Math.ceil((PARSE_INT_LIMIT * n) / unit) * unit, TINY, 2 * TINY);
    const notMultiple = (x: number) => !ajvMultipleOf(x, n);
    c.add(unknown(reason, pick(points, notMultiple)));
  }
  return c.result;
}

/** Numbers that `f` admits, near the given points and near its own bounds. */
export function sampleNumbers(f: NumberFacet, around: readonly number[] = []): number[] {
  const r = effectiveRange(f);
  const points = [...around, r.lo, r.lo + 1, r.hi, r.hi - 1, (r.lo + r.hi) / 2, 0, 1, -1, 0.5, 2, 10];
  const unit = integerStep(f) ?? f.multipleOf[0];
  const out = new Set<number>();
  for (const p of points) {
    if (!Number.isFinite(p)) continue;
    const aligned = unit === undefined ? [p] : [p, Math.floor(p / unit) * unit, Math.ceil(p / unit) * unit];
    for (const x of aligned) if (Number.isFinite(x) && admitsNumber(f, x)) out.add(x === 0 ? 0 : x);
  }
  return [...out];
}

/** All the values of a small integer part, or undefined when there are too many. */
export function enumerateNumbers(f: NumberFacet): number[] | undefined {
  const step = integerStep(f);
  const r = effectiveRange(f);
  // Both ends below 2^53: beyond it `x += step` can stop moving and the loop never ends.
  if (step === undefined || !(Math.abs(r.lo) < SAFE && Math.abs(r.hi) < SAFE)) return undefined;
  if ((r.hi - r.lo) / step > 64) return undefined;
  const out: number[] = [];
  for (let x = r.lo; x <= r.hi; x += step) if (admitsNumber(f, x)) out.push(x);
  return out;
}
