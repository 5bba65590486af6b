import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { runAnalysis } from '../../../src/core/analysis/loop.js';
import { cloudwatchDialect } from '../../../src/core/metrics/dialects/cloudwatch.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { createCloudWatchSource } from '../../../src/core/metrics/sources/cloudwatch.js';
import { parseSelector } from '../../../src/core/metrics/template.js';
import type { MetricSource } from '../../../src/core/metrics/types.js';
import { startCloudWatchSim, TEST_CREDENTIALS, type Datapoint, type RunningCloudWatchSim } from '../../../testkit/cloudwatch-sim/index.js';

// Slipway's analysis loop judging canaries from CloudWatch: the real AWS SDK against the test
// bed's CloudWatch (SigV4 checked, Metrics Insights, pages of 10 datapoints). An app publishes
// per-version metrics to its own namespace every 10 s — Requests, Errors (zeros included, as an
// app's PutMetricData does) and Latency — for the 30 minutes before the analysis and the 20 of it.
// Metrics of all three kinds: a rate (errors/requests, counted per minute bucket: `counts:
// interval`), a continuous one (mean latency) and a threshold (the canary's worst latency). The
// loop runs on a virtual clock 7 s past a minute, so it also shows the grid starting on the next
// whole minute. Draws come from a seeded generator: every run judges the same data.

const NAMESPACE = 'Shop/Web';
const START = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;
const METRICS = parseMetricsYaml(
  `
- name: error-rate
  kind: rate
  critical: true
  allowedIncrease: 100%
  errors: SELECT SUM(Errors) FROM SCHEMA("${NAMESPACE}", Version) WHERE {{selector}}
  requests: SELECT SUM(Requests) FROM SCHEMA("${NAMESPACE}", Version) WHERE {{selector}}
- name: latency
  kind: continuous
  critical: true
  allowedIncrease: 20%
  query: SELECT AVG(Latency) FROM SCHEMA("${NAMESPACE}", Version) WHERE {{selector}}
- name: worst-latency
  kind: threshold
  critical: true
  thresholds: {max: 0.5}
  query: SELECT MAX(Latency) FROM SCHEMA("${NAMESPACE}", Version) WHERE {{selector}}
`,
  'test metrics',
  cloudwatchDialect,
);

/** A seeded generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What one version serves: its error probability and latency (mean, and the spikes' height). */
interface Behaviour {
  errorRate: number;
  latency: number;
  spike?: number;
}

/** Ten-second observations of one version from `from` to `to` (unix seconds), as the app publishes them. */
function publish(version: string, behaviour: Behaviour, from: number, to: number, seed: number): Datapoint[] {
  const next = random(seed);
  const points: Datapoint[] = [];
  const at = (metric: string, time: number, value: number) => points.push({ namespace: NAMESPACE, metric, dimensions: { Version: version }, time, value });
  for (let time = from; time < to; time += 10) {
    const requests = 300;
    let errors = 0;
    for (let i = 0; i < requests; i++) if (next() < behaviour.errorRate) errors++;
    at('Requests', time + 3, requests);
    at('Errors', time + 3, errors);
    at('Latency', time + 3, behaviour.latency * (0.9 + 0.2 * next()) + (behaviour.spike && time % 300 === 0 ? behaviour.spike : 0));
  }
  return points;
}

describe('canary analysis against CloudWatch (the test bed simulator, through the real AWS SDK)', () => {
  let sim: RunningCloudWatchSim;
  let source: MetricSource;

  beforeAll(async () => {
    sim = await startCloudWatchSim({ region: 'eu-west-1', pageSize: 10 });
    const from = START - 1900;
    const to = START + 1500;
    sim.put([
      ...publish('good-v1', { errorRate: 0.01, latency: 0.1 }, from, to, 1),
      ...publish('good-v2', { errorRate: 0.01, latency: 0.1 }, from, to, 2),
      ...publish('errors-v1', { errorRate: 0.01, latency: 0.1 }, from, to, 3),
      ...publish('errors-v2', { errorRate: 0.05, latency: 0.1, spike: 0.6 }, from, to, 4),
      ...publish('slow-v1', { errorRate: 0.01, latency: 0.1 }, from, to, 5),
      ...publish('slow-v2', { errorRate: 0.01, latency: 0.15 }, from, to, 6),
    ]);
    source = await createCloudWatchSource(
      { type: 'cloudwatch', region: 'eu-west-1', endpoint: sim.url },
      { env: { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey }, retries: 1, retryDelayMs: 10 },
    );
  });
  afterAll(() => sim?.stop());

  const analyse = (scenario: 'good' | 'errors' | 'slow') =>
    runAnalysis({
      source,
      metrics: METRICS,
      canary: parseSelector(`Version="${scenario}-v2"`, 'canary-selector'),
      baseline: parseSelector(`Version="${scenario}-v1"`, 'baseline-selector'),
      durationSeconds: 1200,
      intervalSeconds: 60,
      historySeconds: 1800,
      config: { alpha: 0.001 },
      clock: new VirtualClock(new Date((START - 53) * 1000)),
    });

  test('a canary like its baseline passes on all three kinds of metric, counted per minute bucket', async () => {
    const result = await analyse('good');
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'pass' });
    expect(result.report.metrics.map((m) => [m.name, m.class])).toEqual([
      ['error-rate', 'pass'],
      ['latency', 'pass'],
      ['worst-latency', 'pass'],
    ]);
    // 7 s past a minute: the grid starts on the next whole one.
    expect(result.startedAt).toBe(new Date(START * 1000).toISOString());
    const rate = result.series[0];
    // Each interval is one bucket's own count: 6 observations of 300 requests a minute.
    expect(rate.counts!.canary.requests.slice(0, result.intervals)).toEqual(Array(result.intervals).fill(1800));
    // The baseline's 30 minutes before the start, read as whole buckets.
    expect(rate.history!.requests).toEqual(Array(30).fill(1800));
  });

  test('a canary with 5x the errors and latency spikes fails at the first interval, on the rate test and the threshold', async () => {
    const before = sim.requests.length;
    const result = await analyse('errors');
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'fail' });
    const byName = Object.fromEntries(result.report.metrics.map((m) => [m.name, m]));
    expect(byName['error-rate']).toMatchObject({ class: 'high', sequential: { decision: 'worse' } });
    expect(byName['worst-latency'].class).toBe('high');
    // Both only accumulate: the verdict cannot change, so the analysis stops.
    expect(result.stoppedEarly).toBe(true);
    expect(result.intervals).toBe(1);
    expect(result.stopReason).toBe('the verdict could no longer change');
    // Every request was a signed GetMetricData the simulator accepted; the history's answers came in pages.
    const requests = sim.requests.slice(before);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.status === 200 && r.accessKeyId === TEST_CREDENTIALS.accessKeyId)).toBe(true);
    expect(requests.some((r) => r.input.NextToken !== undefined)).toBe(true);
  });

  test('a canary 50% slower with the same errors fails on the latency comparison after the full duration', async () => {
    const result = await analyse('slow');
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'fail' });
    expect(result.report.metrics.map((m) => [m.name, m.class])).toEqual([
      ['error-rate', 'pass'],
      ['latency', 'high'],
      ['worst-latency', 'pass'],
    ]);
    expect(result.intervals).toBe(20);
  });
});
