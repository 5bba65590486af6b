import { afterAll, afterEach, beforeAll, describe, expect } from '@jest/globals';
import { Random } from '../../../bench/judge/random.js';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { nrqlDialect } from '../../../src/core/metrics/dialects/nrql.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { createNewRelicSource } from '../../../src/core/metrics/sources/newrelic.js';
import type { MetricSource } from '../../../src/core/metrics/types.js';
import { expectNoContractViolations, startNewRelicSimulator, type NewRelicSimulator, type NrqlEvent } from '../../../testkit/newrelic-sim/index.js';
import { PER_MINUTE, scenarioTests, SCENARIOS, START, type VersionSide } from '../../support/interval-source-scenarios.js';

// A whole canary analysis read from New Relic: the metrics are NRQL templates, checked and rendered
// in the NRQL dialect; the source sends them through NerdGraph to the simulator, which runs them
// over Transaction events of two versions and holds every request and answer to NerdGraph's
// published schema. The loop runs on a virtual clock 7 s past a whole minute, so the grid starts
// at the next minute and every bucket it judges is one of New Relic's.

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

/** Transactions of one version from 40 minutes before the start to 40 after, PER_MINUTE a minute evenly spread, errors and durations (±25%, so a p95 is about 1.4× the mean) drawn from `seed`. */
function transactions(version: string, side: VersionSide, seed: number): NrqlEvent[] {
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

  scenarioTests('New Relic', () => source, METRICS, {
    before: () => void sim.requests.splice(0),
    after: () => {
      // Every query asked whole minutes of epoch milliseconds, in buckets of the interval.
      for (const request of sim.requests) {
        const [, since, until] = /\nSINCE (\d+) UNTIL (\d+) TIMESERIES 60 seconds$/.exec(request.nrql ?? '') ?? [];
        expect(Number(since) % 60_000).toBe(0);
        expect(Number(until) % 60_000).toBe(0);
        expect(request.authorized).toBe(true);
      }
    },
  });
});
