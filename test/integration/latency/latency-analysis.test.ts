import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runAnalysis } from '../../../src/core/analysis/loop.js';
import { RecordingLogger } from '../../../src/core/log.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { PrometheusSource } from '../../../src/core/metrics/prometheus.js';
import { parseSelector } from '../../../src/core/metrics/template.js';
import { freePort } from '../../../testkit/bed/ports.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startLatencyBed, type LatencyBed } from '../../support/latency-bed.js';

// Latency judged anytime-valid against the real thing: the Debian Prometheus scrapes a real
// prom-client histogram every second; each scenario has its own version labels, so the scenarios
// run side by side against one Prometheus.

const describeIf = serverAvailable('prometheus') ? describe : describe.skip;

const SCENARIOS = {
  healthy: { baseline: 0.2, canary: 0.2 },
  regression: { baseline: 0.2, canary: 0.45 },
};
type Scenario = keyof typeof SCENARIOS;

const metrics = (fields: string) => parseMetricsYaml(`- {name: slow-requests, kind: latency, critical: true, histogram: http_request_duration_seconds, ${fields}}`, 'test metrics');

describeIf('latency metrics against the real Prometheus', () => {
  let bed: LatencyBed;
  let source: PrometheusSource;

  beforeAll(async () => {
    const versions = Object.entries(SCENARIOS).flatMap(([name, share]) => [{ version: `${name}-v1`, slowShare: share.baseline }, { version: `${name}-v2`, slowShare: share.canary }]);
    bed = await startLatencyBed(versions, 1000);
    source = new PrometheusSource({ url: bed.prometheus.url, retries: 1, retryDelayMs: 100 });
  });

  afterAll(() => bed?.stop());

  const analyse = (scenario: Scenario, fields = 'slowerThan: 300ms, allowedIncrease: 50%', options: { logger?: RecordingLogger; source?: PrometheusSource } = {}) =>
    runAnalysis({
      source: options.source ?? source,
      metrics: metrics(fields),
      canary: parseSelector(`version="${scenario}-v2"`, 'canary-selector'),
      baseline: parseSelector(`version="${scenario}-v1"`, 'baseline-selector'),
      durationSeconds: 40,
      intervalSeconds: 1,
      historySeconds: 0,
      // The healthy scenario is a null: at 0.1% it rolls back in one run of a thousand at most.
      config: { alpha: 0.001 },
      logger: options.logger,
    });

  test('side by side: a healthy canary passes early, one with twice the slow requests fails early, both well before the planned end', async () => {
    const [healthy, regression] = await Promise.all([analyse('healthy'), analyse('regression')]);

    expect({ verdict: healthy.report.verdict, reasons: healthy.report.reasons }).toMatchObject({ verdict: 'pass' });
    expect(healthy.report.metrics[0]).toMatchObject({ kind: 'rate', class: 'pass', sequential: { decision: 'not-worse' } });
    expect(healthy.report.metrics[0].reason).toContain('of the share of requests slower than 300ms, canary/baseline');
    expect(healthy.stoppedEarly).toBe(true);
    expect(healthy.intervals).toBeLessThan(healthy.plannedIntervals / 2);

    expect({ verdict: regression.report.verdict, reasons: regression.report.reasons }).toMatchObject({ verdict: 'fail' });
    expect(regression.report.metrics[0]).toMatchObject({ class: 'high', sequential: { decision: 'worse' } });
    expect(regression.report.metrics[0].reason).toMatch(/^ratio [\d.]+ of the share of requests slower than 300ms, canary\/baseline .*: the canary is worse than the baseline/);
    expect(regression.stoppedEarly).toBe(true);
    expect(regression.intervals).toBeLessThan(regression.plannedIntervals / 2);
    // The counts are whole requests, read from the histogram's counters: about 1000 a second, of which the set share is slow.
    const counts = regression.series[0].counts!;
    const sum = (values: number[]) => values.filter(Number.isFinite).reduce((a, b) => a + b, 0);
    const share = (side: 'canary' | 'baseline') => sum(counts[side].errors) / sum(counts[side].requests);
    expect(share('canary')).toBeGreaterThan(0.38);
    expect(share('canary')).toBeLessThan(0.52);
    expect(share('baseline')).toBeGreaterThan(0.15);
    expect(share('baseline')).toBeLessThan(0.25);
  });

  test('a threshold between two bucket bounds is refused before the first interval, naming both neighbours', async () => {
    const started = Date.now();
    await expect(analyse('healthy', 'slowerThan: 250ms')).rejects.toThrow(
      'Metric "slow-requests": slowerThan 250ms lies between the bucket bounds 200ms and 300ms of histogram http_request_duration_seconds for the canary (version="healthy-v2") on prometheus, so its buckets cannot count the requests slower than 250ms. Fix: set slowerThan to 200ms or 300ms, or give the histogram a bucket at 250ms; the analysis did not start.',
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('a histogram Prometheus does not have is refused, naming the source, the metric and the fix', async () => {
    const wrongName = parseMetricsYaml('- {name: slow-requests, kind: latency, histogram: http_request_latency_seconds, slowerThan: 300ms}', 'test metrics');
    await expect(
      runAnalysis({ source, metrics: wrongName, canary: parseSelector('version="healthy-v2"', 'c'), baseline: parseSelector('version="healthy-v1"', 'b'), durationSeconds: 10, intervalSeconds: 1, historySeconds: 0 }),
    ).rejects.toThrow(
      'Metric "slow-requests": prometheus has no series http_request_latency_seconds_bucket for the canary (version="healthy-v2") nor the baseline (version="healthy-v1"). Fix: check the histogram\'s name (its base name, without _bucket) and the selectors',
    );
  });

  test('an unreachable Prometheus is an error naming the metric, the URL and the fix; the analysis does not start', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const unreachable = new PrometheusSource({ url, retries: 0, timeoutMs: 1000 });
    await expect(analyse('healthy', 'slowerThan: 300ms', { source: unreachable, logger: new RecordingLogger() })).rejects.toThrow(
      new RegExp(`^Metric "slow-requests": cannot read the bucket bounds of histogram http_request_duration_seconds for the canary \\(version="healthy-v2"\\) from prometheus: Prometheus at ${url} is unreachable: ECONNREFUSED\\. Fix: check the prometheus URL`),
    );
  });

  test('an answer of the wrong shape is an error naming the metric, the URL and what was expected; the analysis does not start', async () => {
    // Something that is not Prometheus, answering 200 with another API's body.
    const server = createServer((_request, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resultType":"matrix","result":"nothing"}}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(analyse('healthy', 'slowerThan: 300ms', { source: new PrometheusSource({ url, retries: 0 }), logger: new RecordingLogger() })).rejects.toThrow(
        `Metric "slow-requests": cannot read the bucket bounds of histogram http_request_duration_seconds for the canary (version="healthy-v2") from prometheus: Prometheus at ${url} answered /api/v1/query for query count by (le) (http_request_duration_seconds_bucket{version="healthy-v2"}) with a matrix result that is not a list ("nothing")`,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
