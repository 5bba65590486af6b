import { SEQUENTIAL_RATE_TUNING } from './sequential-rate/index.js';
import { normalQuantile } from './special-functions.js';
import type { Direction, RateCounts } from './types.js';

const { gridLimit, priorSd } = SEQUENTIAL_RATE_TUNING;

// What an amount of data could have caught (docs/judge.md, "What an analysis can detect"): the
// smallest canary/baseline error-rate ratio the sequential rate test would have called `worse`
// with probability POWER, given the requests each arm had per interval and the error rate.
//
// In the log-ratio s = log r, conditional on an interval's n errors the canary's count is
// Binomial(n, θ(s)), whose score at s = 0 has variance n·ρ(1 − ρ), ρ the canary's request share.
// With n ≈ p·(c + b) errors at error rate p, the information of the whole analysis is
//   I = p · Σᵢ cᵢbᵢ / (cᵢ + bᵢ),
// divided by the overdispersion the test discounts each scrape by. Near the null the log
// likelihood ratio is sS − Is²/2 with score S ~ N(I·s_true, I), and the test's mixture over a
// normal prior N(0, τ²) (half of it for a one-sided test) is then in closed form:
//   log M ≈ log 2 − ½ log(1 + Iτ²) + τ²S² / (2(1 + Iτ²))   (one-sided; no log 2 two-sided),
// so the test rejects, M ≥ 1/α, once S ≥ S*. It does so with probability POWER when
// I·s − z·√I ≥ S*, z the POWER quantile of the normal: the detectable log-ratio is (S* + z√I)/I.
// This is the power at the end of the data; the test may also stop on the way, so the true power
// is a little higher. The information is taken at the null, where a worse canary has fewer
// errors than it would: the figure errs on the safe side. The bench checks it against the test.

/** The probability of catching a regression that "can be detected". */
export const DETECTION_POWER = 0.95;
/** The standard normal quantile of DETECTION_POWER. */
const Z_POWER = normalQuantile(DETECTION_POWER);

/** What the data of one rate metric could show. */
export interface Exposure {
  /** p · Σ cᵢbᵢ/(cᵢ + bᵢ) over the intervals with requests in both arms, before the overdispersion. */
  information: number;
  /** How many times more the canary's share of errors varies than binomial (≥ 1). */
  overdispersion: number;
}

/** The exposure of aligned per-interval counts: the pooled error rate times Σ cᵢbᵢ/(cᵢ + bᵢ). */
export function exposureOf(canary: RateCounts, baseline: RateCounts, overdispersion = 1): Exposure {
  let harmonic = 0;
  let errors = 0;
  let requests = 0;
  for (let i = 0; i < canary.requests.length; i++) {
    const c = canary.requests[i];
    const b = baseline.requests[i];
    const x = canary.errors[i];
    const y = baseline.errors[i];
    if (!(c > 0 && b > 0 && x >= 0 && y >= 0)) continue;
    harmonic += (c * b) / (c + b);
    errors += x + y;
    requests += c + b;
  }
  return { information: requests > 0 ? (errors / requests) * harmonic : 0, overdispersion: Math.max(1, overdispersion) };
}

/**
 * The smallest ratio (≥ 1; for `decrease`, the factor of the fall) the test at `alpha` would call
 * worse with probability DETECTION_POWER on data of this exposure; Infinity without information,
 * and beyond the largest ratio the test weighs (64), where the approximation means nothing.
 */
export function detectableRatio(exposure: Exposure, alpha: number, direction: Direction): number {
  const information = exposure.information / exposure.overdispersion;
  if (!(information > 0)) return Infinity;
  const logRatio = detectableLogRatio(information, alpha, direction);
  return logRatio <= gridLimit ? Math.exp(logRatio) : Infinity;
}

/**
 * How many times the exposure (canary requests at the same traffic split, or the same analysis run
 * longer) it takes to detect `ratio`; 1 or less when the exposure already does.
 */
export function exposureNeeded(exposure: Exposure, alpha: number, direction: Direction, ratio: number): number {
  const information = exposure.information / exposure.overdispersion;
  if (!(information > 0)) return Infinity;
  const target = Math.log(ratio);
  if (detectableLogRatio(information, alpha, direction) <= target) return 1;
  // The detectable log-ratio falls as the information grows: bisect on a log scale.
  let [low, high] = [1, 2];
  while (detectableLogRatio(information * high, alpha, direction) > target) [low, high] = [high, high * 2];
  for (let i = 0; i < 40; i++) {
    const mid = Math.sqrt(low * high);
    if (detectableLogRatio(information * mid, alpha, direction) > target) low = mid;
    else high = mid;
  }
  return high;
}

function detectableLogRatio(information: number, alpha: number, direction: Direction): number {
  const spread = 1 + information * priorSd * priorSd;
  const oneSided = direction !== 'either';
  const needed = Math.log(1 / alpha) - (oneSided ? Math.LN2 : 0) + 0.5 * Math.log(spread);
  const threshold = Math.sqrt(Math.max(0, (2 * spread * needed) / (priorSd * priorSd)));
  return (threshold + Z_POWER * Math.sqrt(information)) / information;
}

/**
 * The smallest change of a continuous metric (latency, CPU), in percent of the baseline's median,
 * that the judge would flag with probability DETECTION_POWER with these sample sizes: the shift
 * must be significant in Mann-Whitney at `alpha` (one-sided; α/2 each side for `either`) and its
 * Hodges-Lehmann estimate beyond `allowedPercent`. For data near normal both tests behave like a
 * t-test on 3/π of the values (Mann-Whitney's efficiency), so the shift's standard error is
 * σ·√(π/3)·√(1/n + 1/m), σ the baseline's spread (1.4826 × its median absolute deviation, robust
 * to the outliers latency has). Null when the baseline has no spread or no median to measure by.
 */
export function detectableShift(canaryCount: number, sortedBaseline: Float64Array, alpha: number, direction: Direction, allowedPercent: number): number | null {
  const centre = medianOfSorted(sortedBaseline);
  const spread = 1.4826 * medianDistanceOfSorted(sortedBaseline, centre);
  if (!(spread > 0 && centre !== 0 && canaryCount > 0)) return null;
  const error = (100 * spread * Math.sqrt(Math.PI / 3) * Math.sqrt(1 / canaryCount + 1 / sortedBaseline.length)) / Math.abs(centre);
  const zAlpha = normalQuantile(1 - (direction === 'either' ? alpha / 2 : alpha));
  // Both must hold: each at half the miss rate, so that together they hold with DETECTION_POWER.
  const zEach = normalQuantile(1 - (1 - DETECTION_POWER) / 2);
  return Math.max((zAlpha + zEach) * error, allowedPercent + zEach * error);
}

/** The median of ascending values. */
export function medianOfSorted(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median of |v − centre| over ascending values, without sorting the distances: those below
 * the centre, read downwards, and those above, read upwards, are two ascending runs to merge
 * (an analysis asks after every interval). |v − c| and c − v round alike, so the figure is the
 * one sorting the distances gives.
 */
export function medianDistanceOfSorted(sorted: Float64Array, centre: number): number {
  let below = 0;
  while (below < sorted.length && sorted[below] < centre) below++;
  // Merge the runs up to the middle: `down` walks below the centre, `up` from it.
  let [down, up] = [below - 1, below];
  const next = () => (up >= sorted.length || (down >= 0 && centre - sorted[down] <= sorted[up] - centre) ? centre - sorted[down--] : sorted[up++] - centre);
  const mid = sorted.length >> 1;
  let previous = NaN;
  for (let k = 0; k < mid; k++) previous = next();
  const middle = next();
  return sorted.length % 2 ? middle : (previous + middle) / 2;
}
