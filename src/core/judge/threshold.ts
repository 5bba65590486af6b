/** What an Argo-style threshold check found over one series. */
export interface ThresholdCheck {
  /** Measurements above max (strict: a value equal to max passes). */
  above: number;
  /** Measurements below min. */
  below: number;
  /** Missing measurements (NaN). */
  missing: number;
  measurements: number;
}

/** Counts the measurements outside [min, max] (either bound optional) and the missing ones. */
export function checkThreshold(values: readonly number[], min?: number, max?: number): ThresholdCheck {
  let above = 0;
  let below = 0;
  let missing = 0;
  for (const v of values) {
    if (Number.isNaN(v)) missing++;
    else if (max !== undefined && v > max) above++;
    else if (min !== undefined && v < min) below++;
  }
  return { above, below, missing, measurements: values.length };
}
