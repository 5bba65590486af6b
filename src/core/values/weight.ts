import { ValueError } from './errors.js';

const EXPECTED = 'a whole number from 0 to 100';

/**
 * A share of requests sent to the canary, in percent: a weight (a `setWeight` step, canary-step's
 * `weight`) or a mirrored share (a `mirror` step, `mirror-percentage`). A whole number from 0 to 100,
 * written `25`, `'25'` or `25%`. Whole, because that is what every router takes: HAProxy's
 * `set weight`, the integer weights of Gateway API, Istio, SMI and ingress-nginx, the nginx split
 * written as whole percents, and Gateway API's RequestMirror `percent`.
 */
export function parseWeight(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*%?\s*$/.test(value) ? parseFloat(value) : NaN;
  if (!Number.isFinite(number)) throw new ValueError(value, EXPECTED, 'write the percent of traffic as a number, e.g. 25');
  if (!Number.isInteger(number)) {
    throw new ValueError(value, EXPECTED, `routers take whole percents: use ${Math.floor(number)} or ${Math.ceil(number)}`);
  }
  if (number < 0 || number > 100) throw new ValueError(value, EXPECTED, '0 sends the canary nothing and 100 sends it everything');
  // -0 is 0: no router should be told "-0".
  return number === 0 ? 0 : number;
}
