import { grid, gridSize } from './grid.js';

// The confidence sequence of the ratio (docs/judge.md, "Not worse"): {r₀ : M_t(r₀) < 1/α}, where
// M_t(r₀) mixes the likelihood ratios against r₀ with the two-sided prior, intersected over time
// (as valid as each of its members).

/** Bounds of the canary/baseline ratio. */
export interface RatioBounds {
  lower: number;
  upper: number;
}

/**
 * The running confidence sequence. Its bounds are kept as grid indices (ratio e^grid[i]), so that
 * narrowing it after every interval allocates nothing; the ratios are read only when asked for.
 * Before any interval it spans the grid's ends, 1/64 and 64, which mean unbounded.
 */
export class ConfidenceSequence {
  private lowerIndex = 0;
  private upperIndex = gridSize - 1;
  private bounds: RatioBounds | undefined;

  /**
   * Intersects the running bounds with the current set, given the log-likelihood on the grid and
   * its two-sided mixture. The log-likelihood is concave in log r, so the set is an interval of grid
   * points; its bounds are widened to the next grid point outwards. `from` and `to` bound the
   * points to look at: the points outside must be at or below the cut. Disjoint sets happen with
   * probability ≤ α under the model: the newest one is trusted then.
   */
  narrow(logLikelihood: Float64Array, logMixture: number, alpha: number, from = 0, to = gridSize - 1): void {
    const cut = logMixture + Math.log(alpha);
    let first = from;
    while (first < to && logLikelihood[first] <= cut) first++;
    let last = to;
    while (last > first && logLikelihood[last] <= cut) last--;
    const lower = Math.max(0, first - 1);
    const upper = Math.min(gridSize - 1, last + 1);
    const meet = Math.max(this.lowerIndex, lower) <= Math.min(this.upperIndex, upper);
    const nextLower = meet ? Math.max(this.lowerIndex, lower) : lower;
    const nextUpper = meet ? Math.min(this.upperIndex, upper) : upper;
    if (nextLower !== this.lowerIndex || nextUpper !== this.upperIndex) this.bounds = undefined;
    this.lowerIndex = nextLower;
    this.upperIndex = nextUpper;
  }

  /** The running bounds as ratios. */
  ratios(): RatioBounds {
    return (this.bounds ??= { lower: Math.exp(grid[this.lowerIndex]), upper: Math.exp(grid[this.upperIndex]) });
  }
}
