import { regularizedBeta } from './special-functions.js';

/**
 * The exact (Clopper-Pearson) upper confidence bound of a binomial rate: the largest rate p under
 * which seeing at most `errors` in `trials` still has probability ≥ alpha. With no errors it is
 * 1 − alpha^(1/trials) (about ln(1/alpha)/trials). 1 when there were no trials.
 */
export function binomialUpperBound(errors: number, trials: number, alpha: number): number {
  if (trials <= 0) return 1;
  if (errors >= trials) return 1;
  // P(X ≤ errors | p) = 1 − I_p(errors + 1, trials − errors) falls as p grows: bisect on p. (Not
  // I_{1−p}(trials − errors, errors + 1): rounding 1 − p would move a bound of 1e-7 by 1e-9.)
  const atMost = (p: number) => 1 - regularizedBeta(p, errors + 1, trials - errors);
  let low = errors / trials;
  let high = 1;
  for (let i = 0; i < 100 && high - low > 1e-12 * Math.max(high, 1e-12); i++) {
    const mid = (low + high) / 2;
    if (atMost(mid) >= alpha) low = mid;
    else high = mid;
  }
  return high;
}
