import { nullDistribution } from './mann-whitney.js';
import { rankSamples, type RankedSamples } from './ranks.js';

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
  return hodgesLehmannRanked(rankSamples(x, y), confidence);
}

/** hodgesLehmann of samples already ranked (rankSamples), so that Mann-Whitney can share the ranking. */
export function hodgesLehmannRanked({ xs, ys, tieTerm }: RankedSamples, confidence = 0.98): HodgesLehmannResult {
  const total = xs.length * ys.length;
  const { sf } = nullDistribution(xs.length, ys.length, tieTerm);
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
  const middle = kthDifference(xs, ys, Math.ceil(total / 2));
  // With an even count the median is the mean of the two middle differences; the next one is found
  // from the first in one or two passes instead of a second bisection.
  const estimate = total % 2 === 1 ? middle : (middle + (countAtMost(xs, ys, middle) > total / 2 ? middle : smallestAbove(xs, ys, middle))) / 2;
  return {
    estimate,
    lower: kthDifference(xs, ys, order),
    upper: kthDifference(xs, ys, total + 1 - order),
    confidence: achieved,
  };
}

/**
 * The k-th smallest (1-based) of the differences xs_i − ys_j, for ascending xs and ys. It narrows
 * a bracket (lo, hi] holding the k-th by counting passes until few enough differences lie inside
 * to list them and pick the k-th. Each pass interpolates on the counts, aiming a little below the
 * k-th and then a little above it, so that a smooth distribution closes in from both sides in a
 * few passes; a pass that does not halve the bracket twice in a row is followed by a bisection, so
 * none stalls. Every difference is computed as xs_i − ys_j, the same rounding in counting and
 * listing, so the answer is exactly one of them.
 */
export function kthDifference(xs: Float64Array, ys: Float64Array, k: number): number {
  let lo = xs[0] - ys[ys.length - 1];
  let countLo = countAtMost(xs, ys, lo);
  if (countLo >= k) return lo;
  let hi = xs[xs.length - 1] - ys[0];
  let countHi = xs.length * ys.length;
  // Invariant: countLo < k ≤ countHi. Listing what lies in the bracket costs about one pass more.
  const listable = Math.max(256, xs.length + ys.length);
  let stalled = 0;
  for (let step = 0; countHi - countLo > listable; step++) {
    const before = countHi - countLo;
    const target = step % 2 === 0 ? k - listable / 4 : k + listable / 4;
    const interpolated = lo + (hi - lo) * ((target - countLo) / before);
    // Near zero or over a huge range the interpolation can round onto a bound: bisect instead.
    const half = Number.isFinite(hi - lo) ? lo + (hi - lo) / 2 : lo / 2 + hi / 2;
    const mid = stalled < 2 && interpolated > lo && interpolated < hi ? interpolated : half;
    // Only adjacent doubles have no midpoint: the differences in (lo, hi], at least one, are all hi.
    if (!(mid > lo && mid < hi)) return hi;
    const count = countAtMost(xs, ys, mid);
    if (count >= k) [hi, countHi] = [mid, count];
    else [lo, countLo] = [mid, count];
    stalled = mid === half ? 0 : countHi - countLo > before / 2 ? stalled + 1 : 0;
  }
  return listBetween(xs, ys, lo, hi, countHi - countLo).sort()[k - countLo - 1];
}

/** The `size` differences xs_i − ys_j in (lo, hi]: for each xs_i, a run of ys that only moves up as xs_i rises. */
function listBetween(xs: Float64Array, ys: Float64Array, lo: number, hi: number, size: number): Float64Array {
  const found = new Float64Array(size);
  let filled = 0;
  let first = 0; // ys[first…] have xs_i − y ≤ hi
  let end = 0; // ys[end…] have xs_i − y ≤ lo
  for (let i = 0; i < xs.length; i++) {
    while (first < ys.length && xs[i] - ys[first] > hi) first++;
    while (end < ys.length && xs[i] - ys[end] > lo) end++;
    for (let j = first; j < end; j++) found[filled++] = xs[i] - ys[j];
  }
  return found;
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
