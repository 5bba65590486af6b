// The analysis loop: (1) its compute cost over saved data — the loop reads the whole window and
// re-judges every interval, so the cost grows with the square of the intervals; (2) on the real
// test bed, how long a 5x-error canary takes to be caught and what Prometheus costs per interval.
import { Random } from './judge/random.js';
import { VirtualClock } from '../src/core/analysis/clock.js';
import { runAnalysis } from '../src/core/analysis/loop.js';
import { FileSource } from '../src/core/metrics/file.js';
import { parseMetricsYaml } from '../src/core/metrics/metrics-config.js';
import { PrometheusSource } from '../src/core/metrics/prometheus.js';
import { parseSelector } from '../src/core/metrics/template.js';
import type { MetricSource, QueryWindow } from '../src/core/metrics/types.js';
import { findBinary } from '../testkit/bed/binaries.js';
import { ERROR_RATE_QUERIES, startAnalysisBed } from '../test/support/analysis-bed.js';
import { printTable } from './table.js';

const START = new Date('2026-01-01T00:00:00Z');
const canary = parseSelector('version="v2"', 'canary');
const baseline = parseSelector('version="v1"', 'baseline');

/** Saved series for `rates` rate and `continuous` continuous metrics of two equal versions. */
function savedData(rates: number, continuous: number, intervals: number, step: number) {
  const rng = new Random(7);
  const random = () => rng.next();
  const series: Record<string, [number, number][]> = {};
  const t = (i: number) => START.getTime() / 1000 + i * step;
  for (const version of ['v1', 'v2']) {
    for (let m = 0; m < rates; m++) {
      let errors = 0;
      series[`sum(req_${m}{version="${version}"})`] = Array.from({ length: intervals + 1 }, (_, i) => [t(i), i * 1000]);
      // Binomial errors: 1,000 requests an interval at a 1% error rate, the same for both versions.
      const binomial = () => Array.from({ length: 1000 }, random).filter((u) => u < 0.01).length;
      series[`sum(err_${m}{version="${version}"})`] = Array.from({ length: intervals + 1 }, (_, i) => [t(i), i === 0 ? 0 : (errors += binomial())]);
    }
    for (let m = 0; m < continuous; m++) series[`lat_${m}{version="${version}"}`] = Array.from({ length: intervals + 1 }, (_, i) => [t(i), 0.1 + random() * 0.01]);
  }
  const yaml = [
    ...Array.from({ length: rates }, (_, m) => `- {name: rate-${m}, kind: rate, errors: 'sum(err_${m}{{{selector}}})', requests: 'sum(req_${m}{{{selector}}})'}`),
    ...Array.from({ length: continuous }, (_, m) => `- {name: lat-${m}, kind: continuous, query: 'lat_${m}{{{selector}}}'}`),
  ].join('\n');
  return { source: new FileSource({ document: { series } }), metrics: parseMetricsYaml(yaml, 'bench') };
}

async function computeCost(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const [rates, continuous, intervals] of [[1, 1, 60], [5, 5, 60], [5, 5, 360], [25, 25, 120]] as const) {
    const { source, metrics } = savedData(rates, continuous, intervals, 10);
    const started = performance.now();
    const result = await runAnalysis({ source, metrics, canary, baseline, durationSeconds: intervals * 10, intervalSeconds: 10, clock: new VirtualClock(START) });
    const ms = performance.now() - started;
    rows.push([`${rates} rate + ${continuous} continuous`, intervals, result.intervals, result.report.verdict, ms, ms / result.intervals]);
  }
  printTable('Analysis loop over saved data (equal versions, judged after every interval)', ['metrics', 'planned intervals', 'intervals run', 'verdict', 'total ms', 'ms per interval'], rows);
}

async function realBed(): Promise<void> {
  if (!findBinary('prometheus')) {
    console.log('\n(skipped the real test bed: prometheus is not installed)');
    return;
  }
  const bed = await startAnalysisBed([{ version: 'v1', errorRate: 0.01 }, { version: 'v2', errorRate: 0.05 }], 100);
  try {
    const metrics = parseMetricsYaml(`- name: error-rate\n  kind: rate\n  critical: true\n  ${ERROR_RATE_QUERIES}`, 'bench');
    const prometheus = new PrometheusSource({ url: bed.prometheus.url });
    const timings: number[] = [];
    // A timing wrapper over the MetricSource port: the real Prometheus, with each query timed.
    const timed: MetricSource = {
      type: 'timed-prometheus',
      queryInstant: (query, time) => prometheus.queryInstant(query, time),
      async queryRange(query: string, window: QueryWindow) {
        const started = performance.now();
        try {
          return await prometheus.queryRange(query, window);
        } finally {
          timings.push(performance.now() - started);
        }
      },
    };
    const started = performance.now();
    const result = await runAnalysis({ source: timed, metrics, canary, baseline, durationSeconds: 60, intervalSeconds: 1 });
    const seconds = (performance.now() - started) / 1000;
    const counts = result.series[0].counts!.canary;
    const sum = (xs: number[]) => xs.filter(Number.isFinite).reduce((a, b) => a + b, 0);
    timings.sort((a, b) => a - b);
    printTable(
      'Real Prometheus (1 s scrapes), 100 req/s per version, baseline 1% errors, canary 5%',
      ['verdict', 'stopped early', 'intervals', 'seconds to verdict', 'canary requests', 'canary errors', 'queries', 'median query ms', 'p90 query ms'],
      [[result.report.verdict, String(result.stoppedEarly), result.intervals, seconds, sum(counts.requests), sum(counts.errors), timings.length, timings[timings.length >> 1], timings[Math.floor(timings.length * 0.9)]]],
    );
  } finally {
    await bed.stop();
  }
}

export default async function analysisBench(): Promise<void> {
  await computeCost();
  await realBed();
}
