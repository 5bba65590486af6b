import { classifyMetric, SequentialRateTest, hodgesLehmann } from '../../src/core/judge/index.js';
import type { Stream } from './streams.js';

/** When a judge would have acted on a stream: roll back, promote (early, or at the horizon), or neither. */
export interface JudgeOutcome {
  action: 'rollback' | 'promote' | 'none';
  /** 0-based interval after which it acted (null for none, and for a promotion at the horizon). */
  atInterval: number | null;
}

/** A judge of the benchmark: reads a whole stream as it would arrive, interval by interval. */
export interface BenchJudge {
  name: string;
  run(stream: Stream): JudgeOutcome;
}

const none: JudgeOutcome = { action: 'none', atInterval: null };

/**
 * Slipway's sequential test, asked after every scrape; acts on its first decision. Undecided at the
 * horizon, the judge's end-of-analysis rule decides (onUndecided: pass, detect 2×): a promotion
 * when the data could have caught a 2× regression. With `history` it reads the primary's half hour
 * before the canary, as `analyze` does by default; without, it is what a service with no history
 * (or `history: 0`) gets.
 */
export function slipwayJudge(history: boolean, alpha = 0.01, allowedRatio = 1.2): BenchJudge {
  return {
    name: history ? 'slipway' : 'slipway, no history',
    run(stream) {
      const baselineHistory = history ? { baselineHistory: stream.history } : {};
      const test = new SequentialRateTest({ alpha, allowedRatio, direction: 'increase', ...baselineHistory });
      for (let i = 0; i < stream.canary.errors.length; i++) {
        test.push(stream.canary.errors[i], stream.canary.requests[i], stream.baseline.errors[i], stream.baseline.requests[i]);
        const { decision } = test.result();
        if (decision !== 'continue') return { action: decision === 'worse' ? 'rollback' : 'promote', atInterval: i };
      }
      const metric = { name: 'errors', kind: 'rate' as const, direction: 'increase' as const, allowedRatio, canary: stream.canary, baseline: stream.baseline, ...baselineHistory };
      return classifyMetric(metric, { alpha, onUndecided: 'pass', complete: true }).class === 'pass' ? { action: 'promote', atInterval: null } : none;
    },
  };
}

/** The oracle SPRT of the benchmark's floor (docs/judge.md): knows the true ratio, rolls back at LR ≥ 1/α (a lower bound, not a judge one can run). */
export function oracleJudge(trueRatio: number, alpha = 0.01): BenchJudge {
  return {
    name: 'oracle SPRT',
    run(stream) {
      let logLr = 0;
      for (let i = 0; i < stream.canary.errors.length; i++) {
        const [x, cr, y, br] = [stream.canary.errors[i], stream.canary.requests[i], stream.baseline.errors[i], stream.baseline.requests[i]];
        if (!(cr > 0 && br > 0)) continue; // NaN or no traffic
        logLr += x * Math.log(trueRatio) - (x + y) * Math.log1p((cr / (cr + br)) * (trueRatio - 1));
        if (logLr >= Math.log(1 / alpha)) return { action: 'rollback', atInterval: i };
      }
      return none;
    },
  };
}

/** Per-minute (or per-window) canary error rates: errors/requests over consecutive scrape groups, NaN without data. */
function rates(counts: Stream['canary'], from: number, to: number, group: number): number[] {
  const out: number[] = [];
  for (let start = from; start < to; start += group) {
    let errors = 0;
    let requests = 0;
    for (let i = start; i < Math.min(to, start + group); i++) {
      errors += counts.errors[i];
      requests += counts.requests[i];
    }
    out.push(requests > 0 ? errors / requests : NaN); // NaN propagates from a missing scrape
  }
  return out;
}

/**
 * Kayenta-style (NetflixACAJudge): every `windowMinutes`, the per-scrape error-rate points of that
 * window (NaN removed) are compared with Mann-Whitney's 98% confidence interval for the location
 * shift; an interval above 0 with a mean-ratio effect beyond allowedIncrease 20% is High → rollback.
 * Each window is a fresh, uncorrected test.
 */
export function kayentaJudge(windowMinutes = 10): BenchJudge {
  return kayentaRule(`kayenta (MWU/${windowMinutes}m)`, windowMinutes, 1.2, (stream, from, to) => ({ canary: rates(stream.canary, from, to, 1), baseline: rates(stream.baseline, from, to, 1) }));
}

/**
 * Kayenta's rule over any per-scrape points: every `windowMinutes`, the window's points (NaN
 * removed) are compared with Mann-Whitney's 98% confidence interval for the location shift; an
 * interval above 0 with a mean ratio beyond `allowedRatio` rolls back. Each window is a fresh,
 * uncorrected test.
 */
export function kayentaRule<S extends Stream>(name: string, windowMinutes: number, allowedRatio: number, points: (stream: S, from: number, to: number) => { canary: number[]; baseline: number[] }): BenchJudge {
  return {
    name,
    run(stream: S) {
      const perWindow = Math.round((windowMinutes * 60) / stream.scrapeSeconds);
      for (let end = perWindow; end <= stream.canary.errors.length; end += perWindow) {
        const window = points(stream, end - perWindow, end);
        const canary = window.canary.filter((v) => !Number.isNaN(v));
        const baseline = window.baseline.filter((v) => !Number.isNaN(v));
        if (canary.length < 3 || baseline.length < 3) continue; // Nodata: Kayenta leaves it out of the score
        const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
        if (hodgesLehmann(canary, baseline, 0.98).lower > 0 && mean(canary) > allowedRatio * mean(baseline)) return { action: 'rollback', atInterval: end - 1 };
      }
      return none;
    },
  };
}

/**
 * A threshold on the canary alone, measured every 60 s over the last minute: a measurement fails
 * when the error rate is above `max` or there is no data (NaN: Argo's condition is false, Flagger
 * counts it as a failed check). Rolls back when the failures exceed `failureLimit` (Argo, limit 3)
 * or reach `threshold` (Flagger, 5).
 */
export function thresholdJudge(name: string, max: number, rollbackAtFailures: number): BenchJudge {
  return {
    name,
    run(stream) {
      const perMinute = Math.max(1, Math.round(60 / stream.scrapeSeconds));
      const measurements = rates(stream.canary, 0, stream.canary.errors.length, perMinute);
      let failures = 0;
      for (let m = 0; m < measurements.length; m++) {
        if (!(measurements[m] <= max)) failures++;
        if (failures >= rollbackAtFailures) return { action: 'rollback', atInterval: Math.min(stream.canary.errors.length, (m + 1) * perMinute) - 1 };
      }
      return none;
    },
  };
}

/** The four judges of the comparison in docs/judge.md (α = 1%, Argo ≤ 2% failureLimit 3, Flagger max 2% threshold 5). */
export function benchJudges(): BenchJudge[] {
  return [slipwayJudge(true), slipwayJudge(false), kayentaJudge(10), thresholdJudge('argo (≤2%, limit 3)', 0.02, 4), thresholdJudge('flagger (≤2%, 5 checks)', 0.02, 5)];
}
