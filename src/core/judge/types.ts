/**
 * The judge's input and output (docs/judge.md "Input format" and "Output format"). The CLI's `--input` file has exactly the JudgeInput
 * shape, and `--format json` prints a JudgeReport.
 */

/** Which change is bad: a rise (errors, latency), a fall (throughput), or either. */
export type Direction = 'increase' | 'decrease' | 'either';

/** Per-metric class, as Kayenta's: pass | high | low | nodata | error. */
export type MetricClass = 'pass' | 'high' | 'low' | 'nodata' | 'error';

/** The overall verdict. */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** Counts per scrape interval; the arrays are aligned (index i is interval i). */
export interface RateCounts {
  errors: number[];
  requests: number[];
}

interface MetricBase {
  name: string;
  direction: Direction;
  /** A failing critical metric fails the whole analysis. Default false. */
  critical?: boolean;
  /** Weight in the score. Default 1. */
  weight?: number;
  /**
   * Judged and reported but never counted: not in the score, not in the verdict (Kayenta's
   * `muted`). For watching a new metric over a few releases before it gates rollouts. Default false.
   */
  muted?: boolean;
  /** Set by a metric source whose query failed: the metric is classed `error` with this reason. */
  error?: string;
}

/** errors/requests of canary vs baseline, judged with the sequential anytime-valid test. */
export interface RateMetricInput extends MetricBase {
  kind: 'rate';
  canary: RateCounts;
  baseline: RateCounts;
  /** Allowed error-rate ratio canary/baseline before it counts as worse (default 1.2 = +20%). */
  allowedRatio?: number;
  /**
   * An error rate too small to matter (a fraction, default 0.001 = 0.1%): while the ratio test is
   * undecided — errors too rare to compare two versions, e.g. none at all in either — the metric
   * passes once the canary's own error rate is shown below it at confidence 1 − α.
   */
  negligibleRate?: number;
  /**
   * The regression the analysis should be able to catch (default 2 = twice the baseline's error
   * rate): at the end of a complete analysis, an undecided metric passes when its data would have
   * called this ratio worse with 95% probability (config.onUndecided).
   */
  detect?: number;
  /**
   * The baseline's counts per interval over a stretch before the canary started, at the analysis's
   * step (oldest first; null/NaN = missing). Optional.
   */
  baselineHistory?: RateCounts;
  /**
   * What `errors` counts, in words, for the reasons: default errors (an "error rate"); a latency
   * metric's are e.g. "requests slower than 300ms" (a "share of requests slower than 300ms").
   */
  events?: string;
}

/** A continuous metric (latency, CPU) judged with Mann-Whitney U and Hodges-Lehmann. */
export interface ContinuousMetricInput extends MetricBase {
  kind: 'continuous';
  canary: number[];
  baseline: number[];
  /** Allowed relative change, percent (Kayenta's allowedIncrease/Decrease). Default 10. */
  allowedIncrease?: number;
  allowedDecrease?: number;
  /** A change beyond this (percent) fails the metric as critical. */
  criticalIncrease?: number;
  criticalDecrease?: number;
  /** Fewer values than this in either sample is nodata. Default 3. */
  minSamples?: number;
}

/** An absolute SLO check on one series (Argo-style conditions and limits). */
export interface ThresholdMetricInput extends MetricBase {
  kind: 'threshold';
  values: number[];
  /** Pass when every measurement is within [min, max]. */
  min?: number;
  max?: number;
  /** Failed measurements tolerated (Argo failureLimit, default 0). */
  failureLimit?: number;
}

export type MetricInput = RateMetricInput | ContinuousMetricInput | ThresholdMetricInput;

export interface JudgeConfig {
  /** False-alarm rate of each test. Default 0.01. */
  alpha: number;
  /** Score cut-offs. Default pass 95, marginal 75. */
  thresholds: { pass: number; marginal: number };
  /** What missing data makes of the verdict: never a pass. Default 'inconclusive'. */
  onNoData: 'fail' | 'inconclusive';
  /**
   * A rate metric still undecided when a complete analysis ends: `pass` when its data could have
   * caught the metric's `detect` ratio (nothing was found where something would have been), else
   * nodata; `inconclusive` keeps it nodata whatever the data could show. Default 'pass'.
   */
  onUndecided: 'pass' | 'inconclusive';
}

export interface JudgeInput {
  config?: Partial<JudgeConfig>;
  metrics: MetricInput[];
  /**
   * The data covers the whole planned analysis (default true: a one-shot judgement of finished
   * data). The analysis loop says false before its last interval: an undecided metric may still decide.
   */
  complete?: boolean;
}

export interface MannWhitneyResult {
  /** U of the canary (the first sample), as scipy.stats.mannwhitneyu reports it. */
  u: number;
  pTwoSided: number;
  pGreater: number;
  pLess: number;
  method: 'exact' | 'asymptotic';
}

export interface MetricResult {
  name: string;
  kind: MetricInput['kind'];
  class: MetricClass;
  critical: boolean;
  weight: number;
  /** Present (true) for a muted metric: shown, never counted. */
  muted?: true;
  /** Why the class, in a sentence. */
  reason: string;
  /** Rate metrics: the sequential test. */
  sequential?: {
    /** Always-valid p-value. */
    pValue: number;
    decision: 'worse' | 'not-worse' | 'continue';
    /** First interval (1-based) after which the judge would have decided; null if undecided. */
    decidedAtInterval: number | null;
    /** Estimated canary/baseline error-rate ratio and its confidence sequence. */
    ratio: { estimate: number; lower: number; upper: number };
    /** How many times more the canary's error share varies between scrapes than binomial (1 = not at all); the test discounts each scrape by it. */
    overdispersion?: number;
    /** Intervals that counted (requests in both arms) and those missing or without traffic. */
    usedIntervals?: number;
    missingIntervals?: number;
    /** Intervals of the baseline's history the wobble was measured on (0: none, or too short to say). */
    historyIntervals?: number;
    /** Sums over the used intervals. */
    totals?: { canaryErrors: number; canaryRequests: number; baselineErrors: number; baselineRequests: number };
    /**
     * Which of the test's outcomes: `worse`, `not-worse` (shown within the allowed ratio), or, at
     * the end of a complete analysis, `nothing-found` (undecided, and the data could have caught the
     * `detect` ratio) or `undecided` (it could not, or the analysis goes on).
     */
    outcome?: 'worse' | 'not-worse' | 'nothing-found' | 'undecided';
    /** The smallest ratio this data would have called worse with 95% probability; null when it could catch none up to 64× (no errors to go by, say). */
    detectableRatio?: number | null;
  };
  /** Continuous metrics. */
  mannWhitney?: MannWhitneyResult;
  hodgesLehmann?: { estimate: number; lower: number; upper: number; confidence: number };
  /** Continuous metrics: the Hodges-Lehmann shift as percent of the baseline's median. */
  relativeShift?: { estimate: number; lower: number; upper: number };
  /**
   * Continuous metrics: the smallest change (percent of the baseline's median, in the bad direction)
   * these sample sizes would have flagged with 95% probability; null when the baseline has no spread.
   */
  detectableShift?: number | null;
  /** Continuous metrics: the change went past criticalIncrease/criticalDecrease (fails the analysis). */
  criticalExceeded?: boolean;
  /** Threshold metrics: measurements out of [min, max], missing ones, and all of them. */
  threshold?: { failures: number; missing: number; measurements: number };
}

export interface JudgeReport {
  verdict: Verdict;
  /** 0–100. */
  score: number;
  /** The sentences that explain the verdict. */
  reasons: string[];
  metrics: MetricResult[];
  config: JudgeConfig;
}
