import { grid, gridSize } from './grid.js';

// The confidence sequence of the ratio (docs/judge.md, "Not worse"): {r₀ : M_t(r₀) < 1/α}, where
// M_t(r₀) mixes the likelihood ratios against r₀ with the two-sided prior, intersected over time
// (as valid as each of its members).

/** Bounds of the canary/baseline ratio. */
export interface RatioBounds {
  lower: number;
  upper: number;
}

/** The widest bounds: the grid's ends, 1/64 and 64, which mean unbounded. */
export const unboundedRatio = (): RatioBounds => ({ lower: Math.exp(grid[0]), upper: Math.exp(grid[gridSize - 1]) });

/**
 * The current confidence set, given the log-likelihood on the grid and its two-sided mixture. The
 * log-likelihood is concave in log r, so the set is an interval of grid points; its bounds are
 * widened to the next grid point outwards. `from` and `to` bound the points to look at: the
 * points outside must be at or below the cut.
 */
export function confidenceSet(logLikelihood: Float64Array, logMixture: number, alpha: number, from = 0, to = gridSize - 1): RatioBounds {
  const cut = logMixture + Math.log(alpha);
  let first = from;
  while (first < to && logLikelihood[first] <= cut) first++;
  let last = to;
  while (last > first && logLikelihood[last] <= cut) last--;
  return { lower: Math.exp(grid[Math.max(0, first - 1)]), upper: Math.exp(grid[Math.min(gridSize - 1, last + 1)]) };
}

/** The running bounds intersected with the current set (the newest set alone if they no longer meet). */
export function narrowed(running: RatioBounds, current: RatioBounds): RatioBounds {
  const lower = Math.max(running.lower, current.lower);
  const upper = Math.min(running.upper, current.upper);
  // Disjoint sets happen with probability ≤ α under the model; trust the newest one then.
  return lower <= upper ? { lower, upper } : current;
}
