// Witnesses: JSON values the upstream may produce that the downstream rejects. The rules
// propose candidates (sampled from the upstream side, shaped by the rule that failed);
// this file samples values of schemas and, at the end of a check, keeps the first
// candidate that ajv confirms: valid against the whole upstream schema and invalid
// against the whole downstream one. Nothing unconfirmed ever leaves this file.
import { deepFreeze } from '../../json/value.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonSchema } from '../types.js';
import { compileSchema } from '../validator.js';
import { expand, type Alt } from './alternatives.js';
import { sampleArrays } from './arrays.js';
import { GiveUp, type Context } from './context.js';
import { isJsonValue, member } from './finite.js';
import { KINDS } from './kinds.js';
import { conjKey, rootLoc, type Loc } from './loc.js';
import { sampleNumbers } from './numbers.js';
import { sampleObjects } from './objects.js';
import { sampleStrings } from './strings.js';
import { runValidator } from './validate.js';

/** How deep sampling builds nested values. */
const MAX_SAMPLE_DEPTH = 8;
/** Candidates tried against ajv before giving up on a witness. */
const MAX_CANDIDATES = 64;
/** Simple values tried last, whatever the schemas say. */
const COMMON_VALUES: readonly unknown[] = [null, true, false, 0, 1, -1, 0.5, '', 'a', [], {}];

/** Values that (probably) satisfy the conjunction; the shortest and simplest first. */
export function sampleConj(conj: readonly Loc[], ctx: Context, depth: number): unknown[] {
  if (depth > MAX_SAMPLE_DEPTH) return [];
  const key = conjKey(conj);
  const known = ctx.samples.get(key);
  if (known !== undefined) return known;
  ctx.samples.set(key, []); // a recursive schema met again while sampling yields nothing
  const out: unknown[] = [];
  for (const kind of KINDS) {
    for (const alt of expand(conj, kind, ctx)) out.push(...sampleAlt(alt, ctx, depth));
    if (out.length >= 4) break;
  }
  ctx.samples.set(key, out);
  return out;
}

export function sampleAlt(alt: Alt, ctx: Context, depth: number): unknown[] {
  ctx.tick();
  let out: unknown[];
  const f = alt.facet;
  if (alt.values !== undefined) out = [...alt.values];
  else {
    switch (f.kind) {
      case 'null':
        out = [null];
        break;
      case 'boolean':
        out = [true, false];
        break;
      case 'number':
        out = sampleNumbers(f);
        break;
      case 'string':
        out = sampleStrings(f);
        break;
      case 'array':
        out = sampleArrays(f, ctx, depth);
        break;
      case 'object':
        out = sampleObjects(f, ctx, depth);
        break;
      default: {
        const never: never = f;
        return never;
      }
    }
  }
  if (alt.nots.length > 0) out = out.filter((v) => !alt.nots.some((n) => member(v, n) === true));
  return out.slice(0, 6);
}

export interface Witness {
  readonly value: unknown;
  /** Where ajv says the downstream schema rejects it. */
  readonly path: string;
}

function compileBoth(sub: JsonSchema, sup: JsonSchema): [ValidateFunction, ValidateFunction] | undefined {
  try {
    return [compileSchema(sub), compileSchema(sup)];
  } catch {
    return undefined;
  }
}

/** The first candidate ajv confirms: valid against `sub`, invalid against `sup`. */
export function confirmWitness(
  candidates: () => unknown[],
  sub: JsonSchema,
  sup: JsonSchema,
): Witness | undefined {
  const validators = compileBoth(sub, sup);
  if (validators === undefined) return undefined;
  const [inSub, inSup] = validators;
  let list: unknown[];
  try {
    list = candidates();
  } catch (e) {
    // Sampling may give up, or run out of stack on a deeply nested schema: then no witness.
    if (e instanceof GiveUp || e instanceof RangeError) return undefined;
    throw e;
  }
  for (const value of list.slice(0, MAX_CANDIDATES)) {
    if (!isJsonValue(value) || runValidator(inSub, value) !== true) continue;
    if (runValidator(inSup, value) !== false) continue;
    const path = inSup.errors?.[0]?.instancePath ?? '';
    return { value: deepFreeze(structuredClone(value)), path };
  }
  return undefined;
}

/** Candidates for any pair of schemas: samples of the upstream schema, then common values. */
export function upstreamSamples(sub: JsonSchema, ctx: Context): unknown[] {
  return [...sampleConj([rootLoc(sub)], ctx, 0), ...COMMON_VALUES];
}
