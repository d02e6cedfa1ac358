import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSubschema, type JsonSchema } from '../../engine/schema/index.js';
import { candidates, pairArb } from './arbitraries.js';
import { accepts } from './oracle.js';

const RUNS = 10_000;

describe('isSubschema soundness', () => {
  it('never says yes when an instance of sub is rejected by sup, and every witness separates the schemas', () => {
    const tally = { yes: 0, no: 0, unknown: 0 };
    fc.assert(
      fc.property(pairArb, ([sub, sup]: [JsonSchema, JsonSchema]) => {
        const result = isSubschema(sub, sup);
        tally[result.verdict]++;
        if (result.verdict === 'yes') {
          for (const value of candidates(sub, sup)) {
            if (accepts(sub, value)) expect(accepts(sup, value), JSON.stringify(value)).toBe(true);
          }
        }
        if (result.verdict === 'no') {
          expect(result).toHaveProperty('witness');
          expect(accepts(sub, result.witness)).toBe(true);
          expect(accepts(sup, result.witness)).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
    console.log(`subschema verdicts over ${RUNS} pairs:`, tally);
    expect(tally.yes / RUNS).toBeGreaterThanOrEqual(0.2);
    expect(tally.no / RUNS).toBeGreaterThanOrEqual(0.2);
    // 10,000 pairs take ~20 s on an idle core; a loaded 2-core CI machine needs room.
  }, 240_000);
});
