import { nullDistribution } from './mann-whitney.js';
import { averageRanks, sortedCopy } from './ranks.js';

/** The Hodges-Lehmann shift of x against y and its distribution-free confidence interval. */
export interface HodgesLehmannResult {
  /** Median of all pairwise differences x_i − y_j. */
  estimate: number;
  lower: number;
  upper: number;
  /** The interval's confidence; below the one asked for only when the samples are too small to reach it. */
  confidence: number;
}

/**
 * Hodges-Lehmann estimate of the shift x − y (the median of the n1·n2 Walsh/pairwise differences)
 * and the interval [D_(c), D_(N+1−c)] whose coverage comes from the null distribution of
 * Mann-Whitney U (exact or normal, as `mannWhitneyU` picks): c is the largest order with
 * P(U ≤ c−1) ≤ (1 − confidence)/2. The differences are never materialised: order statistics are
 * selected by bisection with O(n1 + n2) counting passes, so 10,000 × 10,000 values stay cheap.
 * Default confidence 0.98 (Kayenta's). Both samples must be non-empty and finite.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence = 0.98): HodgesLehmannResult {
  const xs = sortedCopy(x);
  const ys = sortedCopy(y);
  const total = xs.length * ys.length;
  const { sf } = nullDistribution(xs.length, ys.length, averageRanks([...x, ...y]).tieSizes);
  // P(U ≤ c−1) = P(U ≥ N−c+1) by symmetry; find the largest c with that ≤ (1−confidence)/2.
  const lowerTail = (c: number) => sf(total - c + 1);
  let low = 0;
  let high = Math.floor((total + 1) / 2);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (lowerTail(mid) <= (1 - confidence) / 2) low = mid;
    else high = mid - 1;
  }
  // Too few values for the confidence asked: report the widest interval and what it achieves.
  const order = Math.max(low, 1);
  const achieved = low >= 1 ? confidence : 1 - 2 * lowerTail(1);
  const estimate =
    total % 2 === 1
      ? kthDifference(xs, ys, (total + 1) / 2)
      : (kthDifference(xs, ys, total / 2) + kthDifference(xs, ys, total / 2 + 1)) / 2;
  return {
    estimate,
    lower: kthDifference(xs, ys, order),
    upper: kthDifference(xs, ys, total + 1 - order),
    confidence: achieved,
  };
}

/** The k-th smallest (1-based) of the differences xs_i − ys_j, for ascending xs and ys. */
export function kthDifference(xs: Float64Array, ys: Float64Array, k: number): number {
  let lo = xs[0] - ys[ys.length - 1];
  if (countAtMost(xs, ys, lo) >= k) return lo;
  let hi = xs[xs.length - 1] - ys[0];
  // Invariant: count(lo) < k ≤ count(hi). Stop as soon as the smallest difference above lo is
  // the k-th; bisection guarantees that happens (at worst when lo and hi are adjacent doubles).
  for (;;) {
    const next = smallestAbove(xs, ys, lo);
    if (countAtMost(xs, ys, next) >= k) return next;
    lo = next;
    const mid = lo + (hi - lo) / 2;
    if (mid > lo && mid < hi) {
      if (countAtMost(xs, ys, mid) >= k) hi = mid;
      else lo = mid;
    }
  }
}

/** #{(i, j): xs_i − ys_j ≤ d}, one pass (the differences fall as j rises). */
function countAtMost(xs: Float64Array, ys: Float64Array, d: number): number {
  let count = 0;
  let j = ys.length; // ys[j…] are the y with xs_i − y ≤ d; j only moves down as xs_i rises
  for (let i = xs.length - 1; i >= 0; i--) {
    while (j > 0 && xs[i] - ys[j - 1] <= d) j--;
    count += ys.length - j;
  }
  return count;
}

/** The smallest difference xs_i − ys_j strictly above d (+∞ when there is none). */
function smallestAbove(xs: Float64Array, ys: Float64Array, d: number): number {
  let best = Infinity;
  let j = -1; // ys[…j] are the y with xs_i − y > d; j only moves up as xs_i rises
  for (let i = 0; i < xs.length; i++) {
    while (j + 1 < ys.length && xs[i] - ys[j + 1] > d) j++;
    if (j >= 0 && xs[i] - ys[j] < best) best = xs[i] - ys[j];
  }
  return best;
}
