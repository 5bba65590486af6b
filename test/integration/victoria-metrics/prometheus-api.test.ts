import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { runAnalysis } from '../../../src/core/analysis/loop.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { PrometheusError, PrometheusSource } from '../../../src/core/metrics/prometheus.js';
import { parseSelector } from '../../../src/core/metrics/template.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startPrometheus, type RunningPrometheus } from '../../../testkit/bed/prometheus.js';
import { startVictoriaMetrics, type PushedSample, type RunningVictoriaMetrics } from '../../../testkit/bed/victoria-metrics.js';

// Slipway's Prometheus source against the second implementation of the Prometheus API it is
// tested with: the Debian VictoriaMetrics, single-node, run with its default flags — a
// -search.latencyOffset of 30 s among them — as users run it. Samples are pushed with their own
// timestamps, so no test waits for a scrape.

const describeIf = serverAvailable('victoria-metrics') && serverAvailable('prometheus') ? describe : describe.skip;

/** A counter growing by 7 a second from `fromMs`, sampled every 5 s, as one series per `arm`. */
function counterSamples(name: string, arm: string, fromMs: number, toMs: number): PushedSample[] {
  const samples: PushedSample[] = [];
  for (let timeMs = fromMs; timeMs <= toMs; timeMs += 5000) samples.push({ name, labels: { arm }, timeMs, value: (7 * (timeMs - fromMs)) / 1000 });
  return samples;
}

describeIf("Slipway's Prometheus source against VictoriaMetrics", () => {
  let vm: RunningVictoriaMetrics;
  let source: PrometheusSource;
  /** Where the old samples start: 20 minutes ago, on a whole second. */
  let pastMs: number;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    source = new PrometheusSource({ url: vm.url, retries: 0, timeoutMs: 5000 });
    pastMs = Math.floor(Date.now() / 1000) * 1000 - 20 * 60_000;
    await vm.push([...counterSamples('vm_test_requests_total', 'a', pastMs, pastMs + 900_000), ...counterSamples('vm_test_requests_total', 'b', pastMs, pastMs + 900_000)]);
  });

  afterAll(() => vm?.stop());

  test('a range query of 60 points starting between two seconds is evaluated exactly at start + k·step, as Prometheus does', async () => {
    const start = new Date(pastMs + 60_000 + 437);
    const samples = await source.queryRange('sum(vm_test_requests_total{arm="a"})', { start, end: new Date(start.getTime() + 59 * 10_000), stepSeconds: 10 });
    expect(samples).toHaveLength(60);
    // The analysis grid: the times the loop asks for, to the millisecond.
    expect(samples.map((s) => s.time)).toEqual(Array.from({ length: 60 }, (_, k) => start.getTime() / 1000 + k * 10));
    // At each point the latest sample at or before it: pushed every 5 s, 7 per second.
    expect(samples.map((s) => s.value)).toEqual(samples.map((s) => 7 * 5 * Math.floor((s.time * 1000 - pastMs) / 5000)));
  });

  test('an instant query reads the value at the time asked; no match is NaN; several series must be aggregated', async () => {
    expect(await source.queryInstant('sum(vm_test_requests_total)', new Date(pastMs + 100_000))).toBe(2 * 700);
    expect(await source.queryInstant('sum(vm_test_requests_total{arm="none"})', new Date(pastMs + 100_000))).toBeNaN();
    await expect(source.queryInstant('vm_test_requests_total', new Date(pastMs + 100_000))).rejects.toThrow(
      'Query vm_test_requests_total returned 2 series; aggregate it to one (e.g. wrap it in sum(…)).',
    );
  });

  test("the server's time is its clock, not 30 s behind it: an analysis with a 30 s interval starts", async () => {
    const before = Date.now();
    const serverTime = (await source.serverTime()).getTime();
    // Same machine, same clock: only the request's own time lies between them.
    expect(serverTime).toBeGreaterThanOrEqual(before - 1000);
    expect(serverTime).toBeLessThanOrEqual(Date.now() + 1000);

    // The clock check before the first interval would refuse a server 30 s behind (more than half
    // of 30 s); the windows read are in the future here, so the metric simply has no data.
    const metrics = parseMetricsYaml(`- {name: requests, kind: continuous, query: 'sum(vm_test_requests_total{{{selector}}})'}`, 'test metrics');
    const result = await runAnalysis({
      source,
      metrics,
      canary: parseSelector('arm="a"', 'canary'),
      baseline: parseSelector('arm="b"', 'baseline'),
      durationSeconds: 30,
      intervalSeconds: 30,
      historySeconds: 0,
      clock: new VirtualClock(new Date()),
    });
    expect(result.report.metrics.map((m) => m.class)).toEqual(['nodata']);
  });

  test('the newest 30 s are hidden from range queries with a step under a minute, and shown at a step of one', async () => {
    const nowMs = Math.floor(Date.now() / 1000) * 1000;
    await vm.push(counterSamples('vm_test_fresh_total', 'a', nowMs - 120_000, nowMs));
    const lastPushed = (7 * 120_000) / 1000;
    const end = new Date(nowMs);
    // -search.latencyOffset (30 s): points that recent are dropped at steps under
    // -search.maxStepForPointsAdjustment (1 m), where Prometheus would answer them.
    expect(await source.queryRange('sum(vm_test_fresh_total)', { start: new Date(nowMs - 20_000), end, stepSeconds: 10 })).toEqual([]);
    const minutely = await source.queryRange('sum(vm_test_fresh_total)', { start: new Date(nowMs - 60_000), end, stepSeconds: 60 });
    expect(minutely).toEqual([
      { time: nowMs / 1000 - 60, value: lastPushed - 7 * 60 },
      { time: nowMs / 1000, value: lastPushed },
    ]);
  });

  describe('a query the server rejects', () => {
    let prometheus: RunningPrometheus;
    beforeAll(async () => {
      // Nothing to scrape: it only parses queries.
      prometheus = await startPrometheus({ targets: ['127.0.0.1:9'] });
    });
    afterAll(() => prometheus?.stop());

    /** The error a source with retries gives for a query; thrown at once, not retried. */
    async function rejection(url: string, run: (source: PrometheusSource) => Promise<unknown>): Promise<PrometheusError> {
      const error = await run(new PrometheusSource({ url, retries: 3 })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PrometheusError);
      return error as PrometheusError;
    }

    test.each([
      ['an instant query that does not parse', 'query', (s: PrometheusSource) => s.queryInstant('sum(rate(x[5m])')],
      ['a range query of an unknown function', 'query_range', (s: PrometheusSource) => s.queryRange('nosuchfunction(x)', { start: new Date(pastMs), end: new Date(pastMs + 60_000), stepSeconds: 10 })],
    ])('%s fails with the same message shape as with Prometheus, quoting the server, not retried', async (_, endpoint, run) => {
      const fromVictoriaMetrics = await rejection(vm.url, run);
      const fromPrometheus = await rejection(prometheus.url, run);
      const query = endpoint === 'query' ? 'sum(rate(x[5m])' : 'nosuchfunction(x)';
      const shape = new RegExp(`^Prometheus ${endpoint} failed \\(HTTP 4\\d\\d\\) for query ${query.replace(/[()[\]]/g, '\\$&')}: \\S+: .+`);
      expect(fromPrometheus.message).toMatch(shape);
      expect(fromVictoriaMetrics.message).toMatch(shape);
      // VictoriaMetrics answers 422 with its own wording; either way the query it could not run is named.
      expect(fromVictoriaMetrics.status).toBe(422);
      expect(fromVictoriaMetrics.message).toMatch(endpoint === 'query' ? /unexpected token/ : /unknown func "nosuchfunction"/);
      expect([fromPrometheus.retryable, fromVictoriaMetrics.retryable]).toEqual([false, false]);
    });
  });
});
