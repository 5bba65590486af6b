import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Random } from '../../../bench/judge/random.js';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { runAnalysis } from '../../../src/core/analysis/loop.js';
import { datadogDialect } from '../../../src/core/metrics/dialects/datadog.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { createDatadogSource } from '../../../src/core/metrics/sources/datadog.js';
import { parseSourceSettings, type DatadogSettings } from '../../../src/core/metrics/source-settings.js';
import { parseSelector } from '../../../src/core/metrics/template.js';
import type { MetricSource } from '../../../src/core/metrics/types.js';
import { expectNoContractViolations, startDatadogSimulator, type DatadogSimulator } from '../../../testkit/datadog-sim/index.js';

// A whole canary analysis read from Datadog: the metrics are Datadog metric queries, checked and
// rendered in the Datadog dialect; the source sends them through the official client to the
// simulator, which aggregates the APM-style series of two versions per scenario and holds every
// request and answer to Datadog's published QueryMetrics contract. The loop runs on a virtual clock
// 7 s past a whole minute, so the grid starts at the next minute and every interval it judges is
// one of Datadog's rollup buckets.

const START = new Date('2026-03-02T12:00:07Z');
const INTERVAL = 60;
const DURATION = 1800;

const METRICS = parseMetricsYaml(
  `
- name: error-rate
  kind: rate
  critical: true
  errors: sum:trace.http.request.errors{service:checkout,{{selector}}}.as_count()
  requests: sum:trace.http.request.hits{service:checkout,{{selector}}}.as_count()
- name: latency
  kind: continuous
  allowedIncrease: 20%
  query: avg:trace.http.request.duration{service:checkout,{{selector}}}
- name: p95-ceiling
  kind: threshold
  query: max:trace.http.request.duration.p95{service:checkout,{{selector}}}.rollup(max, {{interval}})
  thresholds: {max: 0.5}
`,
  'test metrics',
  datadogDialect,
);

/** Requests every 10 s (Datadog's flush interval) of each version: 300 a minute. */
const PER_FLUSH = 50;
const PER_MINUTE = PER_FLUSH * 6;
const SCENARIOS = {
  errors: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.1, seconds: 0.1 } },
  slower: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.02, seconds: 0.13 } },
  sluggish: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.02, seconds: 0.4 } },
  equal: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.02, seconds: 0.1 } },
};
type Scenario = keyof typeof SCENARIOS;

/** One version's series from 40 minutes before the start to 40 after, a point every 10 s: hits, errors (drawn), mean duration (±25%) and p95 (about 1.4× the mean). */
function load(sim: DatadogSimulator, version: string, side: { errorRate: number; seconds: number }, seed: number): void {
  const rng = new Random(seed);
  const tags = { service: 'checkout', version, env: 'prod' };
  const hits: [number, number][] = [];
  const errors: [number, number][] = [];
  const duration: [number, number][] = [];
  const p95: [number, number][] = [];
  const from = START.getTime() / 1000 - 40 * 60;
  for (let t = from - (from % 10); t < from + 80 * 60; t += 10) {
    let failed = 0;
    for (let i = 0; i < PER_FLUSH; i++) if (rng.next() < side.errorRate) failed++;
    hits.push([t, PER_FLUSH]);
    errors.push([t, failed]);
    duration.push([t, Math.max(0.001, side.seconds * (1 + 0.25 * rng.normal()))]);
    p95.push([t, side.seconds * 1.4 * (1 + 0.05 * rng.normal())]);
  }
  sim.addSeries({ metric: 'trace.http.request.hits', tags, points: hits });
  sim.addSeries({ metric: 'trace.http.request.errors', tags, points: errors });
  sim.addSeries({ metric: 'trace.http.request.duration', tags, points: duration });
  sim.addSeries({ metric: 'trace.http.request.duration.p95', tags, points: p95 });
}

describe('a canary analysis on Datadog (metric queries through the official client, simulated)', () => {
  let sim: DatadogSimulator;
  let source: MetricSource;

  beforeAll(async () => {
    sim = await startDatadogSimulator();
    let seed = 1;
    for (const [name, sides] of Object.entries(SCENARIOS)) {
      load(sim, `${name}-v1`, sides.baseline, seed++);
      load(sim, `${name}-v2`, sides.canary, seed++);
    }
    const settings = parseSourceSettings({ datadog: { site: 'datadoghq.eu', url: sim.url } }, 'analysis.source') as DatadogSettings;
    source = createDatadogSource(settings, { env: { DD_API_KEY: sim.apiKey, DD_APP_KEY: sim.appKey }, clock: new VirtualClock(START), retries: 1, retryDelayMs: 10 });
  });
  afterEach(() => expectNoContractViolations(sim));
  afterAll(() => sim?.close());

  const analyse = (scenario: Scenario) =>
    runAnalysis({
      source,
      metrics: METRICS,
      canary: parseSelector(`version="${scenario}-v2"`, 'canary-selector'),
      baseline: parseSelector(`version="${scenario}-v1"`, 'baseline-selector'),
      durationSeconds: DURATION,
      intervalSeconds: INTERVAL,
      clock: new VirtualClock(START),
    });

  const classes = (result: Awaited<ReturnType<typeof analyse>>) => Object.fromEntries(result.report.metrics.map((m) => [m.name, m.class]));

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

  test('an equal canary passes after the whole duration, every interval one Datadog bucket of whole counts', async () => {
    sim.requestLog.splice(0);
    const result = await analyse('equal');
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'pass' });
    expect(classes(result)).toEqual({ 'error-rate': 'pass', latency: 'pass', 'p95-ceiling': 'pass' });
    expect(result.intervals).toBe(DURATION / INTERVAL);
    // The grid starts at the next whole minute; each interval is one bucket of Datadog's.
    expect(result.startedAt).toBe('2026-03-02T12:01:00.000Z');
    const rate = result.series.find((s) => s.name === 'error-rate')!;
    expect(rate.counts!.canary.requests).toEqual(Array(DURATION / INTERVAL).fill(PER_MINUTE));
    expect(rate.counts!.baseline.requests).toEqual(Array(DURATION / INTERVAL).fill(PER_MINUTE));
    // The baseline's 30 minutes before the start were read as its history, ending at the last whole bucket (12:00).
    expect(rate.history!.requests).toEqual(Array(30).fill(PER_MINUTE));
    // Every query asked whole minutes in buckets of the interval: counts summed, the mean averaged, the template's own rollup kept.
    const queries = new Set(sim.requestLog.map((r) => r.query));
    expect(queries).toEqual(
      new Set([
        'sum:trace.http.request.errors{service:checkout,version:equal-v1}.as_count().rollup(sum, 60)',
        'sum:trace.http.request.hits{service:checkout,version:equal-v1}.as_count().rollup(sum, 60)',
        'sum:trace.http.request.errors{service:checkout,version:equal-v2}.as_count().rollup(sum, 60)',
        'sum:trace.http.request.hits{service:checkout,version:equal-v2}.as_count().rollup(sum, 60)',
        'avg:trace.http.request.duration{service:checkout,version:equal-v1}.rollup(avg, 60)',
        'avg:trace.http.request.duration{service:checkout,version:equal-v2}.rollup(avg, 60)',
        'max:trace.http.request.duration.p95{service:checkout,version:equal-v2}.rollup(max, 60)',
      ]),
    );
    for (const request of sim.requestLog) {
      expect(request.status).toBe(200);
      expect(request.from! % 60).toBe(0);
      expect(request.to! % 60).toBe(0);
    }
  });
});
