// What one canary analysis costs each metric source in requests: a 60-minute analysis at a 60 s
// interval (an equal canary; a rate, a continuous and a threshold metric, so all 60 intervals run)
// with the default 30-minute baseline history, against each source's local stand-in
// (bench/sources-standins.ts), counted from the stand-in's own request log. Then what each vendor
// documents as its limit for those reads.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../src/core/analysis/clock.js';
import { runAnalysis } from '../src/core/analysis/loop.js';
import { queriesOf, sidesOf } from '../src/core/analysis/window.js';
import type { MetricSource } from '../src/core/metrics/types.js';
import { STAND_INS, type StandIn } from './sources-standins.js';
import { printTable } from './table.js';

const INTERVAL_SECONDS = 60;
const DURATION_SECONDS = 3600;

/** The source, counting the queries the analysis asks of it (one query may cost several requests) and how many run at once. */
function counting(source: MetricSource) {
  const tally = { queries: 0, inFlight: 0, mostAtOnce: 0 };
  const count = async <T>(ask: () => Promise<T>): Promise<T> => {
    tally.queries++;
    tally.mostAtOnce = Math.max(tally.mostAtOnce, ++tally.inFlight);
    try {
      return await ask();
    } finally {
      tally.inFlight--;
    }
  };
  const wrapped: MetricSource = {
    type: source.type,
    ...(source.counts ? { counts: source.counts } : {}),
    ...(source.dialect ? { dialect: source.dialect } : {}),
    queryRange: (query, window) => count(() => source.queryRange(query, window)),
    queryInstant: (query, time) => count(() => source.queryInstant(query, time)),
  };
  return { source: wrapped, tally };
}

/** One analysis on the stand-in's clock; the requests before its first sleep are the history's, those after each interval that interval's. */
async function analyse(standIn: StandIn, durationSeconds: number) {
  const { source, tally } = counting(standIn.source);
  let history: { requests: number; queries: number } | undefined;
  // The loop reads the history, then sleeps to the first interval's end: the first sleep marks the boundary.
  const clock: Clock = {
    now: () => standIn.clock.now(),
    sleep: (ms) => ((history ??= { requests: standIn.requests(), queries: tally.queries }), standIn.clock.sleep(ms)),
  };
  const perInterval: number[] = [];
  let before: number | undefined;
  const started = performance.now();
  const result = await runAnalysis({
    source,
    metrics: standIn.metrics,
    canary: standIn.canary,
    baseline: standIn.baseline,
    durationSeconds,
    intervalSeconds: INTERVAL_SECONDS,
    clock,
    onProgress: () => {
      const now = standIn.requests();
      perInterval.push(now - (before ?? history!.requests));
      before = now;
    },
  });
  const ms = performance.now() - started;
  standIn.checkContract();
  return { result, ms, history: history!, perInterval, tally };
}

export default async function sourcesBench(): Promise<void> {
  const rows: (string | number)[][] = [];
  const peaks: Record<string, string> = {};
  let expected = '';
  for (const [name, start] of Object.entries(STAND_INS)) {
    // One short unmeasured analysis on a stand-in of its own first, so the timings carry no compiler warm-up.
    const warm = await start();
    await analyse(warm, 10 * INTERVAL_SECONDS).finally(() => warm.close());

    const standIn = await start();
    try {
      const { result, ms, history, perInterval, tally } = await analyse(standIn, DURATION_SECONDS);
      if (result.report.verdict !== 'pass' || result.intervals !== result.plannedIntervals) {
        throw new Error(`${name}: the equal canary should pass after all ${result.plannedIntervals} intervals; got ${result.report.verdict} after ${result.intervals} (${result.report.reasons.join('; ')})`);
      }
      const total = standIn.requests();
      const low = Math.min(...perInterval);
      const high = Math.max(...perInterval);
      // Requests beyond one per query: CloudWatch NextToken pages, New Relic ranges split at 366 buckets, retries.
      const extra = total - tally.queries;
      const kinds = [`${standIn.pages()} pages`, `${standIn.refused()} refused`].join(', ');
      rows.push([name, history.requests, low === high ? low : `${low}–${high}`, total, `${extra} (${kinds})`, ms / result.intervals]);
      peaks[name] = `${high} requests per 60 s interval, at most ${tally.mostAtOnce} at once`;
      // What the code says one should see, from the metric definitions themselves.
      const rates = standIn.metrics.filter((m) => m.kind === 'rate');
      const historyQueries = rates.reduce((n, m) => n + Object.keys(queriesOf(m)).length, 0);
      const intervalQueries = standIn.metrics.reduce((n, m) => n + Object.keys(queriesOf(m)).length * sidesOf(m).length, 0);
      expected = `${historyQueries} for the history (the rate metric's 2 counters, baseline only), ${intervalQueries} per interval (rate 2 queries × 2 sides + continuous 1 × 2 + threshold 1, canary only), ${historyQueries + 60 * intervalQueries} an hour`;
    } finally {
      await standIn.close();
    }
  }
  printTable(
    'Requests per source: a 60-minute analysis at 60 s intervals, 1 rate + 1 continuous + 1 threshold metric, 30-minute history',
    ['source', 'requests for the history', 'requests per interval', 'requests per hour (60 intervals + history)', 'beyond one per query (pages, splits, retries)', 'ms per interval'],
    rows,
  );
  console.log(`\nExpected from the metric definitions: ${expected}. ms per interval: the analysis's wall time over its intervals (virtual clock: Slipway + stand-in CPU).`);

  // What each vendor documents for these reads. Every fact below was found in the vendor's (or, where
  // marked, a third party's) pages; nothing here is estimated.
  // - Datadog: https://docs.datadoghq.com/api/latest/rate-limits/ — "The rate limits for endpoints vary
  //   and are included in the headers" (X-RateLimit-Limit, -Period, -Remaining, -Reset, -Name); no number
  //   for the metrics query endpoint (GET /api/v1/query) is published; limits can be raised through support.
  // - CloudWatch: https://repost.aws/knowledge-center/cloudwatch-getmetricdata-api — GetMetricData quotas:
  //   50 TPS; 180,000 datapoints per second when StartTime is within three hours of now (396,000 beyond);
  //   GetMetricData is not in the free tier. https://docs.aws.amazon.com/goto/WebAPI/monitoring/GetMetricData
  //   — a GetMetricData operation may hold only one Metrics Insights query (so one request per query here).
  //   GetMetricData is charged per metric requested; AWS's pricing page was not among the sources at
  //   hand, so no price is printed.
  // - New Relic: https://docs.newrelic.com/docs/nrql/using-nrql/rate-limits-nrql-queries/ — 3,000 NRQL
  //   queries per account per minute through the APIs; keep concurrent queries to five over long periods.
  //   https://docs.newrelic.com/docs/apis/nerdgraph/nerdgraph-usage-limits/ — NerdGraph: 25 concurrent
  //   requests per user guaranteed, the rate of requests not limited; over it, HTTP 429.
  // - web: the user's own endpoint; no vendor limit.
  printTable(
    'What each vendor documents for these reads (sources in bench/sources.bench.ts)',
    ['source', 'read', 'documented limit', 'this analysis (measured)'],
    [
      ['datadog', 'GET /api/v1/query (QueryMetrics)', 'not published: per-endpoint limits come in X-RateLimit-* headers', peaks.datadog],
      ['cloudwatch', 'GetMetricData (1 Metrics Insights query per call)', '50 TPS; 180,000 datapoints/s (StartTime ≤ 3 h ago); charged per metric requested, not in the free tier', peaks.cloudwatch],
      ['newrelic', 'NerdGraph actor.account.nrql', '3,000 NRQL queries per account per minute; 25 concurrent NerdGraph requests per user', peaks.newrelic],
      ['web', 'GET on your own endpoint', 'none (your service)', peaks.web],
    ],
  );
}
