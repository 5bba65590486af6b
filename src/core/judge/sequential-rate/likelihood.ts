import { expm1Grid, grid, gridSize, zeroIndex } from './grid.js';
import { shadowDispersions } from './look-back.js';

// The likelihood (docs/judge.md, "The sequential rate test"): conditional on an interval's errors
// n = x + y, the canary's x is Binomial(n, θ) with θ = ρr/(ρr + 1 − ρ), ρ the interval's observed
// canary share of requests and r the error-rate ratio, so the likelihood ratio against r = 1 is
// r^x / (1 + ρ(r − 1))^n. The grid keeps, at every grid ratio, the sums over intervals the test
// reads: the estimate's log-likelihood, the test's guarded one, the look-back shadows, and the
// Pearson χ² the dispersion is estimated from.
//
// Only the grid points near the top of a sum matter to what the test reads from it (its maximum,
// its mixtures, the confidence set); the others are so far below that their terms vanish. So only
// a window of points is brought up to date at each interval, and a point that enters the window
// again is caught up from the stored intervals, adding the same terms in the same order: the sums
// are exactly those of adding every interval at every point. Each sum is concave in the
// log-ratio on either side of ratio 1 (a sum of concave terms, capped by constants), so its two
// outermost points in the window bound every point beyond: the window grows while that bound comes
// within reach of what is read, and shrinks back when it falls well below.

// Module bindings for what the hot loops use: global lookups (Math) are slow inside vm contexts
// such as Jest's.
const { log, min: minOf, max: maxOf } = Math;

/** What one interval with errors adds: its counts, and the discounts and caps it was given before it was seen. */
export interface IntervalTerms {
  canaryErrors: number;
  errors: number;
  /** The canary's share of the interval's requests. */
  share: number;
  /** The estimate's discount (the same at every ratio). */
  temper: number;
  /** The test's discounts above and below ratio 1 (tempering.ts). */
  up: number;
  down: number;
  /** The caps above and below ratio 1 (evidence-guard.ts; Infinity: lifted). */
  capUp: number;
  capDown: number;
  /** Each look-back shadow's discounts above and below ratio 1. */
  shadowUp: Float64Array;
  shadowDown: Float64Array;
}

const SHADOWS = shadowDispersions.length;
// The stored intervals, one row each: counts, share, discounts, caps, then the shadows' discounts.
const [CANARY_ERRORS, ERRORS, SHARE, TEMPER, UP, DOWN, CAP_UP, CAP_DOWN, SHADOW_UP] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const SHADOW_DOWN = SHADOW_UP + SHADOWS;
const ROW = SHADOW_DOWN + SHADOWS;

/**
 * How far below what is read a point must be shown to lie to stay out of the window, in log
 * units. Terms e^−37 times the largest of a mixture, the whole grid's together, change its sum by
 * less than 2·10⁻¹⁴ of itself, and only downwards: the test's evidence is never overstated, nor the
 * confidence set narrowed.
 */
const NEGLIGIBLE = 37;
/** How much further below a point must lie to leave the window, so that points do not flicker in and out. */
const HYSTERESIS = 4;

const logWeights = new Map<Float64Array, { logs: Float64Array; largest: number }>();
/** The logs of a mixture's weights (−∞ where 0) and the largest. */
function logWeightsOf(weights: Float64Array): { logs: Float64Array; largest: number } {
  let known = logWeights.get(weights);
  if (!known) {
    const logs = weights.map((w) => Math.log(w));
    known = { logs, largest: Math.max(...logs) };
    logWeights.set(weights, known);
  }
  return known;
}

/**
 * A sum on the grid and what is read from it: its top and, with `weights`, its mixture; with
 * `atMost`, also every point above that value (the confidence set's cut).
 */
export interface Reading {
  values: Float64Array;
  weights?: Float64Array;
  atMost?: number;
}

/** The per-ratio sums of the sequential rate test. */
export class LikelihoodGrid {
  /** log Π LR_i^λ_i, λ the estimate's discount: the estimate's and the confidence sequence's. */
  readonly estimate = new Float64Array(gridSize);
  /** The test's: each term discounted per side and capped by the evidence guard. */
  readonly guarded = new Float64Array(gridSize);
  /** The look-back shadows: the guarded sum at each fixed dispersion. */
  readonly shadows = shadowDispersions.map(() => new Float64Array(gridSize));
  /** Pearson χ² of the canary's error shares at every grid ratio, for the dispersion estimate. */
  readonly pearson = new Float64Array(gridSize);
  /** The window: every point from `from` to `to` is up to date. It always holds ratio 1 and a point on either side. */
  from = 0;
  to = gridSize - 1;
  private rows: Float64Array;
  private count = 0;
  /** The top the last floorOf() found. */
  private top = 0;

  /** `capacity`: how many intervals with errors to make room for at once (the rows grow beyond it). */
  constructor(capacity = 64) {
    this.rows = new Float64Array(Math.max(1, capacity) * ROW);
  }
  /** Intervals added at each point so far. */
  private readonly added = new Int32Array(gridSize);

  /** Adds one interval with errors at every point of the window. */
  add(terms: IntervalTerms): void {
    if ((this.count + 1) * ROW > this.rows.length) {
      const grown = new Float64Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    const row = this.count * ROW;
    const r = this.rows;
    r[row + CANARY_ERRORS] = terms.canaryErrors;
    r[row + ERRORS] = terms.errors;
    r[row + SHARE] = terms.share;
    r[row + TEMPER] = terms.temper;
    r[row + UP] = terms.up;
    r[row + DOWN] = terms.down;
    r[row + CAP_UP] = terms.capUp;
    r[row + CAP_DOWN] = terms.capDown;
    for (let j = 0; j < SHADOWS; j++) {
      r[row + SHADOW_UP + j] = terms.shadowUp[j];
      r[row + SHADOW_DOWN + j] = terms.shadowDown[j];
    }
    this.count++;
    // Every point of the window is up to date between calls (a point entering it is caught up at
    // once), so each needs only this interval.
    this.addRow(row, this.from, this.to);
    for (let k = this.from; k <= this.to; k++) this.added[k] = this.count;
  }

  /**
   * Grows the window until every point that may reach what the reading reads is in it, and returns
   * the reading's top: the largest value of its sum, which no point outside the window reaches.
   */
  cover(reading: Reading): number {
    const { values } = reading;
    let floor = this.floorOf(reading);
    for (;;) {
      if (this.to < gridSize - 1 && this.boundAbove(values, this.to) >= floor) this.catchUp(++this.to);
      else if (this.from > 0 && this.boundBelow(values, this.from) >= floor) this.catchUp(--this.from);
      else return this.top;
      floor = this.floorOf(reading);
    }
  }

  /** Shrinks the window while every point it lets go stays well below what each reading reads. */
  shrink(readings: readonly Reading[]): void {
    const floors = readings.map((r) => this.floorOf(r) - HYSTERESIS);
    while (this.to > zeroIndex + 1 && readings.every((r, i) => this.boundAbove(r.values, this.to - 1) < floors[i])) this.to--;
    while (this.from < zeroIndex - 1 && readings.every((r, i) => this.boundBelow(r.values, this.from + 1) < floors[i])) this.from++;
  }

  /**
   * The least value of a reading's sum that matters: within `NEGLIGIBLE` of its top and, with
   * weights, of its mixture's largest term. The top is left in `top`.
   */
  private floorOf({ values, weights, atMost = Infinity }: Reading): number {
    let top = -Infinity;
    let floor: number;
    if (!weights) {
      for (let k = this.from; k <= this.to; k++) top = maxOf(top, values[k]);
      floor = minOf(top - NEGLIGIBLE, atMost);
    } else {
      const { logs, largest } = logWeightsOf(weights);
      let largestTerm = -Infinity;
      for (let k = this.from; k <= this.to; k++) {
        top = maxOf(top, values[k]);
        largestTerm = maxOf(largestTerm, values[k] + logs[k]);
      }
      floor = minOf(minOf(top, largestTerm - largest) - NEGLIGIBLE, atMost);
    }
    this.top = top;
    return floor;
  }

  /** The most any point above `edge` may hold, from the concavity of the sum above ratio 1. */
  private boundAbove(values: Float64Array, edge: number): number {
    const slope = values[edge] - values[edge - 1];
    return values[edge] + (slope > 0 ? slope * (gridSize - 1 - edge) : slope);
  }

  /** The most any point below `edge` may hold, from the concavity of the sum below ratio 1. */
  private boundBelow(values: Float64Array, edge: number): number {
    const slope = values[edge] - values[edge + 1];
    return values[edge] + (slope > 0 ? slope * edge : slope);
  }

  /** Adds the intervals point k has not had yet, in order. */
  private catchUp(k: number): void {
    for (let i = this.added[k]; i < this.count; i++) this.addRow(i * ROW, k, k);
    this.added[k] = this.count;
  }

  /** Adds the interval stored at `row` to the points from `from` to `to`. */
  private addRow(row: number, from: number, to: number): void {
    // The row's fields and the sums in locals: the loop is the test's hottest.
    const r = this.rows;
    const canaryErrors = r[row + CANARY_ERRORS];
    const errors = r[row + ERRORS];
    const share = r[row + SHARE];
    const temper = r[row + TEMPER];
    const { estimate, guarded, shadows, pearson } = this;
    for (let k = from; k <= to; k++) {
      const up = k > zeroIndex;
      const e = expm1Grid[k];
      const denominator = 1 + share * e;
      const logRatio = canaryErrors * grid[k] - errors * log(denominator);
      estimate[k] += temper * logRatio;
      const cap = r[row + (up ? CAP_UP : CAP_DOWN)];
      guarded[k] += minOf(r[row + (up ? UP : DOWN)] * logRatio, cap);
      const shadowSide = row + (up ? SHADOW_UP : SHADOW_DOWN);
      for (let j = 0; j < SHADOWS; j++) shadows[j][k] += minOf(r[shadowSide + j] * logRatio, cap);
      const theta = (share * (1 + e)) / denominator; // thetaAt(share, k)
      const expected = errors * theta;
      pearson[k] += (canaryErrors - expected) ** 2 / (expected * (1 - theta));
    }
  }
}
