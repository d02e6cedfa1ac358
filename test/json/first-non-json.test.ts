// firstNonJson names the first place, in document order, that JSON cannot carry.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../engine/json/parse.js';
import { firstNonJson } from '../../engine/json/value.js';

describe('firstNonJson', () => {
  it('accepts JSON values, skips undefined object members, and takes a shared subtree for no cycle', () => {
    const shared = { a: [1, 'x', null, true] };
    expect(firstNonJson({ p: shared, q: shared, r: undefined, s: { t: [] } })).toBeUndefined();
  });

  it('names the first offending value by its path, in document order', () => {
    expect(firstNonJson({ a: [1, { b: Number.NaN }], c: () => 1 })).toEqual({
      tokens: ['a', 1, 'b'],
      found: 'number NaN',
    });
    expect(firstNonJson([0, undefined])).toEqual({ tokens: [1], found: 'undefined' });
    expect(firstNonJson({ d: new Date(0) })).toEqual({ tokens: ['d'], found: 'a non-plain object' });
    expect(firstNonJson({ s: ['ok', '\uD800'] })?.tokens).toEqual(['s', 1]);
  });

  it('finds a cycle and nesting past the limit', () => {
    const loop: Record<string, unknown> = { x: {} };
    (loop.x as Record<string, unknown>).back = loop;
    expect(firstNonJson(loop)).toEqual({ tokens: ['x', 'back'], found: 'a cycle' });
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_JSON_DEPTH; i++) deep = [deep];
    expect(firstNonJson(deep)?.found).toBe(`nesting deeper than ${MAX_JSON_DEPTH}`);
    expect(firstNonJson(deep)?.tokens).toHaveLength(MAX_JSON_DEPTH);
  });
});
