import { afterAll, afterEach, beforeAll, describe, expect } from '@jest/globals';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { datadogDialect } from '../../../src/core/metrics/dialects/datadog.js';
import { parseMetricsYaml } from '../../../src/core/metrics/metrics-config.js';
import { createDatadogSource } from '../../../src/core/metrics/sources/datadog.js';
import { parseSourceSettings, type DatadogSettings } from '../../../src/core/metrics/source-settings.js';
import type { MetricSource } from '../../../src/core/metrics/types.js';
import { addApmSeries } from '../../../testkit/datadog-sim/apm.js';
import { expectNoContractViolations, startDatadogSimulator, type DatadogSimulator } from '../../../testkit/datadog-sim/index.js';
import { PER_MINUTE, scenarioTests, SCENARIOS, START } from '../../support/interval-source-scenarios.js';

// A whole canary analysis read from Datadog: the metrics are Datadog metric queries, checked and
// rendered in the Datadog dialect; the source sends them through the official client to the
// simulator, which aggregates the APM-style series of two versions per scenario and holds every
// request and answer to Datadog's published QueryMetrics contract. The loop runs on a virtual clock
// 7 s past a whole minute, so the grid starts at the next minute and every interval it judges is
// one of Datadog's rollup buckets.

const METRICS = parseMetricsYaml(
  `
- name: error-rate
  kind: rate
  critical: true
  errors: sum:trace.http.request.errors{service:checkout,{{selector}}}.as_count()
  requests: sum:trace.http.request.hits{service:checkout,{{selector}}}.as_count()
- name: latency
  kind: continuous
  allowedIncrease: 20%
  query: avg:trace.http.request.duration{service:checkout,{{selector}}}
- name: p95-ceiling
  kind: threshold
  query: max:trace.http.request.duration.p95{service:checkout,{{selector}}}.rollup(max, {{interval}})
  thresholds: {max: 0.5}
`,
  'test metrics',
  datadogDialect,
);

/** From 40 minutes before the start to 40 after, PER_MINUTE requests a minute in 6 flushes. */
const WINDOW = { fromSeconds: START.getTime() / 1000 - 40 * 60, toSeconds: START.getTime() / 1000 + 40 * 60, perFlush: PER_MINUTE / 6 };

describe('a canary analysis on Datadog (metric queries through the official client, simulated)', () => {
  let sim: DatadogSimulator;
  let source: MetricSource;

  beforeAll(async () => {
    sim = await startDatadogSimulator();
    let seed = 1;
    for (const [name, sides] of Object.entries(SCENARIOS)) {
      addApmSeries(sim, { version: `${name}-v1`, ...sides.baseline }, { ...WINDOW, seed: seed++ });
      addApmSeries(sim, { version: `${name}-v2`, ...sides.canary }, { ...WINDOW, seed: seed++ });
    }
    const settings = parseSourceSettings({ datadog: { site: 'datadoghq.eu', url: sim.url } }, 'analysis.source') as DatadogSettings;
    source = createDatadogSource(settings, { env: { DD_API_KEY: sim.apiKey, DD_APP_KEY: sim.appKey }, clock: new VirtualClock(START), retries: 1, retryDelayMs: 10 });
  });
  afterEach(() => expectNoContractViolations(sim));
  afterAll(() => sim?.close());

  scenarioTests('Datadog', () => source, METRICS, {
    before: () => void sim.requestLog.splice(0),
    after: () => {
      // Every query asked whole minutes in buckets of the interval: counts summed, the mean averaged, the template's own rollup kept.
      const queries = new Set(sim.requestLog.map((r) => r.query));
      expect(queries).toEqual(
        new Set([
          'sum:trace.http.request.errors{service:checkout,version:equal-v1}.as_count().rollup(sum, 60)',
          'sum:trace.http.request.hits{service:checkout,version:equal-v1}.as_count().rollup(sum, 60)',
          'sum:trace.http.request.errors{service:checkout,version:equal-v2}.as_count().rollup(sum, 60)',
          'sum:trace.http.request.hits{service:checkout,version:equal-v2}.as_count().rollup(sum, 60)',
          'avg:trace.http.request.duration{service:checkout,version:equal-v1}.rollup(avg, 60)',
          'avg:trace.http.request.duration{service:checkout,version:equal-v2}.rollup(avg, 60)',
          'max:trace.http.request.duration.p95{service:checkout,version:equal-v2}.rollup(max, 60)',
        ]),
      );
      for (const request of sim.requestLog) {
        expect(request.status).toBe(200);
        expect(request.from! % 60).toBe(0);
        expect(request.to! % 60).toBe(0);
      }
    },
  });
});
