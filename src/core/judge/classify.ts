import { DEFAULT_DETECT_RATIO } from '../values/ratio.js';
import { binomialUpperBound } from './binomial-bound.js';
import { detectableRatio, detectableShift, DETECTION_POWER, exposureNeeded, exposureOf, medianOfSorted } from './detectable.js';
import { hodgesLehmannRanked } from './hodges-lehmann.js';
import { mannWhitneyRanked, nullDistribution } from './mann-whitney.js';
import { rankSamples, type RankedSamples } from './ranks.js';
import { sequentialRateTest, type SequentialRateOptions, type SequentialRateResult } from './sequential-rate/index.js';
import { checkThreshold } from './threshold.js';
import type { ContinuousMetricInput, JudgeConfig, MetricClass, MetricInput, MetricResult, RateMetricInput, ThresholdMetricInput } from './types.js';

/** What classifying a metric needs beyond the metric: the config's tests, and whether the data is the whole analysis. */
export interface ClassifyOptions extends Pick<JudgeConfig, 'alpha' | 'onUndecided'> {
  /** The data covers the whole planned analysis: an undecided rate metric is judged by what it could have caught. */
  complete: boolean;
  /**
   * Runs a rate metric's sequential test over its counts. Default: from the first interval
   * (sequentialRateTest); an incremental judge hands in one that resumes the metric's test.
   */
  rateTest?: (metric: RateMetricInput, options: SequentialRateOptions) => SequentialRateResult;
  /**
   * Ranks a continuous metric's values (missing ones left out). Default: from the first interval
   * (rankSamples); an incremental judge hands in one that adds only the new values.
   */
  rankValues?: (metric: ContinuousMetricInput) => RankedSamples;
}

/** Defaults of the per-metric limits: allowed change ±10%, allowed ratio 1.2, 3 samples, failureLimit 0. */
export const metricDefaults = { allowedPercent: 10, allowedRatio: 1.2, negligibleRate: 0.001, minSamples: 3, failureLimit: 0 };

/** More than this share of missing intervals makes an undecided-or-passing rate metric nodata. */
const maxMissingShare = 0.5;

const fmt = (n: number) => (Number.isFinite(n) ? Number(n.toPrecision(3)).toString() : String(n));

/** Judges one validated metric and gives its class and the figures behind it. */
export function classifyMetric(metric: MetricInput, options: ClassifyOptions): MetricResult {
  const { alpha } = options;
  const base = { name: metric.name, kind: metric.kind, critical: metric.critical ?? false, weight: metric.weight ?? 1, ...(metric.muted ? { muted: true as const } : {}) };
  if (metric.error !== undefined) return { ...base, class: 'error', reason: `the metric source failed: ${metric.error}` };
  switch (metric.kind) {
    case 'rate':
      return { ...base, ...classifyRate(metric, options) };
    case 'continuous':
      return { ...base, ...classifyContinuous(metric, alpha, options.rankValues?.(metric) ?? rankSamples(present(metric.canary), present(metric.baseline))) };
    case 'threshold':
      return { ...base, ...classifyThreshold(metric) };
  }
}

type Classified = Omit<MetricResult, 'name' | 'kind' | 'critical' | 'weight' | 'muted'>;

function classifyRate(metric: RateMetricInput, { alpha, onUndecided, complete, rateTest }: ClassifyOptions): Classified {
  const allowedRatio = metric.allowedRatio ?? metricDefaults.allowedRatio;
  const testOptions = { alpha, direction: metric.direction, allowedRatio, baselineHistory: metric.baselineHistory };
  const r = rateTest ? rateTest(metric, testOptions) : sequentialRateTest(metric.canary, metric.baseline, testOptions);
  const exposure = exposureOf(metric.canary, metric.baseline, r.overdispersion);
  const detectable = detectableRatio(exposure, alpha, metric.direction);
  const detect = metric.detect ?? DEFAULT_DETECT_RATIO;
  const sequential = {
    pValue: r.pValue,
    decision: r.decision,
    decidedAtInterval: r.decidedAtInterval,
    ratio: r.ratio,
    overdispersion: r.overdispersion,
    usedIntervals: r.usedIntervals,
    historyIntervals: r.historyIntervals,
    missingIntervals: r.missingIntervals,
    totals: r.totals,
    detectableRatio: Number.isFinite(detectable) ? detectable : null,
  };
  // A latency metric counts slow requests, not errors: its reasons say so (metric.events).
  const events = metric.events ?? 'errors';
  const share = metric.events ? `share of ${metric.events}` : 'error rate';
  const sequence = `(confidence sequence ${fmt(r.ratio.lower)}–${fmt(r.ratio.upper)})`;
  const ratioText = metric.events ? `ratio ${fmt(r.ratio.estimate)} of the ${share}, canary/baseline ${sequence}` : `error-rate ratio ${fmt(r.ratio.estimate)} ${sequence}`;
  const outcome = (found: 'worse' | 'not-worse' | 'nothing-found' | 'undecided') => ({ ...sequential, outcome: found });
  const result = (cls: MetricClass, reason: string, found: Parameters<typeof outcome>[0] = r.decision === 'continue' ? 'undecided' : r.decision): Classified => ({ class: cls, reason, sequential: outcome(found) });
  if (r.decision === 'worse') {
    const cls = metric.direction === 'decrease' || (metric.direction === 'either' && r.ratio.estimate < 1) ? 'low' : 'high';
    const history = r.historyIntervals > 0 ? `; the wobble between scrapes measured on ${r.historyIntervals} intervals of the baseline's history` : '';
    return result(cls, `${ratioText}: the canary is worse than the baseline (always-valid p = ${fmt(r.pValue)} ≤ α = ${alpha}, after interval ${r.decidedAtInterval}${history})`);
  }
  const intervals = r.usedIntervals + r.missingIntervals;
  if (r.usedIntervals === 0) return result('nodata', `none of the ${intervals} intervals has requests in both canary and baseline`);
  if (r.missingIntervals > maxMissingShare * intervals) {
    return result('nodata', `${r.missingIntervals} of ${intervals} intervals are missing or without traffic in an arm`);
  }
  if (r.decision === 'not-worse') {
    return result('pass', `${ratioText} lies under the allowed ratio ${allowedRatio} (after interval ${r.decidedAtInterval})`);
  }
  // Errors too rare to compare the versions (none at all, say) are no reason to hold a rollout
  // for ever: an error rate shown to be negligible in absolute terms passes. Only for `increase`,
  // where fewer errors can never be the harm.
  const negligibleRate = metric.negligibleRate ?? metricDefaults.negligibleRate;
  const canaryBound = binomialUpperBound(r.totals.canaryErrors, r.totals.canaryRequests, alpha);
  if (metric.direction === 'increase' && canaryBound <= negligibleRate) {
    return result(
      'pass',
      `${events} too rare to compare the versions (${r.totals.canaryErrors} in ${r.totals.canaryRequests} canary requests, ${r.totals.baselineErrors} in ${r.totals.baselineRequests} baseline): the canary's ${share} is below ${fmt(canaryBound * 100)}% (confidence ${fmt((1 - alpha) * 100)}%), under the negligible ${metric.events ? 'share' : 'rate'} ${fmt(negligibleRate * 100)}%`,
    );
  }
  // Undecided at the end of a complete analysis: nothing was found. That passes when the data
  // could have found the regression the user cares about — an absence of evidence with the power
  // to be evidence of absence — and stays nodata when it could not, saying what it would take.
  const power = `${Math.round(DETECTION_POWER * 100)}% probability`;
  if (complete && onUndecided === 'pass' && detectable <= detect) {
    return result(
      'pass',
      `nothing found: undecided after all ${intervals} intervals, and this data would have caught a ${fmt(detect)}× regression with ${power} (it could detect ${fmt(detectable)}×); ${ratioText}`,
      'nothing-found',
    );
  }
  // Named when it is large: it is why the evidence grows slowly however many errors there are.
  const bursty = r.overdispersion >= 2 ? `; the canary's share of ${events} varies ${fmt(r.overdispersion)}× more between scrapes than chance allows, so each scrape counts for less` : '';
  const reach = detectable <= detect ? '' : `; this data could catch ${Number.isFinite(detectable) ? `only a ${fmt(detectable)}×` : 'no'} regression${Number.isFinite(detectable) ? '' : ' up to 64×'}, not ${fmt(detect)}×${needed(exposureNeeded(exposure, alpha, metric.direction, detect))}`;
  return result(
    'nodata',
    `too little data to decide: ${ratioText} still reaches the allowed ratio ${allowedRatio} after ${r.totals.canaryErrors + r.totals.baselineErrors} ${events} in ${r.usedIntervals} intervals${bursty}${reach}`,
  );
}

/** What it takes to detect the ratio asked for, in the analysis's own terms. */
function needed(times: number): string {
  return Number.isFinite(times) ? `: that takes about ${fmt(Math.ceil(times * 10) / 10)}× the canary traffic (a longer analysis or a higher weight)` : '';
}

/** The values that are not missing. */
const present = (values: readonly number[]) => values.filter((v) => !Number.isNaN(v));

function classifyContinuous(metric: ContinuousMetricInput, alpha: number, ranked: RankedSamples): Classified {
  const { xs: canary, ys: baseline } = ranked;
  const minSamples = metric.minSamples ?? metricDefaults.minSamples;
  if (canary.length < minSamples || baseline.length < minSamples) {
    return { class: 'nodata', reason: `${canary.length} canary and ${baseline.length} baseline values, fewer than minSamples (${minSamples})` };
  }
  // A test that cannot reach α whatever the data would make every metric pass: that is no data.
  const smallestP = (metric.direction === 'either' ? 2 : 1) * nullDistribution(canary.length, baseline.length, 0).sf(canary.length * baseline.length);
  if (smallestP > alpha) {
    return { class: 'nodata', reason: `${canary.length} canary and ${baseline.length} baseline values cannot show a change at α = ${alpha} (smallest possible p = ${fmt(smallestP)})` };
  }
  const mannWhitney = mannWhitneyRanked(ranked);
  // A two-sided 1 − 2α interval matches the one-sided test at α (98% at α = 0.01, Kayenta's level).
  const hl = hodgesLehmannRanked(ranked, 1 - 2 * alpha);
  const reference = Math.abs(medianOfSorted(baseline));
  const percent = (d: number) => (reference === 0 ? (d === 0 ? 0 : Math.sign(d) * Infinity) : (100 * d) / reference);
  const relativeShift = { estimate: percent(hl.estimate), lower: percent(hl.lower), upper: percent(hl.upper) };
  const allowedUp = metric.allowedIncrease ?? metricDefaults.allowedPercent;
  const allowedDown = metric.allowedDecrease ?? metricDefaults.allowedPercent;
  const detectable = detectableShift(canary.length, baseline, alpha, metric.direction, metric.direction === 'decrease' ? allowedDown : allowedUp);
  const figures = { mannWhitney, hodgesLehmann: hl, relativeShift, detectableShift: detectable };
  const shift = `shift ${fmt(hl.estimate)} (${fmt(relativeShift.estimate)}% of the baseline median, ${Math.round(hl.confidence * 100)}% interval ${fmt(relativeShift.lower)}% to ${fmt(relativeShift.upper)}%)`;
  const up = metric.direction !== 'decrease' && mannWhitney[metric.direction === 'either' ? 'pTwoSided' : 'pGreater'] < alpha && hl.estimate > 0;
  const down = metric.direction !== 'increase' && mannWhitney[metric.direction === 'either' ? 'pTwoSided' : 'pLess'] < alpha && hl.estimate < 0;
  if (up && relativeShift.estimate > allowedUp) {
    const criticalExceeded = metric.criticalIncrease !== undefined && relativeShift.estimate > metric.criticalIncrease;
    return { class: 'high', reason: `canary higher: ${shift} beyond the allowed +${allowedUp}%${criticalExceeded ? ` and the critical +${metric.criticalIncrease}%` : ''} (Mann-Whitney p = ${fmt(mannWhitney.pGreater)})`, ...figures, criticalExceeded };
  }
  if (down && -relativeShift.estimate > allowedDown) {
    const criticalExceeded = metric.criticalDecrease !== undefined && -relativeShift.estimate > metric.criticalDecrease;
    return { class: 'low', reason: `canary lower: ${shift} beyond the allowed −${allowedDown}%${criticalExceeded ? ` and the critical −${metric.criticalDecrease}%` : ''} (Mann-Whitney p = ${fmt(mannWhitney.pLess)})`, ...figures, criticalExceeded };
  }
  return { class: 'pass', reason: `no change beyond the allowed limits: ${shift}`, ...figures };
}

function classifyThreshold(metric: ThresholdMetricInput): Classified {
  const check = checkThreshold(metric.values, metric.min, metric.max);
  const failureLimit = metric.failureLimit ?? metricDefaults.failureLimit;
  const failures = check.above + check.below;
  const threshold = { failures, missing: check.missing, measurements: check.measurements };
  const bounds = `[${metric.min ?? '−∞'}, ${metric.max ?? '∞'}]`;
  if (failures > failureLimit) {
    return { class: check.above >= check.below ? 'high' : 'low', reason: `${failures} of ${check.measurements} measurements outside ${bounds}, more than failureLimit ${failureLimit}`, threshold };
  }
  if (check.measurements === check.missing || check.missing > failureLimit) {
    return { class: 'nodata', reason: `${check.missing} of ${check.measurements} measurements missing`, threshold };
  }
  return { class: 'pass', reason: `${check.measurements - check.missing - failures} of ${check.measurements} measurements within ${bounds}`, threshold };
}
