import { formatDuration, JOB_TIME_LIMIT_SECONDS, parseDuration } from './duration.js';
import { ValueError } from './errors.js';

/**
 * Points Prometheus answers per series in one range query: it refuses a query_range whose
 * (end − start) / step exceeds 11,000 ("exceeded maximum resolution of 11,000 points per
 * timeseries"). The analysis window and the baseline history are each one such query, so each
 * holds at most this many intervals.
 */
export const PROMETHEUS_MAX_POINTS = 11_000;

/** An analysis runs inside one job, which GitHub-hosted runners stop after 6 hours. */
const IN_ONE_JOB = 'an analysis runs inside one job, which a GitHub-hosted runner stops after 6 hours; a longer watch is several analyses, with an open-ended `pause: {}` between runs';

/** The longest an analysis looks (`duration`): from 1 s to a job's 6 hours. */
export function parseAnalysisDuration(value: unknown): number {
  return parseDuration(value, { min: 1, max: JOB_TIME_LIMIT_SECONDS, overMax: IN_ONE_JOB });
}

/** The time between looks (`interval`), also the step of the range queries: from 1 s to 6 hours. */
export function parseAnalysisInterval(value: unknown): number {
  return parseDuration(value, { min: 1, max: JOB_TIME_LIMIT_SECONDS, overMax: IN_ONE_JOB });
}

/** How far back the baseline's error counts are read (`history`): any duration; 0 reads none. */
export function parseAnalysisHistory(value: unknown): number {
  return parseDuration(value, { notDuration: 'write e.g. history: 30m, or history: 0 to read none' });
}

/**
 * Failed intervals in a row after which an analysis stops (`consecutiveErrorLimit`): a whole number
 * from 0 (never stops) to the most intervals an analysis can have, written `4` or `'4'`.
 */
export function parseConsecutiveErrorLimit(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < 0 || number > PROMETHEUS_MAX_POINTS) {
    throw new ValueError(value, `a whole number of intervals from 0 to ${PROMETHEUS_MAX_POINTS.toLocaleString('en')}`, 'the default is 4; 0 never stops');
  }
  return number;
}

/** The timing of one analysis, in seconds. */
export interface AnalysisTiming {
  durationSeconds: number;
  intervalSeconds: number;
  /** 0 reads no history. */
  historySeconds: number;
}

/**
 * Checks the settings of one analysis against each other, so an analysis that starts can run to
 * its end: the interval fits in the duration (else it never looks), and the window and the history
 * each fit in one Prometheus range query. A ValueError's `field` names the setting to change.
 */
export function checkAnalysisTiming({ durationSeconds, intervalSeconds, historySeconds }: AnalysisTiming): void {
  const interval = formatDuration(intervalSeconds);
  if (intervalSeconds > durationSeconds) {
    throw new ValueError(interval, `at most the duration (${formatDuration(durationSeconds)})`, 'shorten the interval or lengthen the duration: an analysis looks at the metrics once an interval', 'interval');
  }
  const points = `Prometheus answers at most ${PROMETHEUS_MAX_POINTS.toLocaleString('en')} points per query`;
  if (durationSeconds / intervalSeconds > PROMETHEUS_MAX_POINTS) {
    throw new ValueError(interval, `at least ${formatDuration(Math.ceil(durationSeconds / PROMETHEUS_MAX_POINTS))} for a ${formatDuration(durationSeconds)} analysis`, `${points}: lengthen the interval or shorten the duration`, 'interval');
  }
  if (historySeconds / intervalSeconds > PROMETHEUS_MAX_POINTS) {
    throw new ValueError(formatDuration(historySeconds), `at most ${PROMETHEUS_MAX_POINTS.toLocaleString('en')} intervals (${formatDuration(PROMETHEUS_MAX_POINTS * intervalSeconds)} at ${interval})`, `${points}: shorten the history or lengthen the interval`, 'history');
  }
}
