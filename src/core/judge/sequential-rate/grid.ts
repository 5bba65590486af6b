import type { Direction } from '../types.js';
import { SEQUENTIAL_RATE_TUNING } from './tuning.js';

// The grid of log-ratios s = log r over which the test keeps its likelihood, and the prior weights
// of its mixtures: a discretised normal N(0, σ²), restricted to s > 0 for the one-sided test
// (a half-normal), the whole of it for the two-sided test and the confidence sequence. The
// weights sum to 1, so a mixture of likelihood ratios is a test martingale whatever the grid.

// Module bindings for what the hot loops use: global lookups (Math) are slow inside vm contexts
// such as Jest's.
const { exp, log } = Math;

const { gridStep, gridLimit, priorSd } = SEQUENTIAL_RATE_TUNING;
const halfWidth = Math.round(gridLimit / gridStep);

/** The grid's log-ratios, from −gridLimit to gridLimit. */
export const grid: readonly number[] = Array.from({ length: 2 * halfWidth + 1 }, (_, i) => (i - halfWidth) * gridStep);
/** Number of grid points. */
export const gridSize = grid.length;
/** e^s − 1 at every grid point. */
export const expm1Grid: readonly number[] = grid.map((s) => Math.expm1(s));
/** Index of s = 0, ratio 1. */
export const zeroIndex = halfWidth;

/** Normalised prior weights over the grid points that `keep` accepts (0 elsewhere). */
function weights(keep: (s: number) => boolean): Float64Array {
  const raw = grid.map((s) => (keep(s) ? Math.exp(-(s * s) / (2 * priorSd * priorSd)) : 0));
  const total = raw.reduce((a, b) => a + b, 0);
  return Float64Array.from(raw, (w) => w / total);
}
/** The two-sided prior: the confidence sequence's. */
export const twoSidedWeights = weights(() => true);
/** The test's prior for each direction: the ratios that count as worse. */
export const testWeights: Record<Direction, Float64Array> = {
  increase: weights((s) => s > 0),
  decrease: weights((s) => s < 0),
  either: weights((s) => s !== 0),
};

/** θ = ρr/(ρr + 1 − ρ): the canary's expected share of an interval's errors at grid ratio k, ρ its share of the requests. */
export function thetaAt(share: number, k: number): number {
  return (share * (1 + expm1Grid[k])) / (1 + share * expm1Grid[k]);
}

/**
 * Index of the largest value among the grid points from `from` to `to`; ties (all equal at the
 * start) keep ratio 1, so the scan starts there.
 */
export function argMax(values: Float64Array, from = 0, to = gridSize - 1): number {
  let best = zeroIndex;
  for (let k = from; k <= to; k++) if (values[k] > values[best] + 1e-12) best = k;
  return best;
}

/**
 * log Σ_k w_k exp(ℓ_k) over the grid points from `from` to `to`: a mixture of likelihood ratios,
 * scaled for precision by `top`, the largest ℓ_k there. The points left out must be so far below
 * that their terms could not change the sum.
 */
export function logMixture(logLikelihood: Float64Array, weights: Float64Array, from: number, to: number, top: number): number {
  let sum = 0;
  for (let k = from; k <= to; k++) if (weights[k] > 0) sum += weights[k] * exp(logLikelihood[k] - top);
  return top + log(sum);
}
