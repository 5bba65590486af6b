import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { hodgesLehmann, kthDifference } from '../../../../src/core/judge/hodges-lehmann.js';

const fixtures = (
  JSON.parse(readFileSync(new URL('../../../fixtures/mannwhitney.json', import.meta.url), 'utf8')) as {
    cases: { name: string; x: number[]; y: number[]; hodgesLehmann?: number }[];
  }
).cases.filter((f) => f.hodgesLehmann !== undefined);

const sample = (min: number, max: number) =>
  fc.array(fc.integer({ min: -40, max: 40 }).map((v) => v / 8), { minLength: min, maxLength: max });

const sortedDifferences = (x: number[], y: number[]) => x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);

describe('hodgesLehmann', () => {
  test.each(fixtures.map((f) => [f.name, f] as const))('estimate equals numpy median of pairwise differences: %s', (_n, f) => {
    expect(hodgesLehmann(f.x, f.y).estimate).toBeCloseTo(f.hodgesLehmann!, 12);
  });

  test('the k-th pairwise difference is found without listing the differences', () => {
    fc.assert(
      fc.property(sample(1, 25), sample(1, 25), fc.integer({ min: 0, max: 10_000 }), (x, y, seed) => {
        const all = sortedDifferences(x, y);
        const k = 1 + (seed % all.length);
        const sort = (v: number[]) => Float64Array.from(v).sort();
        expect(kthDifference(sort(x), sort(y), k)).toBe(all[k - 1]);
      }),
    );
  });

  test('the k-th difference of larger samples, found by narrowing a bracket: ties at zero, tiny and huge values', () => {
    const pick = (values: number[]) => fc.array(fc.constantFrom(...values), { minLength: 100, maxLength: 150 });
    const kinds = [
      [0, 0, 0, 0.01, 0.02, 1 / 3, 5e-324, 1e-320],
      [0, -8e307, 8e307, 1.5, -2.25, 7],
      [0.1, 0.1000001, 0.1000002, 0.2, 0.30000000000000004],
    ];
    for (const values of kinds) {
      fc.assert(
        fc.property(pick(values), pick(values), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), (x, y, shares) => {
          const all = sortedDifferences(x, y);
          const sort = (v: number[]) => Float64Array.from(v).sort();
          for (const share of shares) {
            const k = 1 + Math.min(all.length - 1, Math.floor(share * all.length));
            expect(kthDifference(sort(x), sort(y), k)).toBe(all[k - 1]);
          }
        }),
        { numRuns: 12 },
      );
    }
  });

  test('the estimate is the median of the pairwise differences, the mean of the middle two when their count is even (ties included)', () => {
    fc.assert(
      fc.property(sample(1, 25), sample(1, 25), (x, y) => {
        const all = sortedDifferences(x, y);
        const half = all.length >> 1;
        expect(hodgesLehmann(x, y).estimate).toBe(all.length % 2 ? all[half] : (all[half - 1] + all[half]) / 2);
      }),
      { numRuns: 500 },
    );
  });

  test('the interval contains the estimate and moves with a shift of the canary', () => {
    // Values sit on a 1/8 grid and the canary is moved off it, so no shift creates or removes ties
    // between the samples (which would change the tie-corrected variance, hence the interval).
    fc.assert(
      fc.property(sample(3, 30), sample(3, 30), fc.integer({ min: -20, max: 20 }), (x, y, shift) => {
        const a = hodgesLehmann(x.map((v) => v + 1 / 16), y, 0.9);
        expect(a.lower).toBeLessThanOrEqual(a.estimate);
        expect(a.estimate).toBeLessThanOrEqual(a.upper);
        const b = hodgesLehmann(x.map((v) => v + 1 / 16 + shift), y, 0.9);
        expect(b.estimate).toBeCloseTo(a.estimate + shift, 9);
        expect(b.lower).toBeCloseTo(a.lower + shift, 9);
        expect(b.upper).toBeCloseTo(a.upper + shift, 9);
      }),
      { numRuns: 300 },
    );
  });

  test('5 vs 5 distinct values at 90%: the exact interval is [D(5), D(21)] of the 25 differences', () => {
    // P(U ≤ 4) = 12/252 ≤ 0.05 < P(U ≤ 5) = 19/252 for m = n = 5, so c = 5.
    const x = [1.1, 2.3, 3.9, 5.2, 8.8];
    const y = [0.4, 1.7, 2.2, 6.1, 7.5];
    const d = sortedDifferences(x, y);
    expect(hodgesLehmann(x, y, 0.9)).toEqual({ estimate: d[12], lower: d[4], upper: d[20], confidence: 0.9 });
  });

  test('samples too small for the confidence asked report the full range and the confidence it has', () => {
    const result = hodgesLehmann([1, 2], [3, 4], 0.99);
    expect(result).toEqual({ estimate: -2, lower: -3, upper: -1, confidence: 1 - 2 / 6 });
  });
});
