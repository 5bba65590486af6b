// The overdispersion estimate ψ̂ (docs/judge.md, "Overdispersion"): when the arms' error rates
// wander independently between scrapes, the canary's share of an interval's errors varies more
// than Binomial(n, θ): its variance grows by φ = 1 + ψv, v = nθ(1 − θ) the binomial variance.

/** What the estimate is made of, summed over the intervals with errors so far. */
export interface DispersionEvidence {
  /** Pearson χ² of the canary's error shares at the current estimate of the ratio. */
  pearson: number;
  /** Σ nθ(1 − θ) at the estimate when each interval came in: the binomial variance the χ² is measured against. */
  binomialVariance: number;
  /** Intervals with errors. */
  errorIntervals: number;
  /** The least ψ̂ may be: the history's ψ_h, or 0. */
  floor: number;
}

/**
 * ψ̂, the excess variance per unit of binomial variance: a moment estimate from the Pearson χ² at
 * the current estimate (E[X²] ≈ df + ψΣv, one degree of freedom went into the estimate). Only the
 * excess beyond one standard deviation of χ²_df, √(2df), counts: X² exceeds df by chance half the
 * time, and tempering on chance alone costs detection at every traffic level. Shrunk by
 * df/(df + 1) so that one or two intervals are not taken at face value.
 */
export function dispersionEstimate({ pearson, binomialVariance, errorIntervals, floor }: DispersionEvidence): number {
  const df = errorIntervals - 1;
  if (df <= 0) return floor;
  const perInterval = binomialVariance / errorIntervals;
  const excess = Math.max(0, pearson - df - Math.sqrt(2 * df));
  return Math.max(floor, excess / (perInterval * (df + 1)));
}
