import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { medianDistanceOfSorted, medianOfSorted } from '../../../../src/core/judge/detectable.js';
import { GrowingRanks, rankSamples, sortedCopy } from '../../../../src/core/judge/ranks.js';

// Values on a coarse grid, so that ties within and across the samples are common (the judge's
// validation reads −0 as 0, so neither path meets it).
const value = fc.integer({ min: -6, max: 6 }).map((v) => v / 2 + 0);
const sample = fc.array(value, { minLength: 0, maxLength: 40 });

/** Average ranks of the pooled sample by a plain sort, for reference. */
function reference(x: number[], y: number[]) {
  const pooled = [...x, ...y].sort((a, b) => a - b);
  const rank = (v: number) => {
    const first = pooled.findIndex((p) => p === v);
    const last = pooled.length - 1 - [...pooled].reverse().findIndex((p) => p === v);
    return (first + last) / 2 + 1;
  };
  const groups = new Map<number, number>();
  for (const v of pooled) groups.set(v, (groups.get(v) ?? 0) + 1);
  return { rankSumX: x.reduce((sum, v) => sum + rank(v), 0), tieTerm: [...groups.values()].reduce((sum, t) => sum + t ** 3 - t, 0) };
}

describe('ranking two samples', () => {
  test('the merge gives the pooled ranks and tie term a plain sort gives', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const ranked = rankSamples(x, y);
        expect({ rankSumX: ranked.rankSumX, tieTerm: ranked.tieTerm }).toEqual(reference(x, y));
        expect([...ranked.xs]).toEqual([...sortedCopy(x)]);
      }),
      { numRuns: 500 },
    );
  });

  test('grown one value at a time, in any order of the arms, the ranks are the merge’s after every value', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), value), { maxLength: 60 }), (additions) => {
        const growing = new GrowingRanks();
        const [x, y]: [number[], number[]] = [[], []];
        for (const [toX, v] of additions) {
          if (toX) {
            growing.addX(v);
            x.push(v);
          } else {
            growing.addY(v);
            y.push(v);
          }
          const grown = growing.ranked();
          const merged = rankSamples(x, y);
          expect({ rankSumX: grown.rankSumX, tieTerm: grown.tieTerm, xs: [...grown.xs], ys: [...grown.ys] }).toEqual({ rankSumX: merged.rankSumX, tieTerm: merged.tieTerm, xs: [...merged.xs], ys: [...merged.ys] });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the median distance from the median, from sorted values', () => {
  test('is the median of the sorted distances', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), (values) => {
        const sorted = sortedCopy(values);
        const centre = medianOfSorted(sorted);
        expect(medianDistanceOfSorted(sorted, centre)).toBe(medianOfSorted(sortedCopy(values.map((v) => Math.abs(v - centre)))));
      }),
      { numRuns: 500 },
    );
  });
});
