import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { binomialUpperBound } from '../../../../src/core/judge/binomial-bound.js';
import { normalCdf, normalQuantile, regularizedBeta } from '../../../../src/core/judge/special-functions.js';

// Reference values from scipy (scripts/make-special-functions-fixtures.py). Where scipy itself is
// less precise than these functions (deep normal tails, incomplete beta with parameters in the
// millions), the tolerance is scipy's error, not ours.

interface Fixture {
  normalCdf: { z: number; p: number }[];
  normalQuantile: { p: number; z: number }[];
  regularizedBeta: { x: number; a: number; b: number; value: number }[];
  binomialUpperBound: { errors: number; trials: number; alpha: number; bound: number }[];
}

const fixture = JSON.parse(readFileSync('test/fixtures/special-functions.json', 'utf8')) as Fixture;

/** The cases whose relative difference from the reference exceeds the tolerance, described. */
function misses<T>(cases: T[], actual: (c: T) => number, expected: (c: T) => number, tolerance: number): string[] {
  return cases.flatMap((c) => {
    const [got, want] = [actual(c), expected(c)];
    return Math.abs(got - want) <= tolerance * Math.abs(want) ? [] : [`${JSON.stringify(c)}: got ${got}`];
  });
}

describe('normalCdf', () => {
  test('matches scipy to 1e-12 relative from z = −38 to 38, wherever Φ(z) is at least 1e-300', () => {
    const cases = fixture.normalCdf.filter((c) => c.p >= 1e-300);
    expect(cases.length).toBeGreaterThan(300);
    expect(cases.some((c) => c.p < 1e-290)).toBe(true);
    expect(misses(cases, (c) => normalCdf(c.z), (c) => c.p, 1e-12)).toEqual([]);
  });

  test('below 1e-300 it stays below 1e-300, and the infinities and NaN map to 0, 1 and NaN', () => {
    for (const c of fixture.normalCdf.filter((c) => c.p < 1e-300)) expect(normalCdf(c.z)).toBeLessThan(1e-300);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });

  test('is symmetric: Φ(z) + Φ(−z) = 1 across the switch between series and continued fraction', () => {
    for (const z of [0, 1e-12, 0.7, 1.4999999, 1.5, 1.5000001, 3, 7]) expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 15);
  });
});

describe('normalQuantile', () => {
  test('matches scipy to 1e-13 relative from p = 1e-300 to 1 − 1e-16', () => {
    const cases = fixture.normalQuantile;
    expect(Math.min(...cases.map((c) => c.p))).toBeLessThanOrEqual(1e-300);
    expect(Math.max(...cases.map((c) => c.p))).toBeGreaterThanOrEqual(1 - 1e-16);
    expect(misses(cases, (c) => normalQuantile(c.p), (c) => c.z, 1e-13)).toEqual([]);
  });

  test('inverts normalCdf, and gives ±∞ at 0 and 1, 0 at ½, NaN outside [0, 1]', () => {
    for (const p of [1e-250, 1e-9, 0.025, 0.3, 0.5 + 1e-9, 0.95]) expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThanOrEqual(1e-14 * p);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });
});

describe('regularizedBeta', () => {
  test('matches scipy to 1e-9 relative for small parameters and for parameters up to 1e7, at the mean and far into both tails', () => {
    const cases = fixture.regularizedBeta;
    expect(cases.some((c) => c.a >= 1e7 && c.b >= 1e7)).toBe(true);
    expect(cases.some((c) => c.value < 1e-100)).toBe(true);
    expect(misses(cases, (c) => regularizedBeta(c.x, c.a, c.b), (c) => c.value, 1e-9)).toEqual([]);
  });

  test('is 0 at x ≤ 0, 1 at x ≥ 1, NaN for parameters that are not positive', () => {
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(-1, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(regularizedBeta(0.5, 0, 3)).toBeNaN();
    expect(regularizedBeta(0.5, 2, -1)).toBeNaN();
    expect(regularizedBeta(NaN, 2, 3)).toBeNaN();
  });

  test('has the closed forms I_x(1, 1) = x, I_x(a, 1) = x^a and the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    for (const x of [1e-9, 0.2, 0.5, 0.9]) expect(Math.abs(regularizedBeta(x, 1, 1) - x)).toBeLessThanOrEqual(1e-14 * x);
    expect(regularizedBeta(0.9999997, 1e7, 1)).toBeCloseTo(0.9999997 ** 1e7, 14);
    for (const [x, a, b] of [[0.3, 2.5, 4], [0.4999, 1e6, 1e6], [0.02, 3, 200]]) expect(regularizedBeta(x, a, b) + regularizedBeta(1 - x, b, a)).toBeCloseTo(1, 14);
  });
});

describe('binomialUpperBound on the special functions', () => {
  test('matches scipy.stats.beta.ppf(1 − α, k + 1, n − k) to 1e-9 relative, n up to 1e7', () => {
    const cases = fixture.binomialUpperBound;
    expect(cases.some((c) => c.trials >= 1e7 && c.errors === 0)).toBe(true);
    expect(misses(cases, (c) => binomialUpperBound(c.errors, c.trials, c.alpha), (c) => c.bound, 1e-9)).toEqual([]);
  });
});
