// Disjointness: can no value satisfy both an upstream alternative and a schema? It
// decides `not` and the exclusivity of `oneOf` downstream. Only "disjoint" is a claim
// (made from bounds, lengths, counts, finite sets, and properties both sides require
// with disjoint values, such as a discriminator); anything else counts as overlapping.
import { expand, intersectAlt, mayAdmit, type Alt } from './alternatives.js';
import { itemsAt, maxItemsBound } from './arrays.js';
import type { Context } from './context.js';
import { includesValue } from './finite.js';
import { KINDS } from './kinds.js';
import type { Loc } from './loc.js';
import { canHave, requiredClosure, schemasForKey } from './objects.js';
import { sampleAlt } from './witness.js';

/** How deep disjointness looks into properties and items. */
const MAX_DEPTH = 6;

export function disjointFrom(alt: Alt, loc: Loc, ctx: Context, depth = 0): boolean {
  return expand([loc], alt.facet.kind, ctx).every((other) => disjointAlts(alt, other, ctx, depth));
}

/** Values of `alt` that `loc` may also accept: candidates for an overlap. */
export function overlapSamples(alt: Alt, loc: Loc, ctx: Context): unknown[] {
  return expand([loc], alt.facet.kind, ctx).flatMap((other) => {
    const both = intersectAlt(alt, other);
    return both === undefined ? [] : sampleAlt(both, ctx, 0);
  });
}

function rejects(alt: Alt, value: unknown): boolean {
  if (alt.values !== undefined && !includesValue(alt.values, value)) return true;
  return !mayAdmit(alt.facet, value);
}

function disjointAlts(a: Alt, b: Alt, ctx: Context, depth: number): boolean {
  ctx.tick();
  if (a.values !== undefined && a.values.every((v) => rejects(b, v))) return true;
  if (b.values !== undefined && b.values.every((v) => rejects(a, v))) return true;
  if (intersectAlt(a, b) === undefined) return true;
  if (depth >= MAX_DEPTH) return false;
  const f = a.facet;
  const g = b.facet;
  if (f.kind === 'array' && g.kind === 'array') {
    const both = Math.min(f.minItems, g.minItems, maxItemsBound(f), maxItemsBound(g));
    for (let i = 0; i < both; i++) {
      if (disjointConj(itemsAt(f, i), itemsAt(g, i), ctx, depth + 1)) return true;
    }
  }
  if (f.kind === 'object' && g.kind === 'object') {
    const requiredA = requiredClosure(f);
    const requiredB = requiredClosure(g);
    for (const key of requiredA) {
      if (!canHave(g, key)) return true;
      if (requiredB.has(key) && disjointConj(schemasForKey(f, key), schemasForKey(g, key), ctx, depth + 1))
        return true;
    }
    for (const key of requiredB) if (!canHave(f, key)) return true;
  }
  return false;
}

function disjointConj(a: readonly Loc[], b: readonly Loc[], ctx: Context, depth: number): boolean {
  for (const kind of KINDS) {
    const left = expand(a, kind, ctx);
    if (left.length === 0) continue;
    const right = expand(b, kind, ctx);
    for (const x of left) for (const y of right) if (!disjointAlts(x, y, ctx, depth)) return false;
  }
  return true;
}
