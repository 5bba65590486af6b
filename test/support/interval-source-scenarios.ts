import { expect, test } from '@jest/globals';
import { VirtualClock } from '../../src/core/analysis/clock.js';
import { runAnalysis, type AnalysisResult } from '../../src/core/analysis/loop.js';
import type { MetricDefinition } from '../../src/core/metrics/metrics-config.js';
import { parseSelector } from '../../src/core/metrics/template.js';
import type { MetricSource } from '../../src/core/metrics/types.js';

// The canaries every source that counts per bucket (Datadog, New Relic) is held to alike, end to
// end through runAnalysis: each test file loads the same scenarios into its vendor's stand-in (two
// versions per scenario, `<scenario>-v1` the baseline and `<scenario>-v2` the canary, from 40
// minutes before START to 40 after) and writes the metrics in its vendor's language: a critical
// `error-rate` rate metric, a `latency` continuous metric (allowedIncrease 20%) and a
// `p95-ceiling` threshold metric (max 0.5 s). The loop runs on a virtual clock 7 s past a whole
// minute, so the grid starts at the next minute and every interval it judges is one vendor bucket.

export const START = new Date('2026-03-02T12:00:07Z');
export const INTERVAL = 60;
export const DURATION = 1800;
/** Requests a minute of each version. */
export const PER_MINUTE = 300;

/** One version: its share of failed requests and its mean duration, seconds. */
export interface VersionSide {
  errorRate: number;
  seconds: number;
}

export const SCENARIOS: Record<'errors' | 'slower' | 'sluggish' | 'equal', { baseline: VersionSide; canary: VersionSide }> = {
  errors: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.1, seconds: 0.1 } },
  slower: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.02, seconds: 0.13 } },
  sluggish: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.02, seconds: 0.4 } },
  equal: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.02, seconds: 0.1 } },
};
export type Scenario = keyof typeof SCENARIOS;

/** What the equal canary's run is checked for beyond the verdict: the vendor's own log of it. */
export interface EqualRunChecks {
  /** Called before the run (e.g. to clear the stand-in's request log). */
  before(): void;
  /** The vendor's own checks of the requests the run made. */
  after(result: AnalysisResult): void;
}

/** The four scenario tests, on the source `source()` gives once the suite's beforeAll has made it. */
export function scenarioTests(vendor: string, source: () => MetricSource, metrics: MetricDefinition[], equal: EqualRunChecks): void {
  const analyse = (scenario: Scenario) =>
    runAnalysis({
      source: source(),
      metrics,
      canary: parseSelector(`version="${scenario}-v2"`, 'canary-selector'),
      baseline: parseSelector(`version="${scenario}-v1"`, 'baseline-selector'),
      durationSeconds: DURATION,
      intervalSeconds: INTERVAL,
      clock: new VirtualClock(START),
    });
  const classes = (result: AnalysisResult) => Object.fromEntries(result.report.metrics.map((m) => [m.name, m.class]));

  test('five times the errors fails early on the error rate', async () => {
    const result = await analyse('errors');
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'fail' });
    expect(result.stoppedEarly).toBe(true);
    expect(result.report.metrics.find((m) => m.name === 'error-rate')).toMatchObject({ class: 'high', sequential: { decision: 'worse' } });
  });

  test('30% slower fails on latency after the whole duration, under the p95 ceiling', async () => {
    const result = await analyse('slower');
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'fail' });
    expect(result.intervals).toBe(DURATION / INTERVAL);
    expect(classes(result)).toMatchObject({ latency: 'high', 'p95-ceiling': 'pass' });
  });

  test('a p95 over the ceiling fails the threshold at the first interval and stops there', async () => {
    const result = await analyse('sluggish');
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'fail' });
    expect(result.stoppedEarly).toBe(true);
    expect(result.intervals).toBe(1);
    expect(classes(result)['p95-ceiling']).toBe('high');
  });

  test(`an equal canary passes after the whole duration, every interval one ${vendor} bucket of whole counts`, async () => {
    equal.before();
    const result = await analyse('equal');
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'pass' });
    expect(classes(result)).toEqual({ 'error-rate': 'pass', latency: 'pass', 'p95-ceiling': 'pass' });
    expect(result.intervals).toBe(DURATION / INTERVAL);
    // The grid starts at the next whole minute; each interval is one of the vendor's buckets.
    expect(result.startedAt).toBe('2026-03-02T12:01:00.000Z');
    const rate = result.series.find((s) => s.name === 'error-rate')!;
    expect(rate.counts!.canary.requests).toEqual(Array(DURATION / INTERVAL).fill(PER_MINUTE));
    expect(rate.counts!.baseline.requests).toEqual(Array(DURATION / INTERVAL).fill(PER_MINUTE));
    // The baseline's 30 minutes before the start were read as its history, ending at the last whole bucket (12:00).
    expect(rate.history!.requests).toEqual(Array(30).fill(PER_MINUTE));
    equal.after(result);
  });
}
