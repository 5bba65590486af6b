import type { ContinuousMetricDefinition, RateMetricDefinition } from '../metrics/metrics-config.js';
import { promqlDialect, type LabelMatcher } from '../metrics/template.js';
import type { MetricSource } from '../metrics/types.js';

/** What the stable version served lately, per one rate metric's counters. */
export interface MeasuredTraffic {
  requestsPerSecond: number;
  /** Errors per request, a fraction. */
  errorRate: number;
}

/** Where and how long to look: the stable version's matchers (all traffic before the canary), and the window. */
export interface TrafficWindow {
  selector: LabelMatcher[];
  canary: LabelMatcher[];
  baseline: LabelMatcher[];
  intervalSeconds: number;
  windowSeconds: number;
  now: Date;
}

/**
 * The service's recent traffic from a rate metric's two queries (one range query each). From a
 * cumulative counter: how much it grew between its first and last sample in the window, over the
 * time between them — a counter younger than the window counts from its first sample. From an
 * interval source: the sum of its buckets, over the time they cover. Undefined when a count is
 * missing, reset or did not move: the forecast then says nothing rather than something wrong.
 */
export async function measureTraffic(source: MetricSource, metric: RateMetricDefinition, window: TrafficWindow): Promise<MeasuredTraffic | undefined> {
  const range = { start: new Date(window.now.getTime() - window.windowSeconds * 1000), end: window.now, stepSeconds: window.intervalSeconds };
  const growth = async (field: 'errors' | 'requests') => {
    const query = (source.dialect ?? promqlDialect).render(metric[field], window, `metric "${metric.name}" field ${field}`);
    const samples = (await source.queryRange(query, range)).filter((s) => Number.isFinite(s.value));
    if (source.counts === 'interval') {
      return samples.length > 0 ? { by: samples.reduce((sum, s) => sum + s.value, 0), seconds: samples.length * window.intervalSeconds } : undefined;
    }
    const [first, last] = [samples[0], samples.at(-1)];
    return first && last && last.time > first.time ? { by: last.value - first.value, seconds: last.time - first.time } : undefined;
  };
  const [errors, requests] = await Promise.all([growth('errors'), growth('requests')]);
  if (!errors || !requests || !(requests.by > 0 && errors.by >= 0 && errors.by <= requests.by)) return undefined;
  return { requestsPerSecond: requests.by / requests.seconds, errorRate: errors.by / requests.by };
}

/** A continuous metric's values on the stable version over the window, one per interval (missing ones left out). */
export async function readStableValues(source: MetricSource, metric: ContinuousMetricDefinition, window: TrafficWindow): Promise<number[]> {
  const query = (source.dialect ?? promqlDialect).render(metric.query, window, `metric "${metric.name}" field query`);
  const samples = await source.queryRange(query, { start: new Date(window.now.getTime() - window.windowSeconds * 1000), end: window.now, stepSeconds: window.intervalSeconds });
  return samples.map((s) => s.value).filter((v) => Number.isFinite(v));
}
