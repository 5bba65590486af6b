/**
 * Metric sources (ARCHITECTURE.md "Analysis"): where the judge's numbers come from. One file per
 * provider (`prometheus`, `file`), made by the registry from the provider name and its settings.
 */

/** One sample of a series: seconds since the epoch and a value (NaN kept as NaN). */
export interface Sample {
  time: number;
  value: number;
}

/** Who a query is about: the selectors substituted (escaped) into the metric's templates. */
export interface QueryTargets {
  /** Label matchers of the canary, e.g. `version="v2"` (the value is escaped before use). */
  canary: string;
  /** Label matchers of the baseline. */
  baseline: string;
}

/** A time window and step for range queries. */
export interface QueryWindow {
  start: Date;
  end: Date;
  /** Step in seconds. */
  stepSeconds: number;
}

/** The port through which the analysis reads metrics. */
export interface MetricSource {
  readonly type: string;
  /** A range query: one series (NaN where the source had nothing); empty when no data at all. */
  queryRange(query: string, window: QueryWindow): Promise<Sample[]>;
  /** An instant query at `time` (default now): one value, NaN when empty. */
  queryInstant(query: string, time?: Date): Promise<number>;
  /** The server's own clock, for sources that have one (the analysis windows come from the runner's). */
  serverTime?(): Promise<Date>;
}
