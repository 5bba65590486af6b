import { ValueError } from './errors.js';

/**
 * The longest a job runs: GitHub-hosted runners stop a job after 6 hours of execution
 * (https://docs.github.com/en/actions/reference/actions-limits, "Job execution time"), and
 * `jobs.<job_id>.timeout-minutes` defaults to 360 minutes on every runner
 * (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idtimeout-minutes).
 * A wait longer than that would be cut short by the runner mid-rollout, so it is refused before
 * anything starts.
 */
export const JOB_TIME_LIMIT_SECONDS = 6 * 3600;

/** Bounds of a duration, in seconds. */
export interface DurationBounds {
  /** Default 0. */
  min?: number;
  /** Default none. */
  max?: number;
  /** The fix when the value is above `max`; default: none beyond the bound. */
  overMax?: string;
  /** The fix when the value is not a duration at all; default: none beyond the grammar. */
  notDuration?: string;
}

const GRAMMAR = 'a duration such as 90, 90s, 2m, 1h or 1m30s (whole seconds)';
const PATTERN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Seconds in a duration. One grammar everywhere (plans, action inputs): whole seconds as a number
 * (`90`) or as text, bare (`'90'`) or with units h, m and s in that order, each at most once
 * (`90s`, `2m`, `1h`, `1m30s`, `1h30m`). Fractions, other units and spaces inside are refused.
 */
export function parseDuration(value: unknown, bounds: DurationBounds): number {
  const seconds = durationSeconds(value);
  if (seconds === undefined) {
    const fractional = typeof value === 'number' ? Number.isFinite(value) && !Number.isInteger(value) : typeof value === 'string' && /\d\.\d/.test(value);
    throw new ValueError(value, GRAMMAR, fractional ? 'durations are whole seconds: round to the second, e.g. 1m30s' : bounds.notDuration);
  }
  const min = bounds.min ?? 0;
  if (seconds < min) throw new ValueError(value, `a duration of at least ${formatDuration(min)}`);
  if (bounds.max !== undefined && seconds > bounds.max) throw new ValueError(value, `a duration of at most ${formatDuration(bounds.max)}`, bounds.overMax);
  return seconds;
}

/**
 * A timed pause (`pause: {duration: …}`): at most a job's 6 hours. A longer wait belongs between
 * two runs, where an open-ended pause puts it.
 */
export function parsePauseDuration(value: unknown): number {
  return parseDuration(value, {
    max: JOB_TIME_LIMIT_SECONDS,
    overMax: 'a GitHub-hosted job runs at most 6 hours (jobs.<id>.timeout-minutes, 360 minutes); use an open-ended `pause: {}` and resume with a later run',
  });
}

/** `1h30m`, `2m`, `45s`, `0s`: whole seconds in the grammar parseDuration reads. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text === '' ? '0s' : text;
}

function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const match = PATTERN.exec(text);
  if (!match || text === '') return undefined;
  const [, h, m, s] = match;
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}
