// Hashes of boundary values: memoised by identity for frozen values, always equal to the
// SHA-256 of the JCS text computed afresh.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentId } from '../../engine/json/jcs.js';
import { deepFreeze } from '../../engine/json/value.js';
import { digest } from '../../engine/run/digest.js';

describe('digest', () => {
  it('gives the JCS text and its SHA-256, frozen or not, memoised or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const fresh = { jcs: canonicalJson(value), hash: contentId(value) };
        expect(digest(structuredClone(value))).toEqual(fresh);
        const frozen = deepFreeze(structuredClone(value));
        expect(digest(frozen)).toEqual(fresh);
        expect(digest(frozen)).toEqual(fresh); // from the memo
        expect(digest({ wrapped: frozen }).jcs).toBe(canonicalJson({ wrapped: value }));
      }),
      { numRuns: 300 },
    );
  });

  it('does not memoise a value that can still change', () => {
    const value: { list: number[] } = { list: [1] };
    const before = digest(value).hash;
    value.list.push(2);
    expect(digest(value).hash).not.toBe(before);
    expect(digest(value).hash).toBe(contentId({ list: [1, 2] }));
  });
});
