// Whether the object part of an upstream schema fits a downstream one: counts, then every
// property either side names (presence, then value), then the properties nobody names
// (checked against every downstream pattern and additionalProperties that may apply to
// them: stricter than needed, never looser), then propertyNames and dependentRequired.
import { escapeToken } from '../../json/pointer.js';
import type { Context } from './context.js';
import { compareConj } from './covers.js';
import { member } from './finite.js';
import { rootLoc, type Loc } from './loc.js';
import {
  buildObject,
  canHave,
  freshCases,
  freshKey,
  isEmptyObject,
  requiredClosure,
  schemasForKey,
  type BuildOptions,
  type FreshCase,
  type ObjectFacet,
} from './objects.js';
import { Conjunction, nested, no, showList, unknown, upTo, YES, type Open, type Res } from './result.js';
import { sampleConj } from './witness.js';

const ANY_STRING_SCHEMA: Loc = rootLoc({ type: 'string' });

function namedKeys(a: ObjectFacet, b: ObjectFacet): Set<string> {
  const out = new Set<string>();
  for (const f of [a, b]) {
    for (const m of f.members) for (const k of m.properties.keys()) out.add(k);
    for (const k of f.required) out.add(k);
    for (const [k, deps] of f.dependentRequired) [k, ...deps].forEach((d) => out.add(d));
  }
  return out;
}

/**
 * The downstream schemas that may apply to a property of the fresh case (all must hold),
 * each with the pattern a property must match for it to apply.
 */
function freshRequirements(sup: ObjectFacet, fresh: FreshCase): { loc: Loc; pattern?: string }[] {
  const out: { loc: Loc; pattern?: string }[] = [];
  for (const m of sup.members) {
    for (const q of m.patterns)
      if (!fresh.misses.has(q.source)) out.push({ loc: q.schema, pattern: q.source });
    if (m.additional !== undefined && !m.patterns.some((q) => fresh.matches.has(q.source)))
      out.push({ loc: m.additional });
  }
  return out;
}

function at(res: Open, key: string): Open {
  return { ...res, path: `/${escapeToken(key)}${res.path}` };
}

export function objectsCover(sub: ObjectFacet, sup: ObjectFacet, ctx: Context): Res {
  if (isEmptyObject(sub)) return YES;
  const c = new Conjunction();
  const build = (opts: BuildOptions) => () => buildObject(sub, ctx, 0, opts);
  const subRequired = requiredClosure(sub);
  const cases = freshCases(sub);
  const named = namedKeys(sub, sup);

  const subMin = Math.max(sub.minProperties, subRequired.size);
  if (subMin < sup.minProperties) {
    const reason = `upstream allows objects with as few as ${subMin} properties but downstream requires at least ${sup.minProperties}`;
    if (c.add(no(reason, build({})))) return c.result;
  }
  const possible = cases.length > 0 ? Infinity : [...named].filter((k) => canHave(sub, k)).length;
  const subMax = Math.min(sub.maxProperties, possible);
  if (subMax > sup.maxProperties) {
    const reason = `upstream allows objects with ${upTo(subMax, 'properties')} but downstream allows at most ${sup.maxProperties}`;
    if (c.add(no(reason, build({ size: sup.maxProperties + 1 })))) return c.result;
  }

  const supRequired = new Set(sup.required);
  for (const key of named) {
    const has = canHave(sub, key);
    if (supRequired.has(key) && !subRequired.has(key)) {
      const reason = has
        ? `property "${key}" is optional upstream but required downstream`
        : `property "${key}" is required downstream but upstream never produces it`;
      if (c.add(at(no(reason, build({ omit: key })), key))) return c.result;
    }
    if (!has) continue;
    const subConj = schemasForKey(sub, key);
    const embed = (inner: unknown) => buildObject(sub, ctx, 0, { set: [key, inner] });
    for (const supLoc of schemasForKey(sup, key)) {
      if (supLoc.schema === true) continue;
      const res =
        supLoc.schema === false
          ? no(`upstream may produce property "${key}", which downstream does not allow`, () =>
              sampleConj(subConj, ctx, 1),
            )
          : compareConj(subConj, supLoc, ctx);
      if (c.add(nested(res, key, embed))) return c.result;
    }
  }

  const declared = sup.members.flatMap((m) => [...m.properties.keys()]);
  for (const fresh of cases) {
    for (const { loc: supLoc, pattern } of freshRequirements(sup, fresh)) {
      if (supLoc.schema === true) continue;
      const key = freshKey(fresh, named, '', pattern);
      const embed = (inner: unknown) =>
        key === undefined ? [] : buildObject(sub, ctx, 0, { set: [key, inner] });
      const others = declared.length > 0 ? ` other than ${showList(declared)}` : '';
      const res =
        supLoc.schema === false
          ? no(`upstream may produce properties${others}, which downstream does not allow`, () =>
              sampleConj(fresh.conj, ctx, 1),
            )
          : compareConj(fresh.conj, supLoc, ctx);
      if (c.add(key === undefined || res.verdict === 'yes' ? res : nested(res, key, embed))) return c.result;
    }
  }

  for (const names of sup.propertyNames) {
    if (c.add(propertyNamesCovered(sub, names, named, cases, ctx))) return c.result;
  }

  for (const [key, deps] of sup.dependentRequired) {
    if (!canHave(sub, key)) continue;
    const implied = requiredClosure(sub, [key]);
    for (const dep of deps) {
      if (implied.has(dep)) continue;
      const reason = `property "${key}" may appear upstream without "${dep}", which downstream requires alongside it`;
      if (c.add(at(no(reason, build({ include: key, omit: dep })), dep))) return c.result;
    }
  }
  return c.result;
}

function propertyNamesCovered(
  sub: ObjectFacet,
  names: Loc,
  named: ReadonlySet<string>,
  cases: readonly FreshCase[],
  ctx: Context,
): Res {
  const c = new Conjunction();
  const withKey = (key: string, conj: readonly Loc[]) => () =>
    sampleConj(conj, ctx, 1).flatMap((v) => buildObject(sub, ctx, 0, { set: [key, v] }));
  for (const key of named) {
    if (!canHave(sub, key)) continue;
    const accepted = member(key, names);
    if (accepted === true) continue;
    const reason = `upstream may produce property "${key}", whose name downstream does not allow`;
    const res = accepted === false ? no(reason, withKey(key, schemasForKey(sub, key))) : unknown(reason);
    if (c.add(at(res, key))) return c.result;
  }
  const fresh = cases[0];
  if (fresh !== undefined) {
    const res = compareConj([...sub.propertyNames, ANY_STRING_SCHEMA], names, ctx);
    if (res.verdict !== 'yes') {
      const keys = () => res.witnesses().filter((k): k is string => typeof k === 'string' && !named.has(k));
      const reason = "upstream allows property names that downstream's propertyNames rejects";
      c.add(unknown(reason, () => keys().flatMap((k) => withKey(k, fresh.conj)())));
    }
  }
  return c.result;
}
