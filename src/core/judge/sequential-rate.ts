import type { Direction, RateCounts } from './types.js';

/** Options of the sequential rate test. */
export interface SequentialRateOptions {
  /** False-alarm rate, held however often the test is asked (default 0.01). */
  alpha?: number;
  /** Which change is bad (default 'increase': a higher canary error rate). */
  direction?: Direction;
  /** Ratios up to this are acceptable; the test says not-worse once the ratio is shown below it (default 1.2). */
  allowedRatio?: number;
  /**
   * The baseline's counts per interval before the canary started, at the analysis's step: how much
   * the error rate wobbles between scrapes is then known from the first look (see historyOf).
   */
  baselineHistory?: RateCounts;
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
  /**
   * How many times more the canary's share of an interval's errors varies between scrapes than
   * the binomial model allows, at a typical interval so far (1 = binomial): 1 + ψ̂·v̄. The test
   * discounts each interval by it, so a large value explains a slow decision.
   */
  overdispersion: number;
  /** Intervals with requests in both arms (the others contribute nothing). */
  usedIntervals: number;
  /** Intervals of the baseline's history the test measured the wobble on (0: none given, or too short to say). */
  historyIntervals: number;
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
/** The largest ratio the test weighs: log 64. */
export const GRID_LIMIT = Math.log(64);
export const PRIOR_SD = 1;
const grid = Array.from({ length: 2 * Math.round(GRID_LIMIT / GRID_STEP) + 1 }, (_, i) => (i - Math.round(GRID_LIMIT / GRID_STEP)) * GRID_STEP);
const expm1Grid = grid.map((s) => Math.expm1(s));
const zeroIndex = (grid.length - 1) / 2;
// Overdispersion (docs/judge.md): when the arms' error rates wander independently between scrapes,
// the canary's share of an interval's errors varies more than Binomial(n, θ): its variance grows by
// φ = 1 + ψv, v = nθ(1 − θ) the binomial variance. Each interval's log-likelihood ratio is tempered
// by λ = 1/(1 + ψ̂v̂), ψ̂ estimated from the earlier intervals. v̂ is predicted from the interval's
// requests and the error rate so far, not from the interval's own errors: with independent wobble
// the total is correlated with the canary's share (a quiet primary means fewer errors and a larger
// canary share), so weighting by it would tilt every interval towards "worse". The first interval
// with errors has no rate to go by; it is not tempered, and its own total only picks its cap. λ ≤ 1
// is fixed before the interval is seen and E[LR^λ] ≤ E[LR]^λ = 1 (Jensen), so the confidence
// sequence, which compares ratios with each other, stays valid under the binomial null whatever ψ̂ is.
// The test itself discounts further where independent wobble does its harm: in an arm that is loud
// for itself. Shared bursts multiply both arms' errors, and with them the wobble's effect on the
// canary's share, without showing in the requests. So the ratios above 1 take λ↑ = 1/(1 + ψ̂v̂·ℓ_c),
// ℓ_c the canary's errors against its own rate so far, and the ratios below 1 λ↓ with the baseline's
// ℓ_b. Given the interval's total n, LR(r > 1) rises with the canary's x while λ↑ falls, so
// LR^λ↑(x) ≤ LR^λ↑(x*) where LR(x*) = 1, a fixed power (mirrored for r < 1, where y = n − x): the
// test is still a supermartingale under the binomial null. Shared bursts with 20% independent
// wobble at 1000 req/s gave 9% false alarms with one tempering for all, and give about 6% now.
// Evidence guard: before ψ̂ rests on anything, a single wild scrape would look decisive. Each
// interval's contribution to the test is capped at SINGLE_SCRAPE·log(1/α), so no single scrape can
// roll back, and the first interval with errors, if it carries many (v̂ ≥ FIRST_SCRAPE_VARIANCE), at
// FIRST_SCRAPE·log(1/α). min(LR^λ, c) ≤ LR^λ, so the cap keeps the test valid; it costs one scrape
// at most when a regression is gross. The confidence sequence is not capped.
const SINGLE_SCRAPE = 0.9;
const FIRST_SCRAPE = 0.55;
const FIRST_SCRAPE_VARIANCE = 4;
// Look-back check: tempering by the estimate at the time cannot look back, so under strong wobble
// the first intervals, counted before ψ̂ had anything to go by, would weigh on the test for ever.
// Shadow tests therefore temper every interval from the first at fixed dispersions, and "worse"
// also needs the shadow at the dispersion the data show by now, the largest of
// LOOK_BACK_DISPERSIONS not above LOOK_BACK_MARGIN·ψ̂ (ψ̂ is shrunk towards 0 on purpose; this
// check should rather err towards more dispersion). Each shadow is a supermartingale under the
// binomial null like the test, and min(M, M_ψ) ≤ M, so the check can only withhold a rollback:
// whatever it picks, the test stays valid. It took ±100% independent wobble at 1000 req/s from
// 12% to under 4% false alarms, and 50% wobble from about 7% to 5%, for about one error more in
// detection at high traffic (docs/judge.md).
const LOOK_BACK_DISPERSIONS = [0.1, 0.3, 1, 3];
const LOOK_BACK_MARGIN = 4;
// History: the guard above stands in for a dispersion nobody has measured yet. The baseline's
// intervals before the canary started measure it: consecutive intervals, paired, are two "arms"
// of the same version, and the first's share of a pair's errors against its share of the requests
// varies beyond the binomial by ψ_h = c₁² + c₂², where c is the wobble of the error rate from one
// scrape to the next — the same ψ the test's canary/baseline shares show when both versions wobble
// alike (c_canary² + c_baseline²). Slow changes (a diurnal swing) cancel within a pair. With at
// least HISTORY_PAIRS pairs carrying errors, ψ̂ never drops below ψ_h, the rate so far starts
// from the history's, so the first scrape is tempered like any other, and the guard is lifted for
// a scrape whose own ratio is gross (GROSS_LOG_RATIO: 3× or more, or a third or less): one scrape
// may roll back a gross regression. Moderate scrapes keep the guard, because the history cannot
// vouch for a wobble of the canary's own (a new version that wobbles where the old one did not):
// such a canary shows 2× in a scrape now and then, 3× rarely. A larger ψ̂ only tempers more and
// any cap keeps the test below LR^λ, so it stays valid under the binomial null whatever the
// history holds.
const HISTORY_PAIRS = 10;
const HISTORY_BLOCK = 5;
const GROSS_LOG_RATIO = Math.log(3);

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

/** θ = ρr/(ρr + 1 − ρ): the canary's expected share of an interval's errors at grid ratio k. */
function thetaAt(share: number, k: number): number {
  return (share * (1 + expm1Grid[k])) / (1 + share * expm1Grid[k]);
}

/** log Σ_k w_k exp(ℓ_k): a mixture of likelihood ratios, scaled by the largest for precision. */
function logMixture(logLikelihood: Float64Array, weights: Float64Array): number {
  const top = logLikelihood[argMax(logLikelihood)];
  let sum = 0;
  for (let k = 0; k < grid.length; k++) sum += weights[k] * exp(logLikelihood[k] - top);
  return top + log(sum);
}

/** What the baseline's history says: its dispersion ψ_h and its errors and requests; undefined when too short to say. */
function historyOf(history: RateCounts): { dispersion: number; errors: number; requests: number; intervals: number } | undefined {
  const squares: number[] = [];
  const variances: number[] = [];
  let errors = 0;
  let requests = 0;
  for (let i = 0; i + 1 < history.errors.length; i += 2) {
    const [e1, r1, e2, r2] = [history.errors[i], history.requests[i], history.errors[i + 1], history.requests[i + 1]];
    if (![e1, r1, e2, r2].every(Number.isFinite) || r1 <= 0 || r2 <= 0) continue;
    errors += e1 + e2;
    requests += r1 + r2;
    const n = e1 + e2;
    if (n === 0) continue;
    const theta = r1 / (r1 + r2);
    squares.push((e1 - n * theta) ** 2 / (n * theta * (1 - theta)));
    variances.push(n * theta * (1 - theta));
  }
  const pairs = squares.length;
  if (pairs < HISTORY_PAIRS) return undefined;
  return { dispersion: blockedDispersion(squares, variances), errors, requests, intervals: 2 * pairs };
}

/**
 * ψ_h as the median over blocks of HISTORY_BLOCK consecutive pairs of each block's moment estimate
 * (E[Σz²] = pairs + ψΣv, exact for any count, as the test's own estimate; only the excess beyond
 * one standard deviation counts, as there). The median, so that the edges of a burst or a traffic
 * spike — a few pairs whose scrapes differ for a reason both versions share — do not pass for
 * wobble; a mean per block, so that pairs with one or two errors still say what they can.
 */
function blockedDispersion(squares: number[], variances: number[]): number {
  const estimates: number[] = [];
  for (let from = 0; from + HISTORY_BLOCK <= squares.length; from += HISTORY_BLOCK) {
    let pearson = 0;
    let variance = 0;
    for (let i = from; i < from + HISTORY_BLOCK; i++) {
      pearson += squares[i];
      variance += variances[i];
    }
    estimates.push(Math.max(0, pearson - HISTORY_BLOCK - Math.sqrt(2 * HISTORY_BLOCK)) / variance);
  }
  estimates.sort((a, b) => a - b);
  const middle = estimates.length / 2;
  return Number.isInteger(middle) ? (estimates[middle - 1] + estimates[middle]) / 2 : estimates[Math.floor(middle)];
}

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
  /** The same, each interval's term capped by the evidence guard: what the test's mixture uses. */
  private readonly guardedLogLikelihood = new Float64Array(grid.length);
  /** The look-back shadows: the guarded log-likelihood tempered at each fixed LOOK_BACK_DISPERSIONS. */
  private readonly lookBack = LOOK_BACK_DISPERSIONS.map(() => new Float64Array(grid.length));
  /** Pearson χ² of the canary's error shares at every grid ratio, for the dispersion estimate. */
  private readonly pearson = new Float64Array(grid.length);
  /** Σ nθ(1 − θ) at the MLE over the intervals with errors: the binomial variance the Pearson χ² is measured against. */
  private binomialVariance = 0;
  private errorIntervals = 0;
  /** Errors and requests of both arms so far, for the error rate that predicts an interval's errors. */
  private readonly seen = { errors: 0, requests: 0 };
  /** Grid index of the conditional MLE (ties keep the ratio closest to 1). */
  private best = zeroIndex;
  /** Running intersection of the confidence sequence (as valid as each of its members). */
  private bounds = { lower: Math.exp(grid[0]), upper: Math.exp(grid[grid.length - 1]) };
  private readonly totals = { canaryErrors: 0, canaryRequests: 0, baselineErrors: 0, baselineRequests: 0 };
  /** The baseline history's dispersion and error rate, when it was long enough to measure them. */
  private readonly history: { dispersion: number; rate: number; intervals: number } | undefined;

  constructor(options: SequentialRateOptions = {}) {
    this.alpha = options.alpha ?? 0.01;
    this.direction = options.direction ?? 'increase';
    this.allowedRatio = options.allowedRatio ?? 1.2;
    const history = options.baselineHistory && historyOf(options.baselineHistory);
    if (history) {
      this.history = { dispersion: history.dispersion, rate: history.errors / history.requests, intervals: history.intervals };
      this.seen.errors = history.errors;
      this.seen.requests = history.requests;
    }
  }

  /** Adds one scrape interval; missing values (NaN) or zero requests in an arm add nothing. */
  push(canaryErrors: number, canaryRequests: number, baselineErrors: number, baselineRequests: number): void {
    this.interval++;
    const counts = [canaryErrors, canaryRequests, baselineErrors, baselineRequests];
    if (counts.some((c) => !Number.isFinite(c)) || canaryRequests <= 0 || baselineRequests <= 0) return;
    this.usedIntervals++;
    // How loud each arm is in this interval against its own error rate so far (1 = as usual),
    // taken before the totals count this interval. One pseudo-error keeps small counts sane.
    const canaryLoudness = (canaryErrors + 1) / (canaryRequests * this.rateSoFar(this.totals.canaryErrors, this.totals.canaryRequests) + 1);
    const baselineLoudness = (baselineErrors + 1) / (baselineRequests * this.rateSoFar(this.totals.baselineErrors, this.totals.baselineRequests) + 1);
    this.totals.canaryErrors += canaryErrors;
    this.totals.canaryRequests += canaryRequests;
    this.totals.baselineErrors += baselineErrors;
    this.totals.baselineRequests += baselineRequests;
    const errors = canaryErrors + baselineErrors;
    const requests = canaryRequests + baselineRequests;
    if (errors === 0) {
      // The likelihood ratio of an interval without errors is 1: only the error rate so far changes.
      this.seen.requests += requests;
      return;
    }
    const share = canaryRequests / requests;
    const atBest = thetaAt(share, this.best);
    const predicted = this.seen.errors > 0 ? (requests * this.seen.errors) / this.seen.requests : errors;
    const variance = predicted * atBest * (1 - atBest);
    const dispersion = this.dispersion();
    const temper = 1 / (1 + dispersion * variance);
    // The test's sides: ratios above 1 are tempered by the canary's loudness, below 1 by the baseline's.
    const sides = (psi: number) => ({ up: 1 / (1 + psi * variance * canaryLoudness), down: 1 / (1 + psi * variance * baselineLoudness) });
    const running = sides(dispersion);
    const shadows = LOOK_BACK_DISPERSIONS.map(sides);
    const first = this.errorIntervals === 0 && variance >= FIRST_SCRAPE_VARIANCE;
    const cap = (first ? FIRST_SCRAPE : SINGLE_SCRAPE) * -log(this.alpha);
    // The canary's rate in this interval against the error rate so far, history included (steadier
    // than the baseline's own count in one scrape): gross lifts the guard.
    const observed = this.history ? log(canaryErrors / canaryRequests) - log(this.seen.errors / this.seen.requests) : 0;
    const gross = { up: observed >= GROSS_LOG_RATIO, down: observed <= -GROSS_LOG_RATIO };
    for (let k = 0; k < grid.length; k++) {
      const denominator = 1 + share * expm1Grid[k];
      const logRatio = canaryErrors * grid[k] - errors * log(denominator);
      this.logLikelihood[k] += temper * logRatio;
      const up = grid[k] > 0;
      const capAt = (up ? gross.up : gross.down) ? Infinity : cap;
      this.guardedLogLikelihood[k] += minOf((up ? running.up : running.down) * logRatio, capAt);
      for (let j = 0; j < shadows.length; j++) this.lookBack[j][k] += minOf((up ? shadows[j].up : shadows[j].down) * logRatio, capAt);
      const theta = thetaAt(share, k);
      const expected = errors * theta;
      this.pearson[k] += (canaryErrors - expected) ** 2 / (expected * (1 - theta));
    }
    this.binomialVariance += errors * atBest * (1 - atBest);
    this.errorIntervals++;
    this.seen.errors += errors;
    this.seen.requests += requests;
    this.best = argMax(this.logLikelihood);
    this.narrow(logMixture(this.logLikelihood, twoSidedWeights));
    this.decide(this.logTestMixture());
  }

  /** log M_t of the test: the running test's mixture, or the look-back shadow's if that is smaller. */
  private logTestMixture(): number {
    const weights = testWeights[this.direction];
    const running = logMixture(this.guardedLogLikelihood, weights);
    const limit = LOOK_BACK_MARGIN * this.dispersion();
    const shadow = LOOK_BACK_DISPERSIONS.findLastIndex((psi) => psi <= limit);
    return shadow < 0 ? running : minOf(running, logMixture(this.lookBack[shadow], weights));
  }

  /**
   * ψ̂, the excess variance per unit of binomial variance: a moment estimate from the Pearson χ²
   * at the current MLE (E[X²] ≈ df + ψΣv, one degree of freedom went into the MLE). Only the
   * excess beyond one standard deviation of χ²_df, √(2df), counts: X² exceeds df by chance half
   * the time, and tempering on chance alone cost about 10% in detection at every traffic level
   * (docs/judge.md). Shrunk by df/(df + 1) so that one or two intervals are not taken at face value.
   */
  private dispersion(): number {
    const floor = this.history?.dispersion ?? 0;
    const df = this.errorIntervals - 1;
    if (df <= 0) return floor;
    const perInterval = this.binomialVariance / this.errorIntervals;
    const excess = Math.max(0, this.pearson[this.best] - df - Math.sqrt(2 * df));
    return Math.max(floor, excess / (perInterval * (df + 1)));
  }

  /** An arm's error rate so far; before its first request, the history's (0 without one). */
  private rateSoFar(errors: number, requests: number): number {
    return requests > 0 ? errors / requests : (this.history?.rate ?? 0);
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
    // "worse" is absorbing (a valid rejection stays one); "not-worse" yields only to "worse". As
    // no single scrape rolls back, none promotes: one quiet scrape of a canary whose error rate
    // wanders would otherwise pass it before the dispersion can be measured.
    if (this.decision === 'worse') return;
    if (this.minPValue <= this.alpha) {
      this.decision = 'worse';
      this.decidedAt = this.interval;
    } else if (this.decision === 'continue' && this.errorIntervals >= 2 && this.withinAllowed()) {
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
      overdispersion: this.errorIntervals > 0 ? 1 + this.dispersion() * (this.binomialVariance / this.errorIntervals) : 1,
      usedIntervals: this.usedIntervals,
      historyIntervals: this.history?.intervals ?? 0,
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
