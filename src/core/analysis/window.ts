import type { MetricInput, RateCounts } from '../judge/types.js';
import { slowRequests } from '../metrics/latency.js';
import type { MetricDefinition } from '../metrics/metrics-config.js';
import type { CountKind, Sample } from '../metrics/types.js';
import { bucketCount, counterIncrease, gridIndexOf, type MetricSeries } from './series.js';
import { dropUndefined } from '../objects.js';

type Side = 'canary' | 'baseline';

/** The sides a metric reads: a threshold judges the canary alone. */
export function sidesOf(metric: MetricDefinition): readonly Side[] {
  return metric.kind === 'threshold' ? ['canary'] : ['canary', 'baseline'];
}

/** The queries of a metric per side: rate metrics read two counters, the others one query. */
export function queriesOf(metric: MetricDefinition): Record<string, string> {
  return metric.kind === 'rate' ? { errors: metric.errors, requests: metric.requests } : { query: metric.query };
}

/** How a missing value travels to the judge (its JSON contract's null, typed as the number it stands for). */
const missing = null as unknown as number;
const orMissing = (value: number): number => (Number.isFinite(value) ? value : missing);

/** The four counters of a rate metric, per interval. */
interface RateArrays {
  canary: RateCounts;
  baseline: RateCounts;
}

const emptyCounts = (): RateArrays => ({ canary: { errors: [], requests: [] }, baseline: { errors: [], requests: [] } });

/**
 * One metric over the analysis window (docs/analysis.md, "The analysis loop"), kept up to date
 * interval by interval. The window is a grid t0 < t1 < … (one point per interval; interval i runs
 * from t(i−1) to t(i)). It holds each query's value at every grid point, the series derived from
 * them, and the judge's input. Recording the points from index k recomputes only the intervals
 * that touch them, so an interval costs the same at the end of a long analysis as at its start.
 * The arrays of `series()` and `input()` are the window's own and grow in place.
 */
export class MetricWindow {
  private readonly points: Record<Side, Record<string, number[]>> = { canary: {}, baseline: {} };
  /** Grid point from which the next read starts: the last one read (read again once, for a late scrape). */
  private nextRead = 0;
  private readonly times: number[] = [];
  private readonly values: Record<Side, number[]> = { canary: [], baseline: [] };
  private readonly counts: RateArrays = emptyCounts();
  /** The judge's input arrays: null where the interval is not usable. */
  private readonly judged: RateArrays = emptyCounts();
  private readonly judgedValues: Record<Side, number[]> = { canary: [], baseline: [] };
  private readonly usable: boolean[] = [];
  private missingIntervals = 0;
  /** Rate metrics: the history as the judge takes it, made once. */
  private readonly judgedHistory?: RateCounts;
  /** Intervals derived so far, and the first one a recorded point changed. */
  private derived = 0;
  private changedFrom = 0;

  constructor(
    readonly definition: MetricDefinition,
    private readonly startSeconds: number,
    private readonly stepSeconds: number,
    /** Rate metrics: the baseline's counts before the start (series.ts historyCounts). */
    private readonly history?: RateCounts,
    /** What the rate queries return: running totals, or each interval's own count (types.ts CountKind). */
    private readonly countKind: CountKind = 'cumulative',
  ) {
    if (history) this.judgedHistory = { errors: history.errors.map(orMissing), requests: history.requests.map(orMissing) };
  }

  /** The grid point the next query starts at. */
  get readFrom(): number {
    return this.nextRead;
  }

  /** Unix seconds of grid point `index`. */
  timeOf(index: number): number {
    return this.startSeconds + index * this.stepSeconds;
  }

  /**
   * Records what every query of the metric returned for grid points `from` … `to` (one side's
   * samples per query name): points inside without a sample are missing. Record a read only when
   * all its queries answered, so the sides never come from different reads.
   */
  record(read: Record<Side, Record<string, Sample[]>>, from: number, to: number): void {
    for (const side of sidesOf(this.definition)) {
      for (const name of Object.keys(queriesOf(this.definition))) {
        const values = (this.points[side][name] ??= []);
        while (values.length <= to) values.push(NaN);
        values.fill(NaN, from, to + 1);
        for (const sample of read[side][name] ?? []) {
          const index = gridIndexOf(sample.time, this.startSeconds, this.stepSeconds);
          if (index >= from && index <= to) values[index] = sample.value;
        }
      }
    }
    // Point k ends interval k (array index k − 1) and starts interval k + 1.
    this.changedFrom = Math.min(this.changedFrom, Math.max(0, from - 1));
    this.nextRead = Math.max(this.nextRead, to);
  }

  /** The series over the first `intervals` intervals, for reports and charts. */
  series(intervals: number): MetricSeries {
    this.derive(intervals);
    const { name, kind } = this.definition;
    const base = { name, kind, times: this.times, canary: this.values.canary, baseline: this.values.baseline, missingIntervals: this.missingIntervals };
    if (kind !== 'rate') return base;
    return { ...base, ...eventsOf(this.definition), counts: this.counts, ...(this.history ? { history: this.history } : {}) };
  }

  /**
   * The judge's input over the first `intervals` intervals: a missing value is passed as null, as
   * in the judge's JSON contract, so the judge counts it as missing — never as a zero. A rate
   * interval is missing on all four counters unless both arms have whole counts in it.
   */
  input(intervals: number): MetricInput {
    this.derive(intervals);
    return judgeInput(this.definition, this.judged, this.judgedValues, this.judgedHistory);
  }

  private derive(intervals: number): void {
    if (this.derived > intervals) throw new Error(`the window has ${this.derived} intervals; it cannot go back to ${intervals}`);
    for (let i = Math.min(this.changedFrom, this.derived); i < intervals; i++) this.deriveInterval(i);
    this.derived = intervals;
    this.changedFrom = intervals;
  }

  /** Derives interval i + 1 (from point i to point i + 1) into array index i. */
  private deriveInterval(i: number): void {
    const at = (side: Side, name: string, point: number) => this.points[side][name]?.[point] ?? NaN;
    this.times[i] = this.timeOf(i + 1);
    const wasUsable = this.usable[i];
    let usable: boolean;
    if (this.definition.kind === 'rate') {
      usable = true;
      for (const side of ['canary', 'baseline'] as const) {
        const count = (name: string) => (this.countKind === 'interval' ? bucketCount(at(side, name, i + 1)) : counterIncrease(at(side, name, i), at(side, name, i + 1)));
        const errors = count('errors');
        const requests = count('requests');
        this.counts[side].errors[i] = errors;
        this.counts[side].requests[i] = requests;
        this.values[side][i] = errors <= requests && requests > 0 ? errors / requests : NaN;
        usable &&= Number.isFinite(errors) && Number.isFinite(requests) && errors <= requests;
      }
      for (const side of ['canary', 'baseline'] as const) {
        this.judged[side].errors[i] = usable ? this.counts[side].errors[i] : missing;
        this.judged[side].requests[i] = usable ? this.counts[side].requests[i] : missing;
      }
    } else {
      const canary = at('canary', 'query', i + 1);
      const baseline = this.definition.kind === 'threshold' ? NaN : at('baseline', 'query', i + 1);
      this.values.canary[i] = canary;
      this.values.baseline[i] = baseline;
      this.judgedValues.canary[i] = orMissing(canary);
      this.judgedValues.baseline[i] = orMissing(baseline);
      usable = Number.isFinite(canary) && (this.definition.kind !== 'continuous' || Number.isFinite(baseline));
    }
    this.usable[i] = usable;
    if (wasUsable !== undefined) this.missingIntervals -= wasUsable ? 0 : 1;
    if (!usable) this.missingIntervals++;
  }
}

/** The judge's input for a metric from its arrays (see MetricWindow.input). */
function judgeInput(definition: MetricDefinition, counts: RateArrays, values: Record<Side, number[]>, baselineHistory?: RateCounts): MetricInput {
  const { name, direction, critical, weight, muted } = definition;
  const base = { name, direction, critical, weight, ...(muted ? { muted } : {}) };
  switch (definition.kind) {
    case 'rate': {
      const { allowedRatio, negligibleRate, detect } = definition;
      return { ...base, ...dropUndefined({ allowedRatio, negligibleRate, detect }), ...eventsOf(definition), kind: 'rate', canary: counts.canary, baseline: counts.baseline, ...(baselineHistory ? { baselineHistory } : {}) };
    }
    case 'continuous': {
      const { allowedIncrease, allowedDecrease, criticalIncrease, criticalDecrease, minSamples } = definition;
      return { ...base, ...dropUndefined({ allowedIncrease, allowedDecrease, criticalIncrease, criticalDecrease, minSamples }), kind: 'continuous', canary: values.canary, baseline: values.baseline };
    }
    case 'threshold':
      return { ...base, ...dropUndefined({ min: definition.min, max: definition.max, failureLimit: definition.failureLimit }), kind: 'threshold', values: values.canary };
  }
}

/** What a rate metric's errors count, when not errors: a latency metric's slow requests. */
function eventsOf(definition: MetricDefinition): { events?: string } {
  return definition.kind === 'rate' && definition.latency ? { events: slowRequests(definition.latency) } : {};
}

/** The judge's input for a metric whose latest query failed: no data, and the error (class `error`). */
export function failedMetricInput(definition: MetricDefinition, error: string): MetricInput {
  return { ...judgeInput(definition, emptyCounts(), { canary: [], baseline: [] }), error };
}

/** The judge's input for a metric before any interval: nothing read yet. */
export function emptyMetricInput(definition: MetricDefinition): MetricInput {
  return judgeInput(definition, emptyCounts(), { canary: [], baseline: [] });
}
