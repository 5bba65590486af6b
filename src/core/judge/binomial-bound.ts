import betainc from '@stdlib/math-base-special-betainc';

/**
 * The exact (Clopper-Pearson) upper confidence bound of a binomial rate: the largest rate p under
 * which seeing at most `errors` in `trials` still has probability ≥ alpha. With no errors it is
 * 1 − alpha^(1/trials) (about ln(1/alpha)/trials). 1 when there were no trials.
 */
export function binomialUpperBound(errors: number, trials: number, alpha: number): number {
  if (trials <= 0) return 1;
  if (errors >= trials) return 1;
  // P(X ≤ errors | p) = I_{1−p}(trials − errors, errors + 1) falls as p grows: bisect on p.
  const atMost = (p: number) => betainc(1 - p, trials - errors, errors + 1);
  let low = errors / trials;
  let high = 1;
  for (let i = 0; i < 100 && high - low > 1e-12 * Math.max(high, 1e-12); i++) {
    const mid = (low + high) / 2;
    if (atMost(mid) >= alpha) low = mid;
    else high = mid;
  }
  return high;
}
