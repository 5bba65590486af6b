import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Random } from '../../../bench/judge/random.js';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { runAnalysis } from '../../../src/core/analysis/loop.js';
import { nrqlDialect } from '../../../src/core/metrics/dialects/nrql.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { createNewRelicSource } from '../../../src/core/metrics/sources/newrelic.js';
import { parseSelector } from '../../../src/core/metrics/template.js';
import type { MetricSource } from '../../../src/core/metrics/types.js';
import { expectNoContractViolations, startNewRelicSimulator, type NewRelicSimulator, type NrqlEvent } from '../../../testkit/newrelic-sim/index.js';

// A whole canary analysis read from New Relic: the metrics are NRQL templates, checked and rendered
// in the NRQL dialect; the source sends them through NerdGraph to the simulator, which runs them
// over Transaction events of two versions and holds every request and answer to NerdGraph's
// published schema. The loop runs on a virtual clock 7 s past a whole minute, so the grid starts
// at the next minute and every bucket it judges is one of New Relic's.

const START = new Date('2026-03-02T12:00:07Z');
const INTERVAL = 60;
const DURATION = 1800;

const METRICS = parseMetricsYaml(
  `
- name: error-rate
  kind: rate
  critical: true
  errors: SELECT count(*) FROM Transaction WHERE {{selector}} AND error IS TRUE
  requests: SELECT count(*) FROM Transaction WHERE {{selector}}
- name: latency
  kind: continuous
  allowedIncrease: 20%
  query: SELECT average(duration) FROM Transaction WHERE {{selector}}
- name: p95-ceiling
  kind: threshold
  query: SELECT percentile(duration, 95) FROM Transaction WHERE {{selector}}
  thresholds: {max: 0.5}
`,
  'test metrics',
  nrqlDialect,
);

/** Requests a minute of each version, and what they are like (durations vary ±25%, so a p95 is about 1.4× the mean). */
const PER_MINUTE = 300;
const SCENARIOS = {
  errors: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.1, seconds: 0.1 } },
  slower: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.02, seconds: 0.13 } },
  sluggish: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.02, seconds: 0.4 } },
  equal: { baseline: { errorRate: 0.02, seconds: 0.1 }, canary: { errorRate: 0.02, seconds: 0.1 } },
};
type Scenario = keyof typeof SCENARIOS;

/** Transactions of one version from 40 minutes before the start to 40 after, evenly spread, errors and durations drawn from `seed`. */
function transactions(version: string, side: { errorRate: number; seconds: number }, seed: number): NrqlEvent[] {
  const rng = new Random(seed);
  const events: NrqlEvent[] = [];
  const from = START.getTime() - 40 * 60_000;
  const spacing = 60_000 / PER_MINUTE;
  for (let t = from; t < START.getTime() + 40 * 60_000; t += spacing) {
    const duration = Math.max(0.001, side.seconds * (1 + 0.25 * rng.normal()));
    events.push({ eventType: 'Transaction', timestamp: Math.round(t), version, appName: 'checkout', duration, error: rng.next() < side.errorRate });
  }
  return events;
}

describe('a canary analysis on New Relic (NRQL through NerdGraph, simulated)', () => {
  let sim: NewRelicSimulator;
  let source: MetricSource;
  const clock = new VirtualClock(START);

  beforeAll(async () => {
    sim = await startNewRelicSimulator({ now: () => clock.now().getTime() });
    let seed = 1;
    for (const [name, sides] of Object.entries(SCENARIOS)) {
      sim.addEvents(transactions(`${name}-v1`, sides.baseline, seed++));
      sim.addEvents(transactions(`${name}-v2`, sides.canary, seed++));
    }
    source = createNewRelicSource({ type: 'newrelic', accountId: sim.accountId, apiKey: '{{env.NR_USER_KEY}}', region: 'us', url: sim.url }, { env: { NR_USER_KEY: sim.apiKey }, clock, retries: 1, retryDelayMs: 10 });
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

  test('an equal canary passes after the whole duration, every interval one New Relic bucket of whole counts', async () => {
    sim.requests.splice(0);
    const result = await analyse('equal');
    expect({ verdict: result.report.verdict, reasons: result.report.reasons }).toMatchObject({ verdict: 'pass' });
    expect(classes(result)).toEqual({ 'error-rate': 'pass', latency: 'pass', 'p95-ceiling': 'pass' });
    expect(result.intervals).toBe(DURATION / INTERVAL);
    // The grid starts at the next whole minute; each interval is one bucket of New Relic's.
    expect(result.startedAt).toBe('2026-03-02T12:01:00.000Z');
    const rate = result.series.find((s) => s.name === 'error-rate')!;
    expect(rate.counts!.canary.requests).toEqual(Array(DURATION / INTERVAL).fill(PER_MINUTE));
    expect(rate.counts!.baseline.requests).toEqual(Array(DURATION / INTERVAL).fill(PER_MINUTE));
    // The baseline's 30 minutes before the start were read as its history, ending at the last whole bucket (12:00).
    expect(rate.history!.requests).toEqual(Array(30).fill(PER_MINUTE));
    // Every query asked whole minutes of epoch milliseconds, in buckets of the interval.
    for (const request of sim.requests) {
      const [, since, until] = /\nSINCE (\d+) UNTIL (\d+) TIMESERIES 60 seconds$/.exec(request.nrql ?? '') ?? [];
      expect(Number(since) % 60_000).toBe(0);
      expect(Number(until) % 60_000).toBe(0);
      expect(request.authorized).toBe(true);
    }
  });
});
