// frozenCopy: a run input's frozen copy that shares what the caller already froze all
// the way down, so a long-lived caller hands the same state over at the cost of its new
// parts (and keeps its proofs and hashes).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../engine/json/parse.js';
import { deepFreeze, firstNonJson, frozenCopy, isDeepFrozen } from '../../engine/json/value.js';

describe('frozenCopy', () => {
  it('is an equal value frozen all the way down, and leaves the caller’s value alone', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const before = structuredClone(value);
        const copy = frozenCopy(value);
        expect(copy).toEqual(before);
        expect(value).toEqual(before);
        if (typeof copy === 'object' && copy !== null) expect(isDeepFrozen(copy)).toBe(true);
      }),
      { numRuns: 300 },
    );
    const input = { a: [1] };
    frozenCopy(input);
    expect(Object.isFrozen(input) || Object.isFrozen(input.a)).toBe(false);
  });

  it('shares subtrees frozen all the way down, and copies a frozen root over members that are not', () => {
    const state = deepFreeze({ tasks: { a: { id: 'a', depends_on: [] as string[] } }, done: ['x'] });
    const copy = frozenCopy({ state, now: 'n' });
    expect(copy.state).toBe(state);
    expect(frozenCopy({ state, now: 'm' }).state).toBe(state);

    const loose = { n: 1 };
    const shell = Object.freeze({ loose });
    const copied = frozenCopy(shell);
    expect(copied).not.toBe(shell);
    expect(copied.loose).not.toBe(loose);
    loose.n = 2;
    expect(copied.loose.n).toBe(1);
  });

  it('leaves out undefined members, as JSON does', () => {
    const copy = frozenCopy(Object.freeze({ a: undefined, b: 1 }));
    expect(Object.keys(copy)).toEqual(['b']);
  });

  it('lets firstNonJson skip a shared subtree, but not past the nesting limit', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) deep = [deep];
    const sealed = frozenCopy(deep);
    expect(firstNonJson(sealed)).toBeUndefined();
    expect(firstNonJson([sealed])).toBeUndefined();
    expect(firstNonJson([[sealed]])?.found).toBe(`nesting deeper than ${MAX_JSON_DEPTH}`);
  });
});

describe('isDeepFrozen', () => {
  it('tells frozen all the way down from frozen at the top only, and sees a later freeze', () => {
    const inner = { n: 1 };
    const outer = Object.freeze({ inner });
    expect(isDeepFrozen(outer)).toBe(false);
    Object.freeze(inner);
    expect(isDeepFrozen(outer)).toBe(true);
    expect(isDeepFrozen(deepFreeze({ a: [{ b: 1 }] }))).toBe(true);
  });
});
