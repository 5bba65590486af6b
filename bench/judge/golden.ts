// The judge's golden record: its decisions and figures on seeded benchmark streams, written once by
// `npx tsx bench/judge/golden.ts` into test/fixtures/judge-golden.json. The test
// test/unit/core/judge/golden.test.ts recomputes them and asks for the same; a change to the
// judge's arithmetic that changes a decision fails it. Regenerate only on purpose, when the
// judge's behaviour is meant to change, and say so in the commit.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { judge, SequentialRateTest, type Direction, type JudgeInput, type SequentialRateResult } from '../../src/core/judge/index.js';
import { nullScenarios, regressionScenarios, trafficLevels } from './scenarios.js';
import { generateStream, type Stream, type StreamScenario } from './streams.js';

/** Where the record is kept. */
export const GOLDEN_FIXTURE = fileURLToPath(new URL('../../test/fixtures/judge-golden.json', import.meta.url));

/** One stream of the record: a scenario at a traffic level, a seed, and the test's settings. */
export interface GoldenCase {
  id: string;
  scenario: StreamScenario;
  seed: number;
  direction: Direction;
  allowedRatio: number;
  alpha: number;
  history: boolean;
  /** Also run the whole judge() over a rate and a continuous metric of this stream. */
  wholeJudge: boolean;
}

const SEEDS_PER_LEVEL = 2;
const directions: Direction[] = ['increase', 'either', 'decrease'];

/** Every case, in a fixed order: all scenarios × traffic levels × seeds, with and without history. */
export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = [];
  const scenarios = [...nullScenarios, ...regressionScenarios];
  scenarios.forEach(({ name, variant }, s) =>
    trafficLevels.forEach((level, l) => {
      for (let r = 0; r < SEEDS_PER_LEVEL; r++) {
        const seed = 7_000_000 + s * 1000 + l * 10 + r;
        for (const history of [true, false]) {
          const n = cases.length;
          cases.push({
            id: `${name} | ${level.totalRps} req/s vs ${level.comparison} | seed ${seed}${history ? '' : ' | no history'}`,
            scenario: { ...level, ...variant },
            seed,
            // Mostly the default test; every seventh case another direction, allowed ratio or α.
            direction: n % 7 === 3 ? directions[(n >> 3) % 3] : 'increase',
            allowedRatio: n % 11 === 5 ? 1.5 : 1.2,
            alpha: n % 13 === 6 ? 0.05 : 0.01,
            history,
            wholeJudge: history && r === 0 && l % 3 === 0,
          });
        }
      }
    }),
  );
  return cases;
}

/** A number as the record keeps it: 12 significant digits; non-finite ones as text. */
export function goldenNumber(n: number): number | string {
  return Number.isFinite(n) ? Number(n.toPrecision(12)) : String(n);
}

/** Every number in a JSON-like value through goldenNumber. */
export function goldenValue(value: unknown): unknown {
  if (typeof value === 'number') return goldenNumber(value);
  if (Array.isArray(value)) return value.map(goldenValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, goldenValue(v)]));
  return value;
}

/**
 * What the record keeps of a sequential test's result, as one row: decision, decidedAtInterval,
 * pValue, ratio estimate, lower and upper bound, overdispersion, used, history and missing
 * intervals, canary errors and requests, baseline errors and requests.
 */
export function testRecord(r: SequentialRateResult): unknown[] {
  const { totals: t, ratio } = r;
  return [r.decision, r.decidedAtInterval, ...[r.pValue, ratio.estimate, ratio.lower, ratio.upper, r.overdispersion].map(goldenNumber), r.usedIntervals, r.historyIntervals, r.missingIntervals, t.canaryErrors, t.canaryRequests, t.baselineErrors, t.baselineRequests];
}

/** The judge's input over one stream: its rate metric, and its per-interval error rates as a continuous metric. */
export function wholeJudgeInput(c: GoldenCase, stream: Stream): JudgeInput {
  const ratio = (counts: Stream['canary']) => counts.errors.map((e, i) => (counts.requests[i] > 0 ? e / counts.requests[i] : NaN));
  return {
    config: { alpha: c.alpha },
    metrics: [
      { name: 'errors', kind: 'rate', direction: c.direction, allowedRatio: c.allowedRatio, canary: stream.canary, baseline: stream.baseline, ...(c.history ? { baselineHistory: stream.history } : {}) },
      { name: 'error-ratio', kind: 'continuous', direction: c.direction, canary: ratio(stream.canary), baseline: ratio(stream.baseline) },
    ],
  };
}

/** The record of one case (in goldenCases' order): the test's result half-way and at the end, and the whole report where asked. */
export function goldenRecord(c: GoldenCase): unknown {
  const stream = generateStream(c.scenario, c.seed);
  const test = new SequentialRateTest({ alpha: c.alpha, direction: c.direction, allowedRatio: c.allowedRatio, ...(c.history ? { baselineHistory: stream.history } : {}) });
  const intervals = stream.canary.errors.length;
  let halfway: unknown;
  for (let i = 0; i < intervals; i++) {
    test.push(stream.canary.errors[i], stream.canary.requests[i], stream.baseline.errors[i], stream.baseline.requests[i]);
    if (i + 1 === intervals >> 1) halfway = testRecord(test.result());
  }
  return { halfway, end: testRecord(test.result()), ...(c.wholeJudge ? { report: goldenValue(judge(wholeJudgeInput(c, stream))) } : {}) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const records = goldenCases().map(goldenRecord);
  writeFileSync(GOLDEN_FIXTURE, `${JSON.stringify(records)}\n`);
  console.log(`${records.length} cases written to ${GOLDEN_FIXTURE}`);
}
