import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { generateStream, type StreamScenario } from '../../../../bench/judge/streams.js';
import { SequentialRateTest, sequentialRateTest } from '../../../../src/core/judge/sequential-rate/index.js';
import type { Direction } from '../../../../src/core/judge/types.js';

const interval = fc.record({
  canaryErrors: fc.integer({ min: 0, max: 30 }),
  canaryRequests: fc.integer({ min: 30, max: 300 }),
  baselineErrors: fc.integer({ min: 0, max: 30 }),
  baselineRequests: fc.integer({ min: 30, max: 3000 }),
});

/** How often the test says "worse" on `replicates` generated streams. */
function rejectionRate(scenario: StreamScenario, replicates: number, alpha: number, direction: Direction = 'increase', history = false): number {
  let rejections = 0;
  for (let seed = 1; seed <= replicates; seed++) {
    const stream = generateStream(scenario, seed);
    const baselineHistory = history ? { baselineHistory: stream.history } : {};
    if (sequentialRateTest(stream.canary, stream.baseline, { alpha, direction, ...baselineHistory }).decision === 'worse') rejections++;
  }
  return rejections / replicates;
}

/** `intervals` scrapes of the primary alone with binomial errors at 1%, as the baseline's history. */
function binomialHistory(intervals: number, requests = 10_000): { errors: number[]; requests: number[] } {
  const stream = generateStream({ totalRps: requests / 10, comparison: 'primary', ratio: 1, scrapeSeconds: 10, horizonMinutes: (intervals * 10) / 60 }, 7);
  return { errors: stream.history.errors.slice(-intervals), requests: stream.history.requests.slice(-intervals) };
}

describe('sequential rate test', () => {
  test('the always-valid p-value never rises and a decision, once reached, stays (only "worse" overrides "not-worse")', () => {
    fc.assert(
      fc.property(fc.array(interval, { minLength: 1, maxLength: 60 }), (intervals) => {
        const test = new SequentialRateTest({ alpha: 0.05 });
        let previous = test.result();
        for (const i of intervals) {
          test.push(i.canaryErrors, i.canaryRequests, i.baselineErrors, i.baselineRequests);
          const now = test.result();
          expect(now.pValue).toBeLessThanOrEqual(previous.pValue);
          if (previous.decision === 'worse') expect(now).toMatchObject({ decision: 'worse', decidedAtInterval: previous.decidedAtInterval });
          if (previous.decision === 'not-worse' && now.decision !== 'worse') expect(now.decidedAtInterval).toBe(previous.decidedAtInterval);
          if (now.decision === 'worse') expect(now.pValue).toBeLessThanOrEqual(0.05);
          previous = now;
        }
      }),
    );
  });

  test.each([
    ['i.i.d. traffic vs the 95% primary, 10 s scrapes', { totalRps: 100, comparison: 'primary', ratio: 1, scrapeSeconds: 10, horizonMinutes: 30 }],
    ['a traffic split drifting between 4% and 6%', { totalRps: 100, comparison: 'primary', ratio: 1, scrapeSeconds: 30, splitDrift: true }],
    ['a common time-varying rate vs an equal baseline', { totalRps: 100, comparison: 'baseline', ratio: 1, scrapeSeconds: 30, timeVarying: true }],
  ] as const)('asked after every interval, simulated nulls do not reject more often than α: %s', (_name, scenario) => {
    const alpha = 0.05;
    const replicates = 200;
    // α plus three standard errors of the estimate: a real excess would show above it.
    expect(rejectionRate(scenario, replicates, alpha)).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / replicates));
  });

  test.each(['decrease', 'either'] as const)('for direction %s too, nulls with shared error spikes do not reject more often than α', (direction) => {
    const alpha = 0.05;
    const replicates = 200;
    const scenario: StreamScenario = { totalRps: 100, comparison: 'primary', ratio: 1, scrapeSeconds: 10, horizonMinutes: 30, timeVarying: true };
    expect(rejectionRate(scenario, replicates, alpha, direction)).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / replicates));
  });

  test('a canary with 5× the error rate is caught within minutes at 5 canary requests per second', () => {
    const decided: number[] = [];
    for (let seed = 1; seed <= 50; seed++) {
      const stream = generateStream({ totalRps: 100, comparison: 'primary', ratio: 5, scrapeSeconds: 10, horizonMinutes: 10 }, seed);
      const result = sequentialRateTest(stream.canary, stream.baseline);
      expect(result.decision).toBe('worse');
      decided.push(result.decidedAtInterval!);
    }
    decided.sort((a, b) => a - b);
    expect(decided[25]).toBeLessThanOrEqual(18); // median within 3 minutes of 10 s scrapes
  });

  test('no single scrape rolls back, however lopsided; the second one that agrees does', () => {
    // 80 of 180 errors in the canary where its 5% of the requests predicts 9: decisive for the
    // binomial model, but one scrape of a canary whose error rate wanders could show it too.
    const test = new SequentialRateTest({ alpha: 0.01 });
    test.push(80, 500, 100, 9500);
    expect(test.result()).toMatchObject({ decision: 'continue', decidedAtInterval: null });
    expect(test.result().pValue).toBeGreaterThan(0.01);
    test.push(80, 500, 100, 9500);
    expect(test.result()).toMatchObject({ decision: 'worse', decidedAtInterval: 2 });
  });

  test('no single scrape promotes either: one scrape with a tenth of the expected canary errors waits for a second', () => {
    const test = new SequentialRateTest({ alpha: 0.01, allowedRatio: 1.2 });
    test.push(3, 5000, 297, 95000);
    expect(test.result()).toMatchObject({ decision: 'continue', decidedAtInterval: null });
    expect(test.result().ratio.upper).toBeLessThan(1.2); // the confidence sequence alone would have promoted
    test.push(2, 5000, 298, 95000);
    expect(test.result()).toMatchObject({ decision: 'not-worse', decidedAtInterval: 2 });
  });

  test('when each arm\'s error rate wanders ±50% on its own between scrapes at 1000 req/s, false alarms stay bounded', () => {
    // Strong overdispersion of the benchmark (about 4–6% in docs/judge.md). Weighting
    // an interval by its own error total, or trusting the first scrapes at face value, gave 40–45%.
    const scenario: StreamScenario = { totalRps: 1000, comparison: 'primary', ratio: 1, scrapeSeconds: 30, overdispersion: { independent: 4 } };
    expect(rejectionRate(scenario, 300, 0.01)).toBeLessThanOrEqual(0.15);
  });

  test('±100% independent wobble: the first scrapes, counted before the dispersion showed, do not roll back once it shows', () => {
    // Tempering by the estimate at the time cannot look back; the look-back shadows can. Without
    // them this gave 12%.
    const scenario: StreamScenario = { totalRps: 1000, comparison: 'primary', ratio: 1, scrapeSeconds: 30, overdispersion: { independent: 1 } };
    expect(rejectionRate(scenario, 300, 0.01)).toBeLessThanOrEqual(0.07);
  });

  test('shared error bursts on top of ±20% independent wobble: a scrape where the canary is loud for itself counts for less', () => {
    // A shared burst multiplies both arms' errors, and the wobble's effect on the canary's share
    // with them, without showing in the requests. Tempering every interval alike gave 9% here.
    const scenario: StreamScenario = { totalRps: 1000, comparison: 'primary', ratio: 1, scrapeSeconds: 30, overdispersion: { shared: 0.3, independent: 25 } };
    expect(rejectionRate(scenario, 300, 0.01)).toBeLessThanOrEqual(0.075);
  });

  describe('with the baseline\'s history before the canary started', () => {
    test('a steady history lifts the guard for a gross ratio: one decisive scrape rolls back at once', () => {
      const test = new SequentialRateTest({ alpha: 0.01, baselineHistory: binomialHistory(60) });
      test.push(80, 500, 100, 9500);
      expect(test.result()).toMatchObject({ decision: 'worse', decidedAtInterval: 1 });
    });

    test('a moderate ratio still needs a second scrape: the history cannot vouch for a canary that wobbles on its own', () => {
      // 2.7× in one scrape: decisive for the binomial model, and what a canary whose error rate
      // wobbles ±50% shows now and then where the old version's did not.
      const test = new SequentialRateTest({ alpha: 0.01, baselineHistory: binomialHistory(180, 30_000) });
      test.push(40, 1500, 285, 28500);
      expect(test.result()).toMatchObject({ decision: 'continue' });
      test.push(40, 1500, 285, 28500);
      expect(test.result()).toMatchObject({ decision: 'worse', decidedAtInterval: 2 });
    });

    test('a history of fewer than 10 pairs of scrapes with errors says nothing: the guard stays', () => {
      const test = new SequentialRateTest({ alpha: 0.01, baselineHistory: binomialHistory(19) });
      test.push(80, 500, 100, 9500);
      expect(test.result()).toMatchObject({ decision: 'continue', decidedAtInterval: null });
    });

    test('a history whose error rate wobbles is believed from the first scrape: it tempers and is reported', () => {
      const wobbly = generateStream({ totalRps: 1000, comparison: 'primary', ratio: 1, scrapeSeconds: 30, horizonMinutes: 1, overdispersion: { independent: 4 } }, 3).history;
      const test = new SequentialRateTest({ alpha: 0.01, baselineHistory: wobbly });
      // 60 canary errors where 15 are expected: decisive for a steady service, not for one whose
      // error rate moves ±50% from scrape to scrape.
      test.push(60, 1500, 285, 28500);
      expect(test.result().decision).toBe('continue');
      // ±50% in each arm: ψ ≈ 2·0.25, at ≈ 15 canary errors a scrape ≈ 1 + 15·0.95·0.5 ≈ 8 times binomial.
      expect(test.result().overdispersion).toBeGreaterThan(4);
      const steady = new SequentialRateTest({ alpha: 0.01, baselineHistory: binomialHistory(180, 30_000) });
      steady.push(60, 1500, 285, 28500);
      expect(steady.result()).toMatchObject({ decision: 'worse', decidedAtInterval: 1 });
    });

    test.each([
      ['±50%', 4, 0.02],
      ['±100%', 1, 0.03],
    ])('%s independent wobble per arm at 1000 req/s: the history keeps false alarms near α', (_name, shape, bound) => {
      // Without history: about 5% and 9% (docs/judge.md); the history shows the wobble before the
      // first scrape, which is where those false alarms came from.
      const scenario: StreamScenario = { totalRps: 1000, comparison: 'primary', ratio: 1, scrapeSeconds: 30, overdispersion: { independent: shape } };
      expect(rejectionRate(scenario, 300, 0.01, 'increase', true)).toBeLessThanOrEqual(bound);
    });

    test('a 5× canary at 1000 req/s is rolled back after its first 10 s scrape, where without history it takes a second', () => {
      const decidedAt = (history: boolean) =>
        Array.from({ length: 21 }, (_, i) => {
          const stream = generateStream({ totalRps: 1000, comparison: 'primary', ratio: 5, scrapeSeconds: 10, horizonMinutes: 5, timeVarying: true }, i + 1);
          return sequentialRateTest(stream.canary, stream.baseline, history ? { baselineHistory: stream.history } : {}).decidedAtInterval!;
        }).sort((a, b) => a - b)[10];
      expect(decidedAt(true)).toBe(1);
      expect(decidedAt(false)).toBeGreaterThanOrEqual(2);
    });
  });

  test('reports how many times more than binomial the canary\'s error share varies between scrapes', () => {
    const median = (overdispersion?: StreamScenario['overdispersion']) => {
      const values = Array.from({ length: 21 }, (_, i) => {
        const stream = generateStream({ totalRps: 1000, comparison: 'primary', ratio: 1, scrapeSeconds: 30, horizonMinutes: 20, overdispersion }, i + 1);
        return sequentialRateTest(stream.canary, stream.baseline).overdispersion;
      });
      return values.sort((a, b) => a - b)[10];
    };
    expect(median()).toBeLessThan(1.2);
    // ±50% per arm at 15 canary errors a scrape: variance ≈ 1 + 15·(2·0.25) ≈ 8.5 times binomial.
    const strong = median({ independent: 4 });
    expect(strong).toBeGreaterThan(5);
    expect(strong).toBeLessThan(13);
  });

  test('lots of data with equal rates is shown not worse, and the confidence sequence holds the true ratio', () => {
    const canary = { errors: Array(100).fill(20), requests: Array(100).fill(1000) };
    const baseline = { errors: Array(100).fill(20), requests: Array(100).fill(1000) };
    const result = sequentialRateTest(canary, baseline, { allowedRatio: 1.2 });
    expect(result.decision).toBe('not-worse');
    expect(result.ratio.lower).toBeLessThan(1);
    expect(result.ratio.upper).toBeGreaterThan(1);
    expect(result.ratio.upper).toBeLessThan(1.2);
    expect(result.ratio.estimate).toBe(1);
  });

  test('missing values and intervals without traffic in an arm add nothing and are counted as missing', () => {
    const canary = { errors: [3, NaN, 0, 4], requests: [100, NaN, 0, 100] };
    const baseline = { errors: [20, 25, 0, 21], requests: [1900, 1900, 1900, 1900] };
    const withGaps = sequentialRateTest(canary, baseline);
    const without = sequentialRateTest({ errors: [3, 4], requests: [100, 100] }, { errors: [20, 21], requests: [1900, 1900] });
    expect(withGaps).toEqual({ ...without, missingIntervals: 2 });
    expect(withGaps.usedIntervals).toBe(2);
  });

  test('the direction decides which change is worse: a lower canary error rate is worse for "decrease"', () => {
    const canary = { errors: Array(30).fill(2), requests: Array(30).fill(1000) };
    const baseline = { errors: Array(30).fill(20), requests: Array(30).fill(1000) };
    expect(sequentialRateTest(canary, baseline, { direction: 'increase' }).decision).toBe('not-worse');
    expect(sequentialRateTest(canary, baseline, { direction: 'decrease' }).decision).toBe('worse');
    expect(sequentialRateTest(canary, baseline, { direction: 'either' }).decision).toBe('worse');
  });

  test('the observed request share is the null: a canary with twice the traffic and twice the errors is not worse', () => {
    const canary = { errors: Array(200).fill(40), requests: Array(200).fill(2000) };
    const baseline = { errors: Array(200).fill(20), requests: Array(200).fill(1000) };
    const result = sequentialRateTest(canary, baseline);
    expect(result.decision).toBe('not-worse');
    expect(result.ratio.estimate).toBe(1);
  });
});
