import { errorMessage, SlipwayError } from '../errors.js';
import { incrementalJudge, judge, metricDefaults } from '../judge/index.js';
import type { JudgeConfig, JudgeInput, JudgeReport, MetricResult, RateCounts } from '../judge/types.js';
import { silentLogger, type Logger } from '../log.js';
import { checkLatencyBounds } from '../metrics/latency.js';
import type { MetricDefinition } from '../metrics/metrics-config.js';
import { promqlDialect, type LabelMatcher } from '../metrics/template.js';
import type { MetricSource, Sample } from '../metrics/types.js';
import { checkAnalysisTiming } from '../values/index.js';
import { systemClock, type Clock } from './clock.js';
import { historyCounts, intervalGrid, type MetricSeries, type RatioBounds } from './series.js';
import { emptyMetricInput, failedMetricInput, MetricWindow, queriesOf, sidesOf } from './window.js';

// The analysis loop (docs/analysis.md "The analysis loop"): every interval, query the canary and
// the baseline for the points since the last read, ask the judge, and stop as soon as the verdict
// cannot change any more — the rate test is anytime-valid, so looking after every interval costs
// no false alarms. Each metric's window (window.ts) keeps its points and derives only the intervals
// they change, and the default judge keeps each rate metric's sequential test between intervals and
// feeds it only the new one (incrementalJudge), so an interval costs about the same at the end of a
// long analysis as at the start; the reports are those of judging the whole window afresh.
// The last point read is read again once, so a scrape that landed after the query still counts.
// A metric whose latest query failed is handed to the judge without data and with the error (class
// `error`, which counts as missing data: never a pass); its next read starts where the last good
// one ended, so a short outage heals once the source answers again.

/**
 * The windows queried come from the runner's clock, the samples are stamped by the source's: when
 * the two disagree by more than half an interval (at least 5 s), the analysis would judge samples
 * from another time — scraped before the canary took its traffic — so it refuses to start. A source
 * that cannot tell its time, or cannot be reached yet, is left to the loop's own error handling.
 */
async function checkClockSkew(source: MetricSource, clock: Clock, intervalSeconds: number, logger: Logger): Promise<void> {
  if (!source.serverTime) return;
  let serverTime: Date;
  try {
    serverTime = await source.serverTime();
  } catch (error) {
    logger.warning(`Could not read the ${source.type} server's clock: ${errorMessage(error)}`);
    return;
  }
  const skewSeconds = (serverTime.getTime() - clock.now().getTime()) / 1000;
  if (Number.isFinite(skewSeconds) && Math.abs(skewSeconds) > Math.max(5, intervalSeconds / 2)) {
    throw new SlipwayError(
      `The ${source.type} server's clock is ${Math.round(Math.abs(skewSeconds))} s ${skewSeconds > 0 ? 'ahead of' : 'behind'} the runner's: ` +
        'every analysis window would read samples from another time than the canary\'s. Fix: synchronise both clocks (NTP); the analysis did not start.',
    );
  }
}

/** Failed intervals in a row after which an analysis stops (Argo's consecutiveErrorLimit default). */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

/** How far back, seconds, the baseline's rate counters are read before the analysis starts (30 min). */
export const DEFAULT_HISTORY_SECONDS = 1800;

/** Everything one analysis needs; collaborators are parameters so tests and replays hand in their own. */
export interface AnalysisOptions {
  source: MetricSource;
  metrics: MetricDefinition[];
  canary: LabelMatcher[];
  baseline: LabelMatcher[];
  /** Longest analysis, seconds. */
  durationSeconds: number;
  /** Seconds between looks (and the step of the range queries). */
  intervalSeconds: number;
  /**
   * Seconds after an interval ends before it is read: the time the source takes to hold all of its
   * points (the source settings' `delay`). Default 0.
   */
  readDelaySeconds?: number;
  /** Judge settings (alpha, thresholds, onNoData). */
  config?: Partial<JudgeConfig>;
  /**
   * Stop once a metric's source has failed this many intervals in a row (Argo's
   * consecutiveErrorLimit): judging blind for the rest of the duration would only keep traffic on
   * a canary nobody can see. The verdict is then what missing data makes of it, never a pass.
   * Default 4; 0 never stops.
   */
  consecutiveErrorLimit?: number;
  /**
   * Seconds before the start over which the baseline's `errors` and `requests` of every rate metric
   * are read once, as whole intervals ending at the start, and handed to the judge as
   * `baselineHistory`. Only worth it where the baseline served traffic before the canary did (the
   * primary). No data or a failed query just means no history. Default 1800; 0 (or less than one
   * interval) reads none.
   */
  historySeconds?: number;
  /**
   * Label matchers of the series the history is read from. Default: the baseline's. A dedicated
   * baseline deployment started with the canary has no history; the primary, which runs the same
   * version, has.
   */
  historySelector?: LabelMatcher[];
  /** The judge: data in, verdict out, as judge() decides it. Default: Slipway's judge, resuming each rate metric's test (incrementalJudge). */
  judge?: (input: JudgeInput) => JudgeReport;
  /** Default: the wall clock. */
  clock?: Clock;
  logger?: Logger;
  /** Called after every interval with the verdict so far. */
  onProgress?: (progress: AnalysisProgress) => void | Promise<void>;
}

/** The state of an analysis after one interval. */
export interface AnalysisProgress {
  /** 1-based. */
  interval: number;
  plannedIntervals: number;
  report: JudgeReport;
  /** Metrics whose latest query failed, with the error. */
  failing: { metric: string; error: string }[];
}

/** The outcome: the final report plus the series behind it. */
export interface AnalysisResult {
  report: JudgeReport;
  series: MetricSeries[];
  /** Intervals analysed, and how many the duration allowed. */
  intervals: number;
  plannedIntervals: number;
  /** True when the analysis ended before the duration ran out. */
  stoppedEarly: boolean;
  /** Why it ended early: the verdict could no longer change, or the metric source kept failing. */
  stopReason?: string;
  startedAt: string;
  endedAt: string;
}

/** How many times an analysis of `durationSeconds` looks, once an interval (at least once). */
export function plannedIntervalsOf(durationSeconds: number, intervalSeconds: number): number {
  return Math.max(1, Math.floor(durationSeconds / intervalSeconds));
}

/** Runs one analysis to its verdict. */
export async function runAnalysis(options: AnalysisOptions): Promise<AnalysisResult> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { intervalSeconds } = options;
  const plannedIntervals = plannedIntervalsOf(options.durationSeconds, intervalSeconds);
  const judgeFn = options.judge ?? incrementalJudge();
  checkAnalysis(options);
  // Every front end checked this at its edge; the core refuses a window it could not finish all the same.
  const historySeconds = options.historySeconds ?? DEFAULT_HISTORY_SECONDS;
  checkAnalysisTiming({ durationSeconds: options.durationSeconds, intervalSeconds, historySeconds });
  const now = clock.now();
  const start = gridStart(now, intervalSeconds, options.source);
  const delayMs = (options.readDelaySeconds ?? 0) * 1000;
  // The history ends at the last whole interval the source holds all of: an interval source's
  // bucket still open, or one younger than the delay, is left to the analysis or left out.
  const historyEnd = options.source.counts === 'interval' ? alignDown(new Date(now.getTime() - delayMs), intervalSeconds) : start;
  const errors = new Map<string, string>();
  let result: { report: JudgeReport; series: MetricSeries[] } | undefined;
  let interval = 0;
  let stopReason: string | undefined;
  const errorLimit = options.consecutiveErrorLimit ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT;
  /** Intervals in a row whose query failed, per metric. */
  const failedInARow = new Map<string, number>();
  // Read before the first sleep, which ends at the first interval's boundary either way: the
  // queries' time comes out of the first interval's wait.
  await checkClockSkew(options.source, clock, intervalSeconds, logger);
  // A latency threshold between two bucket bounds cannot be counted: refused before the first interval.
  const metrics = await checkLatencyBounds(options.metrics, { source: options.source, canary: options.canary, baseline: options.baseline, intervalSeconds, logger });
  const history = await readBaselineHistory();
  const windows = metrics.map((m) => new MetricWindow(m, start.getTime() / 1000, intervalSeconds, history.get(m.name), options.source.counts));
  // Each rate metric's ratio bounds after every interval, for the report's chart of the confidence sequence.
  const ratioBounds = new Map<string, RatioBounds>();
  for (const m of metrics) {
    if (m.kind === 'rate') ratioBounds.set(m.name, { lower: [], upper: [], allowedRatio: m.allowedRatio ?? metricDefaults.allowedRatio, direction: m.direction });
  }

  while (interval < plannedIntervals) {
    interval++;
    const end = new Date(start.getTime() + interval * intervalSeconds * 1000);
    await clock.sleep(end.getTime() + delayMs - clock.now().getTime());
    await Promise.all(windows.map((window) => refresh(window, interval)));
    const input: JudgeInput = {
      config: options.config,
      metrics: windows.map(({ definition: m }, i) => (errors.has(m.name) ? failedMetricInput(m, errors.get(m.name)!) : windows[i].input(interval))),
      // Only the planned end judges an undecided metric by what it could have caught.
      complete: interval === plannedIntervals,
    };
    const judged = judgeFn(input);
    for (const metric of judged.metrics) {
      const bounds = ratioBounds.get(metric.name);
      bounds?.lower.push(metric.sequential?.ratio.lower ?? NaN);
      bounds?.upper.push(metric.sequential?.ratio.upper ?? NaN);
    }
    const series = windows.map((window) => withRatioBounds(window.series(interval), ratioBounds.get(window.definition.name)));
    const blind = errorLimit > 0 ? [...failedInARow].find(([, count]) => count >= errorLimit) : undefined;
    if (interval < plannedIntervals && blind) {
      stopReason = `the source of metric '${blind[0]}' failed ${blind[1]} intervals in a row (consecutive error limit ${errorLimit})`;
    } else if (interval < plannedIntervals && isFinal(judged, options.metrics)) {
      stopReason = 'the verdict could no longer change';
    }
    const report = blind && stopReason ? { ...judged, reasons: [...judged.reasons, `analysis stopped: ${stopReason}`] } : judged;
    result = { report, series };
    const failing = [...errors].map(([metric, error]) => ({ metric, error }));
    logger.info(`interval ${interval}/${plannedIntervals}: ${report.verdict} (score ${Math.round(report.score)})`);
    await options.onProgress?.({ interval, plannedIntervals, report, failing });
    if (stopReason) break;
  }
  const stoppedEarly = stopReason !== undefined;
  return { ...result!, intervals: interval, plannedIntervals, stoppedEarly, ...(stopReason ? { stopReason } : {}), startedAt: start.toISOString(), endedAt: clock.now().toISOString() };

  /** One of a metric's queries for one side over [from, to], as every query of the analysis is made. */
  function queryRange(metric: MetricDefinition, name: string, template: string, selector: LabelMatcher[], from: Date, to: Date): Promise<Sample[]> {
    const query = (options.source.dialect ?? promqlDialect).render(template, { selector, canary: options.canary, baseline: options.baseline, intervalSeconds }, `metric "${metric.name}" field ${name}`);
    return options.source.queryRange(query, { start: from, end: to, stepSeconds: intervalSeconds });
  }

  /**
   * The baseline history of every rate metric, by name: its two counters over the whole intervals
   * ending at `start`. Two range queries per rate metric, once per analysis (Prometheus requests;
   * no GitHub request). A failure or no data is a warning and no history, never an analysis error:
   * it does not count toward the consecutive error limit.
   */
  async function readBaselineHistory(): Promise<Map<string, RateCounts>> {
    const history = new Map<string, RateCounts>();
    const intervals = Math.floor(historySeconds / intervalSeconds);
    if (!(intervals > 0)) return history;
    const from = new Date(historyEnd.getTime() - intervals * intervalSeconds * 1000);
    const grid = intervalGrid(from, intervalSeconds, intervals);
    const rateMetrics = metrics.filter((m) => m.kind === 'rate');
    await Promise.all(
      rateMetrics.map(async (metric) => {
        let why: string;
        try {
          const samples: Record<string, Sample[]> = {};
          await Promise.all(Object.entries(queriesOf(metric)).map(async ([name, template]) => (samples[name] = await queryRange(metric, name, template, options.historySelector ?? options.baseline, from, historyEnd))));
          const counts = historyCounts(samples, grid, options.source.counts);
          if (counts) return void history.set(metric.name, counts);
          why = `no counts in the ${intervals * intervalSeconds} s before the start`;
        } catch (error) {
          why = errorMessage(error);
        }
        logger.warning(`metric ${metric.name}: no baseline history (${why}): the judge guards the first scrapes instead`);
      }),
    );
    return history;
  }

  /** Reads a metric's points from its window's next read up to grid point `to`. */
  async function refresh(window: MetricWindow, to: number): Promise<void> {
    const metric = window.definition;
    const from = window.readFrom;
    const fresh: Record<'canary' | 'baseline', Record<string, Sample[]>> = { canary: {}, baseline: {} };
    const at = (point: number) => new Date(window.timeOf(point) * 1000);
    try {
      await Promise.all(
        sidesOf(metric).flatMap((side) =>
          Object.entries(queriesOf(metric)).map(async ([name, template]) => {
            fresh[side][name] = await queryRange(metric, name, template, options[side], at(from), at(to));
          }),
        ),
      );
      window.record(fresh, from, to);
      errors.delete(metric.name);
      failedInARow.delete(metric.name);
    } catch (error) {
      failedInARow.set(metric.name, (failedInARow.get(metric.name) ?? 0) + 1);
      // The window keeps the points read so far for the charts; the judge sees this metric as having no data.
      errors.set(metric.name, errorMessage(error));
      logger.warning(`metric ${metric.name}: ${errorMessage(error)}`);
    }
  }
}

/**
 * Where the analysis grid starts: now, for a source read at any instant (Prometheus evaluates a
 * range at start + k·step exactly). An interval source (Datadog, CloudWatch, New Relic) buckets
 * time from the epoch, so its grid starts at the next whole multiple of the interval: every
 * interval judged is one of its buckets, and none holds time from before the analysis began.
 */
function gridStart(now: Date, intervalSeconds: number, source: MetricSource): Date {
  if (source.counts !== 'interval') return now;
  const step = intervalSeconds * 1000;
  return new Date(Math.ceil(now.getTime() / step) * step);
}

/** The last whole multiple of the interval since the epoch at or before `time`. */
function alignDown(time: Date, intervalSeconds: number): Date {
  const step = intervalSeconds * 1000;
  return new Date(Math.floor(time.getTime() / step) * step);
}

/** The series with its rate metric's ratio bounds, when it has any. */
function withRatioBounds(series: MetricSeries, ratioBounds: RatioBounds | undefined): MetricSeries {
  return ratioBounds ? { ...series, ratioBounds } : series;
}

/**
 * Judges an empty window: settings or definitions the judge would reject fail now, before any
 * wait. Callers that record progress call it before they write anything.
 */
export function checkAnalysis(options: Pick<AnalysisOptions, 'metrics' | 'config' | 'judge'>): void {
  (options.judge ?? judge)({ config: options.config, metrics: options.metrics.map(emptyMetricInput) });
}

/**
 * Whether more intervals cannot change the verdict. A fail is final when every failing metric
 * failed for good (a rate test that decided "worse", or a threshold breached past its limit: both
 * only accumulate). A pass is final when every metric is a rate metric whose test decided
 * "not-worse"; continuous and threshold metrics are fixed-sample checks and run the full duration.
 */
export function isFinal(report: JudgeReport, metrics: MetricDefinition[]): boolean {
  const kinds = new Map(metrics.map((m) => [m.name, m.kind]));
  // Muted metrics never change the verdict, so they never hold the analysis open either.
  const counted = report.metrics.filter((m) => !m.muted);
  const failedForGood = (m: MetricResult) => (m.kind === 'rate' ? m.sequential?.decision === 'worse' : kinds.get(m.name) === 'threshold');
  if (report.verdict === 'fail') {
    const failing = counted.filter((m) => m.class === 'high' || m.class === 'low');
    return failing.length > 0 && failing.every(failedForGood);
  }
  if (report.verdict === 'pass') return counted.every((m) => m.kind === 'rate' && m.sequential?.decision === 'not-worse');
  return false;
}
