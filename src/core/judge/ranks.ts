/** Two samples sorted, with what rank tests need of their pooled ranks. */
export interface RankedSamples {
  /** x and y ascending. */
  xs: Float64Array;
  ys: Float64Array;
  /** The sum of x's ranks in the pooled sample (1-based; ties share the mean of their positions). */
  rankSumX: number;
  /** Σ (t³ − t) over the tie groups of the pooled sample, t each group's size: 0 without ties. */
  tieTerm: number;
}

/**
 * Sorts x and y and ranks them together by merging the two sorted samples: no comparator sort of
 * the pooled sample, which a long analysis would pay after every interval. Ranks are half-integers
 * and the tie term a sum of integers, so both are exact whatever the order they are added in.
 */
export function rankSamples(x: readonly number[], y: readonly number[]): RankedSamples {
  const xs = sortedCopy(x);
  const ys = sortedCopy(y);
  let [rankSumX, tieTerm] = [0, 0];
  let [i, j, position] = [0, 0, 0];
  while (i < xs.length || j < ys.length) {
    const value = j >= ys.length || (i < xs.length && xs[i] <= ys[j]) ? xs[i] : ys[j];
    const firstX = i;
    const firstY = j;
    while (i < xs.length && xs[i] === value) i++;
    while (j < ys.length && ys[j] === value) j++;
    const size = i - firstX + (j - firstY);
    rankSumX += (i - firstX) * (position + (size + 1) / 2); // mean of positions position+1 … position+size
    tieTerm += size ** 3 - size;
    position += size;
  }
  return { xs, ys, rankSumX, tieTerm };
}

/**
 * Two samples that grow one value at a time, ranked as rankSamples ranks them (the same numbers),
 * at a cost per value that does not grow with the samples' size beyond a binary search and a copy:
 * an analysis adds one value per arm per interval and asks for the ranks after each.
 */
export class GrowingRanks {
  private xs = new Float64Array(64);
  private ys = new Float64Array(64);
  private n1 = 0;
  private n2 = 0;
  /** 2U, U = #{x > y} + ½ #{x = y}: an integer, so exact. */
  private twiceU = 0;
  private tieTerm = 0;
  /** How many values of the pooled sample equal each value (-0 and 0 are one value, as in ===). */
  private readonly counts = new Map<number, number>();

  /** Adds a value of x (the canary's). */
  addX(value: number): void {
    const below = lowerBound(this.ys, this.n2, value);
    const equal = lowerBound(this.ys, this.n2, value, true) - below;
    this.twiceU += 2 * below + equal;
    this.xs = insertSorted(this.xs, this.n1++, value);
    this.countTie(value);
  }

  /** Adds a value of y (the baseline's). */
  addY(value: number): void {
    const atMost = lowerBound(this.xs, this.n1, value, true);
    const equal = atMost - lowerBound(this.xs, this.n1, value);
    this.twiceU += 2 * (this.n1 - atMost) + equal;
    this.ys = insertSorted(this.ys, this.n2++, value);
    this.countTie(value);
  }

  /** The ranking so far; its arrays are views that the next value overwrites. */
  ranked(): RankedSamples {
    return { xs: this.xs.subarray(0, this.n1), ys: this.ys.subarray(0, this.n2), rankSumX: this.twiceU / 2 + (this.n1 * (this.n1 + 1)) / 2, tieTerm: this.tieTerm };
  }

  private countTie(value: number): void {
    const before = this.counts.get(value) ?? 0;
    this.counts.set(value, before + 1);
    // (t + 1)³ − (t + 1) − (t³ − t) = 3t² + 3t: the group of this value grew from t to t + 1.
    this.tieTerm += 3 * before * before + 3 * before;
  }
}

/** The first index in sorted[0…length) holding a value ≥ value (> value with `after`). */
function lowerBound(sorted: Float64Array, length: number, value: number, after = false): number {
  let [low, high] = [0, length];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < value || (after && sorted[mid] === value)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Inserts value into sorted[0…length), growing the array when full; returns the array. */
function insertSorted(sorted: Float64Array<ArrayBuffer>, length: number, value: number): Float64Array<ArrayBuffer> {
  let target = sorted;
  if (length === sorted.length) {
    target = new Float64Array(sorted.length * 2);
    target.set(sorted);
  }
  const at = lowerBound(target, length, value, true);
  target.copyWithin(at + 1, at, length);
  target[at] = value;
  return target;
}

/** The numbers sorted ascending, as a new array (the inputs stay untouched). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}
