import { SlipwayError } from '../errors.js';
import type { Direction } from '../judge/types.js';
import { latencyQueries, parseHistogramName, parseSlowerThan, type LatencyThreshold } from './latency.js';
import { promqlDialect } from './template.js';
import type { QueryDialect } from './types.js';
import { quote } from '../secrets/quote.js';
import { parseDetectRatio, parsePercentage, ValueError, type PercentageBounds } from '../values/index.js';
import { loadYaml } from '../yaml.js';
import { dropUndefined, isRecord } from '../objects.js';

// The metric definitions of an analysis, shared by the `analyze` action's `metrics` input and a
// rollout plan's `analysis.metrics`. Queries are templates (see template.ts); a `rate` metric's
// `errors` and `requests` are cumulative counters (e.g. `sum(http_requests_total{…})`), of which the
// analysis takes per-interval differences itself — whole counts, not `increase()`'s extrapolation.
// A `latency` metric is a rate metric whose counters come from a histogram (latency.ts): it parses
// into a RateMetricDefinition with `latency` set, so everything that judges rate metrics judges it.

interface MetricDefinitionBase {
  name: string;
  /** Which change is bad. Default `increase`. */
  direction: Direction;
  /** A failing critical metric fails the analysis. Default false. */
  critical: boolean;
  /** Weight in the score. Default 1. */
  weight: number;
  /** Judged and shown, never counted in the score or the verdict. Default false. */
  muted: boolean;
}

/** errors/requests of canary vs baseline: the sequential rate test. */
export interface RateMetricDefinition extends MetricDefinitionBase {
  kind: 'rate';
  /** Counter of failed requests. */
  errors: string;
  /** Counter of all requests. */
  requests: string;
  /** Allowed error-rate ratio canary/baseline, from `allowedIncrease` (default the judge's, 1.2). */
  allowedRatio?: number;
  /** From `negligibleErrorRate` (percent): an error rate too small to matter (default the judge's, 0.1%). */
  negligibleRate?: number;
  /** From `detect` (`2x`): the regression an undecided analysis must have been able to catch to pass (default 2). */
  detect?: number;
  /** Set when written `kind: latency`: the histogram and threshold its counters come from (latency.ts). */
  latency?: LatencyThreshold;
}

/** One value per interval for each side (latency, CPU): Mann-Whitney and Hodges-Lehmann. */
export interface ContinuousMetricDefinition extends MetricDefinitionBase {
  kind: 'continuous';
  query: string;
  /** Percent. */
  allowedIncrease?: number;
  allowedDecrease?: number;
  criticalIncrease?: number;
  criticalDecrease?: number;
  minSamples?: number;
}

/** An absolute check on the canary's series (`{{selector}}` = the canary). */
export interface ThresholdMetricDefinition extends MetricDefinitionBase {
  kind: 'threshold';
  query: string;
  min?: number;
  max?: number;
  /** Failed measurements tolerated (default 0). */
  failureLimit?: number;
}

/** A validated metric definition. */
export type MetricDefinition = RateMetricDefinition | ContinuousMetricDefinition | ThresholdMetricDefinition;

const COMMON = ['name', 'kind', 'direction', 'critical', 'weight', 'muted'];
type Kind = MetricDefinition['kind'] | 'latency';
/** The fields of a metric definition, by kind (the repository's naming test reads them). */
export const METRIC_FIELDS: Readonly<Record<Kind, string[]>> = {
  rate: [...COMMON, 'errors', 'requests', 'allowedIncrease', 'negligibleErrorRate', 'detect'],
  latency: [...COMMON, 'histogram', 'slowerThan', 'allowedIncrease', 'negligibleShare', 'detect'],
  continuous: [...COMMON, 'query', 'allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease', 'minSamples'],
  threshold: [...COMMON, 'query', 'thresholds', 'failureLimit'],
};
const DIRECTIONS: Direction[] = ['increase', 'decrease', 'either'];

/**
 * Parses YAML metric definitions (a list); `where` names their origin in errors, e.g. `input
 * 'metrics'`. Queries are checked as templates of `dialect`, the source's query language (default PromQL).
 */
export function parseMetricsYaml(text: string, where: string, dialect: QueryDialect = promqlDialect): MetricDefinition[] {
  let value: unknown;
  try {
    value = loadYaml(text);
  } catch (error) {
    throw new SlipwayError(`${where}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return validateMetrics(value, where, dialect);
}

/** Validates already-parsed metric definitions, queries in `dialect`; errors name the metric and the field. */
export function validateMetrics(value: unknown, where: string, dialect: QueryDialect = promqlDialect): MetricDefinition[] {
  const list = isRecord(value) && Array.isArray(value.metrics) ? value.metrics : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new SlipwayError(`${where}: expected a non-empty list of metrics, e.g.\n- {name: error-rate, kind: rate, errors: 'sum(http_requests_total{{{selector}}, code=~"5.."}) or vector(0)', requests: 'sum(http_requests_total{{{selector}}})'}`);
  }
  const metrics = list.map((item, index) => validateMetric(item, `${where}: metrics[${index}]`, dialect));
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(m.name)) throw new SlipwayError(`${where}: metric name "${m.name}" is used twice; names must be unique.`);
    seen.add(m.name);
  }
  // The judge refuses such a list; refused here, it never reaches an analysis that has started.
  if (metrics.every((m) => m.muted)) throw new SlipwayError(`${where}: every metric is muted, and a muted metric never decides. Fix: unmute one, or add one that gates the rollout.`);
  return metrics;
}

function validateMetric(item: unknown, at: string, dialect: QueryDialect): MetricDefinition {
  if (!isRecord(item)) throw new SlipwayError(`${at}: expected a mapping with name, kind and queries.`);
  if (typeof item.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(item.name)) {
    throw new SlipwayError(`${at}: field name: expected a name of letters, digits, '-', '_', '.' or ':', got ${quote(item.name)}.`);
  }
  const where = `${at} "${item.name}"`;
  const kind = item.kind;
  if (kind !== 'rate' && kind !== 'latency' && kind !== 'continuous' && kind !== 'threshold') {
    throw new SlipwayError(`${where}: field kind: expected rate, latency, continuous or threshold, got ${quote(kind)}.`);
  }
  const unknown = Object.keys(item).filter((k) => !METRIC_FIELDS[kind].includes(k));
  if (unknown.length > 0) throw new SlipwayError(`${where}: unknown field ${unknown.join(', ')}; a ${kind} metric has ${METRIC_FIELDS[kind].join(', ')}.`);
  const field = new FieldReader(item, where, dialect);
  const base = {
    name: item.name,
    direction: field.choice('direction', DIRECTIONS) ?? 'increase',
    critical: field.boolean('critical') ?? false,
    weight: field.number('weight', { min: 0 }) ?? 1,
    muted: field.boolean('muted') ?? false,
  };
  switch (kind) {
    case 'rate': {
      // The judge's allowed ratio must exceed 1: "no increase at all" can never be shown.
      const allowed = field.percent('allowedIncrease', { positive: true });
      // The judge takes it as a fraction of requests, below 1.
      const negligible = field.percent('negligibleErrorRate', { below: 100 });
      return dropUndefined({
        ...base,
        kind,
        errors: field.query('errors'),
        requests: field.query('requests'),
        allowedRatio: allowed === undefined ? undefined : 1 + allowed / 100,
        negligibleRate: negligible === undefined ? undefined : negligible / 100,
        detect: field.parsed('detect', parseDetectRatio),
      });
    }
    case 'latency': {
      // Its queries are PromQL over a Prometheus histogram's buckets (latency.ts).
      if (dialect !== promqlDialect) throw new SlipwayError(`${where}: kind latency counts a Prometheus histogram's buckets, and this source speaks ${dialect.language}. Fix: use a Prometheus-API source, or write the slow requests as a rate metric (errors: the requests slower than the threshold, requests: all of them).`);
      // Slower is the harm; a canary that is faster is never a regression of this metric.
      if (base.direction !== 'increase') throw new SlipwayError(`${where}: field direction: a latency metric counts the requests slower than its threshold, and more of them is the harm: expected increase (or no direction), got ${quote(item.direction)}.`);
      const allowed = field.percent('allowedIncrease', { positive: true });
      const negligible = field.percent('negligibleShare', { below: 100 });
      const latency = { histogram: field.required('histogram', parseHistogramName), slowerThanSeconds: field.required('slowerThan', parseSlowerThan) };
      return dropUndefined({
        ...base,
        kind: 'rate',
        ...latencyQueries(latency),
        allowedRatio: allowed === undefined ? undefined : 1 + allowed / 100,
        negligibleRate: negligible === undefined ? undefined : negligible / 100,
        detect: field.parsed('detect', parseDetectRatio),
        latency,
      });
    }
    case 'continuous':
      return dropUndefined({
        ...base,
        kind,
        query: field.query('query'),
        allowedIncrease: field.percent('allowedIncrease'),
        allowedDecrease: field.percent('allowedDecrease'),
        criticalIncrease: field.percent('criticalIncrease'),
        criticalDecrease: field.percent('criticalDecrease'),
        minSamples: field.number('minSamples', { min: 1, integer: true }),
      });
    case 'threshold': {
      const thresholds = item.thresholds;
      if (!isRecord(thresholds) || (thresholds.min === undefined && thresholds.max === undefined) || Object.keys(thresholds).some((k) => k !== 'min' && k !== 'max')) {
        throw new SlipwayError(`${where}: field thresholds: expected {min: <number>} and/or {max: <number>}, got ${quote(thresholds)}.`);
      }
      const bounds = new FieldReader(thresholds, `${where}: thresholds`, dialect);
      const min = bounds.number('min');
      const max = bounds.number('max');
      if (min !== undefined && max !== undefined && min > max) throw new SlipwayError(`${where}: field thresholds: min ${min} is above max ${max}.`);
      return dropUndefined({ ...base, kind, query: field.query('query'), min, max, failureLimit: field.number('failureLimit', { min: 0, integer: true }) });
    }
  }
}

/** Reads typed fields of one mapping with errors naming the metric and the field. */
class FieldReader {
  constructor(
    private readonly item: Record<string, unknown>,
    private readonly where: string,
    private readonly dialect: QueryDialect,
  ) {}

  private fail(name: string, expected: string, fix?: string): never {
    throw new SlipwayError(`${this.where}: field ${name}: expected ${expected}, got ${quote(this.item[name])}.${fix ? ` Fix: ${fix}` : ''}`);
  }

  query(name: string): string {
    const value = this.item[name];
    if (typeof value !== 'string' || value.trim() === '') this.fail(name, `a ${this.dialect.language} query template, e.g. ${this.dialect.example}`);
    this.dialect.check(value as string, `${this.where}: field ${name}`);
    return (value as string).trim();
  }

  choice<T extends string>(name: string, choices: T[]): T | undefined {
    const value = this.item[name];
    if (value === undefined) return undefined;
    if (!choices.includes(value as T)) this.fail(name, `one of ${choices.join(', ')}`);
    return value as T;
  }

  boolean(name: string): boolean | undefined {
    const value = this.item[name];
    if (value === undefined || typeof value === 'boolean') return value;
    return this.fail(name, 'true or false');
  }

  number(name: string, limits: { min?: number; integer?: boolean } = {}): number | undefined {
    const value = this.item[name];
    if (value === undefined) return undefined;
    const ok = typeof value === 'number' && Number.isFinite(value) && (limits.min === undefined || value >= limits.min) && (!limits.integer || Number.isInteger(value));
    if (!ok) this.fail(name, `a ${limits.integer ? 'whole ' : ''}number${limits.min === undefined ? '' : ` ≥ ${limits.min}`}`);
    return value as number;
  }

  /** A percentage (values/percentage.ts): `10%`, `'10%'` or `10`. */
  percent(name: string, bounds: PercentageBounds = {}): number | undefined {
    return this.parsed(name, (value) => parsePercentage(value, bounds));
  }

  /** A field that must be there, read by `parse` (whose error for a missing value says what is expected). */
  required<T>(name: string, parse: (value: unknown) => T): T {
    try {
      return parse(this.item[name]);
    } catch (error) {
      if (error instanceof ValueError) this.fail(name, error.expected, error.fix);
      throw error;
    }
  }

  /** A value read by its concept's parser (src/core/values), its ValueError told as this field's. */
  parsed<T>(name: string, parse: (value: unknown) => T): T | undefined {
    return this.item[name] === undefined ? undefined : this.required(name, parse);
  }
}
