import type { RateCounts } from '../../src/core/judge/index.js';
import { normalCdf, normalQuantile } from '../../src/core/judge/special-functions.js';
import { printTable } from '../table.js';
import { kayentaRule, slipwayJudge, type BenchJudge } from './judges.js';
import { Random } from './random.js';
import { canaryShare, historyMinutes, timeVarying, type Stream, type StreamScenario } from './streams.js';
import { runScenario, tallyHeader, tallyRow } from './tally.js';
import { trafficLevels } from './scenarios.js';

// The latency part of the judge benchmark (docs/judge.md, "Latency"): a `latency` metric counts
// each arm's requests slower than a threshold and judges that share with the sequential rate test,
// so its streams are rate streams whose "errors" are the slow requests. Request latencies are
// lognormal (median 100 ms, σ 0.5) and the threshold is 300 ms: 1.4% of a healthy version's
// requests are slow. Per interval an arm's slow count is Binomial(requests, P(latency > 300 ms)),
// which is what counting every request's latency against the threshold gives, without drawing
// each one. Kayenta's rule reads each interval's p99 instead, drawn as the order statistic of that
// interval's requests: the exact sample p99, which favours it over the bucket-interpolated p99
// (`histogram_quantile`) a real Kayenta reads.

const MEDIAN_SECONDS = 0.1;
const SIGMA = 0.5;
const THRESHOLD_SECONDS = 0.3;
const NULL_REPLICATES = 500;
const REGRESSION_REPLICATES = 300;

/** One seeded latency scenario: traffic as the error-rate streams have it, and how the canary's latency differs. */
interface LatencyScenario extends Pick<StreamScenario, 'totalRps' | 'comparison' | 'scrapeSeconds' | 'timeVarying'> {
  /** The canary's latencies are the baseline's times this (1 under the nulls). */
  scale: number;
  /** A share of the canary's requests that take `addSeconds` longer (a slow dependency on some paths). */
  tail?: { share: number; addSeconds: number };
  /** Each arm's median wobbles independently between scrapes by a lognormal factor of this σ (GC pauses, noisy neighbours). */
  wobble?: number;
}

/** A latency stream: slow requests as the rate streams' errors, and each interval's p99 for Kayenta. */
interface LatencyStream extends Stream {
  p99: { canary: number[]; baseline: number[] };
}

/** P(latency > threshold) for a median scaled by `factor`, with the tail mixed in. */
function slowShare(factor: number, tail?: LatencyScenario['tail']): number {
  const share = 1 - normalCdf((Math.log(THRESHOLD_SECONDS) - Math.log(MEDIAN_SECONDS * factor)) / SIGMA);
  // A tail request takes at least addSeconds: slower than the threshold when that alone exceeds it.
  return tail ? (1 - tail.share) * share + tail.share * (tail.addSeconds >= THRESHOLD_SECONDS ? 1 : share) : share;
}

/** The canary/baseline ratio of slow shares a scenario's canary has (under steady load). */
function slowRatio(s: Pick<LatencyScenario, 'scale' | 'tail'>): number {
  return slowShare(s.scale, s.tail) / slowShare(1);
}

/** The sample p99 (nearest rank) of n requests whose medians are scaled by `factor`; NaN for none. */
function sampleP99(random: Random, n: number, factor: number, tail?: LatencyScenario['tail']): number {
  if (n <= 0) return NaN;
  const k = Math.ceil(0.99 * n);
  // The k-th smallest of n uniforms is Beta(k, n − k + 1); the latency quantile at it is the sample's.
  const a = random.gamma(k);
  const u = a / (a + random.gamma(n - k + 1));
  const lognormalAt = (p: number) => MEDIAN_SECONDS * factor * Math.exp(SIGMA * normalQuantile(p));
  if (!tail) return lognormalAt(u);
  const cdf = (x: number) => (1 - tail.share) * normalCdf(Math.log(x / (MEDIAN_SECONDS * factor)) / SIGMA) + tail.share * (x > tail.addSeconds ? normalCdf(Math.log((x - tail.addSeconds) / (MEDIAN_SECONDS * factor)) / SIGMA) : 0);
  let [low, high] = [1e-4, 100];
  for (let i = 0; i < 50; i++) {
    const mid = Math.sqrt(low * high);
    if (cdf(mid) < u) low = mid;
    else high = mid;
  }
  return Math.sqrt(low * high);
}

/** One stream of a latency scenario over a 60-minute horizon, with the primary's half hour before as history. */
function generateLatencyStream(s: LatencyScenario, seed: number): LatencyStream {
  const random = new Random(seed);
  const phase = random.next() * 2 * Math.PI;
  const armWobble = () => (s.wobble ? Math.exp(s.wobble * random.normal()) : 1);
  // Latency follows load: the error streams' load factor (diurnal swing, 2× at spikes) to the ¼ power, shared by both arms.
  const loadFactor = (errorFactor: number) => errorFactor ** 0.25;
  const stream: LatencyStream = {
    canary: { errors: [], requests: [] },
    baseline: { errors: [], requests: [] },
    served: { errors: [], requests: [] },
    history: { errors: [], requests: [] },
    p99: { canary: [], baseline: [] },
    scrapeSeconds: s.scrapeSeconds,
  };
  const history = new Random(seed + 0x5eed);
  const historyLoad = timeVarying(s, phase, history);
  const intervals = Math.round((historyMinutes * 60) / s.scrapeSeconds);
  for (let i = -intervals; i < 0; i++) {
    const { traffic, errorFactor } = historyLoad((i * s.scrapeSeconds) / 60);
    const requests = history.poisson(s.totalRps * traffic * s.scrapeSeconds);
    const factor = loadFactor(errorFactor) * (s.wobble ? Math.exp(s.wobble * history.normal()) : 1);
    push(stream.history, history.binomial(requests, slowShare(factor)), requests);
  }
  const load = timeVarying(s, phase, random);
  for (let i = 0; i < Math.round(3600 / s.scrapeSeconds); i++) {
    const { traffic, errorFactor } = load((i * s.scrapeSeconds) / 60);
    const perInterval = s.totalRps * traffic * s.scrapeSeconds;
    const canaryRequests = random.poisson(perInterval * canaryShare);
    const baselineRequests = random.poisson(perInterval * (s.comparison === 'primary' ? 1 - canaryShare : canaryShare));
    const canaryFactor = loadFactor(errorFactor) * s.scale * armWobble();
    const baselineFactor = loadFactor(errorFactor) * armWobble();
    const canarySlow = random.binomial(canaryRequests, slowShare(canaryFactor, s.tail));
    push(stream.canary, canarySlow, canaryRequests);
    push(stream.served, canarySlow, canaryRequests);
    push(stream.baseline, random.binomial(baselineRequests, slowShare(baselineFactor)), baselineRequests);
    stream.p99.canary.push(sampleP99(random, canaryRequests, canaryFactor, s.tail));
    stream.p99.baseline.push(sampleP99(random, baselineRequests, baselineFactor));
  }
  return stream;
}

function push(counts: RateCounts, slow: number, requests: number): void {
  counts.errors.push(slow);
  counts.requests.push(requests);
}

/** Kayenta's rule on the per-interval p99 (allowed increase 10%, Slipway's continuous default), every 10 minutes. */
const kayentaP99 = kayentaRule<LatencyStream>('kayenta (p99 MWU/10m)', 10, 1.1, (stream, from, to) => ({ canary: stream.p99.canary.slice(from, to), baseline: stream.p99.baseline.slice(from, to) }));

const latencyJudges = (alpha: number): BenchJudge[] => [slipwayJudge(true, alpha), slipwayJudge(false, alpha), kayentaP99];

const nulls: { name: string; variant: Omit<LatencyScenario, 'totalRps' | 'comparison'> }[] = [
  { name: 'equal versions, i.i.d. traffic, 30 s scrapes', variant: { scale: 1, scrapeSeconds: 30 } },
  { name: 'equal versions, common time-varying latency (diurnal swing, spikes)', variant: { scale: 1, scrapeSeconds: 30, timeVarying: true } },
  { name: 'equal versions, each arm\'s median wobbles 5% between scrapes', variant: { scale: 1, scrapeSeconds: 30, wobble: 0.05 } },
  { name: 'equal versions, each arm\'s median wobbles 10% between scrapes', variant: { scale: 1, scrapeSeconds: 30, wobble: 0.1 } },
];

const regressions: { name: string; variant: Omit<LatencyScenario, 'totalRps' | 'comparison'> }[] = [
  { name: 'canary 10% slower', variant: { scale: 1.1, scrapeSeconds: 10, timeVarying: true } },
  { name: 'canary 25% slower', variant: { scale: 1.25, scrapeSeconds: 10, timeVarying: true } },
  { name: '2% of canary requests 400 ms slower', variant: { scale: 1, tail: { share: 0.02, addSeconds: 0.4 }, scrapeSeconds: 10, timeVarying: true } },
];

/** Prints the latency tables: false alarms under equal versions, then detection of slower canaries. */
export function latencyTables(seedBase: number, alpha: number): void {
  console.log(`\nLatency: lognormal request latencies (median ${MEDIAN_SECONDS * 1000} ms, σ ${SIGMA}), slowerThan ${THRESHOLD_SECONDS * 1000}ms: ${(slowShare(1) * 100).toFixed(2)}% of a healthy version's requests are slow. α = ${alpha}; ${NULL_REPLICATES} replicates per null and traffic level, ${REGRESSION_REPLICATES} per regression.`);
  let seed = seedBase;
  const table = (title: string, variant: Omit<LatencyScenario, 'totalRps' | 'comparison'>, replicates: number) => {
    const rows = trafficLevels.flatMap((level) => {
      const tallies = runScenario((streamSeed) => generateLatencyStream({ ...level, ...variant }, streamSeed), replicates, latencyJudges(alpha), (seed += 100_000));
      return [...tallies].map(([judge, t]) => tallyRow(level, judge, t));
    });
    printTable(title, tallyHeader('slow'), rows);
  };
  for (const { name, variant } of nulls) table(`latency null: ${name} — rollback rate is the false-alarm rate (target ≤ ${alpha * 100}%)`, variant, NULL_REPLICATES);
  for (const { name, variant } of regressions) {
    table(`latency regression: ${name} (slow share ${slowRatio(variant).toFixed(2)}× the baseline's; 10 s scrapes, time-varying load) — rollback rate is the power`, variant, REGRESSION_REPLICATES);
  }
}
