import type { RateCounts } from '../types.js';
import { SEQUENTIAL_RATE_TUNING } from './tuning.js';

// The baseline's history (docs/judge.md, "History"): its intervals before the canary started
// measure the wobble of the error rate between scrapes before the first canary scrape. Consecutive
// intervals, paired, are two "arms" of the same version; the first's share of a pair's errors
// against its share of the requests varies beyond the binomial by ψ_h = c₁² + c₂², c the wobble of
// the error rate from one scrape to the next: the same ψ the canary/baseline shares show when both
// versions wobble alike. Slow changes (a diurnal swing) cancel within a pair.

/** What the baseline's history says. */
export interface BaselineHistory {
  /** ψ_h, the dispersion the history shows. */
  dispersion: number;
  /** The history's error rate: where the error rate so far starts. */
  rate: number;
  /** Intervals it was measured on. */
  intervals: number;
  /** Its errors and requests, which the error rate so far starts from. */
  errors: number;
  requests: number;
}

/** What the baseline's history says; undefined when it has fewer than historyPairs pairs with errors. */
export function baselineHistoryOf(history: RateCounts): BaselineHistory | undefined {
  const squares: number[] = [];
  const variances: number[] = [];
  let errors = 0;
  let requests = 0;
  for (let i = 0; i + 1 < history.errors.length; i += 2) {
    const [e1, r1, e2, r2] = [history.errors[i], history.requests[i], history.errors[i + 1], history.requests[i + 1]];
    if (![e1, r1, e2, r2].every(Number.isFinite) || r1 <= 0 || r2 <= 0) continue;
    errors += e1 + e2;
    requests += r1 + r2;
    const n = e1 + e2;
    if (n === 0) continue;
    const theta = r1 / (r1 + r2);
    squares.push((e1 - n * theta) ** 2 / (n * theta * (1 - theta)));
    variances.push(n * theta * (1 - theta));
  }
  const pairs = squares.length;
  if (pairs < SEQUENTIAL_RATE_TUNING.historyPairs) return undefined;
  return { dispersion: blockedDispersion(squares, variances), rate: errors / requests, intervals: 2 * pairs, errors, requests };
}

/**
 * ψ_h as the median over blocks of historyBlock consecutive pairs of each block's moment estimate
 * (E[Σz²] = pairs + ψΣv, exact for any count, as the test's own estimate; only the excess beyond
 * one standard deviation counts, as there). The median, so that the edges of a burst or a traffic
 * spike — a few pairs whose scrapes differ for a reason both versions share — do not pass for
 * wobble; a mean per block, so that pairs with one or two errors still say what they can.
 */
function blockedDispersion(squares: number[], variances: number[]): number {
  const block = SEQUENTIAL_RATE_TUNING.historyBlock;
  const estimates: number[] = [];
  for (let from = 0; from + block <= squares.length; from += block) {
    let pearson = 0;
    let variance = 0;
    for (let i = from; i < from + block; i++) {
      pearson += squares[i];
      variance += variances[i];
    }
    estimates.push(Math.max(0, pearson - block - Math.sqrt(2 * block)) / variance);
  }
  estimates.sort((a, b) => a - b);
  const middle = estimates.length / 2;
  return Number.isInteger(middle) ? (estimates[middle - 1] + estimates[middle]) / 2 : estimates[Math.floor(middle)];
}
