import { SEQUENTIAL_RATE_TUNING } from './tuning.js';

// The evidence guard (docs/judge.md, "Evidence guard"): before ψ̂ rests on anything, a single wild
// scrape would look decisive. Each interval's contribution to the test is capped at
// singleScrapeCap·log(1/α), so no single scrape can roll back, and the first interval with errors,
// if it carries many, at firstScrapeCap·log(1/α). min(LR^λ, c) ≤ LR^λ, so a cap keeps the test
// valid; it costs one scrape at most when a regression is gross. With the baseline's history the
// guard is lifted for a scrape whose own ratio is gross (grossRatio): the history has measured the
// wobble the guard stands in for. The confidence sequence is never capped.

const { singleScrapeCap, firstScrapeCap, firstScrapeVariance } = SEQUENTIAL_RATE_TUNING;
const grossLogRatio = Math.log(SEQUENTIAL_RATE_TUNING.grossRatio);

/** An interval's cap, `firstWithErrors` when no interval had errors before, `variance` its predicted binomial variance. */
export function intervalCap(alpha: number, firstWithErrors: boolean, variance: number): number {
  const first = firstWithErrors && variance >= firstScrapeVariance;
  return (first ? firstScrapeCap : singleScrapeCap) * -Math.log(alpha);
}

/**
 * Whether a scrape is gross above ratio 1 (`up`) or below: `observedLogRatio`, with history only,
 * is the log of the canary's error rate in the scrape against the error rate so far (0 without
 * history). A gross scrape is not capped on that side.
 */
export function isGross(observedLogRatio: number, up: boolean): boolean {
  return up ? observedLogRatio >= grossLogRatio : observedLogRatio <= -grossLogRatio;
}
