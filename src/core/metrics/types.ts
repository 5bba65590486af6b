/**
 * Metric sources (docs/analysis.md, "Metric sources"): where the judge's numbers come from. One
 * file per provider (`prometheus`, and `file` for saved series), each implementing MetricSource.
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

/** The port through which the analysis reads metrics. */
export interface MetricSource {
  readonly type: string;
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
