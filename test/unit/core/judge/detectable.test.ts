import { describe, expect, test } from '@jest/globals';
import { Random } from '../../../../bench/judge/random.js';
import { generateStream, type StreamScenario } from '../../../../bench/judge/streams.js';
import { classifyMetric } from '../../../../src/core/judge/classify.js';
import { detectableRatio, detectableShift, exposureNeeded, exposureOf } from '../../../../src/core/judge/detectable.js';
import { judge } from '../../../../src/core/judge/index.js';
import { sortedCopy } from '../../../../src/core/judge/ranks.js';
import { sequentialRateTest } from '../../../../src/core/judge/sequential-rate/index.js';

// "This data would have caught a D× regression with 95% probability" is a claim about the
// sequential test: checked here against the test itself on generated streams (1% errors, a 5%
// canary against the primary, one-minute scrapes, 60 minutes).

const scenario = (totalRps: number, ratio: number): StreamScenario => ({ totalRps, comparison: 'primary', ratio, scrapeSeconds: 60 });

function detectableOn(totalRps: number): number {
  const { canary, baseline } = generateStream(scenario(totalRps, 1), 1);
  return detectableRatio(exposureOf(canary, baseline, sequentialRateTest(canary, baseline).overdispersion), 0.01, 'increase');
}

/** How often the sequential test says worse on streams with the canary `ratio` times worse. */
function caught(totalRps: number, ratio: number, replicates = 150): number {
  let worse = 0;
  for (let seed = 1; seed <= replicates; seed++) {
    const { canary, baseline } = generateStream(scenario(totalRps, ratio), 1000 + seed);
    if (sequentialRateTest(canary, baseline, { alpha: 0.01 }).decision === 'worse') worse++;
  }
  return worse / replicates;
}

describe('what an analysis can detect', () => {
  test.each([30, 100, 300])('at %i req/s the test catches the detectable ratio at least 95% of the time, and a ratio halfway to it well under that', (rps) => {
    const detectable = detectableOn(rps);
    expect(detectable).toBeGreaterThan(1.1);
    expect(caught(rps, detectable)).toBeGreaterThanOrEqual(0.93);
    // Not so cautious as to be useless: half the excess is caught clearly less often.
    expect(caught(rps, 1 + (detectable - 1) / 2)).toBeLessThan(0.9);
  });

  test('more traffic detects smaller regressions; without errors to go by nothing can be said', () => {
    expect(detectableOn(1000)).toBeLessThan(detectableOn(100));
    expect(detectableOn(100)).toBeLessThan(detectableOn(10));
    const silent = { errors: [0, 0, 0], requests: [100, 100, 100] };
    expect(detectableRatio(exposureOf(silent, { errors: [0, 0, 0], requests: [2000, 2000, 2000] }), 0.01, 'increase')).toBe(Infinity);
  });

  test('the exposure needed for a ratio is the one at which that ratio becomes detectable', () => {
    const { canary, baseline } = generateStream(scenario(30, 1), 3);
    const exposure = exposureOf(canary, baseline);
    const times = exposureNeeded(exposure, 0.01, 'increase', 1.5);
    expect(times).toBeGreaterThan(1);
    const scaled = { ...exposure, information: exposure.information * times };
    expect(detectableRatio(scaled, 0.01, 'increase')).toBeCloseTo(1.5, 2);
    expect(exposureNeeded(exposure, 0.01, 'increase', detectableRatio(exposure, 0.01, 'increase') * 1.01)).toBe(1);
  });
});

describe('what a latency analysis can detect', () => {
  // Per-interval latencies: 100 ms ± 10 ms in both arms, n values per arm, the canary shifted.
  const sample = (random: Random, n: number, shiftPercent: number) => Array.from({ length: n }, () => 100 * (1 + shiftPercent / 100) + 10 * random.normal());
  const flagged = (n: number, shiftPercent: number, replicates = 200) => {
    const random = new Random(11);
    let high = 0;
    for (let r = 0; r < replicates; r++) {
      const metric = { name: 'latency', kind: 'continuous' as const, direction: 'increase' as const, canary: sample(random, n, shiftPercent), baseline: sample(random, n, 0) };
      if (classifyMetric(metric, { alpha: 0.01, onUndecided: 'pass', complete: true }).class === 'high') high++;
    }
    return high / replicates;
  };

  test.each([20, 30, 60])('with %i values per arm the stated shift is flagged at least 95% of the time, and half of it clearly less', (n) => {
    const shift = detectableShift(n, sortedCopy(sample(new Random(3), n, 0)), 0.01, 'increase', 10)!;
    expect(shift).toBeGreaterThan(10);
    expect(flagged(n, shift)).toBeGreaterThanOrEqual(0.93);
    expect(flagged(n, shift / 2)).toBeLessThan(0.9);
  });

  test('the report carries it, beside the measured shift; a baseline without spread cannot say', () => {
    const random = new Random(5);
    const result = classifyMetric({ name: 'latency', kind: 'continuous', direction: 'increase', canary: sample(random, 30, 0), baseline: sample(random, 30, 0) }, { alpha: 0.01, onUndecided: 'pass', complete: true });
    expect(result.detectableShift).toBeGreaterThan(10);
    expect(detectableShift(30, sortedCopy(Array.from({ length: 30 }, () => 100)), 0.01, 'increase', 10)).toBeNull();
  });
});

describe('a healthy canary at the end of the analysis', () => {
  const rateMetric = (totalRps: number, seed: number, extra: Record<string, unknown> = {}) => {
    const { canary, baseline } = generateStream(scenario(totalRps, 1), seed);
    return { name: 'errors', kind: 'rate' as const, direction: 'increase' as const, canary, baseline, ...extra };
  };

  test('undecided with data that could have caught a 2× regression: nothing found, a pass that says so', () => {
    // Find a stream the test leaves undecided (most healthy ones at 300 req/s).
    const metric = [1, 2, 3, 4, 5, 6].map((seed) => rateMetric(300, seed)).find((m) => sequentialRateTest(m.canary, m.baseline).decision === 'continue')!;
    const report = judge({ metrics: [metric] });
    expect(report.verdict).toBe('pass');
    expect(report.metrics[0]).toMatchObject({ class: 'pass', sequential: { outcome: 'nothing-found', detectableRatio: expect.any(Number) } });
    expect(report.metrics[0].reason).toMatch(/^nothing found: undecided after all 60 intervals, and this data would have caught a 2× regression with 95% probability \(it could detect 1\.\d+×\)/);

    // Mid-analysis it may still decide; asked to stay strict it stays undecided.
    for (const input of [{ metrics: [metric], complete: false }, { metrics: [metric], config: { onUndecided: 'inconclusive' as const } }]) {
      const strict = judge(input);
      expect(strict.verdict).toBe('inconclusive');
      expect(strict.metrics[0]).toMatchObject({ class: 'nodata', sequential: { outcome: 'undecided' } });
    }
    // A user who must catch +10% needs far more: the same data is not enough.
    expect(judge({ metrics: [{ ...metric, detect: 1.1 }] }).metrics[0].reason).toMatch(/could catch only a 1\.\d+× regression, not 1\.1×: that takes about \d+(\.\d)?× the canary traffic/);
  });

  test('too little traffic to catch 2×: inconclusive, naming what the data could catch and how much more it takes', () => {
    const report = judge({ metrics: [rateMetric(10, 1)] });
    expect(report.verdict).toBe('inconclusive');
    expect(report.metrics[0].class).toBe('nodata');
    expect(report.metrics[0].reason).toMatch(/this data could catch only a \d+(\.\d+)?× regression, not 2×: that takes about \d+(\.\d)?× the canary traffic \(a longer analysis or a higher weight\)$/);
  });

  test('detect is read by its parser: 1.5x, 2 and \'3×\' are ratios; 1 and 100x are refused naming the field', () => {
    const metric = rateMetric(300, 1);
    for (const detect of ['1.5x', 2, '3×']) expect(() => judge({ metrics: [{ ...metric, detect }] } as never)).not.toThrow();
    expect(() => judge({ metrics: [{ ...metric, detect: 1 }] })).toThrow("metric 'errors' detect");
    expect(() => judge({ metrics: [{ ...metric, detect: '100x' }] } as never)).toThrow('a ratio above 1 and at most 64, such as 2x');
  });
});
