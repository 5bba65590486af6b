import { afterEach, describe, expect, test } from '@jest/globals';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { runAnalysis, type AnalysisResult } from '../../../src/core/analysis/loop.js';
import { RecordingLogger } from '../../../src/core/log.js';
import { webDialect } from '../../../src/core/metrics/dialects/web.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { parseSourceSettings, type WebSettings } from '../../../src/core/metrics/source-settings.js';
import { createWebSource } from '../../../src/core/metrics/sources/web.js';
import { parseSelector } from '../../../src/core/metrics/template.js';
import { startStatsApp, type StatsApp, type VersionProfile } from '../../../testkit/stats-app/index.js';

// A whole analysis read from a web source: an app that reports its versions' running counters and
// p99 latency as JSON, behind a bearer token taken from the environment, analysed by runAnalysis on
// a fake clock (the app counts the traffic up to that clock's now, so an analysis of a quarter of an
// hour takes moments). The web source keeps one reading per query and interval; the rate metric's
// counts are their increases, as for a Prometheus counter.

const METRICS = parseMetricsYaml(
  `
- name: error-rate
  kind: rate
  critical: true
  errors: '/stats?{{selector}}#$.errors'
  requests: '/stats?{{selector}}#$.requests'
- name: p99
  kind: continuous
  allowedIncrease: 20%
  query: '/stats?{{selector}}#$.p99'
- name: p99-limit
  kind: threshold
  thresholds: {max: 300}
  query: 'versions/{{version}}#$.p99'
`,
  'test metrics',
  webDialect,
);

const TOKEN = 'stats-token-5b0e7c2a91';
const START = new Date('2026-03-02T09:00:00Z');
const apps: StatsApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

async function analyse(baseline: VersionProfile, canary: VersionProfile): Promise<{ result: AnalysisResult; app: StatsApp; logger: RecordingLogger }> {
  const clock = new VirtualClock(START);
  // The app has served both versions for ten minutes when the analysis starts.
  const app = await startStatsApp({ versions: { v1: baseline, v2: canary }, now: () => clock.now(), since: new Date(START.getTime() - 600_000), token: TOKEN });
  apps.push(app);
  const settings = parseSourceSettings({ web: { url: `${app.url}/`, headers: { Authorization: 'Bearer {{env.STATS_TOKEN}}' } } }, 'analysis.source') as WebSettings;
  const source = createWebSource(settings, { env: { STATS_TOKEN: TOKEN }, clock, retries: 1, retryDelayMs: 10 });
  const logger = new RecordingLogger();
  const result = await runAnalysis({
    source,
    metrics: METRICS,
    canary: parseSelector('version="v2"', 'canary-selector'),
    baseline: parseSelector('version="v1"', 'baseline-selector'),
    durationSeconds: 900,
    intervalSeconds: 60,
    clock,
    logger,
  });
  return { result, app, logger };
}

const classes = (result: AnalysisResult) => Object.fromEntries(result.report.metrics.map((m) => [m.name, m.class]));

describe('canary analysis read from a web source', () => {
  test('a canary with four times the errors fails on the rate metric and stops early', async () => {
    const { result } = await analyse({ rps: 50, errorRate: 0.02, p99Ms: 180 }, { rps: 50, errorRate: 0.08, p99Ms: 180 });
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'fail' });
    expect(result.report.metrics.find((m) => m.name === 'error-rate')).toMatchObject({ class: 'high', sequential: { decision: 'worse' } });
    expect(result.stoppedEarly).toBe(true);
    expect(result.intervals).toBeLessThan(result.plannedIntervals);
  });

  test('an equal canary passes every metric; the counters are the increases between readings one interval apart', async () => {
    const { result, app, logger } = await analyse({ rps: 50, errorRate: 0.02, p99Ms: 180 }, { rps: 50, errorRate: 0.02, p99Ms: 180 });
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'pass' });
    expect(classes(result)).toEqual({ 'error-rate': 'pass', p99: 'pass', 'p99-limit': 'pass' });
    const rate = result.series.find((s) => s.name === 'error-rate')!;
    // 50 requests a second for 60 s between two readings. The canary's first interval has no
    // reading at its start (the endpoint knows only the present); the baseline's has, read when
    // its history was asked for at the start.
    expect(rate.counts!.canary.requests.slice(0, 3)).toEqual([NaN, 3000, 3000]);
    expect(rate.counts!.baseline.requests.slice(0, 3)).toEqual([3000, 3000, 3000]);
    // No history before the start: a web source has none.
    expect(rate.history).toBeUndefined();
    expect(logger.at('warning')).toContainEqual(expect.stringContaining('metric error-rate: no baseline history'));
    // Every request carried the token from the environment; none carried the JSONPath.
    expect(app.seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(app.seen.some((r) => r.url.includes('#'))).toBe(false);
    expect(new Set(app.seen.map((r) => r.url))).toEqual(new Set(['/stats?version=v1', '/stats?version=v2', '/versions/v2']));
  });

  test('a canary a third slower fails on the continuous metric, under the threshold', async () => {
    const { result } = await analyse({ rps: 50, errorRate: 0.02, p99Ms: 180 }, { rps: 50, errorRate: 0.02, p99Ms: 240 });
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'fail' });
    expect(classes(result)).toEqual({ 'error-rate': 'pass', p99: 'high', 'p99-limit': 'pass' });
    expect(result.intervals).toBe(result.plannedIntervals);
  });

  test('a canary whose p99 rises above the threshold fails on it at the first interval and stops', async () => {
    const { result } = await analyse({ rps: 50, errorRate: 0.02, p99Ms: 180 }, { rps: 50, errorRate: 0.02, p99Ms: 400 });
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'fail' });
    expect(classes(result)).toMatchObject({ 'p99-limit': 'high' });
    expect(result.intervals).toBe(1);
    // The threshold's value is the canary's p99 as read at the end of that interval.
    const limit = result.series.find((s) => s.name === 'p99-limit')!;
    expect(limit.canary[0]).toBeGreaterThan(300);
  });
});
