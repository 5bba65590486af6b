import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { mannWhitneyU } from '../../../../src/core/judge/mann-whitney.js';

interface Fixture {
  name: string;
  x: number[];
  y: number[];
  u: number;
  pGreater: number;
  pLess: number;
  pTwoSided: number;
  method: 'exact' | 'asymptotic';
}

const fixtures = (
  JSON.parse(readFileSync(new URL('../../../fixtures/mannwhitney.json', import.meta.url), 'utf8')) as { cases: Fixture[] }
).cases;

/** |a − b| ≤ 1e-9·|b| (and exact equality for zeros). */
function expectRelativelyClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
}

describe('mannWhitneyU matches scipy.stats.mannwhitneyu(x, y, method="auto")', () => {
  test.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const result = mannWhitneyU(f.x, f.y);
    expect(result.method).toBe(f.method);
    expect(result.u).toBe(f.u);
    expectRelativelyClose(result.pGreater, f.pGreater);
    expectRelativelyClose(result.pLess, f.pLess);
    expectRelativelyClose(result.pTwoSided, f.pTwoSided);
  });

  test('the fixtures cover exact and asymptotic, ties, tiny and large samples', () => {
    expect(fixtures.some((f) => f.method === 'exact' && Math.min(f.x.length, f.y.length) === 1)).toBe(true);
    expect(fixtures.some((f) => f.method === 'exact' && Math.max(f.x.length, f.y.length) >= 1000)).toBe(true);
    expect(fixtures.some((f) => f.method === 'asymptotic' && f.x.length >= 1000)).toBe(true);
    expect(fixtures.some((f) => f.name.startsWith('ties') && Math.min(f.x.length, f.y.length) <= 8)).toBe(true);
    expect(fixtures.some((f) => f.pGreater < 1e-12 || f.pLess < 1e-12)).toBe(true);
  });
});

const sample = (min: number, max: number) =>
  fc.array(fc.integer({ min: -50, max: 50 }).map((v) => v / 4), { minLength: min, maxLength: max });

describe('mannWhitneyU invariances', () => {
  test('swapping the samples mirrors the result: U ↔ n1·n2 − U, greater ↔ less', () => {
    fc.assert(
      fc.property(sample(1, 15), sample(1, 15), (x, y) => {
        const a = mannWhitneyU(x, y);
        const b = mannWhitneyU(y, x);
        expect(b.u).toBe(x.length * y.length - a.u);
        expect(b.pGreater).toBeCloseTo(a.pLess, 12);
        expect(b.pLess).toBeCloseTo(a.pGreater, 12);
        expect(b.pTwoSided).toBeCloseTo(a.pTwoSided, 12);
        expect(b.method).toBe(a.method);
      }),
    );
  });

  test('shifting or positively scaling both samples changes nothing', () => {
    fc.assert(
      fc.property(sample(1, 15), sample(1, 15), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 64 }), (x, y, shift, scale) => {
        const a = mannWhitneyU(x, y);
        expect(mannWhitneyU(x.map((v) => v + shift), y.map((v) => v + shift))).toEqual(a);
        expect(mannWhitneyU(x.map((v) => v * scale), y.map((v) => v * scale))).toEqual(a);
      }),
    );
  });

  test('p-values are probabilities and the two-sided one is twice the smaller side, capped at 1', () => {
    fc.assert(
      fc.property(sample(1, 20), sample(1, 20), (x, y) => {
        const r = mannWhitneyU(x, y);
        for (const p of [r.pGreater, r.pLess, r.pTwoSided]) expect(p >= 0 && p <= 1).toBe(true);
        expect(r.pTwoSided).toBeCloseTo(Math.min(1, 2 * Math.min(r.pGreater, r.pLess)), 12);
      }),
    );
  });
});
