import { describe, expect, test } from '@jest/globals';
import { binomialUpperBound } from '../../../../src/core/judge/binomial-bound.js';

describe('binomialUpperBound', () => {
  // Reference values: scipy.stats.beta.ppf(1 - alpha, errors + 1, trials - errors).
  test.each([
    [0, 1000, 0.01, 0.004594582648473037],
    [3, 1000, 0.01, 0.010009791991707746],
    [10, 500, 0.05, 0.03368827233114448],
    [0, 1, 0.01, 0.99],
  ])('%i errors in %i trials at alpha %f: the exact Clopper-Pearson bound', (errors, trials, alpha, expected) => {
    expect(binomialUpperBound(errors, trials, alpha)).toBeCloseTo(expected, 9);
  });

  test('no trials bound nothing', () => {
    expect(binomialUpperBound(0, 0, 0.01)).toBe(1);
  });
});
