import { SEQUENTIAL_RATE_TUNING } from './tuning.js';

// The look-back check (docs/judge.md, "Look-back check"): tempering by the estimate at the time
// cannot look back, so under strong wobble the first intervals, counted before ψ̂ had anything to
// go by, would weigh on the test for ever. Shadow tests therefore temper every interval from the
// first at fixed dispersions, and "worse" also needs the shadow at the dispersion the data show by
// now. Each shadow is a supermartingale under the binomial null like the test, and
// min(M, M_ψ) ≤ M, so the check can only withhold a rollback: whatever it picks, the test stays
// valid.

const { lookBackDispersions, lookBackMargin } = SEQUENTIAL_RATE_TUNING;

/** The fixed dispersions of the shadows, in order. */
export const shadowDispersions = lookBackDispersions;

/** Index of the shadow "worse" also needs at dispersion estimate ψ̂: the largest not above lookBackMargin·ψ̂; −1 for none. */
export function shadowFor(dispersion: number): number {
  const limit = lookBackMargin * dispersion;
  let index = shadowDispersions.length - 1;
  while (index >= 0 && !(shadowDispersions[index] <= limit)) index--;
  return index;
}
