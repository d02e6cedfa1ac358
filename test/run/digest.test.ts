// Content hashes of boundary values (engine/run/digest.ts): a Merkle hash over the JSON
// tree, remembered by identity for values frozen all the way down, and the same whether
// a value is frozen, remembered or computed afresh.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentId, sha256Hex } from '../../engine/json/jcs.js';
import { deepFreeze } from '../../engine/json/value.js';
import { digest } from '../../engine/run/digest.js';

const nested = (value: unknown): value is object => typeof value === 'object' && value !== null;

describe('digest', () => {
  it('is one hash per JSON value, frozen or not, remembered or not, with its JCS length', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const fresh = digest(structuredClone(value));
        expect(fresh.size).toBe(canonicalJson(value).length);
        const frozen = deepFreeze(structuredClone(value));
        expect(digest(frozen)).toEqual(fresh);
        expect(digest(frozen)).toEqual(fresh); // remembered
        expect(digest({ wrapped: frozen })).toEqual(digest({ wrapped: structuredClone(value) }));
      }),
      { numRuns: 300 },
    );
  });

  it('tells two values apart exactly when their JCS texts differ', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(digest(a).hash === digest(b).hash).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 500 },
    );
    // Values close to each other: the same members, one level apart.
    const pairs: [unknown, unknown][] = [
      [{ a: [1] }, { a: '[1]' }],
      [[[1, 2]], [[1], [2]]],
      [{ a: { b: 1 } }, { a: { b: '1' } }],
      [[{}], [[]]],
    ];
    for (const [a, b] of pairs) expect(digest(a).hash).not.toBe(digest(b).hash);
  });

  it('is the SHA-256 of the JCS text with small scalar-only members inline, and `#` + hash for the others', () => {
    const inline = [
      null,
      1.5,
      'x',
      true,
      { b: 1, a: 'z' },
      [1, 'a', null],
      {},
      [],
      [{ a: 1 }, []],
      { z: [], a: { b: 1 } },
    ];
    for (const value of inline) expect(digest(value).hash).toBe(contentId(value));
    const hashed = (member: unknown) =>
      nested(member) && (Object.values(member).some(nested) || canonicalJson(member).length > 1024);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        if (!nested(value) || !Object.values(value).some(hashed))
          expect(digest(value).hash).toBe(contentId(value));
      }),
    );
    // a holds an object, so it is written as its hash; b holds only scalars, so it is inline.
    const a = sha256Hex('{"b":{"c":1}}');
    expect(digest({ a: { b: { c: 1 } }, n: [1] }).hash).toBe(sha256Hex(`{"a":#${a},"n":[1]}`));
    // A list of scalars longer than 1,024 characters of JCS is written as its hash.
    const long = Array.from({ length: 400 }, (_, i) => i * 1000);
    expect(canonicalJson(long).length).toBeGreaterThan(1024);
    expect(digest({ long }).hash).toBe(sha256Hex(`{"long":#${contentId(long)}}`));
    expect(digest(long).hash).toBe(contentId(long));
  });

  it('does not remember a value that can still change, even under a frozen root', () => {
    const value: { list: number[] } = { list: [1] };
    const before = digest(value).hash;
    value.list.push(2);
    expect(digest(value).hash).not.toBe(before);
    expect(digest(value).hash).toBe(digest({ list: [1, 2] }).hash);

    const child = { n: 1 };
    const shell = Object.freeze({ child });
    const first = digest(shell).hash;
    child.n = 2;
    expect(digest(shell).hash).not.toBe(first);
    expect(digest(shell).hash).toBe(digest({ child: { n: 2 } }).hash);
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => digest({ a: Number.NaN })).toThrow(TypeError);
    expect(() => digest([() => 1])).toThrow(TypeError);
    expect(digest({ a: undefined, b: 1 })).toEqual(digest({ b: 1 }));
  });
});
