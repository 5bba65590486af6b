import { errorMessage, SlipwayError } from '../errors.js';
import type { Logger } from '../log.js';
import { ValueError } from '../values/errors.js';
import type { MetricDefinition, RateMetricDefinition } from './metrics-config.js';
import { escapeString, renderSelector, renderTemplate, type LabelMatcher } from './template.js';
import type { MetricSource } from './types.js';

// A `latency` metric (docs/analysis.md, "Latency metrics") is a rate metric over a histogram: its
// "errors" are the requests slower than the threshold, `<h>_count − <h>_bucket{le="<bound>"}`, and
// its "requests" are `<h>_count`, both cumulative counters, so the sequential rate test judges the
// share of slow requests anytime-valid. A bucket's counts can only say how many requests took at
// most its bound, so the threshold must be one of the bounds: before the first interval the
// analysis reads the bounds each side exports and refuses any other threshold, naming the nearest
// bounds. Bounds are compared as numbers (`le="0.3"`, `le="0.30"` and `le="3e-1"` are one bound)
// and the errors query then names the spellings the sides really use.

/** Where a latency metric's counts come from. */
export interface LatencyThreshold {
  /** The histogram's base name: its series are `<histogram>_bucket` and `<histogram>_count`. */
  histogram: string;
  /** The threshold in seconds: a request is slow when it took longer. */
  slowerThanSeconds: number;
}

const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/;
const LATENCY = /^(\d+(?:\.\d+)?)\s*(ms|s)$/;

/** A latency threshold (`300ms`, `0.3s`, `1.5s`), in seconds: above 0, with its unit. */
export function parseSlowerThan(value: unknown): number {
  const match = typeof value === 'string' ? LATENCY.exec(value.trim()) : null;
  const fix = typeof value === 'number' ? `give the unit, e.g. ${value}ms or ${value}s` : undefined;
  if (!match) throw new ValueError(value, 'a latency such as 300ms or 0.3s (a number and the unit ms or s)', fix);
  const seconds = Number(match[1]) / (match[2] === 'ms' ? 1000 : 1);
  if (!(seconds > 0)) throw new ValueError(value, 'a latency above 0, such as 300ms');
  return seconds;
}

/** A histogram's base name; the `_bucket`, `_count` or `_sum` series' name is refused with the base name as the fix. */
export function parseHistogramName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!METRIC_NAME.test(name)) throw new ValueError(value, 'the base name of a Prometheus histogram, e.g. http_request_duration_seconds');
  const suffix = /_(bucket|count|sum)$/.exec(name);
  if (suffix) throw new ValueError(value, 'the base name of a histogram, without _bucket, _count or _sum', `write histogram: ${name.slice(0, suffix.index)}`);
  return name;
}

/** `300ms`, `2.5ms`, `1.5s`: a latency in seconds as a person writes it. */
export function formatLatency(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  return seconds < 1 ? `${Number((seconds * 1000).toPrecision(6))}ms` : `${Number(seconds.toPrecision(6))}s`;
}

/** The bound values of a histogram are in its unit: milliseconds for a `…_milliseconds` histogram, seconds (Prometheus's base unit) otherwise. */
function unitSeconds(histogram: string): number {
  return /_milliseconds$/.test(histogram) ? 0.001 : 1;
}

/** What a latency metric's errors count, for the judge's reasons and the charts: `requests slower than 300ms`. */
export function slowRequests(latency: LatencyThreshold): string {
  return `requests slower than ${formatLatency(latency.slowerThanSeconds)}`;
}

/**
 * The two counters of a latency metric, as query templates of a rate metric. `le` holds the bound's
 * spellings to match: by default the shortest decimal and, for a whole number, with `.0` too (how
 * Prometheus 3 writes it), until the analysis reads the spellings the sides export.
 */
export function latencyQueries(latency: LatencyThreshold, le: string[] = defaultSpellings(latency)): { errors: string; requests: string } {
  const { histogram } = latency;
  const matcher = le.length === 1 ? `le="${escapeString(le[0])}"` : `le=~"${escapeString(le.map(escapeRegex).join('|'))}"`;
  return {
    errors: `sum(${histogram}_count{{{selector}}}) - sum(${histogram}_bucket{{{selector}}, ${matcher}})`,
    requests: `sum(${histogram}_count{{{selector}}})`,
  };
}

function defaultSpellings(latency: LatencyThreshold): string[] {
  const bound = String(latency.slowerThanSeconds / unitSeconds(latency.histogram));
  return Number.isInteger(Number(bound)) && !bound.includes('e') ? [bound, `${bound}.0`] : [bound];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where the threshold falls among a histogram's bucket bounds (in seconds, +Inf left out). */
export type BoundMatch = { found: true; spellings: string[] } | { found: false; lower?: number; upper?: number };

/**
 * The `le` values equal to the threshold as numbers, or the nearest finite bounds below and above
 * it. `le` values are the label values as exported (`"0.3"`, `"1.0"`, `"+Inf"`).
 */
export function matchBound(le: string[], latency: LatencyThreshold): BoundMatch {
  const unit = unitSeconds(latency.histogram);
  const target = latency.slowerThanSeconds;
  const spellings: string[] = [];
  let lower: number | undefined;
  let upper: number | undefined;
  for (const text of le) {
    const seconds = Number(text) * unit;
    if (!Number.isFinite(seconds)) continue;
    // Within rounding of the unit conversion (300 ms of a seconds histogram is 0.3 either way).
    if (Math.abs(seconds - target) <= 1e-9 * Math.max(1, target)) spellings.push(text);
    else if (seconds < target) lower = lower === undefined ? seconds : Math.max(lower, seconds);
    else upper = upper === undefined ? seconds : Math.min(upper, seconds);
  }
  return spellings.length > 0 ? { found: true, spellings: [...new Set(spellings)].sort() } : { found: false, lower, upper };
}

/** What reading the bounds needs beyond the metrics. */
export interface LatencyBoundsOptions {
  source: MetricSource;
  canary: LabelMatcher[];
  baseline: LabelMatcher[];
  intervalSeconds: number;
  logger: Logger;
  /** The sides whose bounds are read (default both). Before a rollout only the baseline exports the histogram. */
  sides?: readonly ('canary' | 'baseline')[];
}

/**
 * Checks every latency metric's threshold against the bucket bounds the canary and the baseline
 * export now, and returns the metrics with their errors query matching the bounds' spellings.
 * Throws a SlipwayError naming the source, the metric and the fix when a side's bounds cannot be
 * read, when neither side exports the histogram, or when the threshold is not one of a side's
 * bounds. A side without the histogram yet (a canary not scraped so far) is a warning: its
 * intervals are missing data until it has the bucket, never a pass. A source that cannot list
 * series by label (a file of saved series) leaves the metrics as they are.
 */
export async function checkLatencyBounds(metrics: MetricDefinition[], options: LatencyBoundsOptions): Promise<MetricDefinition[]> {
  const { source } = options;
  if (!source.queryInstantSeries) return metrics;
  return Promise.all(metrics.map((metric) => (metric.kind === 'rate' && metric.latency ? withBounds(metric, metric.latency, options) : metric)));
}

async function withBounds(metric: RateMetricDefinition, latency: LatencyThreshold, options: LatencyBoundsOptions): Promise<RateMetricDefinition> {
  const { source } = options;
  const threshold = formatLatency(latency.slowerThanSeconds);
  const spellings = new Set<string>();
  const missing: string[] = [];
  for (const side of options.sides ?? (['canary', 'baseline'] as const)) {
    const selector = renderSelector(options[side]);
    const query = renderTemplate(`count by (le) (${latency.histogram}_bucket{{{selector}}})`, { selector: options[side], canary: options.canary, baseline: options.baseline, intervalSeconds: options.intervalSeconds }, `metric "${metric.name}"`);
    let le: string[];
    try {
      le = (await source.queryInstantSeries!(query)).map((series) => series.labels.le).filter((v): v is string => typeof v === 'string' && v !== '');
    } catch (error) {
      throw new SlipwayError(
        `Metric "${metric.name}": cannot read the bucket bounds of histogram ${latency.histogram} for the ${side} (${selector}) from ${source.type}: ${errorMessage(error)}. ` +
          `Fix: check the ${source.type} URL and credentials, and that \`${query}\` runs there; the analysis did not start.`,
      );
    }
    if (le.length === 0) {
      missing.push(side);
      continue;
    }
    const match = matchBound(le, latency);
    if (!match.found) {
      const near = [match.lower, match.upper].filter((b): b is number => b !== undefined).map(formatLatency);
      const between =
        match.lower !== undefined && match.upper !== undefined
          ? `lies between the bucket bounds ${near[0]} and ${near[1]}`
          : match.lower !== undefined
            ? `is above the largest bucket bound (${near[0]})`
            : match.upper !== undefined
              ? `is below the smallest bucket bound (${near[0]})`
              : 'has no finite bucket bound to match';
      throw new SlipwayError(
        `Metric "${metric.name}": slowerThan ${threshold} ${between} of histogram ${latency.histogram} for the ${side} (${selector}) on ${source.type}, so its buckets cannot count the requests slower than ${threshold}. ` +
          `Fix: set slowerThan to ${near.length > 0 ? near.join(' or ') : 'one of its bounds'}, or give the histogram a bucket at ${threshold}; the analysis did not start.`,
      );
    }
    match.spellings.forEach((s) => spellings.add(s));
  }
  if (spellings.size === 0) {
    throw new SlipwayError(
      `Metric "${metric.name}": ${source.type} has no series ${latency.histogram}_bucket for the canary (${renderSelector(options.canary)}) nor the baseline (${renderSelector(options.baseline)}). ` +
        `Fix: check the histogram's name (its base name, without _bucket) and the selectors; \`count by (le) (${latency.histogram}_bucket{…})\` should list its bounds; the analysis did not start.`,
    );
  }
  for (const side of missing) {
    options.logger.warning(`metric ${metric.name}: the ${side} has no series ${latency.histogram}_bucket yet, so its bounds were not checked; intervals without its bucket at ${threshold} are missing data`);
  }
  return { ...metric, ...latencyQueries(latency, [...spellings].sort()) };
}
