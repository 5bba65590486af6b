import type { RateCounts } from '../../src/core/judge/index.js';
import { Random } from './random.js';

/** One seeded canary/baseline scenario of the judge benchmark (docs/judge.md). */
export interface StreamScenario {
  /** Requests per second over the whole service. */
  totalRps: number;
  /** The baseline arm: the 95% primary, or a dedicated baseline with the canary's share. */
  comparison: 'primary' | 'baseline';
  /** Canary/baseline error-rate ratio (1 under the nulls). */
  ratio: number;
  /** Seconds per scrape interval (one point per scrape). */
  scrapeSeconds: number;
  /** Length of the analysis, minutes (default 60). */
  horizonMinutes?: number;
  /** Null variants (all off = i.i.d. traffic). */
  timeVarying?: boolean;
  /**
   * Gamma shapes of per-interval error-probability factors: shared by both arms, independent per
   * arm, and the canary's alone (a new version that wobbles where the old one did not, so the
   * primary's history cannot show it).
   */
  overdispersion?: { shared?: number; independent?: number; canaryOnly?: number };
  splitDrift?: boolean;
  gaps?: boolean;
  warmup?: boolean;
}

/** Per-interval counts of both arms (NaN = a missing scrape), aligned. */
export interface Stream {
  canary: RateCounts;
  baseline: RateCounts;
  scrapeSeconds: number;
  /** What the canary really served per interval (scrape gaps hide it from the judges, not from users). */
  served: RateCounts;
  /** The primary alone over the half hour before the canary started, at the same step (what `analyze` reads as history). */
  history: RateCounts;
}

/** Canary share of all requests, and the baseline error rate, as docs/judge.md fixes them. */
export const canaryShare = 0.05;
export const baselineErrorRate = 0.01;
/** Minutes of primary-only history before the canary starts (analyze's default `history: 30m`). */
export const historyMinutes = 30;

/**
 * Generates one stream: Poisson requests at a (possibly time-varying) total rate split between the
 * arms, binomial errors at the baseline rate (× ratio for the canary), with the null's
 * complication applied. The same (scenario, seed) always gives the same stream.
 */
export function generateStream(s: StreamScenario, seed: number): Stream {
  const random = new Random(seed);
  const intervals = Math.round(((s.horizonMinutes ?? 60) * 60) / s.scrapeSeconds);
  const phase = random.next() * 2 * Math.PI;
  const stream: Stream = {
    canary: { errors: [], requests: [] },
    baseline: { errors: [], requests: [] },
    scrapeSeconds: s.scrapeSeconds,
    served: { errors: [], requests: [] },
    history: primaryHistory(s, phase, seed),
  };
  const varying = timeVarying(s, phase, random);
  const outage = { from: 20 + random.next() * 30, minutes: 2 }; // a zero-traffic step somewhere mid-analysis
  for (let i = 0; i < intervals; i++) {
    const minute = (i * s.scrapeSeconds) / 60;
    let { traffic, errorFactor } = varying(minute);
    let share = canaryShare;
    if (s.splitDrift) share = 0.05 + 0.01 * Math.sin((2 * Math.PI * minute) / 40 + phase);
    if (s.warmup) {
      // Pods starting: the canary's share ramps up over 2 minutes while both arms see a decaying
      // burst of errors (cold caches, connection churn after the deploy).
      share *= Math.min(1, (minute + s.scrapeSeconds / 60) / 2);
      errorFactor *= 1 + 3 * Math.exp(-minute);
    }
    if (s.gaps && minute >= outage.from && minute < outage.from + outage.minutes) traffic = 0;
    const shared = wobble(random, s.overdispersion?.shared);
    const own = () => wobble(random, s.overdispersion?.independent);
    const baselineShare = s.comparison === 'primary' ? 1 - share : canaryShare;
    const perSecond = s.totalRps * traffic * s.scrapeSeconds;
    const canaryRequests = random.poisson(perSecond * share);
    const baselineRequests = random.poisson(perSecond * baselineShare);
    const canaryOnly = wobble(random, s.overdispersion?.canaryOnly);
    const canaryP = Math.min(1, baselineErrorRate * s.ratio * errorFactor * shared * own() * canaryOnly);
    const baselineP = Math.min(1, baselineErrorRate * errorFactor * shared * own());
    const canaryErrors = random.binomial(canaryRequests, canaryP);
    const baselineErrors = random.binomial(baselineRequests, baselineP);
    // Scrape gaps and NaN: each arm's point goes missing now and then, independently.
    const canaryMissing = s.gaps && random.next() < 0.05;
    const baselineMissing = s.gaps && random.next() < 0.03;
    stream.served.errors.push(canaryErrors);
    stream.served.requests.push(canaryRequests);
    stream.canary.errors.push(canaryMissing ? NaN : canaryErrors);
    stream.canary.requests.push(canaryMissing ? NaN : canaryRequests);
    stream.baseline.errors.push(baselineMissing ? NaN : baselineErrors);
    stream.baseline.requests.push(baselineMissing ? NaN : baselineRequests);
  }
  return stream;
}

/** An error-probability factor of mean 1: Gamma(shape)/shape, or 1 (no draw) without a shape. */
export function wobble(random: Random, shape: number | undefined): number {
  return shape ? random.gamma(shape) / shape : 1;
}

/**
 * The time-varying rate of the null (off unless `s.timeVarying`): a diurnal swing compressed into
 * the hour, and spikes (3× traffic, 2× errors, ~2 an hour). Called once per interval, in order.
 */
export function timeVarying(s: Pick<StreamScenario, 'timeVarying' | 'scrapeSeconds'>, phase: number, random: Random): (minute: number) => { traffic: number; errorFactor: number } {
  let spikeLeft = 0;
  return (minute) => {
    if (!s.timeVarying) return { traffic: 1, errorFactor: 1 };
    let traffic = 1 + 0.5 * Math.sin((2 * Math.PI * minute) / 60 + phase);
    let errorFactor = 1 + 0.3 * Math.sin((2 * Math.PI * minute) / 25 + phase);
    if (spikeLeft <= 0 && random.next() < s.scrapeSeconds / 1800) spikeLeft = 120;
    if (spikeLeft > 0) {
      traffic *= 3;
      errorFactor *= 2;
      spikeLeft -= s.scrapeSeconds;
    }
    return { traffic, errorFactor };
  };
}

/**
 * The primary serving all traffic over the `historyMinutes` before the canary, under the same
 * time-varying rate and overdispersion as the analysis (no warm-up: the primary was long up). Its
 * own random stream, so that the analysis streams do not change with it.
 */
function primaryHistory(s: StreamScenario, phase: number, seed: number): RateCounts {
  const random = new Random(seed + 0x5eed);
  const varying = timeVarying(s, phase, random);
  const history: RateCounts = { errors: [], requests: [] };
  const intervals = Math.round((historyMinutes * 60) / s.scrapeSeconds);
  for (let i = -intervals; i < 0; i++) {
    const { traffic, errorFactor } = varying((i * s.scrapeSeconds) / 60);
    const shared = wobble(random, s.overdispersion?.shared);
    const own = wobble(random, s.overdispersion?.independent);
    const requests = random.poisson(s.totalRps * traffic * s.scrapeSeconds);
    history.requests.push(requests);
    history.errors.push(random.binomial(requests, Math.min(1, baselineErrorRate * errorFactor * shared * own)));
  }
  return history;
}
