import { ValueError } from './errors.js';

/** The regression an analysis should be able to catch when none is named: twice the baseline's error rate. */
export const DEFAULT_DETECT_RATIO = 2;

/**
 * The error-rate regression an analysis should be able to catch (`detect`): a ratio above 1 and at
 * most 64 (the largest the rate test weighs), written `2x`, `1.5x`, `2` or `'2'`.
 */
export function parseDetectRatio(value: unknown): number {
  const text = typeof value === 'string' ? value.trim().replace(/[x×]$/i, '') : value;
  const number = typeof text === 'number' ? text : typeof text === 'string' && /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(number > 1 && number <= 64)) {
    throw new ValueError(value, 'a ratio above 1 and at most 64, such as 2x', 'write e.g. detect: 2x to pass an undecided analysis only when it could have caught a doubled error rate');
  }
  return number;
}
