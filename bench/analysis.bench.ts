// The analysis loop: (1) its compute cost over saved data — the loop reads only the new points each
// interval, and the judge resumes each rate metric's test, so an interval should cost about the
// same however long the analysis; (2) `slipway judge` over a large saved file; (3) on the real test
// bed, how long a 5x-error canary takes to be caught and what Prometheus costs per interval.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Random } from './judge/random.js';
import { commands } from '../src/cli/commands/index.js';
import { runCli } from '../src/cli/main.js';
import type { MetricInput } from '../src/core/judge/index.js';
import { VirtualClock } from '../src/core/analysis/clock.js';
import { runAnalysis } from '../src/core/analysis/loop.js';
import { FileSource } from '../src/core/metrics/file.js';
import { parseMetricsYaml } from '../src/core/metrics/metrics-config.js';
import { PrometheusSource } from '../src/core/metrics/prometheus.js';
import { parseSelector } from '../src/core/metrics/template.js';
import type { MetricSource, QueryWindow } from '../src/core/metrics/types.js';
import { findBinary } from '../testkit/bed/binaries.js';
import { ERROR_RATE_QUERIES, startAnalysisBed } from '../test/support/analysis-bed.js';
import { median, printTable } from './table.js';

const START = new Date('2026-01-01T00:00:00Z');
const canary = parseSelector('version="v2"', 'canary');
const baseline = parseSelector('version="v1"', 'baseline');

/** Saved series for `rates` rate, `continuous` continuous and `thresholds` threshold metrics of two equal versions. */
function savedData(rates: number, continuous: number, intervals: number, step: number, thresholds = 0) {
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
    for (let m = 0; m < Math.max(continuous, thresholds); m++) series[`lat_${m}{version="${version}"}`] = Array.from({ length: intervals + 1 }, (_, i) => [t(i), 0.1 + random() * 0.01]);
  }
  const yaml = [
    ...Array.from({ length: rates }, (_, m) => `- {name: rate-${m}, kind: rate, errors: 'sum(err_${m}{{{selector}}})', requests: 'sum(req_${m}{{{selector}}})'}`),
    ...Array.from({ length: continuous }, (_, m) => `- {name: lat-${m}, kind: continuous, query: 'lat_${m}{{{selector}}}'}`),
    ...Array.from({ length: thresholds }, (_, m) => `- {name: slo-${m}, kind: threshold, query: 'lat_${m}{{{selector}}}', thresholds: {max: 1}}`),
  ].join('\n');
  return { source: new FileSource({ document: { series } }), metrics: parseMetricsYaml(yaml, 'bench') };
}

export async function computeCost(): Promise<void> {
  const rows: (string | number)[][] = [];
  const run = async (rates: number, continuous: number, thresholds: number, intervals: number) => {
    const { source, metrics } = savedData(rates, continuous, intervals, 10, thresholds);
    const started = performance.now();
    const result = await runAnalysis({ source, metrics, canary, baseline, durationSeconds: intervals * 10, intervalSeconds: 10, clock: new VirtualClock(START), historySeconds: 0 });
    return { result, ms: performance.now() - started };
  };
  // One unmeasured run first, so the first row does not carry the compiler's warm-up.
  await run(9, 0, 1, 60);
  // A threshold metric holds the analysis open to its planned end (the rate tests alone would pass
  // it early). The continuous metrics' rank tests read the whole window at every look.
  for (const [rates, continuous, thresholds, intervals] of [[9, 0, 1, 60], [9, 0, 1, 360], [9, 0, 1, 3600], [5, 5, 0, 60], [5, 5, 0, 360], [5, 5, 0, 3600]] as const) {
    const { result, ms } = await run(rates, continuous, thresholds, intervals);
    rows.push([`${rates} rate, ${continuous} continuous, ${thresholds} threshold`, intervals, result.intervals, result.report.verdict, ms, ms / result.intervals]);
  }
  printTable('Analysis loop over saved data (equal versions, judged after every interval)', ['metrics', 'planned intervals', 'intervals run', 'verdict', 'total ms', 'ms per interval'], rows);
}

/** The judge's budget on the large file: `slipway judge` over 50 rate metrics × 10,000 intervals within 1 s. */
const JUDGE_BUDGET_MS = 1000;
/** Where the built CLI is (SLIPWAY_BENCH_CLI points at another build). */
const BUILT_CLI = resolve(process.env.SLIPWAY_BENCH_CLI ?? 'dist/cli/index.js');

/**
 * `slipway judge` over a file of 50 rate metrics × 10,000 intervals, as a user runs it: the built
 * CLI in a fresh node (start, reading, judging, printing); then in this process, where the first
 * run pays for the compiler's warm-up and the next ones show the judging alone.
 */
export async function judgeCommandTime(): Promise<void> {
  const random = new Random(99);
  const points = 10_000;
  const series = (n: number, p: number) => {
    const requests = Array.from({ length: points }, () => random.poisson(n));
    return { requests, errors: requests.map((q) => random.binomial(q, p)) };
  };
  const metrics: MetricInput[] = Array.from({ length: 50 }, (_, i) => ({ name: `rate-${i}`, kind: 'rate', direction: 'increase', canary: series(50, 0.01), baseline: series(950, 0.01) }));
  const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-'));
  try {
    const file = join(dir, 'input.json');
    writeFileSync(file, JSON.stringify({ metrics }));
    if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: build the CLI first (node scripts/build.mjs dist cli).`);
    const fresh: number[] = [];
    const bare: number[] = [];
    const freshRows: (string | number)[][] = [];
    const wall = (args: string[]) => {
      const started = performance.now();
      const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
      if (child.error) throw child.error;
      return { ms: performance.now() - started, status: child.status };
    };
    // A bare node timed in the same rounds shows how fast the machine is at the moment.
    for (let run = 1; run <= 7; run++) {
      bare.push(wall(['-e', '0']).ms);
      const { ms, status } = wall([BUILT_CLI, 'judge', '--input', file]);
      fresh.push(ms);
      freshRows.push([run, ms, status ?? 'signal', ms <= JUDGE_BUDGET_MS ? 'yes' : 'NO']);
    }
    printTable(`node ${relative(process.cwd(), BUILT_CLI)} judge --input <50 rate metrics × 10,000 intervals> (equal versions), a fresh process each run`, ['run', 'wall ms', 'exit code', `within ${JUDGE_BUDGET_MS} ms`], freshRows);
    console.log(`median ${Math.round(median(fresh))} ms; node -e 0 in the same rounds: median ${Math.round(median(bare))} ms`);
    const rows: (string | number)[][] = [];
    for (let run = 1; run <= 3; run++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const exitCode = await runCli(['judge', '--input', file], commands, { out: () => {}, err: () => {}, env: {} });
      const used = process.cpuUsage(cpu);
      const ms = performance.now() - started;
      rows.push([run, ms, (used.user + used.system) / 1000, exitCode, ms <= JUDGE_BUDGET_MS ? 'yes' : 'NO']);
    }
    printTable('The same in this process (the sources), as the 6.4 s before issue 15 was measured: the first run pays for the compiler\'s warm-up', ['run', 'wall ms', 'CPU ms', 'exit code', `within ${JUDGE_BUDGET_MS} ms`], rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  await judgeCommandTime();
  await realBed();
}
