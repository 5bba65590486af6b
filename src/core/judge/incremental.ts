import { GrowingRanks, type RankedSamples } from './ranks.js';
import { SequentialRateTest, type SequentialRateOptions, type SequentialRateResult } from './sequential-rate/index.js';
import type { ContinuousMetricInput, JudgeInput, JudgeReport, MetricInput, MetricResult, RateCounts, RateMetricInput } from './types.js';
import { judgeWith } from './judge.js';

/** A rate metric's test as far as it has been fed, and what it was fed. */
interface RunningTest {
  options: SequentialRateOptions;
  test: SequentialRateTest;
  /** The counts pushed so far: canary errors and requests, baseline errors and requests. */
  pushed: [number[], number[], number[], number[]];
}

/** A continuous metric's ranks as far as they have been fed, and what they were fed. */
interface RunningRanks {
  ranks: GrowingRanks;
  /** The values pushed so far: canary, baseline (missing ones included, as given). */
  pushed: [number[], number[]];
}

/** A continuous metric's last classification: its settings and how many intervals it judged. */
interface Evaluated {
  result: MetricResult;
  settings: string;
  intervals: number;
}

/**
 * Between two evaluations of a continuous metric its values grow by at least this share of
 * the intervals judged last (and one interval): so its exact rank tests, whose cost grows with the
 * values, cost the same per interval however long the analysis (docs/judge.md, "How fast").
 */
const CONTINUOUS_GROWTH = 1 / 64;

/**
 * A judge for an analysis that asks again after every interval (the analysis loop): it keeps each
 * rate metric's sequential test and each continuous metric's ranks between calls and, when the
 * metric's data are the previous call's with intervals added (same settings, same history), feeds
 * them only the new ones. Anything else — a revised interval, another setting — starts the
 * metric's state again. A rate or threshold metric's result is judge()'s at every call: the
 * state after a prefix does not depend on how it was fed. A continuous metric — a fixed-sample
 * test, which decides nothing before the planned end — is judged again once its intervals have
 * grown by 1/64 (every interval up to 64), at the planned end (`complete`) and whenever its data
 * or settings change; between, its last result stands, its reason saying the interval it is from.
 */
export function incrementalJudge(): (input: JudgeInput) => JudgeReport {
  const running = new Map<string, RunningTest>();
  const ranked = new Map<string, RunningRanks>();
  const evaluated = new Map<string, Evaluated>();
  const classify = (metric: MetricInput, fresh: () => MetricResult, complete: boolean): MetricResult => {
    if (metric.kind !== 'continuous' || metric.error !== undefined) return fresh();
    const { canary: _canary, baseline: _baseline, ...rest } = metric;
    const settings = JSON.stringify(rest);
    const intervals = metric.canary.length;
    const last = evaluated.get(metric.name);
    const fed = ranked.get(metric.name)?.pushed;
    const stands =
      !complete &&
      last !== undefined &&
      last.settings === settings &&
      intervals < last.intervals + Math.max(1, Math.floor(last.intervals * CONTINUOUS_GROWTH)) &&
      fed !== undefined &&
      extendsPrefix(metric.canary, fed[0]) &&
      extendsPrefix(metric.baseline, fed[1]);
    if (stands) return intervals === last.intervals ? last.result : { ...last.result, reason: `${last.result.reason} (as of interval ${last.intervals})` };
    const result = fresh();
    evaluated.set(metric.name, { result, settings, intervals });
    return result;
  };
  const rankValues = (metric: ContinuousMetricInput): RankedSamples => {
    const values = [metric.canary, metric.baseline];
    let run = ranked.get(metric.name);
    if (!run || !values.every((side, i) => extendsPrefix(side, run!.pushed[i]))) {
      run = { ranks: new GrowingRanks(), pushed: [[], []] };
      ranked.set(metric.name, run);
    }
    const [canary, baseline] = values;
    for (let i = run.pushed[0].length; i < canary.length; i++) {
      if (!Number.isNaN(canary[i])) run.ranks.addX(canary[i]);
      if (!Number.isNaN(baseline[i])) run.ranks.addY(baseline[i]);
      values.forEach((side, s) => run!.pushed[s].push(side[i]));
    }
    return run.ranks.ranked();
  };
  const rateTest = (metric: RateMetricInput, options: SequentialRateOptions): SequentialRateResult => {
    const counts = [metric.canary.errors, metric.canary.requests, metric.baseline.errors, metric.baseline.requests];
    let run = running.get(metric.name);
    if (!run || !sameOptions(run.options, options) || !counts.every((values, i) => extendsPrefix(values, run!.pushed[i]))) {
      run = { options, test: new SequentialRateTest(options), pushed: [[], [], [], []] };
      running.set(metric.name, run);
    }
    const [canaryErrors, canaryRequests, baselineErrors, baselineRequests] = counts;
    for (let i = run.pushed[0].length; i < canaryRequests.length; i++) {
      run.test.push(canaryErrors[i], canaryRequests[i], baselineErrors[i], baselineRequests[i]);
      counts.forEach((values, side) => run!.pushed[side].push(values[i]));
    }
    return run.test.result();
  };
  return (input) => judgeWith(input, { rateTest, rankValues, classify });
}

/** The same value, a missing one (NaN) equal to a missing one. */
const same = (a: number, b: number) => a === b || (a !== a && b !== b);

/** Whether `values` starts with every one of `prefix`. */
function extendsPrefix(values: readonly number[], prefix: readonly number[]): boolean {
  if (values.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (!same(values[i], prefix[i])) return false;
  return true;
}

function sameCounts(a: RateCounts | undefined, b: RateCounts | undefined): boolean {
  if (!a || !b) return a === b;
  return a.errors.length === b.errors.length && extendsPrefix(a.errors, b.errors) && a.requests.length === b.requests.length && extendsPrefix(a.requests, b.requests);
}

function sameOptions(a: SequentialRateOptions, b: SequentialRateOptions): boolean {
  return a.alpha === b.alpha && a.direction === b.direction && a.allowedRatio === b.allowedRatio && sameCounts(a.baselineHistory, b.baselineHistory);
}
