import type { Clock } from '../analysis/clock.js';
import type { Logger } from '../log.js';
import type { LabelMatcher, TemplateValues } from './template.js';

/**
 * Metric sources (docs/analysis.md, "Metric sources"): where the judge's numbers come from. One
 * file per provider (`prometheus`, `file` for saved series, and those of sources/), each
 * implementing MetricSource, and one query dialect per query language (dialects/).
 */

/** One sample of a series: seconds since the epoch and a value (NaN kept as NaN). */
export interface Sample {
  time: number;
  value: number;
}

/** A time window and step for range queries. */
export interface QueryWindow {
  start: Date;
  end: Date;
  /** Step in seconds. */
  stepSeconds: number;
}

/** One series of an instant query: its labels and its value. */
export interface LabelledValue {
  labels: Record<string, string>;
  value: number;
}

/**
 * How a source's rate-metric queries count. `cumulative`: running totals (a Prometheus counter),
 * of which the analysis takes each interval's increase. `interval`: the events within the
 * interval that ends at each sample's time (Datadog's `.as_count()`, CloudWatch's Sum, NRQL's
 * `count(*)` … TIMESERIES); such sources bucket time from the epoch, so their analysis grid starts
 * on a whole multiple of the interval.
 */
export type CountKind = 'cumulative' | 'interval';

/**
 * A query language's placeholders (template.ts): where each may stand and what it becomes. A
 * rendering can never change the query's meaning: values are escaped for the language, and a
 * selector the language cannot express is refused up front (checkSelector).
 */
export interface QueryDialect {
  /** The language, for messages: `PromQL`, `NRQL`, … */
  readonly language: string;
  /** An example query template, for messages. */
  readonly example: string;
  /** Throws a SlipwayError naming `where` for an unknown or misplaced placeholder; returns the placeholders used. */
  check(template: string, where: string): Set<string>;
  /** Fills a template that passed check(). */
  render(template: string, values: TemplateValues, where: string): string;
  /** Throws a SlipwayError naming `where` when the matchers cannot be written in this language (e.g. a regex for Datadog). */
  checkSelector(matchers: LabelMatcher[], where: string): void;
}

/** The port through which the analysis reads metrics. */
export interface MetricSource {
  readonly type: string;
  /** What a rate metric's queries return (default `cumulative`). */
  readonly counts?: CountKind;
  /** How templates become this source's queries (default PromQL). */
  readonly dialect?: QueryDialect;
  /** A range query: one series (NaN where the source had nothing); empty when no data at all. */
  queryRange(query: string, window: QueryWindow): Promise<Sample[]>;
  /** An instant query at `time` (default now): one value, NaN when empty. */
  queryInstant(query: string, time?: Date): Promise<number>;
  /**
   * An instant query's series, each with its labels and value (NaN kept); [] when it matched
   * nothing. For sources that keep labels: a latency metric reads its histogram's bucket bounds with it.
   */
  queryInstantSeries?(query: string, time?: Date): Promise<LabelledValue[]>;
  /** The server's own clock, for sources that have one (the analysis windows come from the runner's). */
  serverTime?(): Promise<Date>;
}

/** What a source is created with besides its settings (sources/index.ts createSource). */
export interface SourceContext {
  /** Where `{{env.NAME}}` references are read (the front end passes process.env). */
  env: Record<string, string | undefined>;
  /** What "now" is and what back-offs sleep on (default: the wall clock). */
  clock?: Pick<Clock, 'now' | 'sleep'>;
  /** Per-request timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** Further attempts after a 5xx, a 429, a timeout or a connection error (default 3). */
  retries?: number;
  /** First back-off, doubled per attempt (default 500 ms). */
  retryDelayMs?: number;
  /** Where a source logs what a vendor says beside its data (CloudWatch's messages, a partial answer). */
  logger?: Logger;
}
