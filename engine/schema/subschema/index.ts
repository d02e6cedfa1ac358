// isSubschema (ENGINE §4): is every JSON value valid against `sub` (an upstream output)
// also valid against `sup` (a downstream input)? "yes" is never wrong; "no" always comes
// with a witness that ajv has confirmed; everything else is "unknown" with a reason.
// Results are memoised by schema identity (schemas are treated as immutable once
// checked), and equal schemas answer "yes" before any work. It never throws on a
// schema, never loops and never compiles an ajv validator on the way to a "yes" unless
// a finite set must be decided.
import { normalizeSchema } from '../normalize.js';
import type { Dialect, JsonSchema } from '../types.js';
import { Context, GiveUp } from './context.js';
import { compareConj } from './covers.js';
import { deepEqual } from './finite.js';
import { inheritedName } from './inherited.js';
import { containsRef, rootLoc } from './loc.js';
import type { Open } from './result.js';
import { confirmWitness, upstreamSamples } from './witness.js';

export type Verdict = 'yes' | 'no' | 'unknown';

export interface SubschemaResult {
  readonly verdict: Verdict;
  readonly reason?: string;
  /** JSON pointer inside the value where the schemas part. */
  readonly path?: string;
  /** A value valid against `sub` and invalid against `sup`, confirmed with ajv (present only when found). */
  readonly witness?: unknown;
}

export interface SubschemaOptions {
  /** Read both schemas as this dialect (a schema whose `$schema` names draft-04 is always read as draft-04). */
  dialect?: Dialect;
}

const YES: SubschemaResult = Object.freeze({ verdict: 'yes' });

const memo = new WeakMap<object, WeakMap<object, Map<string, SubschemaResult>>>();
const TRUE_KEY = {};
const FALSE_KEY = {};

function memoKey(schema: JsonSchema): object {
  return schema === true ? TRUE_KEY : schema === false ? FALSE_KEY : schema;
}

export function isSubschema(
  sub: JsonSchema,
  sup: JsonSchema,
  options: SubschemaOptions = {},
): SubschemaResult {
  if (sub === sup) return YES;
  const mode = options.dialect ?? 'declared';
  let bySup = memo.get(memoKey(sub));
  if (bySup === undefined) {
    bySup = new WeakMap();
    memo.set(memoKey(sub), bySup);
  }
  let byMode = bySup.get(memoKey(sup));
  if (byMode === undefined) {
    byMode = new Map();
    bySup.set(memoKey(sup), byMode);
  }
  let result = byMode.get(mode);
  if (result === undefined) {
    result = deepEqual(sub, sup) ? YES : normalizeAndDecide(sub, sup, options.dialect);
    byMode.set(mode, result);
  }
  return result;
}

function normalizeAndDecide(sub: JsonSchema, sup: JsonSchema, dialect: Dialect | undefined): SubschemaResult {
  let modern: [JsonSchema, JsonSchema];
  try {
    modern = [normalizeSchema(sub, dialect), normalizeSchema(sup, dialect)];
  } catch (e) {
    // Reading a draft-04 schema recurses; one nested thousands deep is not compared.
    if (e instanceof RangeError) return tooBig(e);
    throw e;
  }
  return decide(...modern);
}

const TOO_DEEP: SubschemaResult = Object.freeze({
  verdict: 'unknown',
  reason: 'the schemas nest too deeply to compare',
});

/**
 * A RangeError is either the stack (a schema nested too deeply) or a value too large to
 * build (a string or array whose length a bound like `maxLength: 1e308` asks for).
 */
function tooBig(e: RangeError): SubschemaResult {
  if (/call stack/i.test(e.message)) return TOO_DEEP;
  return Object.freeze({
    verdict: 'unknown',
    reason: `deciding this needs a value too large to build (${e.message}); use smaller bounds`,
  });
}

function decide(sub: JsonSchema, sup: JsonSchema): SubschemaResult {
  const ctx = new Context(containsRef(sub) || containsRef(sup));
  try {
    const inherited = inheritedName(sub) ?? inheritedName(sup);
    if (inherited !== undefined) {
      throw new GiveUp(
        `property name "${inherited}" is inherited by every JavaScript object, which ajv does not tell apart from a property the value has`,
      );
    }
    const res = compareConj([rootLoc(sub)], rootLoc(sup), ctx);
    return res.verdict === 'yes' ? YES : settle(res, sub, sup, ctx);
  } catch (e) {
    if (e instanceof RangeError) return tooBig(e);
    if (!(e instanceof GiveUp)) throw e;
    if (e.unrunnable) return Object.freeze({ verdict: 'unknown', reason: e.reason });
    const found = confirmWitness(() => upstreamSamples(sub, new Context(true)), sub, sup);
    if (found === undefined) return Object.freeze({ verdict: 'unknown', reason: e.reason });
    const reason = 'upstream may produce a value that downstream rejects';
    return Object.freeze({ verdict: 'no', reason, path: found.path, witness: found.value });
  }
}

/** Turns an open result into "no" when ajv confirms a witness, else into "unknown". */
function settle(res: Open, sub: JsonSchema, sup: JsonSchema, ctx: Context): SubschemaResult {
  const proposed = confirmWitness(res.witnesses, sub, sup);
  if (proposed !== undefined) {
    return Object.freeze({ verdict: 'no', reason: res.reason, path: res.path, witness: proposed.value });
  }
  const found = confirmWitness(() => upstreamSamples(sub, ctx), sub, sup);
  if (found !== undefined) {
    return Object.freeze({ verdict: 'no', reason: res.reason, path: found.path, witness: found.value });
  }
  const reason =
    res.verdict === 'no' ? `${res.reason} (not confirmed: no example value could be built)` : res.reason;
  return Object.freeze({ verdict: 'unknown', reason, path: res.path });
}
