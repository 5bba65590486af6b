import type { MannWhitneyResult } from './types.js';
import { rankSamples, type RankedSamples } from './ranks.js';
import { normalCdf } from './special-functions.js';

/**
 * Mann-Whitney U of x against y, the same numbers as
 * `scipy.stats.mannwhitneyu(x, y, method='auto', use_continuity=True)` for the three alternatives:
 * U is x's (R₁ − n₁(n₁+1)/2); exact null distribution when min(n₁, n₂) ≤ 8 and there are no ties,
 * otherwise the normal approximation with tie-corrected variance and continuity correction.
 * Both samples must be non-empty arrays of finite numbers (the caller validates).
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  return mannWhitneyRanked(rankSamples(x, y));
}

/** mannWhitneyU of samples already ranked (rankSamples), so that Hodges-Lehmann can share the ranking. */
export function mannWhitneyRanked({ xs, ys, rankSumX, tieTerm }: RankedSamples): MannWhitneyResult {
  const n1 = xs.length;
  const n2 = ys.length;
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const { method, sf } = nullDistribution(n1, n2, tieTerm);
  // scipy uses the survival function of U1 for 'greater', of U2 for 'less' (symmetry) and twice
  // the one of max(U1, U2) for two-sided, clipped to 1.
  return {
    u: u1,
    pGreater: Math.min(1, sf(u1)),
    pLess: Math.min(1, sf(u2)),
    pTwoSided: Math.min(1, 2 * sf(Math.max(u1, u2))),
    method,
  };
}

/**
 * The null distribution of U for samples of sizes n1 and n2 whose tie groups make `tieTerm`
 * (Σ t³ − t, 0 without ties), as scipy's method='auto' picks it: `sf(u)` = P(U ≥ u).
 */
export function nullDistribution(n1: number, n2: number, tieTerm: number): { method: MannWhitneyResult['method']; sf: (u: number) => number } {
  return Math.min(n1, n2) <= 8 && tieTerm === 0 ? { method: 'exact', sf: exactSurvival(n1, n2) } : { method: 'asymptotic', sf: asymptoticSurvival(n1, n2, tieTerm) };
}

/** P(U ≥ u) under the normal approximation (tie-corrected variance, continuity correction). */
function asymptoticSurvival(n1: number, n2: number, tieTerm: number): (u: number) => number {
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  // All values tied: sigma is 0 and z is ±∞ (scipy gives p = 1 there as well).
  return (u) => normalCdf(-(u - (n1 * n2) / 2 - 0.5) / sigma);
}

/** P(U ≥ u) under the exact null distribution of U for samples of sizes n1 and n2 without ties. */
function exactSurvival(n1: number, n2: number): (u: number) => number {
  const counts = uCounts(Math.min(n1, n2), Math.max(n1, n2));
  const total = counts.reduce((a, b) => a + b, 0);
  const max = n1 * n2;
  return (u) => {
    const k = Math.round(u);
    // The distribution is symmetric (count(k) = count(max − k)): sum the shorter, smaller tail so
    // small p-values keep their relative precision.
    if (k > max / 2) {
      let tail = 0;
      for (let j = 0; j <= max - k; j++) tail += counts[j];
      return tail / total;
    }
    let below = 0;
    for (let j = 0; j < k; j++) below += counts[j];
    return 1 - below / total;
  };
}

/**
 * How many of the C(m+n, m) orderings give U = k, for k = 0 … m·n: the coefficients of the
 * Gaussian binomial [m+n choose m]_q = Π_{i=1..m} (1 − q^{n+i}) / (1 − q^i), built one factor at
 * a time (each partial product is again a Gaussian binomial, so all coefficients stay positive).
 */
export function uCounts(m: number, n: number): Float64Array {
  const c = new Float64Array(m * n + m + 1); // room for the transient degree (i−1)·n + n + i
  c[0] = 1;
  for (let i = 1; i <= m; i++) {
    for (let k = (i - 1) * n + n + i; k >= n + i; k--) c[k] -= c[k - n - i];
    for (let k = i; k <= i * n; k++) c[k] += c[k - i];
    c.fill(0, i * n + 1); // the division is exact: what lies beyond degree i·n is rounding residue
  }
  return c.subarray(0, m * n + 1);
}
