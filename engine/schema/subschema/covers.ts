// The heart of the checker: does a downstream schema accept every value of an upstream
// alternative? The upstream side arrives already split by kind (alternatives.ts); the
// downstream side is walked as written: its own keywords through the facets, `$ref` and
// `allOf` as "every one must accept", `anyOf` as "some branch accepts it all" (sufficient,
// not necessary), `oneOf` as that plus disjointness from the other branches, `not` as
// disjointness. A finite upstream is then decided exactly, value by value, with ajv.
import type { JsonSchemaObject } from '../types.js';
import { enumerate, decideFinite, includesValue, member } from './finite.js';
import { expand, possibleKinds, readAlt, type Alt } from './alternatives.js';
import { arraysCover } from './arrays.js';
import type { Context } from './context.js';
import { disjointFrom, overlapSamples } from './disjoint.js';
import { isSchema, schemaList, undecidedKeyword } from './keywords.js';
import { describeKind, describeKinds, readType } from './kinds.js';
import {
  childLoc,
  conjKey,
  extendTrail,
  locKey,
  resolveRef,
  rootLoc,
  type Loc,
  type RefTrail,
} from './loc.js';
import { ANY_OBJECT, intersectObjects, requiredClosure, schemasForKey } from './objects.js';
import { numbersCover } from './numbers.js';
import { objectsCover } from './object-cover.js';
import { Conjunction, no, show, showList, unknown, YES, type Open, type Res } from './result.js';
import { stringsCover } from './strings.js';
import { sampleAlt } from './witness.js';

/** Is every value of the conjunction `sub` valid against `sup`? With refs: memoised within the call, coinductive. */
export function compareConj(sub: readonly Loc[], sup: Loc, ctx: Context): Res {
  if (sup.schema === true) return YES;
  const only = sub.length === 1 ? sub[0] : undefined;
  if (only !== undefined && only.schema === sup.schema && only.base === sup.base) return YES;
  return ctx.compare(
    () => `${conjKey(sub)}<${locKey(sup)}`,
    () => {
      const c = new Conjunction();
      for (const kind of possibleKinds(sub)) {
        for (const alt of expand(sub, kind, ctx))
          if (c.add(covers(alt, sup, ctx, undefined))) return c.result;
      }
      return c.result;
    },
  );
}

/** `trail`: downstream refs followed at this value without reaching a value (cycle detection). */
export function covers(alt: Alt, sup: Loc, ctx: Context, trail: RefTrail | undefined): Res {
  ctx.tick();
  const s = sup.schema;
  if (s === true) return YES;
  const res =
    s === false
      ? no('downstream accepts no value', () => sampleAlt(alt, ctx, 0))
      : coversObject(alt, sup, s, ctx, trail);
  if (res.verdict === 'yes' || res.expects !== undefined) return res;
  // Upstream values inside one of their own `not`s do not exist: if all of them are, none do.
  const plain: Alt = { ...alt, nots: [] };
  if (alt.nots.some((n) => covers(plain, n, ctx, undefined).verdict === 'yes')) return YES;
  const values = alt.values ?? enumerate(alt.facet);
  if (values === undefined) return res;
  return decideFinite(
    values.filter((v) => !alt.nots.some((n) => member(v, n) === true)),
    sup,
    res,
  );
}

function coversObject(
  alt: Alt,
  sup: Loc,
  s: JsonSchemaObject,
  ctx: Context,
  trail: RefTrail | undefined,
): Res {
  const kind = alt.facet.kind;
  const read = readAlt(sup, kind);
  const samples = () => sampleAlt(alt, ctx, 0);
  if ('none' in read) {
    const type = readType(s);
    if (read.none === 'type' && type !== undefined) {
      const expects = describeKinds([...type.kinds], type.integerOnly);
      return no(
        `upstream may produce ${describeKind(kind)} where downstream requires ${expects}`,
        samples,
        expects,
      );
    }
    const allowed = s.const !== undefined ? [s.const] : Array.isArray(s.enum) ? s.enum : [];
    const expects = `one of ${showList(allowed)}`;
    return no(
      `upstream may produce ${describeKind(kind)} where downstream allows only ${showList(allowed)}`,
      samples,
      expects,
    );
  }
  const c = new Conjunction();
  const undecided = undecidedKeyword(s);
  if (undecided !== undefined)
    c.add(unknown(`downstream uses "${undecided}", which the checker does not decide`, samples));
  if (read.alt.approx) c.add(unknown('downstream has keywords with values the checker cannot read', samples));
  if (c.add(facetCovers(alt, read.alt, ctx))) return c.result;
  if (typeof s.$ref === 'string') {
    const target = resolveRef(sup, s.$ref);
    if (c.add(covers(alt, target, ctx, extendTrail(trail, target, s.$ref, sup)))) return c.result;
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (s[keyword] === undefined) continue;
    const members = schemaList(s[keyword]);
    if (members === undefined) {
      c.add(unknown(`downstream's ${keyword} is malformed`));
      continue;
    }
    const locs = members.map((m, i) => childLoc(sup, m, keyword, i));
    const res =
      keyword === 'allOf'
        ? allCover(alt, locs, ctx, trail)
        : someCovers(alt, locs, keyword === 'oneOf', ctx, trail);
    if (c.add(res)) return c.result;
  }
  if (s.not !== undefined) {
    if (isSchema(s.not)) c.add(notCovers(alt, childLoc(sup, s.not, 'not'), ctx));
    else c.add(unknown("downstream's not is malformed"));
  }
  return c.result;
}

function allCover(alt: Alt, locs: readonly Loc[], ctx: Context, trail: RefTrail | undefined): Res {
  const c = new Conjunction();
  for (const loc of locs) if (c.add(covers(alt, loc, ctx, trail))) break;
  return c.result;
}

/** anyOf (and oneOf, which must also not match twice): one branch must accept the whole alternative. */
function someCovers(
  alt: Alt,
  locs: readonly Loc[],
  exclusive: boolean,
  ctx: Context,
  trail: RefTrail | undefined,
): Res {
  const opens: Open[] = [];
  for (const [i, loc] of locs.entries()) {
    const res = covers(alt, loc, ctx, trail);
    if (res.verdict !== 'yes') {
      opens.push(res);
      continue;
    }
    if (!exclusive) return YES;
    const overlapping = locs.find((other, j) => j !== i && !disjointFrom(alt, other, ctx));
    if (overlapping === undefined) return YES;
    return unknown("upstream values may match more than one branch of downstream's oneOf", () =>
      overlapSamples(alt, overlapping, ctx),
    );
  }
  // Before giving up, split an object upstream on its discriminator: each branch may cover one value.
  const parts = splitOnDiscriminator(alt, ctx);
  if (parts?.every((part) => someCovers(part, locs, exclusive, ctx, trail).verdict === 'yes')) return YES;
  const keyword = exclusive ? 'oneOf' : 'anyOf';
  const witnesses = () => opens.flatMap((o) => o.witnesses());
  const relevant = opens.filter((o) => o.expects === undefined);
  if (relevant.length === 0) {
    const expects = opens.map((o) => o.expects).join(' or ');
    return no(
      `upstream may produce ${describeKind(alt.facet.kind)} where downstream requires ${expects}`,
      witnesses,
      expects,
    );
  }
  const [first] = relevant;
  if (relevant.length === 1 && first !== undefined) return { ...first, verdict: 'unknown', witnesses };
  return unknown(
    `no single branch of downstream's ${keyword} accepts everything upstream may produce`,
    witnesses,
  );
}

/** Discriminators with more values than this are not split on. */
const MAX_SPLIT = 16;

/**
 * An object alternative split on a required property that has a few possible values
 * (`kind: {enum: [...]}`): one alternative per value, which together are the original.
 */
function splitOnDiscriminator(alt: Alt, ctx: Context): Alt[] | undefined {
  const f = alt.facet;
  if (f.kind !== 'object' || alt.values !== undefined) return undefined;
  for (const key of requiredClosure(f)) {
    const conj = schemasForKey(f, key);
    const values: unknown[] = [];
    const finite = possibleKinds(conj).every((kind) =>
      expand(conj, kind, ctx).every((a) => {
        const listed = a.values ?? enumerate(a.facet);
        if (listed !== undefined) values.push(...listed);
        return listed !== undefined;
      }),
    );
    if (!finite || values.length < 2 || values.length > MAX_SPLIT) continue;
    return values.map((value) => {
      const member = {
        properties: new Map([[key, rootLoc({ const: value })]]),
        patterns: [],
        additional: undefined,
      };
      return { ...alt, facet: intersectObjects(f, { ...ANY_OBJECT, members: [member] }) };
    });
  }
  return undefined;
}

function notCovers(alt: Alt, negated: Loc, ctx: Context): Res {
  if (disjointFrom(alt, negated, ctx)) return YES;
  const reason = `upstream may produce values that downstream excludes with "not"`;
  return unknown(reason, () => overlapSamples(alt, negated, ctx));
}

/** One downstream schema object's own keywords against an upstream alternative of the same kind. */
function facetCovers(alt: Alt, supAlt: Alt, ctx: Context): Res {
  const allowed = supAlt.values;
  if (allowed !== undefined) {
    const values = alt.values ?? enumerate(alt.facet);
    const outside = (v: unknown) => !includesValue(allowed, v);
    if (values === undefined) {
      const reason = `upstream may produce ${describeKind(alt.facet.kind)} outside downstream's allowed values ${showList(allowed)}`;
      return no(reason, () => sampleAlt(alt, ctx, 0).filter(outside));
    }
    const extra = values.find(outside);
    if (extra !== undefined)
      return no(`upstream may produce ${show(extra)}, which downstream does not allow`, () => [extra]);
  }
  const f = alt.facet;
  const g = supAlt.facet;
  switch (f.kind) {
    case 'null':
    case 'boolean':
      return YES;
    case 'number':
      return g.kind === 'number' ? numbersCover(f, g) : mixedKinds();
    case 'string':
      return g.kind === 'string' ? stringsCover(f, g) : mixedKinds();
    case 'array':
      return g.kind === 'array' ? arraysCover(f, g, ctx) : mixedKinds();
    case 'object':
      return g.kind === 'object' ? objectsCover(f, g, ctx) : mixedKinds();
    default: {
      const never: never = f;
      return never;
    }
  }
}

function mixedKinds(): never {
  throw new Error('internal: facets of different kinds compared');
}
