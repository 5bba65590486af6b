import type { Direction, RateCounts } from '../judge/types.js';
import type { MetricDefinition } from '../metrics/metrics-config.js';
import type { CountKind, Sample } from '../metrics/types.js';

// Pure conversions from query results to counts and chartable series. The analysis window is a
// grid t0 < t1 < … < tn (one point per interval); interval i runs from t(i-1) to t(i).

/** One metric over the analysis window, for reports and charts (NaN where data is missing). */
export interface MetricSeries {
  name: string;
  kind: MetricDefinition['kind'];
  /** End of each interval, unix seconds. */
  times: number[];
  /** Per interval: the error ratio (rate; the share of `events` when set), the value (continuous, threshold). */
  canary: number[];
  baseline: number[];
  /** Rate metrics counting something other than errors: what, e.g. `requests slower than 300ms` (a latency metric). */
  events?: string;
  /** Rate metrics: the counts per interval. */
  counts?: { canary: RateCounts; baseline: RateCounts };
  /**
   * Rate metrics, when the baseline had any: its counts per interval before the analysis started
   * (the intervals ending at the start, oldest first; NaN where missing). See historyCounts.
   */
  history?: RateCounts;
  /** Intervals without a usable value on a side the metric needs. */
  missingIntervals: number;
  /** Rate metrics judged by the analysis loop: the judge's ratio bounds after each interval. */
  ratioBounds?: RatioBounds;
}

/**
 * A rate metric's confidence sequence as the analysis loop saw it: after interval i (index i − 1),
 * the bounds the judge reported for the canary/baseline error-rate ratio (NaN where it judged no
 * data), and what they are held against.
 */
export interface RatioBounds {
  lower: number[];
  upper: number[];
  /** The metric's allowed ratio (default 1.2) and its direction: `increase` holds the upper bound below it. */
  allowedRatio: number;
  direction: Direction;
}

/** The grid of an analysis of `intervals` intervals from `start`, unix seconds. */
export function intervalGrid(start: Date, intervalSeconds: number, intervals: number): number[] {
  return Array.from({ length: intervals + 1 }, (_, i) => start.getTime() / 1000 + i * intervalSeconds);
}

/**
 * The grid point a sample stamped `time` sits on; -1 when it sits on none. Prometheus evaluates a
 * range query exactly at start + k·step, so a sample off the grid (by a millisecond or more) is
 * not one of its points.
 */
export function gridIndexOf(time: number, startSeconds: number, stepSeconds: number): number {
  const index = Math.round((time - startSeconds) / stepSeconds);
  return index >= 0 && Math.round(time * 1000) === Math.round((startSeconds + index * stepSeconds) * 1000) ? index : -1;
}

/** The sample value at each grid time; NaN where none. */
export function alignToGrid(samples: Sample[], grid: number[]): number[] {
  const values = grid.map(() => NaN);
  const step = grid.length > 1 ? grid[1] - grid[0] : 1;
  for (const sample of samples) {
    const index = gridIndexOf(sample.time, grid[0], step);
    if (index >= 0 && index < grid.length) values[index] = sample.value;
  }
  return values;
}

/** A counter's increase over one interval: a decrease (counter reset) or a missing end is NaN, never a zero. */
export function counterIncrease(from: number, to: number): number {
  const count = to - from;
  return Number.isFinite(count) && count >= 0 ? count : NaN;
}

/** Per-interval increases of a cumulative counter sampled on the grid: n+1 points give n counts. */
export function intervalCounts(cumulative: number[]): number[] {
  return cumulative.slice(1).map((value, i) => counterIncrease(cumulative[i], value));
}

/** An interval source's count for one interval (the sample at its end): a negative or missing count is NaN, never a zero. */
export function bucketCount(value: number): number {
  return Number.isFinite(value) && value >= 0 ? value : NaN;
}

/**
 * Per-interval counts from a rate query's samples on the grid (n+1 points give n counts): the
 * increases of a cumulative counter, or the buckets that end at points 1…n of an interval source.
 */
export function countsOnGrid(samples: Sample[], grid: number[], kind: CountKind): number[] {
  const points = alignToGrid(samples, grid);
  return kind === 'interval' ? points.slice(1).map(bucketCount) : intervalCounts(points);
}

/**
 * The baseline's counts before an analysis, from its rate samples on the grid of the whole
 * intervals that end at the analysis's start: read exactly as the analysis window is, and an
 * interval the analysis would not use (a count missing, or more errors than requests) is NaN on
 * both counters. Undefined when no interval is usable: there is no history.
 */
export function historyCounts(samples: Record<string, Sample[]>, grid: number[], kind: CountKind = 'cumulative'): RateCounts | undefined {
  const errors = countsOnGrid(samples.errors ?? [], grid, kind);
  const requests = countsOnGrid(samples.requests ?? [], grid, kind);
  const keep = errors.map((e, i) => Number.isFinite(e) && Number.isFinite(requests[i]) && e <= requests[i]);
  if (!keep.includes(true)) return undefined;
  return { errors: errors.map((v, i) => (keep[i] ? v : NaN)), requests: requests.map((v, i) => (keep[i] ? v : NaN)) };
}
