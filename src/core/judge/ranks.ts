/** Two samples sorted, with what rank tests need of their pooled ranks. */
export interface RankedSamples {
  /** x and y ascending. */
  xs: Float64Array;
  ys: Float64Array;
  /** The sum of x's ranks in the pooled sample (1-based; ties share the mean of their positions). */
  rankSumX: number;
  /** The sizes of the tie groups of the pooled sample, in ascending order of value. */
  tieSizes: number[];
}

/**
 * Sorts x and y and ranks them together by merging the two sorted samples: no comparator sort of
 * the pooled sample, which a long analysis would pay after every interval. Ranks are half-integers,
 * so the rank sum is exact whatever the order it is added in.
 */
export function rankSamples(x: readonly number[], y: readonly number[]): RankedSamples {
  const xs = sortedCopy(x);
  const ys = sortedCopy(y);
  const tieSizes: number[] = [];
  let rankSumX = 0;
  let [i, j, position] = [0, 0, 0];
  while (i < xs.length || j < ys.length) {
    const value = j >= ys.length || (i < xs.length && xs[i] <= ys[j]) ? xs[i] : ys[j];
    const firstX = i;
    const firstY = j;
    while (i < xs.length && xs[i] === value) i++;
    while (j < ys.length && ys[j] === value) j++;
    const size = i - firstX + (j - firstY);
    rankSumX += (i - firstX) * (position + (size + 1) / 2); // mean of positions position+1 … position+size
    if (size > 1) tieSizes.push(size);
    position += size;
  }
  return { xs, ys, rankSumX, tieSizes };
}

/** The numbers sorted ascending, as a new array (the inputs stay untouched). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}
