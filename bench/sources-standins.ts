// The metric sources' local stand-ins for bench/sources.bench.ts, each loaded and wired as its
// integration test does it (test/integration/{datadog,cloudwatch,newrelic,web-source}/): the same
// data shapes, the same source factory, one VirtualClock that the source, the stand-in and the
// analysis all read "now" from. Each holds two equal versions (v1 the baseline, v2 the canary)
// from 40 minutes before the start to 70 after: the 30-minute baseline history and a 60-minute
// analysis both fall inside. The metrics are one rate, one continuous and one threshold metric in
// the source's own query language; the continuous one keeps the analysis open to its planned end.
import { VirtualClock } from '../src/core/analysis/clock.js';
import { cloudwatchDialect } from '../src/core/metrics/dialects/cloudwatch.js';
import { datadogDialect } from '../src/core/metrics/dialects/datadog.js';
import { nrqlDialect } from '../src/core/metrics/dialects/nrql.js';
import { webDialect } from '../src/core/metrics/dialects/web.js';
import { parseMetricsYaml, type MetricDefinition } from '../src/core/metrics/metrics-config.js';
import { parseSourceSettings, type DatadogSettings, type WebSettings } from '../src/core/metrics/source-settings.js';
import { createCloudWatchSource } from '../src/core/metrics/sources/cloudwatch.js';
import { createDatadogSource } from '../src/core/metrics/sources/datadog.js';
import { createNewRelicSource } from '../src/core/metrics/sources/newrelic.js';
import { createWebSource } from '../src/core/metrics/sources/web.js';
import { parseSelector, type LabelMatcher } from '../src/core/metrics/template.js';
import type { MetricSource } from '../src/core/metrics/types.js';
import { startStatsApp } from '../testkit/stats-app/index.js';
import { startCloudWatchSim, TEST_CREDENTIALS, type Datapoint } from '../testkit/cloudwatch-sim/index.js';
import { addApmSeries } from '../testkit/datadog-sim/apm.js';
import { expectNoContractViolations as datadogContractHeld, startDatadogSimulator } from '../testkit/datadog-sim/index.js';
import { expectNoContractViolations as nerdGraphContractHeld, startNewRelicSimulator, type NrqlEvent } from '../testkit/newrelic-sim/index.js';
import { Random } from './judge/random.js';

/** A source with its stand-in running, ready for one analysis. */
export interface StandIn {
  readonly name: string;
  readonly source: MetricSource;
  readonly metrics: MetricDefinition[];
  readonly canary: LabelMatcher[];
  readonly baseline: LabelMatcher[];
  /** What the source and the stand-in take for now; the analysis runs on it too. */
  readonly clock: VirtualClock;
  /** HTTP requests the stand-in has received so far (its own request log). */
  requests(): number;
  /** Of those, CloudWatch NextToken pages (0 elsewhere: no other source pages). */
  pages(): number;
  /** Of those, answered with something other than 200, i.e. followed by a retry (where the stand-in logs a status). */
  refused(): number;
  /** Throws when the stand-in saw a request or gave an answer outside the vendor's published contract. */
  checkContract(): void;
  close(): Promise<void>;
}

/** Minutes of data before and after the start: covers the 30-minute history and a 60-minute analysis. */
const BEFORE_MINUTES = 40;
const AFTER_MINUTES = 70;
/** 7 s past a whole minute, as the integration tests start: an interval source's grid begins on the next minute. */
const START = new Date('2026-03-02T12:00:07Z');
const canary = () => parseSelector('version="v2"', 'canary-selector');
const baseline = () => parseSelector('version="v1"', 'baseline-selector');

/** Both versions: 2% errors, 0.1 s mean latency. */
const SIDE = { errorRate: 0.02, seconds: 0.1 };

export const STAND_INS: Record<string, () => Promise<StandIn>> = { datadog, cloudwatch, newrelic, web };

/** Datadog: APM-style series every 10 s (its flush interval) in the simulator, read through the official client. */
async function datadog(): Promise<StandIn> {
  const clock = new VirtualClock(START);
  const sim = await startDatadogSimulator();
  const from = START.getTime() / 1000 - BEFORE_MINUTES * 60;
  for (const [version, seed] of [['v1', 1], ['v2', 2]] as const) {
    addApmSeries(sim, { version, ...SIDE }, { fromSeconds: from, toSeconds: START.getTime() / 1000 + AFTER_MINUTES * 60, perFlush: 50, seed });
  }
  const settings = parseSourceSettings({ datadog: { site: 'datadoghq.eu', url: sim.url } }, 'analysis.source') as DatadogSettings;
  return {
    name: 'datadog',
    source: createDatadogSource(settings, { env: { DD_API_KEY: sim.apiKey, DD_APP_KEY: sim.appKey }, clock }),
    metrics: parseMetricsYaml(
      `
- {name: error-rate, kind: rate, errors: 'sum:trace.http.request.errors{service:checkout,{{selector}}}.as_count()', requests: 'sum:trace.http.request.hits{service:checkout,{{selector}}}.as_count()'}
- {name: latency, kind: continuous, allowedIncrease: 20%, query: 'avg:trace.http.request.duration{service:checkout,{{selector}}}'}
- {name: p95-ceiling, kind: threshold, query: 'max:trace.http.request.duration.p95{service:checkout,{{selector}}}.rollup(max, {{interval}})', thresholds: {max: 0.5}}
`,
      'bench metrics',
      datadogDialect,
    ),
    canary: canary(),
    baseline: baseline(),
    clock,
    requests: () => sim.requestLog.length,
    pages: () => 0,
    refused: () => sim.requestLog.filter((r) => r.status !== 200).length,
    checkContract: () => datadogContractHeld(sim),
    close: () => sim.close(),
  };
}

/** CloudWatch: an app's PutMetricData every 10 s, read with Metrics Insights through the real AWS SDK (SigV4 checked). */
async function cloudwatch(): Promise<StandIn> {
  const clock = new VirtualClock(START);
  // The simulator's default page (100 datapoints; CloudWatch's is 100,800): a 30-minute history of one-minute buckets fits in one.
  const sim = await startCloudWatchSim({ region: 'eu-west-1' });
  const namespace = 'Shop/Web';
  const points: Datapoint[] = [];
  for (const [version, seed] of [['v1', 1], ['v2', 2]] as const) {
    const rng = new Random(seed);
    const at = (metric: string, time: number, value: number) => points.push({ namespace, metric, dimensions: { Version: version }, time, value });
    const from = Math.floor(START.getTime() / 1000 / 60) * 60 - BEFORE_MINUTES * 60;
    for (let time = from; time < from + (BEFORE_MINUTES + AFTER_MINUTES) * 60; time += 10) {
      let errors = 0;
      for (let i = 0; i < 300; i++) if (rng.next() < SIDE.errorRate) errors++;
      at('Requests', time + 3, 300);
      at('Errors', time + 3, errors);
      at('Latency', time + 3, SIDE.seconds * (0.9 + 0.2 * rng.next()));
    }
  }
  sim.put(points);
  const schema = `SCHEMA("${namespace}", Version)`;
  return {
    name: 'cloudwatch',
    source: await createCloudWatchSource(
      { type: 'cloudwatch', region: 'eu-west-1', endpoint: sim.url },
      { env: { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey }, clock },
    ),
    metrics: parseMetricsYaml(
      `
- {name: error-rate, kind: rate, errors: 'SELECT SUM(Errors) FROM ${schema} WHERE {{selector}}', requests: 'SELECT SUM(Requests) FROM ${schema} WHERE {{selector}}'}
- {name: latency, kind: continuous, allowedIncrease: 20%, query: 'SELECT AVG(Latency) FROM ${schema} WHERE {{selector}}'}
- {name: worst-latency, kind: threshold, query: 'SELECT MAX(Latency) FROM ${schema} WHERE {{selector}}', thresholds: {max: 0.5}}
`,
      'bench metrics',
      cloudwatchDialect,
    ),
    canary: parseSelector('Version="v2"', 'canary-selector'),
    baseline: parseSelector('Version="v1"', 'baseline-selector'),
    clock,
    requests: () => sim.requests.length,
    pages: () => sim.requests.filter((r) => r.input.NextToken !== undefined).length,
    refused: () => sim.requests.filter((r) => r.status !== 200).length,
    // Every request's signature and shape is checked as it arrives; a violation is a refused request.
    checkContract: () => {
      const refused = sim.requests.filter((r) => r.status !== 200);
      if (refused.length > 0) throw new Error(`CloudWatch simulator refused ${refused.length} request(s): ${JSON.stringify(refused[0])}`);
    },
    close: () => sim.stop(),
  };
}

/** New Relic: Transaction events in NerdGraph's simulator, read as NRQL TIMESERIES queries. */
async function newrelic(): Promise<StandIn> {
  const clock = new VirtualClock(START);
  const sim = await startNewRelicSimulator({ now: () => clock.now().getTime() });
  for (const [version, seed] of [['v1', 1], ['v2', 2]] as const) {
    const rng = new Random(seed);
    const events: NrqlEvent[] = [];
    // 300 transactions a minute, evenly spread.
    for (let t = START.getTime() - BEFORE_MINUTES * 60_000; t < START.getTime() + AFTER_MINUTES * 60_000; t += 200) {
      events.push({ eventType: 'Transaction', timestamp: t, version, appName: 'checkout', duration: Math.max(0.001, SIDE.seconds * (1 + 0.25 * rng.normal())), error: rng.next() < SIDE.errorRate });
    }
    sim.addEvents(events);
  }
  return {
    name: 'newrelic',
    source: createNewRelicSource({ type: 'newrelic', accountId: sim.accountId, apiKey: '{{env.NR_USER_KEY}}', region: 'us', url: sim.url }, { env: { NR_USER_KEY: sim.apiKey }, clock }),
    metrics: parseMetricsYaml(
      `
- {name: error-rate, kind: rate, errors: 'SELECT count(*) FROM Transaction WHERE {{selector}} AND error IS TRUE', requests: 'SELECT count(*) FROM Transaction WHERE {{selector}}'}
- {name: latency, kind: continuous, allowedIncrease: 20%, query: 'SELECT average(duration) FROM Transaction WHERE {{selector}}'}
- {name: p95-ceiling, kind: threshold, query: 'SELECT percentile(duration, 95) FROM Transaction WHERE {{selector}}', thresholds: {max: 0.5}}
`,
      'bench metrics',
      nrqlDialect,
    ),
    canary: canary(),
    baseline: baseline(),
    clock,
    requests: () => sim.requests.length,
    pages: () => 0,
    // NerdGraph's simulator logs no status; without injected faults every answer is a 200 (the contract check says the rest).
    refused: () => sim.requests.filter((r) => !r.authorized).length,
    checkContract: () => nerdGraphContractHeld(sim),
    close: () => sim.close(),
  };
}

/**
 * A web source: the app of the web-source integration test, answering its versions' running
 * counters and p99 (ms) as JSON behind a bearer token. It reports no average, so the continuous
 * metric is its p99.
 */
async function web(): Promise<StandIn> {
  const clock = new VirtualClock(START);
  const token = 'stats-token-5b0e7c2a91';
  const profile = { rps: 50, errorRate: SIDE.errorRate, p99Ms: 180 };
  const app = await startStatsApp({ versions: { v1: profile, v2: profile }, now: () => clock.now(), since: new Date(START.getTime() - BEFORE_MINUTES * 60_000), token });
  const settings = parseSourceSettings({ web: { url: `${app.url}/`, headers: { Authorization: 'Bearer {{env.STATS_TOKEN}}' } } }, 'analysis.source') as WebSettings;
  return {
    name: 'web',
    source: createWebSource(settings, { env: { STATS_TOKEN: token }, clock }),
    metrics: parseMetricsYaml(
      `
- {name: error-rate, kind: rate, errors: '/stats?{{selector}}#$.errors', requests: '/stats?{{selector}}#$.requests'}
- {name: p99, kind: continuous, allowedIncrease: 20%, query: '/stats?{{selector}}#$.p99'}
- {name: p99-limit, kind: threshold, query: 'versions/{{version}}#$.p99', thresholds: {max: 300}}
`,
      'bench metrics',
      webDialect,
    ),
    canary: canary(),
    baseline: baseline(),
    clock,
    requests: () => app.seen.length,
    pages: () => 0,
    refused: () => app.seen.filter((r) => r.authorization !== `Bearer ${token}`).length,
    checkContract: () => {},
    close: () => app.stop(),
  };
}
