import type { Direction, RateCounts } from './types.js';

/** Options of the sequential rate test. */
export interface SequentialRateOptions {
  /** False-alarm rate, held however often the test is asked (default 0.01). */
  alpha?: number;
  /** Which change is bad (default 'increase': a higher canary error rate). */
  direction?: Direction;
  /** Ratios up to this are acceptable; the test says not-worse once the ratio is shown below it (default 1.2). */
  allowedRatio?: number;
}

/** What the sequential rate test concluded, and when. */
export interface SequentialRateResult {
  /** Always-valid p-value p_t = min over time of 1/M_t (capped at 1). */
  pValue: number;
  decision: 'worse' | 'not-worse' | 'continue';
  /** First interval (1-based) after which the test had decided; null while undecided. */
  decidedAtInterval: number | null;
  /** Canary/baseline error-rate ratio: conditional MLE and anytime-valid confidence sequence. */
  ratio: { estimate: number; lower: number; upper: number };
  /** Intervals with requests in both arms (the others contribute nothing). */
  usedIntervals: number;
  /** Intervals with a missing value or zero requests in an arm. */
  missingIntervals: number;
  /** Totals over the used intervals. */
  totals: { canaryErrors: number; canaryRequests: number; baselineErrors: number; baselineRequests: number };
}

// The mixture over the log-ratio s = log r is a discretised normal prior N(0, PRIOR_SD²) on a grid
// of step GRID_STEP over [−GRID_LIMIT, GRID_LIMIT] (ratios 1/64 … 64). The one-sided test uses the
// same prior restricted to s > 0 (a half-normal), the two-sided one and the confidence sequence the
// whole of it. The weights sum to 1, so the mixture is a test martingale whatever the grid: the
// prior only trades power between small and large ratios. A scale of 1 puts the prior's bulk on
// ratios 1.3–5, where canary regressions worth a rollback live; the bench found scales 0.6–1.5
// within about 10% of each other in median detection (docs/judge.md).
// Module bindings for what the hot loops use: global lookups (Math) are slow inside vm contexts
// such as Jest's.
const { exp, log, min: minOf } = Math;

const GRID_STEP = 0.04;
const GRID_LIMIT = Math.log(64);
const PRIOR_SD = 1;
const grid = Array.from({ length: 2 * Math.round(GRID_LIMIT / GRID_STEP) + 1 }, (_, i) => (i - Math.round(GRID_LIMIT / GRID_STEP)) * GRID_STEP);
const expm1Grid = grid.map((s) => Math.expm1(s));
const zeroIndex = (grid.length - 1) / 2;
// Overdispersion: each interval's log-likelihood ratio is tempered by λ = 1/(1 + κ̂n) with κ̂
// estimated from the intervals before it. λ ≤ 1 is fixed before the interval's canary errors are
// seen, and E[LR^λ] ≤ E[LR]^λ = 1 (Jensen), so the test stays a supermartingale under the binomial
// null whatever κ̂ is; tempering only costs power when errors are not bursty. See docs/judge.md.
const DISPERSION_PRIOR = 1 / 500;
const DISPERSION_PRIOR_ERRORS = 200;

/** Normalised prior weights over the grid points that `keep` accepts (0 elsewhere). */
function weights(keep: (s: number) => boolean): Float64Array {
  const raw = grid.map((s) => (keep(s) ? Math.exp(-(s * s) / (2 * PRIOR_SD * PRIOR_SD)) : 0));
  const total = raw.reduce((a, b) => a + b, 0);
  return Float64Array.from(raw, (w) => w / total);
}
const twoSidedWeights = weights(() => true);
const testWeights: Record<Direction, Float64Array> = {
  increase: weights((s) => s > 0),
  decrease: weights((s) => s < 0),
  either: weights((s) => s !== 0),
};

/** Index of the largest value; ties (all-equal at the start) keep the middle, ratio 1. */
function argMax(values: Float64Array): number {
  let best = zeroIndex;
  for (let k = 0; k < values.length; k++) if (values[k] > values[best] + 1e-12) best = k;
  return best;
}


/**
 * The sequential, anytime-valid test of the canary's error rate against the baseline's
 * (JUDGE.md §1). Fed one scrape interval at a time (`push`), it can be asked after every interval
 * (`result`) without inflating false alarms.
 *
 * Conditional on the interval's errors n = x + y, the canary's x is Binomial(n, θ) with
 * θ = ρr/(ρr + 1 − ρ), ρ the interval's observed canary share of requests and r the error-rate
 * ratio, so the likelihood ratio against r = 1 is r^x / (1 + ρ(r − 1))^n. Its product over
 * intervals, mixed over r, is a test martingale M_t under r = 1 (and a supermartingale under r < 1,
 * or when errors are hypergeometric rather than Poisson); by Ville's inequality it reaches 1/α
 * with probability at most α. Using the observed ρ of each interval means a drifting traffic split
 * is not mistaken for a regression.
 */
export class SequentialRateTest {
  private readonly alpha: number;
  private readonly direction: Direction;
  private readonly allowedRatio: number;
  /** log Π LR_i(r_k) for every grid ratio r_k. */
  private readonly logLikelihood = new Float64Array(grid.length);
  private interval = 0;
  private minPValue = 1;
  private decision: SequentialRateResult['decision'] = 'continue';
  private decidedAt: number | null = null;
  private usedIntervals = 0;
  /** Pearson χ² of the canary's error shares at every grid ratio, for the dispersion estimate. */
  private readonly pearson = new Float64Array(grid.length);
  private errorIntervals = 0;
  private errorsSeen = 0;
  /** Grid index of the conditional MLE (ties keep the ratio closest to 1). */
  private best = zeroIndex;
  /** Running intersection of the confidence sequence (as valid as each of its members). */
  private bounds = { lower: Math.exp(grid[0]), upper: Math.exp(grid[grid.length - 1]) };
  private readonly totals = { canaryErrors: 0, canaryRequests: 0, baselineErrors: 0, baselineRequests: 0 };

  constructor(options: SequentialRateOptions = {}) {
    this.alpha = options.alpha ?? 0.01;
    this.direction = options.direction ?? 'increase';
    this.allowedRatio = options.allowedRatio ?? 1.2;
  }

  /** Adds one scrape interval; missing values (NaN) or zero requests in an arm add nothing. */
  push(canaryErrors: number, canaryRequests: number, baselineErrors: number, baselineRequests: number): void {
    this.interval++;
    const counts = [canaryErrors, canaryRequests, baselineErrors, baselineRequests];
    if (counts.some((c) => !Number.isFinite(c)) || canaryRequests <= 0 || baselineRequests <= 0) return;
    this.usedIntervals++;
    this.totals.canaryErrors += canaryErrors;
    this.totals.canaryRequests += canaryRequests;
    this.totals.baselineErrors += baselineErrors;
    this.totals.baselineRequests += baselineRequests;
    const errors = canaryErrors + baselineErrors;
    if (errors === 0) return; // the likelihood ratio of an interval without errors is 1: nothing changes
    const share = canaryRequests / (canaryRequests + baselineRequests);
    const temper = 1 / (1 + this.dispersion() * errors);
    for (let k = 0; k < grid.length; k++) {
      const denominator = 1 + share * expm1Grid[k];
      this.logLikelihood[k] += temper * (canaryErrors * grid[k] - errors * log(denominator));
      const theta = (share * (1 + expm1Grid[k])) / denominator;
      const expected = errors * theta;
      this.pearson[k] += (canaryErrors - expected) ** 2 / (expected * (1 - theta));
    }
    this.errorIntervals++;
    this.errorsSeen += errors;
    this.best = argMax(this.logLikelihood);
    const mixtures = this.logMixtures();
    this.narrow(mixtures.twoSided);
    this.decide(mixtures.test);
  }

  /**
   * log M_t of the test's one-sided (or two-sided) mixture and of the two-sided one used by the
   * confidence sequence, from one pass of exponentials scaled by the largest log-likelihood.
   */
  private logMixtures(): { test: number; twoSided: number } {
    const top = this.logLikelihood[this.best];
    const side = testWeights[this.direction];
    let test = 0;
    let twoSided = 0;
    for (let k = 0; k < grid.length; k++) {
      const scaled = exp(this.logLikelihood[k] - top);
      test += side[k] * scaled;
      twoSided += twoSidedWeights[k] * scaled;
    }
    return { test: top + log(test), twoSided: top + log(twoSided) };
  }

  /**
   * κ of the quasi-likelihood: bursty errors that wander independently in each arm make the
   * canary's share of an interval's n errors vary more than Binomial(n, θ), by a factor ≈ 1 + κn.
   * Estimated by moments from the Pearson residuals at the current MLE over the intervals so far,
   * shrunk towards DISPERSION_PRIOR with the weight of DISPERSION_PRIOR_ERRORS errors so the first
   * intervals, before any estimate exists, are not taken at face value.
   */
  private dispersion(): number {
    const excess = this.pearson[this.best] - (this.errorIntervals - 1); // one degree of freedom went into the MLE
    return Math.max(0, excess + DISPERSION_PRIOR * DISPERSION_PRIOR_ERRORS) / (this.errorsSeen + DISPERSION_PRIOR_ERRORS);
  }

  /** Intersects the running bounds with the current confidence set (kept apart if they no longer meet). */
  private narrow(logMixture: number): void {
    const current = this.confidenceSet(logMixture);
    const lower = Math.max(this.bounds.lower, current.lower);
    const upper = Math.min(this.bounds.upper, current.upper);
    // Disjoint sets happen with probability ≤ α under the model; trust the newest one then.
    this.bounds = lower <= upper ? { lower, upper } : current;
  }

  private decide(logM: number): void {
    this.minPValue = minOf(this.minPValue, exp(-logM));
    // "worse" is absorbing (a valid rejection stays one); "not-worse" yields only to "worse".
    if (this.decision === 'worse') return;
    if (this.minPValue <= this.alpha) {
      this.decision = 'worse';
      this.decidedAt = this.interval;
    } else if (this.decision === 'continue' && this.withinAllowed()) {
      this.decision = 'not-worse';
      this.decidedAt = this.interval;
    }
  }

  /** True once the confidence sequence lies inside the allowed side(s) of the ratio. */
  private withinAllowed(): boolean {
    const { lower, upper } = this.bounds;
    const below = upper < this.allowedRatio;
    const above = lower > 1 / this.allowedRatio;
    return this.direction === 'increase' ? below : this.direction === 'decrease' ? above : below && above;
  }

  /**
   * {r₀ : M_t(r₀) < 1/α}, where M_t(r₀) mixes the likelihood ratios against r₀ with the two-sided
   * prior. The log-likelihood is concave in log r, so the set is an interval of grid points; its
   * bounds are widened to the next grid point outwards, and the grid's ends (1/64, 64) mean
   * unbounded.
   */
  private confidenceSet(logMixture: number): { lower: number; upper: number } {
    const cut = logMixture + log(this.alpha);
    let first = 0;
    while (first < grid.length - 1 && this.logLikelihood[first] <= cut) first++;
    let last = grid.length - 1;
    while (last > first && this.logLikelihood[last] <= cut) last--;
    return { lower: Math.exp(grid[Math.max(0, first - 1)]), upper: Math.exp(grid[Math.min(grid.length - 1, last + 1)]) };
  }

  /** Where the test stands after the intervals pushed so far. */
  result(): SequentialRateResult {
    return {
      pValue: this.minPValue,
      decision: this.decision,
      decidedAtInterval: this.decidedAt,
      ratio: { estimate: Math.exp(grid[this.best]), ...this.bounds },
      usedIntervals: this.usedIntervals,
      missingIntervals: this.interval - this.usedIntervals,
      totals: { ...this.totals },
    };
  }
}

/** Runs the sequential test over aligned per-interval counts (null or NaN = missing) and returns where it ends. */
export function sequentialRateTest(canary: RateCounts, baseline: RateCounts, options: SequentialRateOptions = {}): SequentialRateResult {
  const test = new SequentialRateTest(options);
  const value = (v: number | null) => (v === null ? NaN : v);
  for (let i = 0; i < canary.requests.length; i++) {
    test.push(value(canary.errors[i]), value(canary.requests[i]), value(baseline.errors[i]), value(baseline.requests[i]));
  }
  return test.result();
}
