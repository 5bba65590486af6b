import type { Direction, RateCounts } from '../types.js';
import { ConfidenceSequence } from './confidence-sequence.js';
import { dispersionEstimate } from './dispersion.js';
import { intervalCap, isGross } from './evidence-guard.js';
import { argMax, grid, logMixture, testWeights, thetaAt, twoSidedWeights, zeroIndex } from './grid.js';
import { baselineHistoryOf, type BaselineHistory } from './history.js';
import { LikelihoodGrid, type IntervalTerms, type Reading } from './likelihood.js';
import { shadowDispersions, shadowFor } from './look-back.js';
import { loudness, predictedVariance, sideDiscount, temperOf } from './tempering.js';
import { SEQUENTIAL_RATE_TUNING } from './tuning.js';
import type { SequentialRateOptions, SequentialRateResult } from './types.js';

const { exp, log, min: minOf } = Math;

/** Intervals with errors between two tries to shrink the likelihood's window (likelihood.ts). */
const SHRINK_EVERY = 16;

/**
 * The sequential, anytime-valid test of the canary's error rate against the baseline's
 * (docs/judge.md, "The sequential rate test"). Fed one scrape interval at a time (`push`), it can
 * be asked after every interval (`result`) without inflating false alarms.
 *
 * The product over intervals of the likelihood ratios (likelihood.ts), mixed over the ratio with a
 * prior (grid.ts), is a test martingale M_t under r = 1 (and a supermartingale under r < 1, or when
 * errors are hypergeometric rather than Poisson); by Ville's inequality it reaches 1/α with
 * probability at most α. Using the observed request share of each interval means a drifting
 * traffic split is not mistaken for a regression. Each interval is tempered by the dispersion
 * estimated so far (dispersion.ts, tempering.ts), capped by the evidence guard
 * (evidence-guard.ts), and "worse" is checked against a shadow tempered from the first interval
 * (look-back.ts); the baseline's history, when given, measures the dispersion from the start
 * (history.ts).
 */
export class SequentialRateTest {
  private readonly alpha: number;
  private readonly direction: Direction;
  private readonly allowedRatio: number;
  private readonly likelihood: LikelihoodGrid;
  private interval = 0;
  private minPValue = 1;
  private decision: SequentialRateResult['decision'] = 'continue';
  private decidedAt: number | null = null;
  private usedIntervals = 0;
  /** Σ nθ(1 − θ) at the estimate over the intervals with errors: the binomial variance the Pearson χ² is measured against. */
  private binomialVariance = 0;
  private errorIntervals = 0;
  /** Errors and requests of both arms so far (the history's included), for the error rate that predicts an interval's errors. */
  private readonly seen = { errors: 0, requests: 0 };
  /** Grid index of the conditional MLE (ties keep the ratio closest to 1). */
  private best = zeroIndex;
  /** Running intersection of the confidence sequence. */
  private readonly bounds = new ConfidenceSequence();
  private readonly totals = { canaryErrors: 0, canaryRequests: 0, baselineErrors: 0, baselineRequests: 0 };
  /** The baseline history's dispersion and error rate, when it was long enough to measure them. */
  private readonly history: BaselineHistory | undefined;
  /** What the latest interval adds (one object, refilled). */
  private readonly terms: IntervalTerms = { canaryErrors: 0, errors: 0, share: 0, temper: 1, up: 1, down: 1, capUp: 0, capDown: 0, shadowUp: new Float64Array(shadowDispersions.length), shadowDown: new Float64Array(shadowDispersions.length) };
  /** What the test reads of the likelihood: the estimate's mixture and confidence set, the test's mixture and each shadow's. */
  private readonly readings: { estimate: Reading; cut: Reading; guarded: Reading; shadows: Reading[] };
  /** Intervals with errors since the window last shrank. */
  private sinceShrink = 0;

  /** `intervals`: how many intervals the test will be fed, when known (its store is made that size at once). */
  constructor(options: SequentialRateOptions = {}, intervals?: number) {
    this.likelihood = new LikelihoodGrid(intervals);
    this.alpha = options.alpha ?? 0.01;
    this.direction = options.direction ?? 'increase';
    const { estimate, guarded, shadows } = this.likelihood;
    const weights = testWeights[this.direction];
    this.readings = {
      estimate: { values: estimate, weights: twoSidedWeights },
      cut: { values: estimate, atMost: -Infinity },
      guarded: { values: guarded, weights },
      shadows: shadows.map((values) => ({ values, weights })),
    };
    this.allowedRatio = options.allowedRatio ?? 1.2;
    this.history = options.baselineHistory && baselineHistoryOf(options.baselineHistory);
    if (this.history) {
      this.seen.errors = this.history.errors;
      this.seen.requests = this.history.requests;
    }
  }

  /** Adds one scrape interval; missing values (NaN) or zero requests in an arm add nothing. */
  push(canaryErrors: number, canaryRequests: number, baselineErrors: number, baselineRequests: number): void {
    this.interval++;
    if (!(Number.isFinite(canaryErrors) && Number.isFinite(canaryRequests) && Number.isFinite(baselineErrors) && Number.isFinite(baselineRequests)) || canaryRequests <= 0 || baselineRequests <= 0) return;
    this.usedIntervals++;
    // Taken before the totals count this interval.
    const canaryLoudness = loudness(canaryErrors, canaryRequests, this.rateSoFar(this.totals.canaryErrors, this.totals.canaryRequests));
    const baselineLoudness = loudness(baselineErrors, baselineRequests, this.rateSoFar(this.totals.baselineErrors, this.totals.baselineRequests));
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
    const variance = predictedVariance(requests, errors, this.seen, atBest);
    const dispersion = this.dispersion();
    // The canary's rate in this interval against the error rate so far, history included (steadier
    // than the baseline's own count in one scrape): a gross one lifts the guard.
    const observed = this.history ? log(canaryErrors / canaryRequests) - log(this.seen.errors / this.seen.requests) : 0;
    const { terms } = this;
    terms.canaryErrors = canaryErrors;
    terms.errors = errors;
    terms.share = share;
    terms.temper = temperOf(dispersion, variance);
    terms.up = sideDiscount(dispersion, variance, canaryLoudness);
    terms.down = sideDiscount(dispersion, variance, baselineLoudness);
    for (let j = 0; j < shadowDispersions.length; j++) {
      terms.shadowUp[j] = sideDiscount(shadowDispersions[j], variance, canaryLoudness);
      terms.shadowDown[j] = sideDiscount(shadowDispersions[j], variance, baselineLoudness);
    }
    const cap = intervalCap(this.alpha, this.errorIntervals === 0, variance);
    terms.capUp = isGross(observed, true) ? Infinity : cap;
    terms.capDown = isGross(observed, false) ? Infinity : cap;
    this.likelihood.add(terms);
    this.binomialVariance += errors * atBest * (1 - atBest);
    this.errorIntervals++;
    this.seen.errors += errors;
    this.seen.requests += requests;
    this.readEstimate();
    this.decide(this.logTestMixture());
    // The window only costs time when it is wider than it needs: shrinking now and then is enough.
    if (++this.sinceShrink >= SHRINK_EVERY) {
      this.sinceShrink = 0;
      const { estimate, cut, guarded, shadows } = this.readings;
      const shadow = shadowFor(this.dispersion());
      this.likelihood.shrink(shadow < 0 ? [estimate, cut, guarded] : [estimate, cut, guarded, shadows[shadow]]);
    }
  }

  /** Updates the estimate and the confidence sequence. */
  private readEstimate(): void {
    const { likelihood, readings } = this;
    likelihood.cover(readings.estimate);
    const { from, to } = likelihood;
    this.best = argMax(likelihood.estimate, from, to);
    const mixture = logMixture(likelihood.estimate, twoSidedWeights, from, to, likelihood.estimate[this.best]);
    readings.cut.atMost = mixture + log(this.alpha);
    likelihood.cover(readings.cut);
    this.bounds.narrow(likelihood.estimate, mixture, this.alpha, likelihood.from, likelihood.to);
  }

  /** log M_t of the test: the running test's mixture, or the look-back shadow's if that is smaller. */
  private logTestMixture(): number {
    const { likelihood, readings } = this;
    const weights = testWeights[this.direction];
    const shadow = shadowFor(this.dispersion());
    const top = likelihood.cover(readings.guarded);
    const shadowTop = shadow < 0 ? 0 : likelihood.cover(readings.shadows[shadow]);
    const { from, to } = likelihood;
    const running = logMixture(likelihood.guarded, weights, from, to, top);
    return shadow < 0 ? running : minOf(running, logMixture(likelihood.shadows[shadow], weights, from, to, shadowTop));
  }

  /** ψ̂ so far (dispersion.ts), never below the history's. */
  private dispersion(): number {
    return dispersionEstimate({ pearson: this.likelihood.pearson[this.best], binomialVariance: this.binomialVariance, errorIntervals: this.errorIntervals, floor: this.history?.dispersion ?? 0 });
  }

  /** An arm's error rate so far; before its first request, the history's (0 without one). */
  private rateSoFar(errors: number, requests: number): number {
    return requests > 0 ? errors / requests : (this.history?.rate ?? 0);
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
    } else if (this.decision === 'continue' && this.errorIntervals >= SEQUENTIAL_RATE_TUNING.notWorseErrorIntervals && this.withinAllowed()) {
      this.decision = 'not-worse';
      this.decidedAt = this.interval;
    }
  }

  /** True once the confidence sequence lies inside the allowed side(s) of the ratio. */
  private withinAllowed(): boolean {
    const { lower, upper } = this.bounds.ratios();
    const below = upper < this.allowedRatio;
    const above = lower > 1 / this.allowedRatio;
    return this.direction === 'increase' ? below : this.direction === 'decrease' ? above : below && above;
  }

  /** Where the test stands after the intervals pushed so far. */
  result(): SequentialRateResult {
    return {
      pValue: this.minPValue,
      decision: this.decision,
      decidedAtInterval: this.decidedAt,
      ratio: { estimate: Math.exp(grid[this.best]), ...this.bounds.ratios() },
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
  const test = new SequentialRateTest(options, canary.requests.length);
  const value = (v: number | null) => (v === null ? NaN : v);
  for (let i = 0; i < canary.requests.length; i++) {
    test.push(value(canary.errors[i]), value(canary.requests[i]), value(baseline.errors[i]), value(baseline.requests[i]));
  }
  return test.result();
}
