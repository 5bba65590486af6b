import { ValueError } from './errors.js';

/** Bounds of a percentage besides ≥ 0. */
export interface PercentageBounds {
  /** Refuse 0 (an allowed increase of 0% can never be shown). Default false. */
  positive?: boolean;
  /** Refuse this value and above (exclusive), e.g. 100 for an error rate. Default none. */
  below?: number;
}

/**
 * A percentage of the metrics format and the judge (`allowedIncrease`, `criticalIncrease`,
 * `negligibleErrorRate`…): a number ≥ 0, fractions allowed, written `10%`, `'10%'` or `10`. A
 * change may exceed 100% (`allowedIncrease: 200%`), so there is no upper bound unless `below`.
 */
export function parsePercentage(value: unknown, bounds: PercentageBounds = {}): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*%?\s*$/.test(value) ? parseFloat(value) : NaN;
  const expected = `a percentage${bounds.positive ? ' above 0' : ' ≥ 0'}${bounds.below === undefined ? '' : ` and below ${bounds.below}%`} such as 10%`;
  if (!Number.isFinite(number) || number < 0) throw new ValueError(value, expected, "write a number with or without '%', e.g. 10% or 0.5");
  if (bounds.positive && number === 0) throw new ValueError(value, expected, 'no change at all can never be shown: allow some, e.g. 10%');
  if (bounds.below !== undefined && number >= bounds.below) throw new ValueError(value, expected);
  return number;
}
