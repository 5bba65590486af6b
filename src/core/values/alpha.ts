import { ValueError } from './errors.js';

/** The false-alarm rate when none is given. */
export const DEFAULT_ALPHA = 0.01;

/**
 * The false-alarm rate of each test (`alpha`): a number above 0 and below 0.5, written `0.01` or
 * `'0.01'`. Below 0.5 because the continuous test's Hodges-Lehmann interval has confidence
 * 1 − 2α: at 0.5 it shrinks to a point, and a test that calls every other good canary bad gates
 * nothing.
 */
export function parseAlpha(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!(number > 0 && number < 0.5)) {
    throw new ValueError(value, 'a false-alarm rate above 0 and below 0.5', 'use e.g. 0.01 for a 1% false-alarm rate (the default), 0.05 for 5%');
  }
  return number;
}
