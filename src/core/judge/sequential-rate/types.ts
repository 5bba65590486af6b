import type { Direction, RateCounts } from '../types.js';

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
   * the error rate wobbles between scrapes is then known from the first look (history.ts).
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
