import type { MetricInput, RateCounts } from '../judge/types.js';
import type { MetricDefinition } from '../metrics/metrics-config.js';
import type { Sample } from '../metrics/types.js';

// Pure conversions from query results to the judge's input and to chartable series. The analysis
// window is a grid t0 < t1 < … < tn (one point per interval); interval i runs from t(i-1) to t(i).

/** The raw query results of one metric, per query name (`errors`, `requests`, `query`) and side. */
export interface MetricSamples {
  canary: Record<string, Sample[]>;
  baseline: Record<string, Sample[]>;
}

/** One metric over the analysis window, for reports and charts (NaN where data is missing). */
export interface MetricSeries {
  name: string;
  kind: MetricDefinition['kind'];
  /** End of each interval, unix seconds. */
  times: number[];
  /** Per interval: the error ratio (rate), the value (continuous, threshold). */
  canary: number[];
  baseline: number[];
  /** Rate metrics: the counts per interval. */
  counts?: { canary: RateCounts; baseline: RateCounts };
  /**
   * Rate metrics, when the baseline had any: its counts per interval before the analysis started
   * (the intervals ending at the start, oldest first; NaN where missing). See historyCounts.
   */
  history?: RateCounts;
  /** Intervals without a usable value on a side the metric needs. */
  missingIntervals: number;
}

/** The grid of an analysis of `intervals` intervals from `start`, unix seconds. */
export function intervalGrid(start: Date, intervalSeconds: number, intervals: number): number[] {
  return Array.from({ length: intervals + 1 }, (_, i) => start.getTime() / 1000 + i * intervalSeconds);
}

/** The sample value at each grid time (Prometheus evaluates range queries exactly there); NaN where none. */
export function alignToGrid(samples: Sample[], grid: number[]): number[] {
  const byTime = new Map(samples.map((s) => [Math.round(s.time * 1000), s.value]));
  return grid.map((t) => byTime.get(Math.round(t * 1000)) ?? NaN);
}

/**
 * Per-interval increases of a cumulative counter sampled on the grid: n+1 points give n counts. A
 * decrease (counter reset) or a missing end makes that interval NaN, never a zero.
 */
export function intervalCounts(cumulative: number[]): number[] {
  return cumulative.slice(1).map((value, i) => {
    const count = value - cumulative[i];
    return Number.isFinite(count) && count >= 0 ? count : NaN;
  });
}

/** A rate metric's counts per interval from one side's `errors` and `requests` counter samples on the grid. */
export function rateCounts(samples: Record<string, Sample[]>, grid: number[]): RateCounts {
  return { errors: intervalCounts(alignToGrid(samples.errors ?? [], grid)), requests: intervalCounts(alignToGrid(samples.requests ?? [], grid)) };
}

/**
 * The baseline's counts before an analysis, from its counter samples on the grid of the whole
 * intervals that end at the analysis's start: read exactly as the analysis window is (rateCounts),
 * and an interval the analysis would not use (a count missing, or more errors than requests) is
 * NaN on both counters. Undefined when no interval is usable: there is no history.
 */
export function historyCounts(samples: Record<string, Sample[]>, grid: number[]): RateCounts | undefined {
  const counts = rateCounts(samples, grid);
  const keep = counts.errors.map((_, i) => usableCounts(counts, i));
  if (!keep.includes(true)) return undefined;
  return { errors: counts.errors.map((v, i) => (keep[i] ? v : NaN)), requests: counts.requests.map((v, i) => (keep[i] ? v : NaN)) };
}

/**
 * The series of one metric on the grid (rate metrics from counters, others from point values);
 * `history` (historyCounts) rides along on a rate metric, for the judge and the report.
 */
export function metricSeries(definition: MetricDefinition, samples: MetricSamples, grid: number[], history?: RateCounts): MetricSeries {
  const times = grid.slice(1);
  if (definition.kind === 'rate') {
    const canary = rateCounts(samples.canary, grid);
    const baseline = rateCounts(samples.baseline, grid);
    const ratio = (c: RateCounts) => c.errors.map((e, i) => (e <= c.requests[i] && c.requests[i] > 0 ? e / c.requests[i] : NaN));
    const usable = times.map((_, i) => usableRateInterval(canary, baseline, i));
    const missingIntervals = usable.filter((u) => !u).length;
    return { name: definition.name, kind: definition.kind, times, canary: ratio(canary), baseline: ratio(baseline), counts: { canary, baseline }, ...(history ? { history } : {}), missingIntervals };
  }
  const values = (side: 'canary' | 'baseline') => alignToGrid(samples[side].query ?? [], grid).slice(1);
  const canary = values('canary');
  const baseline = definition.kind === 'threshold' ? times.map(() => NaN) : values('baseline');
  const missing = times.filter((_, i) => !Number.isFinite(canary[i]) || (definition.kind === 'continuous' && !Number.isFinite(baseline[i]))).length;
  return { name: definition.name, kind: definition.kind, times, canary, baseline, missingIntervals: missing };
}

/**
 * The judge's input for one metric, aligned on the intervals. A missing value is passed as null, as
 * in the judge's JSON contract ("null for a missing one"), so the judge counts it as missing —
 * never as a zero.
 */
export function metricInput(definition: MetricDefinition, series: MetricSeries): MetricInput {
  const { name, direction, critical, weight, muted } = definition;
  const base = { name, direction, critical, weight, ...(muted ? { muted } : {}) };
  switch (definition.kind) {
    case 'rate': {
      const { canary, baseline } = series.counts!;
      const keep = series.times.map((_, i) => usableRateInterval(canary, baseline, i));
      const pick = (c: RateCounts): RateCounts => ({ errors: c.errors.map((v, i) => (keep[i] ? v : missing)), requests: c.requests.map((v, i) => (keep[i] ? v : missing)) });
      const { allowedRatio, negligibleRate, detect } = definition;
      const history = series.history && { baselineHistory: { errors: series.history.errors.map(orMissing), requests: series.history.requests.map(orMissing) } };
      return { ...base, kind: 'rate', canary: pick(canary), baseline: pick(baseline), ...(allowedRatio === undefined ? {} : { allowedRatio }), ...(negligibleRate === undefined ? {} : { negligibleRate }), ...(detect === undefined ? {} : { detect }), ...history };
    }
    case 'continuous': {
      const { allowedIncrease, allowedDecrease, criticalIncrease, criticalDecrease, minSamples } = definition;
      const limits = dropUndefined({ allowedIncrease, allowedDecrease, criticalIncrease, criticalDecrease, minSamples });
      return { ...base, ...limits, kind: 'continuous', canary: series.canary.map(orMissing), baseline: series.baseline.map(orMissing) };
    }
    case 'threshold': {
      const limits = dropUndefined({ min: definition.min, max: definition.max, failureLimit: definition.failureLimit });
      return { ...base, ...limits, kind: 'threshold', values: series.canary.map(orMissing) };
    }
  }
}

/** The series of a metric before any interval: nothing read yet. */
export function emptySeries(definition: MetricDefinition): MetricSeries {
  const none = (): RateCounts => ({ errors: [], requests: [] });
  return { name: definition.name, kind: definition.kind, times: [], canary: [], baseline: [], counts: { canary: none(), baseline: none() }, missingIntervals: 0 };
}

/** The judge's input for a metric whose latest query failed: no data, and the error (class `error`). */
export function failedMetricInput(definition: MetricDefinition, error: string): MetricInput {
  return { ...metricInput(definition, emptySeries(definition)), error };
}

/** How a missing value travels to the judge (its JSON contract's null, typed as the number it stands for). */
const missing = null as unknown as number;
const orMissing = (value: number): number => (Number.isFinite(value) ? value : missing);

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Whether interval i has whole counts on one side: both counters read, no more errors than requests. */
function usableCounts(c: RateCounts, i: number): boolean {
  return Number.isFinite(c.errors[i]) && Number.isFinite(c.requests[i]) && c.errors[i] <= c.requests[i];
}

function usableRateInterval(canary: RateCounts, baseline: RateCounts, i: number): boolean {
  return usableCounts(canary, i) && usableCounts(baseline, i);
}
