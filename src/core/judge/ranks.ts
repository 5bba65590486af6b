/** Average ranks (1-based, ties share the mean of their positions) and the sizes of the tie groups. */
export function averageRanks(values: readonly number[]): { ranks: Float64Array; tieSizes: number[] } {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2; // mean of positions start+1 … end
    for (let i = start; i < end; i++) ranks[order[i]] = rank;
    if (end - start > 1) tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

/** The numbers sorted ascending, as a new array (the inputs stay untouched). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}
