// The retro's one rounding rule: half away from zero, on the shortest decimal form.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed, roundHalfAwayFromZero } from '../../../stages/retro/rounding.js';

describe('roundHalfAwayFromZero', () => {
  it.each([
    [0.5, 0, 1],
    [1.5, 0, 2],
    [2.5, 0, 3],
    [-2.5, 0, -3],
    [0.125, 2, 0.13],
    [0.375, 2, 0.38],
    [1.005, 2, 1.01],
    [2.675, 2, 2.68],
    [1.0005, 3, 1.001],
    [0.0625, 3, 0.063],
    [4.35, 1, 4.4],
    [-0.125, 2, -0.13],
  ])('rounds the tie %d to %i places as %d', (value, places, expected) => {
    expect(roundHalfAwayFromZero(value, places)).toBe(expected);
  });

  it('rounds what is below or above a tie to the nearer side', () => {
    expect(roundHalfAwayFromZero(2.4999, 0)).toBe(2);
    expect(roundHalfAwayFromZero(0.12499, 2)).toBe(0.12);
    expect(roundHalfAwayFromZero(1 / 6, 2)).toBe(0.17);
    expect(roundHalfAwayFromZero(2 / 3, 3)).toBe(0.667);
  });

  it('reads numbers JSON prints with an exponent', () => {
    expect(roundHalfAwayFromZero(5e-7, 6)).toBe(0.000001);
    expect(roundHalfAwayFromZero(4e-7, 6)).toBe(0);
    expect(roundHalfAwayFromZero(1e20, 2)).toBe(1e20);
  });

  it('never returns -0', () => {
    expect(Object.is(roundHalfAwayFromZero(-0.001, 2), 0)).toBe(true);
  });

  it('is symmetric around zero and never moves a value by more than half a unit', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 4 }),
        (value, places) => {
          const rounded = roundHalfAwayFromZero(value, places);
          expect(roundHalfAwayFromZero(-value, places)).toBe(rounded === 0 ? 0 : -rounded);
          expect(Math.abs(rounded - value)).toBeLessThanOrEqual(0.5 * 10 ** -places + 1e-9);
        },
      ),
    );
  });
});

describe('formatFixed', () => {
  it('writes exactly the given number of decimals after rounding', () => {
    expect(formatFixed(0.1, 2)).toBe('0.10');
    expect(formatFixed(1.005, 2)).toBe('1.01');
    expect(formatFixed(62.5, 0)).toBe('63');
    expect(formatFixed(4, 1)).toBe('4.0');
  });
});
