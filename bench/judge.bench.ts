// The judge benchmark of docs/judge.md ("What the benchmark shows"): Slipway's sequential test
// against Kayenta-, Argo- and Flagger-style judges on the same seeded canary/baseline streams, the
// oracle-SPRT floor, and the judge's compute time. `npm run bench -- judge`.
import { classifyMetric, judge, type MetricInput } from '../src/core/judge/index.js';
import { benchJudges, oracleJudge } from './judge/judges.js';
import { latencyTables } from './judge/latency.js';
import { Random } from './judge/random.js';
import { nullScenarios, regressionScenarios, trafficLevels } from './judge/scenarios.js';
import { baselineErrorRate, canaryShare, generateStream, type Stream, type StreamScenario } from './judge/streams.js';
import { quantile, runScenario, tallyHeader, tallyRow } from './judge/tally.js';
import { printTable } from './table.js';

const NULL_REPLICATES = 1000;
const REGRESSION_REPLICATES = 500;
const DETECTABLE_REPLICATES = 200;
const ALPHA = 0.01;

/** log(1/α)/KL(θ₁‖ρ) errors in all, times θ₁ for the canary's share: the oracle SPRT's expected detection. */
function floorCanaryErrors(ratio: number, comparison: StreamScenario['comparison']): number {
  const rho = comparison === 'primary' ? canaryShare : 0.5;
  const theta = (rho * ratio) / (rho * ratio + 1 - rho);
  const kl = theta * Math.log(theta / rho) + (1 - theta) * Math.log((1 - theta) / (1 - rho));
  return (Math.log(1 / ALPHA) / kl) * theta;
}

/**
 * The detectable ratio the report states, checked against the test: per traffic level and scrape
 * interval, the median detectable ratio of healthy canaries (as the judge reports it at the end of
 * the analysis, with the primary's history); then canaries that much worse: how often Slipway
 * catches them within the hour, over all of them and over those whose own analysis stated it could
 * catch that ratio — the statement's promise (target ≥ 95%).
 */
function detectableVsDetection(seedBase: number): (string | number)[][] {
  const judged = (stream: Stream) =>
    classifyMetric(
      { name: 'errors', kind: 'rate', direction: 'increase', canary: stream.canary, baseline: stream.baseline, baselineHistory: stream.history },
      { alpha: ALPHA, onUndecided: 'pass', complete: true },
    );
  const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '—');
  return [10, 60].flatMap((scrapeSeconds) =>
    trafficLevels.map((level, index) => {
      const scenario = (ratio: number): StreamScenario => ({ ...level, ratio, scrapeSeconds, timeVarying: true });
      const seed = seedBase + (scrapeSeconds * 10 + index) * 10_000;
      const stated = Array.from({ length: DETECTABLE_REPLICATES }, (_, r) => judged(generateStream(scenario(1), seed + r)).sequential?.detectableRatio ?? Infinity);
      const median = quantile(stated, 0.5);
      let caught = 0;
      let promised = 0;
      let kept = 0;
      for (let r = 0; Number.isFinite(median) && r < DETECTABLE_REPLICATES; r++) {
        const result = judged(generateStream(scenario(median), seed + 5_000 + r)).sequential!;
        const worse = result.decision === 'worse';
        if (worse) caught++;
        if ((result.detectableRatio ?? Infinity) <= median) {
          promised++;
          if (worse) kept++;
        }
      }
      return [
        `${level.totalRps} req/s`,
        level.comparison === 'primary' ? '95% primary' : '5% baseline',
        `${scrapeSeconds} s`,
        `${median.toFixed(2)}×`,
        Number.isFinite(median) ? percent(caught, DETECTABLE_REPLICATES) : '—',
        `${percent(kept, promised)} of ${promised}`,
        percent(stated.filter((d) => d <= 2).length, stated.length),
      ];
    }),
  );
}

function computeTime(): (string | number)[][] {
  const random = new Random(99);
  const points = 10_000;
  const rate = (i: number): MetricInput => {
    const series = (n: number, p: number) => {
      const requests = Array.from({ length: points }, () => random.poisson(n));
      return { requests, errors: requests.map((q) => random.binomial(q, p)) };
    };
    return { name: `rate-${i}`, kind: 'rate', direction: 'increase', canary: series(50, 0.01), baseline: series(950, 0.01) };
  };
  const continuous = (i: number): MetricInput => ({
    name: `latency-${i}`,
    kind: 'continuous',
    direction: 'increase',
    canary: Array.from({ length: points }, () => random.gamma(4) * 25),
    baseline: Array.from({ length: points }, () => random.gamma(4) * 25),
  });
  const threshold = (i: number): MetricInput => ({ name: `slo-${i}`, kind: 'threshold', direction: 'increase', max: 2, values: Array.from({ length: points }, () => random.next()) });
  const sets: [string, MetricInput[]][] = [
    ['50 rate metrics × 10,000 intervals', Array.from({ length: 50 }, (_, i) => rate(i))],
    ['50 continuous metrics × 10,000 values per arm', Array.from({ length: 50 }, (_, i) => continuous(i))],
    ['50 threshold metrics × 10,000 values', Array.from({ length: 50 }, (_, i) => threshold(i))],
  ];
  // CPU time rather than wall time: the figure should not depend on what else the machine runs.
  return sets.map(([label, metrics]) => {
    const started = process.cpuUsage();
    const report = judge({ config: { alpha: ALPHA }, metrics });
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    return [label, ms, ms / metrics.length, report.verdict];
  });
}

export default async function judgeBench(): Promise<void> {
  const started = performance.now();
  console.log(`Seeded streams over a 60-minute horizon; α = ${ALPHA}; canary share ${canaryShare * 100}%, baseline error rate ${baselineErrorRate * 100}%.`);
  console.log(`Replicates: ${NULL_REPLICATES} per null scenario and traffic level, ${REGRESSION_REPLICATES} per regression scenario and traffic level.`);
  console.log('Times to decision and canary requests are over the runs that rolled back; "failed served" counts canary errors until rollback or the horizon.');
  let seed = 1;
  for (const { name, variant } of nullScenarios) {
    const rows = trafficLevels.flatMap((level) => {
      const tallies = runScenario((streamSeed) => generateStream({ ...level, ...variant }, streamSeed), NULL_REPLICATES, benchJudges(), (seed += 100_000));
      return [...tallies].map(([judgeName, t]) => tallyRow(level, judgeName, t));
    });
    printTable(`${name} — rollback rate is the false-alarm rate (target ≤ ${ALPHA * 100}%)`, tallyHeader(), rows);
  }
  const floors: (string | number)[][] = [];
  for (const { name, variant } of regressionScenarios) {
    const rows = trafficLevels.flatMap((level) => {
      const tallies = runScenario((streamSeed) => generateStream({ ...level, ...variant }, streamSeed), REGRESSION_REPLICATES, [...benchJudges(), oracleJudge(variant.ratio, ALPHA)], (seed += 100_000));
      const floor = floorCanaryErrors(variant.ratio, level.comparison);
      const oracle = quantile(tallies.get('oracle SPRT')!.canaryErrorsAtRollback, 0.5);
      const slipway = quantile(tallies.get('slipway')!.canaryErrorsAtRollback, 0.5);
      const withoutHistory = quantile(tallies.get('slipway, no history')!.canaryErrorsAtRollback, 0.5);
      floors.push([
        `${variant.ratio}×`,
        `${level.totalRps} req/s`,
        level.comparison === 'primary' ? '95% primary' : '5% baseline',
        floor,
        oracle,
        slipway,
        slipway / floor,
        slipway / Math.max(floor, oracle),
        withoutHistory,
        withoutHistory / Math.max(floor, oracle),
      ]);
      return [...tallies].map(([judgeName, t]) => tallyRow(level, judgeName, t));
    });
    printTable(`${name} — rollback rate is the power`, tallyHeader(), rows);
  }
  printTable(
    // The formula assumes the test can stop after any error; judged once per scrape, even the oracle
    // overshoots it by up to a scrape's worth of errors, so the last column compares with the larger.
    'Detection vs the sequential floor, in canary errors (target: Slipway ≤ 1.5× the floor; the oracle SPRT on the same scrapes is the floor a per-scrape judge can reach)',
    ['ratio', 'traffic', 'vs', 'floor log(1/α)/KL·θ₁', 'oracle SPRT median (same scrapes)', 'slipway median', 'slipway / formula', 'slipway / max(formula, oracle)', 'no history: median', 'no history / max(formula, oracle)'],
    floors,
  );
  printTable(
    'What an analysis can detect: the median detectable ratio stated for healthy canaries (60-minute analysis, time-varying traffic), and canaries that much worse caught within the hour, over all and where their analysis stated it could (target ≥ 95%)',
    ['traffic', 'vs', 'scrape', 'median detectable ratio', 'caught, all', 'caught where stated', 'healthy canaries able to catch 2×'],
    detectableVsDetection((seed += 100_000)),
  );
  latencyTables((seed += 10_000_000), ALPHA);
  printTable('Judge compute time (one judge() call, CPU time)', ['input', 'CPU ms', 'CPU ms per metric', 'verdict'], computeTime());
  const cpu = process.cpuUsage();
  console.log(`\njudge bench took ${((performance.now() - started) / 1000).toFixed(1)} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU)`);
}
