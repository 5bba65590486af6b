import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { runAnalysis, type AnalysisResult } from '../../../src/core/analysis/loop.js';
import { parseMetricsYaml, type MetricDefinition } from '../../../src/core/metrics/metrics-config.js';
import { PrometheusSource } from '../../../src/core/metrics/prometheus.js';
import { parseSelector } from '../../../src/core/metrics/template.js';
import type { MetricSource } from '../../../src/core/metrics/types.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startVictoriaMetrics, type PushedSample, type RunningVictoriaMetrics } from '../../../testkit/bed/victoria-metrics.js';

// Slipway's analysis loop judging canaries from VictoriaMetrics (default flags). Each scenario's
// canary and baseline served 100 req/s for 20 minutes that ended 5 minutes ago; their counters and
// latency gauges, sampled every 5 s as a scrape would, are pushed with their timestamps, and the
// loop replays the last 5 minutes of them on a virtual clock, reading the 10 minutes before as the
// baseline's history. The errors are drawn from a seeded generator: every run judges the same data.

const describeIf = serverAvailable('victoria-metrics') ? describe : describe.skip;

const INTERVAL_SECONDS = 10;
const DURATION_SECONDS = 300;
const HISTORY_SECONDS = 600;
const REQUESTS_PER_SAMPLE = 500;

/** Each arm's error probability and typical latency (seconds). */
const SCENARIOS = {
  healthy: { baseline: { errorRate: 0.01, latency: 0.1 }, canary: { errorRate: 0.01, latency: 0.1 } },
  errors: { baseline: { errorRate: 0.01, latency: 0.1 }, canary: { errorRate: 0.05, latency: 0.1 } },
  slow: { baseline: { errorRate: 0.01, latency: 0.1 }, canary: { errorRate: 0.01, latency: 0.13 } },
};
type Scenario = keyof typeof SCENARIOS;

const [ERROR_RATE, LATENCY, LATENCY_LIMIT] = parseMetricsYaml(
  `
- name: error-rate
  kind: rate
  critical: true
  allowedIncrease: 100%
  errors: 'sum(vm_http_requests_total{{{selector}}, code=~"5.."}) or vector(0)'
  requests: 'sum(vm_http_requests_total{{{selector}}})'
- name: latency
  kind: continuous
  critical: true
  allowedIncrease: 10%
  query: 'avg(vm_request_latency_seconds{{{selector}}})'
- name: latency-limit
  kind: threshold
  thresholds: {max: 0.125}
  query: 'avg(vm_request_latency_seconds{{{selector}}})'
`,
  'test metrics',
);

/** A deterministic uniform generator in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One arm's scrapes from `fromMs` to `toMs`, every `everyMs`: its 2xx and 5xx counters and its latency. */
function armSamples(scenario: string, version: string, arm: { errorRate: number; latency: number }, fromMs: number, toMs: number, random: () => number, everyMs = 5000): PushedSample[] {
  const samples: PushedSample[] = [];
  let failed = 0;
  for (let timeMs = fromMs; timeMs <= toMs; timeMs += everyMs) {
    for (let i = 0; i < REQUESTS_PER_SAMPLE; i++) if (random() < arm.errorRate) failed++;
    const ok = ((timeMs - fromMs) / everyMs + 1) * REQUESTS_PER_SAMPLE - failed;
    const labels = { scenario, version };
    samples.push({ name: 'vm_http_requests_total', labels: { ...labels, code: '200' }, timeMs, value: ok });
    samples.push({ name: 'vm_http_requests_total', labels: { ...labels, code: '500' }, timeMs, value: failed });
    // ±5% around the typical latency.
    samples.push({ name: 'vm_request_latency_seconds', labels, timeMs, value: arm.latency * (0.95 + 0.1 * random()) });
  }
  return samples;
}

describeIf("the analysis loop judging canaries from VictoriaMetrics", () => {
  let vm: RunningVictoriaMetrics;
  let source: PrometheusSource;
  /** The analysis start, between two seconds as a real one is. */
  let start: Date;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    source = new PrometheusSource({ url: vm.url, retries: 0, timeoutMs: 5000 });
    const endMs = Math.floor(Date.now() / 1000) * 1000 - 5 * 60_000;
    start = new Date(endMs - DURATION_SECONDS * 1000 - 563);
    // Scrapes land 200 ms after the second, never on a grid point.
    const fromMs = endMs - 20 * 60_000 + 200;
    const random = seeded(17);
    await vm.push(
      Object.entries(SCENARIOS).flatMap(([scenario, arms]) => [
        ...armSamples(scenario, 'baseline', arms.baseline, fromMs, endMs + 60_000, random),
        ...armSamples(scenario, 'canary', arms.canary, fromMs, endMs + 60_000, random),
      ]),
    );
  });

  afterAll(() => vm?.stop());

  /**
   * The loop over the pushed window. The window is minutes old and VictoriaMetrics' clock is now, so
   * the source goes in without its clock: the check of the clocks before the first interval would
   * refuse the replay (that check against VictoriaMetrics is in prometheus-api.test.ts).
   */
  function analyse(scenario: Scenario, metrics: MetricDefinition[], historySeconds = 0): Promise<AnalysisResult> {
    const pastWindow: MetricSource = { type: source.type, queryRange: (query, window) => source.queryRange(query, window), queryInstant: (query, time) => source.queryInstant(query, time) };
    return runAnalysis({
      source: pastWindow,
      metrics,
      canary: parseSelector(`scenario="${scenario}", version="canary"`, 'canary-selector'),
      baseline: parseSelector(`scenario="${scenario}", version="baseline"`, 'baseline-selector'),
      durationSeconds: DURATION_SECONDS,
      intervalSeconds: INTERVAL_SECONDS,
      historySeconds,
      clock: new VirtualClock(start),
    });
  }

  const summary = (result: AnalysisResult) => ({ verdict: result.report.verdict, classes: result.report.metrics.map((m) => m.class), reasons: result.report.reasons });

  test('rate metric: a canary erring as often as its baseline passes, one erring 5× as often fails early', async () => {
    const [healthy, erring] = await Promise.all([analyse('healthy', [ERROR_RATE]), analyse('errors', [ERROR_RATE])]);
    expect(summary(healthy)).toMatchObject({ verdict: 'pass', classes: ['pass'] });
    expect(summary(erring)).toMatchObject({ verdict: 'fail', classes: ['high'] });
    expect(erring.report.metrics[0].sequential?.decision).toBe('worse');
    expect(erring.stoppedEarly).toBe(true);
    expect(erring.intervals).toBeLessThan(erring.plannedIntervals);
  });

  test('every interval the loop read holds whole counts: 1,000 requests per arm, errors of the counters pushed', async () => {
    const result = await analyse('healthy', [ERROR_RATE]);
    const counts = result.series[0].counts!;
    expect(result.series[0].missingIntervals).toBe(0);
    expect(counts.canary.requests).toEqual(Array(result.intervals).fill(2 * REQUESTS_PER_SAMPLE));
    expect(counts.baseline.requests).toEqual(Array(result.intervals).fill(2 * REQUESTS_PER_SAMPLE));
    // Around 1% of them, drawn per request.
    const errors = counts.canary.errors.reduce((a, b) => a + b, 0) / (result.intervals * 2 * REQUESTS_PER_SAMPLE);
    expect(errors).toBeGreaterThan(0.005);
    expect(errors).toBeLessThan(0.02);
  });

  test("the baseline's history, 60 intervals before the start, is read on the analysis grid", async () => {
    const result = await analyse('errors', [ERROR_RATE], HISTORY_SECONDS);
    const history = result.series[0].history!;
    expect(history.requests).toEqual(Array(HISTORY_SECONDS / INTERVAL_SECONDS).fill(2 * REQUESTS_PER_SAMPLE));
    expect(history.errors.every((e) => Number.isInteger(e) && e >= 0)).toBe(true);
    expect(summary(result)).toMatchObject({ verdict: 'fail', classes: ['high'] });
  });

  test('continuous metric: a canary as fast as its baseline passes, one 30% slower fails', async () => {
    const [healthy, slow] = await Promise.all([analyse('healthy', [LATENCY]), analyse('slow', [LATENCY])]);
    expect(summary(healthy)).toMatchObject({ verdict: 'pass', classes: ['pass'] });
    expect(summary(slow)).toMatchObject({ verdict: 'fail', classes: ['high'] });
    // Continuous metrics are fixed-sample checks: every interval is read.
    expect([healthy.intervals, slow.intervals]).toEqual([DURATION_SECONDS / INTERVAL_SECONDS, DURATION_SECONDS / INTERVAL_SECONDS]);
    expect(healthy.series[0].canary.every((v) => v > 0.09 && v < 0.11)).toBe(true);
  });

  test('threshold metric: a canary under 125 ms passes, one around 130 ms breaches it and fails', async () => {
    const [healthy, slow] = await Promise.all([analyse('healthy', [LATENCY_LIMIT]), analyse('slow', [LATENCY_LIMIT])]);
    expect(summary(healthy)).toMatchObject({ verdict: 'pass', classes: ['pass'] });
    expect(summary(slow).verdict).toBe('fail');
    expect(slow.report.metrics[0].class).not.toBe('pass');
    // A breach only accumulates: the analysis stops at the first.
    expect(slow.stoppedEarly).toBe(true);
  });
});

describeIf('VictoriaMetrics hides its newest 30 s (-search.latencyOffset): an analysis whose intervals are shorter', () => {
  const servers: RunningVictoriaMetrics[] = [];
  let start: Date;
  afterAll(() => Promise.all(servers.map((server) => server.stop())));

  /** The healthy arms' last minute, scraped every second, pushed to a server started with `flags`. */
  async function serverWithTheLastMinute(flags: string[]): Promise<PrometheusSource> {
    const server = await startVictoriaMetrics({ flags });
    servers.push(server);
    const nowMs = Math.floor(Date.now() / 1000) * 1000;
    // The window: 10 s, ending 2 s ago; the pushed minute ends now.
    start = new Date(nowMs - 12_000 - 563);
    const random = seeded(23);
    const { baseline, canary } = SCENARIOS.healthy;
    await server.push([...armSamples('recent', 'baseline', baseline, nowMs - 60_000 + 200, nowMs, random, 1000), ...armSamples('recent', 'canary', canary, nowMs - 60_000 + 200, nowMs, random, 1000)]);
    return new PrometheusSource({ url: server.url, retries: 0, timeoutMs: 5000 });
  }

  /** Two-second intervals over the window, each read as the loop reads it. */
  function analyseTheWindow(source: PrometheusSource): Promise<AnalysisResult> {
    // Without its clock, as above: the window started seconds before the virtual clock's now.
    const recentWindow: MetricSource = { type: source.type, queryRange: (query, window) => source.queryRange(query, window), queryInstant: (query, time) => source.queryInstant(query, time) };
    return runAnalysis({
      source: recentWindow,
      metrics: [ERROR_RATE],
      canary: parseSelector('scenario="recent", version="canary"', 'canary-selector'),
      baseline: parseSelector('scenario="recent", version="baseline"', 'baseline-selector'),
      durationSeconds: 10,
      intervalSeconds: 2,
      historySeconds: 0,
      clock: new VirtualClock(start),
    });
  }

  test('reads no data with the default flags: nodata, never a pass', async () => {
    const result = await analyseTheWindow(await serverWithTheLastMinute([]));
    expect(result.report.metrics.map((m) => m.class)).toEqual(['nodata']);
    expect(result.report.verdict).not.toBe('pass');
    expect(result.series[0].missingIntervals).toBe(result.intervals);
  });

  test('reads every interval once the offset is below the interval', async () => {
    const result = await analyseTheWindow(await serverWithTheLastMinute(['-search.latencyOffset=1s']));
    expect(result.series[0].missingIntervals).toBe(0);
    expect(result.series[0].counts!.canary.requests).toEqual(Array(result.intervals).fill(2 * REQUESTS_PER_SAMPLE));
  });
});
