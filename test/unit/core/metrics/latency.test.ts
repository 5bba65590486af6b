import { describe, expect, test } from '@jest/globals';
import { Random } from '../../../../bench/judge/random.js';
import { VirtualClock } from '../../../../src/core/analysis/clock.js';
import { runAnalysis } from '../../../../src/core/analysis/loop.js';
import { RecordingLogger } from '../../../../src/core/log.js';
import { FileSource } from '../../../../src/core/metrics/file.js';
import { checkLatencyBounds, formatLatency, matchBound, parseSlowerThan } from '../../../../src/core/metrics/latency.js';
import { parseMetricsYaml, type MetricDefinition, type RateMetricDefinition } from '../../../../src/core/metrics/metrics-config.js';
import { parseSelector } from '../../../../src/core/metrics/template.js';
import type { LabelledValue, MetricSource } from '../../../../src/core/metrics/types.js';
import { metricChart } from '../../../../src/core/report/mermaid.js';

// The `latency` kind: a rate metric over a histogram's slow requests (docs/analysis.md, "Latency metrics").

const canary = parseSelector('version="v2"', 'canary-selector');
const baseline = parseSelector('version="v1"', 'baseline-selector');
const latencyMetric = (fields = 'slowerThan: 300ms') => parseMetricsYaml(`- {name: slow, kind: latency, histogram: http_request_duration_seconds, ${fields}}`, "input 'metrics'");
const parseError = (text: string) => {
  try {
    parseMetricsYaml(text, "input 'metrics'");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('parsed');
};

describe('latency metric definitions', () => {
  test('a latency metric is a rate metric whose errors are the requests slower than the threshold, counted from the histogram', () => {
    const [metric] = parseMetricsYaml(
      `- name: slow-requests
  kind: latency
  histogram: http_request_duration_seconds
  slowerThan: 300ms
  allowedIncrease: 50%
  negligibleShare: 0.5%
  detect: 3x
  critical: true`,
      "input 'metrics'",
    );
    expect(metric).toEqual({
      name: 'slow-requests',
      kind: 'rate',
      direction: 'increase',
      critical: true,
      weight: 1,
      muted: false,
      errors: 'sum(http_request_duration_seconds_count{{{selector}}}) - sum(http_request_duration_seconds_bucket{{{selector}}, le="0.3"})',
      requests: 'sum(http_request_duration_seconds_count{{{selector}}})',
      allowedRatio: 1.5,
      negligibleRate: 0.005,
      detect: 3,
      latency: { histogram: 'http_request_duration_seconds', slowerThanSeconds: 0.3 },
    });
  });

  test.each([
    ['300ms', 0.3],
    ['0.3s', 0.3],
    ['1.5s', 1.5],
    ['2s', 2],
    ['2.5ms', 0.0025],
  ])('slowerThan %s is %s s', (text, seconds) => {
    expect(parseSlowerThan(text)).toBeCloseTo(seconds, 12);
    expect(formatLatency(parseSlowerThan(text))).toBe(seconds < 1 ? `${seconds * 1000}ms` : `${seconds}s`);
  });

  test('a whole-second threshold matches both spellings of its bound until the analysis reads the real one', () => {
    expect((latencyMetric('slowerThan: 1s')[0] as RateMetricDefinition).errors).toContain('le=~"1|1\\\\.0"');
  });

  test.each([
    ['slowerThan: 300', 'field slowerThan: expected a latency such as 300ms or 0.3s (a number and the unit ms or s), got 300. Fix: give the unit, e.g. 300ms or 300s'],
    ['slowerThan: fast', 'field slowerThan: expected a latency such as 300ms or 0.3s'],
    ['slowerThan: 0ms', 'field slowerThan: expected a latency above 0'],
    ['allowedIncrease: 0%, slowerThan: 1s', 'field allowedIncrease'],
  ])('%s is refused naming the field', (fields, message) => {
    expect(parseError(`- {name: slow, kind: latency, histogram: h_seconds, ${fields}}`)).toContain(`metrics[0] "slow": ${message}`);
  });

  test('a missing histogram or threshold, a series name for the histogram, another direction and rate fields are refused with the fix', () => {
    expect(parseError('- {name: slow, kind: latency, histogram: h_seconds}')).toContain('field slowerThan: expected a latency such as 300ms');
    expect(parseError('- {name: slow, kind: latency, slowerThan: 300ms}')).toContain('field histogram: expected the base name of a Prometheus histogram, e.g. http_request_duration_seconds');
    expect(parseError('- {name: slow, kind: latency, histogram: http_request_duration_seconds_bucket, slowerThan: 300ms}')).toContain('without _bucket, _count or _sum, got "http_request_duration_seconds_bucket". Fix: write histogram: http_request_duration_seconds');
    expect(parseError('- {name: slow, kind: latency, histogram: h_seconds, slowerThan: 300ms, direction: decrease}')).toContain('field direction: a latency metric counts the requests slower than its threshold, and more of them is the harm: expected increase');
    expect(parseError('- {name: slow, kind: latency, histogram: h_seconds, slowerThan: 300ms, errors: x}')).toContain('unknown field errors; a latency metric has name, kind, direction, critical, weight, muted, histogram, slowerThan, allowedIncrease, negligibleShare, detect.');
    expect(parseError('- {name: slow, kind: latncy}')).toContain('field kind: expected rate, latency, continuous or threshold, got "latncy".');
  });
});

describe('bucket bounds', () => {
  const seconds = { histogram: 'http_request_duration_seconds', slowerThanSeconds: 0.3 };
  test('bounds are compared as numbers, whatever their spelling', () => {
    expect(matchBound(['0.1', '0.30', '3e-1', '0.5', '+Inf'], seconds)).toEqual({ found: true, spellings: ['0.30', '3e-1'] });
  });
  test('a threshold between bounds names the nearest below and above', () => {
    expect(matchBound(['0.1', '0.25', '0.5', '1', '+Inf'], seconds)).toEqual({ found: false, lower: 0.25, upper: 0.5 });
    expect(matchBound(['0.05', '0.1', '+Inf'], seconds)).toEqual({ found: false, lower: 0.1, upper: undefined });
    expect(matchBound(['0.5', '1', '+Inf'], seconds)).toEqual({ found: false, lower: undefined, upper: 0.5 });
  });
  test('a …_milliseconds histogram has its bounds in milliseconds', () => {
    expect(matchBound(['250', '300', '+Inf'], { histogram: 'rpc_latency_milliseconds', slowerThanSeconds: 0.3 })).toEqual({ found: true, spellings: ['300'] });
  });
});

/** A metric source whose instant series answer the bucket bounds each selector's histogram has. */
class BoundsSource extends FileSource implements MetricSource {
  readonly asked: string[] = [];
  constructor(
    private readonly bounds: Record<string, string[] | Error>,
    document: unknown = { series: {} },
  ) {
    super({ document });
  }
  async queryInstantSeries(query: string): Promise<LabelledValue[]> {
    this.asked.push(query);
    const version = /version="(v\d)"/.exec(query)?.[1] ?? '';
    const bounds = this.bounds[version] ?? [];
    if (bounds instanceof Error) throw bounds;
    return bounds.map((le) => ({ labels: { le }, value: 1 }));
  }
}

const check = (source: MetricSource, metrics: MetricDefinition[] = latencyMetric(), logger = new RecordingLogger()) => checkLatencyBounds(metrics, { source, canary, baseline, intervalSeconds: 10, logger });
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.3', '0.5', '1', '2.5', '+Inf'];

describe('the bucket check before the first interval', () => {
  test('a threshold that is a bound of both sides passes, and the errors query names the spellings the sides use', async () => {
    const source = new BoundsSource({ v1: ['0.1', '0.30', '+Inf'], v2: ['0.1', '0.3', '+Inf'] });
    const [metric] = (await check(source)) as RateMetricDefinition[];
    expect(source.asked).toEqual(['count by (le) (http_request_duration_seconds_bucket{version="v2"})', 'count by (le) (http_request_duration_seconds_bucket{version="v1"})']);
    expect(metric.errors).toBe('sum(http_request_duration_seconds_count{{{selector}}}) - sum(http_request_duration_seconds_bucket{{{selector}}, le=~"0\\\\.3|0\\\\.30"})');
  });

  test('a threshold between two bounds is refused, naming both neighbours and the fix', async () => {
    const source = new BoundsSource({ v1: BUCKETS, v2: BUCKETS });
    await expect(check(source, latencyMetric('slowerThan: 400ms'))).rejects.toThrow(
      'Metric "slow": slowerThan 400ms lies between the bucket bounds 300ms and 500ms of histogram http_request_duration_seconds for the canary (version="v2") on file, so its buckets cannot count the requests slower than 400ms. Fix: set slowerThan to 300ms or 500ms, or give the histogram a bucket at 400ms; the analysis did not start.',
    );
    await expect(check(source, latencyMetric('slowerThan: 5s'))).rejects.toThrow('slowerThan 5s is above the largest bucket bound (2.5s) of histogram http_request_duration_seconds');
  });

  test('a canary whose new buckets lack the threshold is refused, naming the canary', async () => {
    const source = new BoundsSource({ v1: BUCKETS, v2: ['0.2', '0.4', '+Inf'] });
    await expect(check(source)).rejects.toThrow('slowerThan 300ms lies between the bucket bounds 200ms and 400ms of histogram http_request_duration_seconds for the canary (version="v2")');
  });

  test('a histogram neither side has is refused, naming the source, the metric and the fix', async () => {
    await expect(check(new BoundsSource({}))).rejects.toThrow(
      'Metric "slow": file has no series http_request_duration_seconds_bucket for the canary (version="v2") nor the baseline (version="v1"). Fix: check the histogram\'s name',
    );
  });

  test('a source that fails is an error naming the metric, the side and the source, never a pass', async () => {
    const source = new BoundsSource({ v2: new Error('Prometheus at http://prom:9090 is unreachable: ECONNREFUSED') });
    await expect(check(source)).rejects.toThrow(
      'Metric "slow": cannot read the bucket bounds of histogram http_request_duration_seconds for the canary (version="v2") from file: Prometheus at http://prom:9090 is unreachable: ECONNREFUSED. Fix: check the file URL',
    );
  });

  test('a canary not scraped yet is a warning; the baseline\'s bounds are checked', async () => {
    const logger = new RecordingLogger();
    const [metric] = (await check(new BoundsSource({ v1: BUCKETS }), latencyMetric(), logger)) as RateMetricDefinition[];
    expect(metric.errors).toContain('le="0.3"');
    expect(logger.at('warning').join('\n')).toContain('metric slow: the canary has no series http_request_duration_seconds_bucket yet, so its bounds were not checked');
  });

  test('other metrics, and sources that cannot list labels, are left as they are', async () => {
    const rate = parseMetricsYaml(`- {name: errors, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}`, 'test');
    const source = new BoundsSource({});
    expect(await check(source, rate)).toEqual(rate);
    expect(source.asked).toEqual([]);
    const plain = new FileSource({ document: { series: {} } });
    expect(await check(plain)).toEqual(latencyMetric());
  });
});

describe('a latency metric in the analysis loop', () => {
  const START = new Date('2026-01-01T00:00:00Z');
  const T0 = START.getTime() / 1000;
  /** Saved histogram counters of both versions: `perInterval` requests, each slower than 300 ms with the side's probability. */
  function histogramSeries(slowShare: Record<'v1' | 'v2', number>, intervals = 180, perInterval = 500) {
    const random = new Random(7);
    const series: Record<string, [number, number][]> = {};
    for (const version of ['v1', 'v2'] as const) {
      let count = 0;
      let fast = 0;
      const counts: [number, number][] = [];
      const buckets: [number, number][] = [];
      for (let i = 0; i <= intervals; i++) {
        if (i > 0) {
          count += perInterval;
          fast += perInterval - random.binomial(perInterval, slowShare[version]);
        }
        counts.push([T0 + i * 10, count]);
        buckets.push([T0 + i * 10, fast]);
      }
      // The rendered queries, as the loop sends them: count − bucket, and count.
      series[`sum(http_request_duration_seconds_count{version="${version}"}) - sum(http_request_duration_seconds_bucket{version="${version}", le="0.3"})`] = counts.map(([t, c], i) => [t, c - buckets[i][1]]);
      series[`sum(http_request_duration_seconds_count{version="${version}"})`] = counts;
    }
    return { series };
  }
  const analyse = (slowShare: Record<'v1' | 'v2', number>) =>
    runAnalysis({
      source: new BoundsSource({ v1: BUCKETS, v2: BUCKETS }, histogramSeries(slowShare)),
      metrics: latencyMetric('slowerThan: 300ms, critical: true'),
      canary,
      baseline,
      durationSeconds: 1800,
      intervalSeconds: 10,
      historySeconds: 0,
      clock: new VirtualClock(START),
    });

  test('a canary with three times the slow requests fails early, its reason and chart speaking of slow requests', async () => {
    const result = await analyse({ v1: 0.02, v2: 0.06 });
    expect(result.report.verdict).toBe('fail');
    expect(result.stoppedEarly).toBe(true);
    expect(result.intervals).toBeLessThan(result.plannedIntervals / 2);
    expect(result.report.metrics[0].reason).toMatch(/^ratio [\d.]+ of the share of requests slower than 300ms, canary\/baseline \(confidence sequence [\d.]+–[\d.]+\): the canary is worse than the baseline/);
    expect(result.series[0]).toMatchObject({ kind: 'rate', events: 'requests slower than 300ms' });
    expect(metricChart(result.series[0])).toContain('y-axis "% of requests slower than 300ms"');
  });

  test('an equal canary passes early, once its share of slow requests is shown within the allowed increase', async () => {
    const result = await analyse({ v1: 0.1, v2: 0.1 });
    expect(result.report.verdict).toBe('pass');
    expect(result.stoppedEarly).toBe(true);
    expect(result.report.metrics[0].reason).toMatch(/^ratio [\d.]+ of the share of requests slower than 300ms, canary\/baseline .* lies under the allowed ratio 1.2/);
  });
});
