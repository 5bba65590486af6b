import { Random } from '../../../../bench/judge/random.js';
import { describe, expect, test } from '@jest/globals';
import { VirtualClock } from '../../../../src/core/analysis/clock.js';
import { runAnalysis, type AnalysisProgress } from '../../../../src/core/analysis/loop.js';
import { judge } from '../../../../src/core/judge/index.js';
import type { JudgeInput, RateMetricInput } from '../../../../src/core/judge/types.js';
import { RecordingLogger } from '../../../../src/core/log.js';
import { FileSource } from '../../../../src/core/metrics/file.js';
import { parseMetricsYaml, type MetricDefinition } from '../../../../src/core/metrics/metrics-config.js';
import { parseSelector } from '../../../../src/core/metrics/template.js';
import type { MetricSource, QueryWindow } from '../../../../src/core/metrics/types.js';

// The loop over saved series (the file source) on a virtual clock: 10 s intervals, so a 30-minute
// analysis runs in milliseconds.

const START = new Date('2026-01-01T00:00:00Z');
const T0 = START.getTime() / 1000;
const INTERVAL = 10;
const canary = parseSelector('version="v2"', 'canary-selector');
const baseline = parseSelector('version="v1"', 'baseline-selector');

const RATE = parseMetricsYaml(
  `- {name: error-rate, kind: rate, critical: true, errors: 'sum(errors{{{selector}}})', requests: 'sum(requests{{{selector}}})'}`,
  'test',
);
const LATENCY = parseMetricsYaml(`- {name: latency, kind: continuous, query: 'latency{{{selector}}}', allowedIncrease: 10%}`, 'test');

/** Cumulative counters for `intervals` intervals (n+1 grid points) at a per-interval rate. */
function counter(perInterval: (i: number) => number, intervals: number): [number, number][] {
  let total = 0;
  return Array.from({ length: intervals + 1 }, (_, i) => {
    if (i > 0) total += perInterval(i);
    return [T0 + i * INTERVAL, total];
  });
}

function binomial(n: number, p: number, random: () => number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

/** Saved error and request counters for both versions, errors drawn at the given rates. */
function rateSeries(canaryRate: number, baselineRate: number, intervals = 180, requests = 200) {
  const rng = new Random(42);
  const random = () => rng.next();
  const series: Record<string, [number, number][]> = {};
  for (const [version, rate] of [['v2', canaryRate], ['v1', baselineRate]] as const) {
    series[`sum(requests{version="${version}"})`] = counter(() => requests, intervals);
    series[`sum(errors{version="${version}"})`] = counter(() => binomial(requests, rate, random), intervals);
  }
  return { series };
}

/** Whether a query reads the stretch before the analysis (the baseline history), not its window. */
const isHistory = (window: QueryWindow) => window.end.getTime() <= START.getTime();

const analysis = (source: MetricSource, metrics = RATE, extra: Partial<Parameters<typeof runAnalysis>[0]> = {}) =>
  runAnalysis({ source, metrics, canary, baseline, durationSeconds: 1800, intervalSeconds: INTERVAL, clock: new VirtualClock(START), ...extra });

describe('analysis loop', () => {
  test('a canary with 5x the errors fails as soon as the sequential test decides, long before the duration', async () => {
    const result = await analysis(new FileSource({ document: rateSeries(0.05, 0.01) }));
    expect(result.report.verdict).toBe('fail');
    expect(result.report.metrics[0]).toMatchObject({ name: 'error-rate', class: 'high', sequential: { decision: 'worse' } });
    expect(result.stoppedEarly).toBe(true);
    expect(result.intervals).toBeLessThan(result.plannedIntervals / 2);
    expect(result.report.metrics[0].sequential!.decidedAtInterval).toBe(result.intervals);
  });

  test('an equal canary passes once the test shows it is not worse, and stops there', async () => {
    const result = await analysis(new FileSource({ document: rateSeries(0.02, 0.02, 180, 2000) }));
    expect(result.report.verdict).toBe('pass');
    expect(result.report.metrics[0].sequential!.decision).toBe('not-worse');
    expect(result.stoppedEarly).toBe(true);
  });

  test('an undecided equal canary is judged by what its data could catch only at the planned end: nodata before, nothing-found at the last interval', async () => {
    const progress: AnalysisProgress[] = [];
    // 200 requests an interval each at 2%: undecided all along, yet able to catch 2× by the end.
    const result = await analysis(new FileSource({ document: rateSeries(0.02, 0.02, 180, 200) }), RATE, { onProgress: (p) => void progress.push(p) });
    expect(result).toMatchObject({ intervals: 180, stoppedEarly: false });
    expect(progress.slice(0, -1).every((p) => p.report.metrics[0].class === 'nodata')).toBe(true);
    expect(result.report.metrics[0]).toMatchObject({ class: 'pass', sequential: { decision: 'continue', outcome: 'nothing-found' } });
    expect(result.report.verdict).toBe('pass');
  });

  test('reports every interval to the progress callback, and the series it judged', async () => {
    const progress: AnalysisProgress[] = [];
    const result = await analysis(new FileSource({ document: rateSeries(0.05, 0.01) }), RATE, { onProgress: (p) => void progress.push(p) });
    expect(progress.map((p) => p.interval)).toEqual(Array.from({ length: result.intervals }, (_, i) => i + 1));
    expect(progress.at(-1)!.report).toEqual(result.report);
    const [series] = result.series;
    expect(series.times).toEqual(Array.from({ length: result.intervals }, (_, i) => T0 + (i + 1) * INTERVAL));
    expect(series.counts!.canary.requests.every((r) => r === 200)).toBe(true);
  });

  test('a continuous metric is a fixed-sample check: the loop runs the whole duration', async () => {
    const values = (level: number) => Array.from({ length: 31 }, (_, i) => [T0 + i * INTERVAL, level + (i % 5) * 0.001] as [number, number]);
    const source = new FileSource({ document: { series: { 'latency{version="v2"}': values(0.13), 'latency{version="v1"}': values(0.1) } } });
    const result = await analysis(source, LATENCY, { durationSeconds: 300 });
    expect(result).toMatchObject({ intervals: 30, plannedIntervals: 30, stoppedEarly: false });
    expect(result.report.verdict).toBe('fail');
    expect(result.report.metrics[0].class).toBe('high');
  });

  test('a muted continuous metric does not hold the analysis open: it stops when the rate test decides', async () => {
    const values = (level: number) => Array.from({ length: 181 }, (_, i) => [T0 + i * INTERVAL, level + (i % 5) * 0.001] as [number, number]);
    const muted: MetricDefinition[] = [{ name: 'latency', kind: 'continuous', direction: 'increase', critical: false, weight: 1, muted: true, query: 'latency{{{selector}}}' }];
    const document = { series: { ...rateSeries(0.02, 0.02, 180, 2000).series, 'latency{version="v2"}': values(0.13), 'latency{version="v1"}': values(0.1) } };
    const result = await analysis(new FileSource({ document }), [...RATE, ...muted]);
    expect(result.report.verdict).toBe('pass');
    expect(result.report.metrics[1]).toMatchObject({ name: 'latency', class: 'high', muted: true });
    expect(result.stoppedEarly).toBe(true);
  });

  test('a selector that matches nothing gives no data, which is never a pass', async () => {
    const odd = parseSelector('version="v2\\"}"', 'canary-selector');
    const result = await analysis(new FileSource({ document: rateSeries(0.01, 0.01) }), RATE, { canary: odd, durationSeconds: 60 });
    expect(result.report.verdict).toBe('inconclusive');
    expect(result.report.metrics[0].class).toBe('nodata');
  });

  test.each([
    ['inconclusive', 'inconclusive'],
    ['fail', 'fail'],
  ] as const)('a source that stops answering mid-analysis gives %s with onNoData %s, never pass', async (onNoData, verdict) => {
    const saved = new FileSource({ document: rateSeries(0.02, 0.02, 180, 2000) });
    let calls = 0;
    // A test double of the MetricSource port: the saved series, then a dead server.
    const dying: MetricSource = {
      type: 'dying',
      queryRange: (query: string, window: QueryWindow) => (!isHistory(window) && ++calls > 4 * 3 ? Promise.reject(new Error('Prometheus at http://127.0.0.1:1 is unreachable: ECONNREFUSED')) : saved.queryRange(query, window)),
      queryInstant: () => Promise.reject(new Error('unused')),
    };
    const result = await analysis(dying, RATE, { durationSeconds: 100, config: { onNoData } });
    expect(result.report.verdict).toBe(verdict);
    expect(result.report.metrics[0]).toMatchObject({ class: 'error', reason: expect.stringContaining('ECONNREFUSED') });
    // Three good intervals, then four failed in a row: the analysis stops rather than judge blind.
    const stopReason = "the source of metric 'error-rate' failed 4 intervals in a row (consecutive error limit 4)";
    expect(result).toMatchObject({ intervals: 7, plannedIntervals: 10, stoppedEarly: true, stopReason });
    expect(result.report.reasons.at(-1)).toBe(`analysis stopped: ${stopReason}`);
    // The charts keep what was read before the outage.
    expect(result.series[0].counts!.canary.requests.slice(0, 3)).toEqual([2000, 2000, 2000]);
    // With the limit off, it waits out the whole duration, still never passing.
    calls = 0;
    const patient = await analysis(dying, RATE, { durationSeconds: 100, config: { onNoData }, consecutiveErrorLimit: 0 });
    expect(patient).toMatchObject({ intervals: 10, stoppedEarly: false, report: { verdict } });
  });

  test('settings the judge rejects fail before the first interval, without a query', async () => {
    let queries = 0;
    const counting: MetricSource = { type: 'counting', queryRange: async () => (queries++, []), queryInstant: async () => NaN };
    await expect(analysis(counting, RATE, { config: { alpha: 0.9 } })).rejects.toThrow("Input 'config.alpha' has the value 0.9");
    expect(queries).toBe(0);
  });

  test('an outage that ends heals: the next read starts where the last good one ended', async () => {
    const saved = new FileSource({ document: rateSeries(0.05, 0.01) });
    let calls = 0;
    const flaky: MetricSource = {
      type: 'flaky',
      queryRange: (query: string, window: QueryWindow) => (++calls <= 8 ? Promise.reject(new Error('down')) : saved.queryRange(query, window)),
      queryInstant: () => Promise.reject(new Error('unused')),
    };
    const result = await analysis(flaky);
    expect(result.report.verdict).toBe('fail');
    expect(result.series[0].missingIntervals).toBe(0);
  });

  describe('baseline history', () => {
    const HISTORY = 1800;
    /** The baseline's requests and errors in history interval i (1 = the oldest). */
    const before = { requests: (i: number) => 100 + i, errors: (i: number) => i % 7 };

    /** rateSeries, with the baseline's counters also running through the 30 minutes before the start. */
    function withHistory(gap?: number) {
      const { series } = rateSeries(0.02, 0.02, 180, 2000);
      for (const name of ['requests', 'errors'] as const) {
        const key = `sum(${name}{version="v1"})`;
        let total = 0;
        const past = Array.from({ length: HISTORY / INTERVAL + 1 }, (_, i) => {
          if (i > 0) total += before[name](i);
          return [T0 - HISTORY + i * INTERVAL, total] as [number, number];
        });
        // The analysis window's counter carries on from where the history ended.
        series[key] = [...past.slice(0, -1), ...series[key].map(([t, v]) => [t, v + total] as [number, number])];
        if (gap !== undefined) series[key] = series[key].filter(([t]) => t !== T0 - HISTORY + gap * INTERVAL);
      }
      return new FileSource({ document: { series } });
    }

    /** A source that records every query and its window, and a judge that records every input. */
    function recording(source: MetricSource, failHistory = false) {
      const queries: { query: string; window: QueryWindow }[] = [];
      const inputs: JudgeInput[] = [];
      const recorder: MetricSource = {
        type: 'recording',
        queryRange: (query, window) => {
          queries.push({ query, window });
          return failHistory && isHistory(window) ? Promise.reject(new Error('Prometheus at http://127.0.0.1:1 is unreachable: ECONNREFUSED')) : source.queryRange(query, window);
        },
        queryInstant: () => Promise.reject(new Error('unused')),
      };
      const recordingJudge = (input: JudgeInput) => (inputs.push(input), judge(input));
      // The judge's first input is the empty window checked before the start: leave it out.
      const rateInputs = () => inputs.map((input) => input.metrics[0] as RateMetricInput).filter((m) => m.canary.errors.length > 0);
      return { source: recorder, judge: recordingJudge, queries, rateInputs };
    }

    test("every judge input of a rate metric carries the baseline's counts of the 180 intervals before the start, oldest first", async () => {
      const { source, judge: recordingJudge, queries, rateInputs } = recording(withHistory());
      const result = await analysis(source, RATE, { judge: recordingJudge, historySeconds: HISTORY });

      const expected = { errors: Array.from({ length: 180 }, (_, i) => before.errors(i + 1)), requests: Array.from({ length: 180 }, (_, i) => before.requests(i + 1)) };
      expect(rateInputs().length).toBe(result.intervals);
      for (const input of rateInputs()) expect(input.baselineHistory).toEqual(expected);
      expect(result.series[0].history).toEqual(expected);
      // Two queries, the baseline's, once: the whole intervals ending at the start, at the analysis's step.
      const history = queries.filter((q) => isHistory(q.window));
      expect(history.map((q) => q.query).sort()).toEqual(['sum(errors{version="v1"})', 'sum(requests{version="v1"})']);
      expect(history.map((q) => q.window)).toEqual(Array(2).fill({ start: new Date(START.getTime() - HISTORY * 1000), end: START, stepSeconds: INTERVAL }));
      // The analysis window is counted as before: the history does not leak into it.
      expect(result.series[0].counts!.baseline.requests.every((r) => r === 2000)).toBe(true);
    });

    test('historySelector reads the history from other series than the baseline\'s (the primary beside a dedicated baseline)', async () => {
      const { source, judge: recordingJudge, queries } = recording(withHistory());
      await analysis(source, RATE, { judge: recordingJudge, historySeconds: HISTORY, historySelector: [{ name: 'track', op: '=', value: 'primary' }] });
      const history = queries.filter((q) => isHistory(q.window));
      expect(history.map((q) => q.query).sort()).toEqual(['sum(errors{track="primary"})', 'sum(requests{track="primary"})']);
      // The analysis itself still compares with the baseline.
      expect(queries.filter((q) => !isHistory(q.window)).some((q) => q.query === 'sum(errors{version="v1"})')).toBe(true);
    });

    test('a missing history sample makes its two intervals missing (null), never zero', async () => {
      const { source, judge: recordingJudge, rateInputs } = recording(withHistory(50));
      await analysis(source, RATE, { judge: recordingJudge });
      const history = rateInputs()[0].baselineHistory!;
      expect(history.requests.slice(48, 52)).toEqual([before.requests(49), null, null, before.requests(52)]);
      expect(history.errors.slice(49, 51)).toEqual([null, null]);
    });

    test('continuous and threshold metrics get no history and cost no history query', async () => {
      const values = Array.from({ length: 31 }, (_, i) => [T0 + i * INTERVAL, 0.1] as [number, number]);
      const { source, queries } = recording(new FileSource({ document: { series: { 'latency{version="v2"}': values, 'latency{version="v1"}': values } } }));
      const result = await analysis(source, LATENCY, { durationSeconds: 300 });
      expect(queries.filter((q) => isHistory(q.window))).toEqual([]);
      expect(result.series[0]).not.toHaveProperty('history');
    });

    test.each([
      ['fails', true, withHistory, 'Prometheus at http://127.0.0.1:1 is unreachable: ECONNREFUSED'],
      ['has no data before the start', false, () => new FileSource({ document: rateSeries(0.02, 0.02, 180, 2000) }), 'no counts in the 1800 s before the start'],
    ] as const)('a history query that %s gives the analysis it would have without history, and one warning', async (_, failHistory, makeSource, why) => {
      const logger = new RecordingLogger();
      const { source, judge: recordingJudge, rateInputs } = recording(makeSource(), failHistory);
      const result = await analysis(source, RATE, { judge: recordingJudge, logger });
      const without = await analysis(makeSource(), RATE, { historySeconds: 0 });

      expect(logger.at('warning')).toEqual([`metric error-rate: no baseline history (${why}): the judge guards the first scrapes instead`]);
      expect(rateInputs().every((input) => !('baselineHistory' in input))).toBe(true);
      expect(result.series[0]).not.toHaveProperty('history');
      // Not an error of the analysis: same verdict, same intervals, and no stop for a failing source.
      expect(result).toMatchObject({ report: without.report, intervals: without.intervals, stopReason: 'the verdict could no longer change' });
      expect(result.report.verdict).toBe('pass');
    });

    test('historySeconds 0 makes no history query: 4 queries per interval, each reading only the interval since the last read', async () => {
      const { source, queries, rateInputs, judge: recordingJudge } = recording(withHistory());
      const result = await analysis(source, RATE, { judge: recordingJudge, historySeconds: 0 });
      expect(queries.length).toBe(4 * result.intervals);
      // Interval i reads grid points i − 1 and i: the last point again (a late scrape) and the new one.
      expect(queries.map((q) => [(q.window.start.getTime() / 1000 - T0) / INTERVAL, (q.window.end.getTime() / 1000 - T0) / INTERVAL])).toEqual(
        Array.from({ length: result.intervals }, (_, i) => Array(4).fill([i, i + 1])).flat(),
      );
      expect(queries.some((q) => isHistory(q.window))).toBe(false);
      expect(rateInputs()[0]).not.toHaveProperty('baselineHistory');
    });
  });

  describe('judges each interval as judge() judges the whole window', () => {
    /** Every interval's report of an analysis with the default judge and with judge() afresh each interval. */
    async function bothWays(makeSource: () => MetricSource, metrics: MetricDefinition[]) {
      const reports = async (extra: Partial<Parameters<typeof runAnalysis>[0]>) => {
        const seen: AnalysisProgress['report'][] = [];
        await analysis(makeSource(), metrics, { ...extra, onProgress: (p) => void seen.push(p.report) });
        return seen;
      };
      return { resumed: await reports({}), afresh: await reports({ judge }) };
    }
    const saved = (canaryRate: number, baselineRate: number) => {
      const { series } = rateSeries(canaryRate, baselineRate, 180, 400);
      const rng = new Random(3);
      for (const [version, shift] of [['v2', 0.001], ['v1', 0]] as const) series[`latency{version="${version}"}`] = counter(() => 0, 180).map(([t], i) => [t, i === 0 ? NaN : 0.1 + shift + rng.next() * 0.01]);
      return series;
    };

    test.each([
      ['a 5× canary', 0.05, 0.01],
      ['a 1.5× canary', 0.03, 0.02],
    ])('%s: the same report after every interval', async (_, canaryRate, baselineRate) => {
      const { resumed, afresh } = await bothWays(() => new FileSource({ document: { series: saved(canaryRate, baselineRate) } }), RATE);
      expect(resumed.length).toBeGreaterThan(1);
      expect(resumed).toEqual(afresh);
    });

    test('an equal canary with a latency metric: the rate metric as judge() after every interval; the latency judged again as its values grow by 1/64, its result standing between; the last report the same', async () => {
      const { resumed, afresh } = await bothWays(() => new FileSource({ document: { series: saved(0.02, 0.02) } }), [...RATE, ...LATENCY]);
      expect(resumed.length).toBe(180);
      const standing: number[] = [];
      resumed.forEach((report, i) => {
        expect(report.metrics[0]).toEqual(afresh[i].metrics[0]);
        const latency = report.metrics[1];
        const from = / \(as of interval (\d+)\)$/.exec(latency.reason);
        if (!from) return void expect(latency).toEqual(afresh[i].metrics[1]);
        const k = Number(from[1]);
        standing.push(i + 1);
        expect({ ...latency, reason: latency.reason.slice(0, from.index) }).toEqual(afresh[k - 1].metrics[1]);
        expect(i + 1 - k).toBeLessThan(Math.max(1, Math.floor(k / 64)));
      });
      // Judged every interval up to 128; then every second or third interval; always at the end.
      expect(standing[0]).toBeGreaterThan(128);
      expect(standing.length).toBeGreaterThan(20);
      expect(resumed.at(-1)).toEqual(afresh.at(-1));
    });

    test('an interval revised after it was judged, and a source that fails for a while: still the same reports', async () => {
      const makeSource = (): MetricSource => {
        const series = saved(0.03, 0.02);
        const revised = new FileSource({ document: { series: { ...series, 'sum(errors{version="v2"})': series['sum(errors{version="v2"})'].map(([t, v], i) => [t, i >= 5 ? v + 3 : v] as [number, number]) } } });
        const original = new FileSource({ document: { series } });
        let calls = 0;
        return {
          type: 'revising',
          queryRange: (query, window) => {
            calls++;
            if (calls > 14 && calls <= 22) return Promise.reject(new Error('down'));
            return (calls > 30 ? revised : original).queryRange(query, window);
          },
          queryInstant: () => Promise.reject(new Error('unused')),
        };
      };
      const { resumed, afresh } = await bothWays(makeSource, RATE);
      expect(resumed.some((r) => r.metrics[0].class === 'error')).toBe(true);
      expect(resumed).toEqual(afresh);
    });
  });
});

describe('interval sources (Datadog, CloudWatch, New Relic: counts per bucket)', () => {
  /**
   * A source that answers each bucket's own count, stamped at the bucket's end, for buckets aligned
   * to the epoch as the vendors' are; `gaps` are bucket ends it has no data for.
   */
  function bucketSource(canaryRate: number, baselineRate: number, gaps = new Set<number>()) {
    const rng = new Random(7);
    const errorsAt = new Map<string, number>();
    const windows: QueryWindow[] = [];
    const source: MetricSource = {
      type: 'buckets',
      counts: 'interval',
      queryRange: async (query, window) => {
        windows.push(window);
        const rate = query.includes('v2') ? canaryRate : baselineRate;
        const samples = [];
        for (let t = window.start.getTime() / 1000; t <= window.end.getTime() / 1000; t += window.stepSeconds) {
          expect(t % window.stepSeconds).toBe(0);
          if (gaps.has(t)) continue;
          const key = `${query.includes('v2')}:${t}`;
          if (!errorsAt.has(key)) errorsAt.set(key, binomial(500, rate, () => rng.next()));
          samples.push({ time: t, value: query.startsWith('sum(errors') ? errorsAt.get(key)! : 500 });
        }
        return samples;
      },
      queryInstant: () => Promise.reject(new Error('unused')),
    };
    return { source, windows };
  }
  // 7 s past a whole interval: the grid starts at the next one.
  const offGrid = new Date(START.getTime() + 7_000);
  const run = (source: MetricSource, extra: Partial<Parameters<typeof runAnalysis>[0]> = {}) =>
    runAnalysis({ source, metrics: RATE, canary, baseline, durationSeconds: 1800, intervalSeconds: INTERVAL, clock: new VirtualClock(offGrid), ...extra });

  test('each sample is the interval\'s own count: a canary with 5x the errors fails early, an equal one passes', async () => {
    const bad = await run(bucketSource(0.05, 0.01).source);
    expect(bad.report.verdict).toBe('fail');
    expect(bad.stoppedEarly).toBe(true);
    const good = await run(bucketSource(0.01, 0.01).source);
    expect(good.report.verdict).toBe('pass');
    // Counts are the buckets themselves, not differences of them.
    expect(good.intervals).toBeGreaterThan(3);
    expect(good.series[0].counts!.canary.requests.slice(0, 3)).toEqual([500, 500, 500]);
  });

  test('the grid starts at the next whole interval and the history ends at the last whole bucket', async () => {
    const { source, windows } = bucketSource(0.01, 0.01);
    const result = await run(source, { historySeconds: 60 });
    expect(result.startedAt).toBe(new Date(START.getTime() + INTERVAL * 1000).toISOString());
    const history = windows.filter((w) => w.end.getTime() <= START.getTime() + INTERVAL * 1000 && w.end < new Date(result.startedAt));
    expect(history.length).toBeGreaterThan(0);
    // The bucket ending at the grid start was still open when the history was read.
    for (const window of history) expect(window.end.getTime()).toBe(START.getTime());
    expect(result.series[0].history!.requests).toEqual([500, 500, 500, 500, 500, 500]);
  });

  test('with a read delay each interval is read that long after it ends, and the history ends before the delay', async () => {
    const { source, windows } = bucketSource(0.01, 0.01);
    const clock = new VirtualClock(offGrid);
    const readAt: { end: number; at: number }[] = [];
    const timed: MetricSource = { ...source, queryRange: (query, window) => (readAt.push({ end: window.end.getTime(), at: clock.now().getTime() }), source.queryRange(query, window)) };
    const result = await run(timed, { clock, readDelaySeconds: 25, historySeconds: 60 });
    const analysisReads = readAt.filter((r) => r.end >= new Date(result.startedAt).getTime() + INTERVAL * 1000);
    expect(analysisReads.length).toBeGreaterThan(0);
    for (const read of analysisReads) expect(read.at).toBeGreaterThanOrEqual(read.end + 25_000);
    // 7 s past 00:00:00 less 25 s is 23:59:42: the last bucket whole by then ends at 23:59:40.
    const history = windows.filter((w) => w.end.getTime() < new Date(result.startedAt).getTime());
    for (const window of history) expect(window.end.toISOString()).toBe('2025-12-31T23:59:40.000Z');
    expect(result.series[0].history!.requests).toEqual([500, 500, 500, 500, 500, 500]);
  });

  test('a bucket the source has no data for is missing, never a zero', async () => {
    const first = START.getTime() / 1000 + INTERVAL;
    const result = await run(bucketSource(0.01, 0.01, new Set([first + 2 * INTERVAL, first + 3 * INTERVAL])).source, { historySeconds: 0 });
    expect(result.series[0].counts!.canary.requests[1]).toBeNaN();
    expect(result.series[0].counts!.canary.requests[2]).toBeNaN();
    expect(result.series[0].missingIntervals).toBeGreaterThanOrEqual(2);
  });
});
