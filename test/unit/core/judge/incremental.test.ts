import { describe, expect, test } from '@jest/globals';
import { generateStream } from '../../../../bench/judge/streams.js';
import { incrementalJudge, judge, type JudgeInput, type RateCounts } from '../../../../src/core/judge/index.js';

// The incremental judge resumes each rate metric's test; whatever it is fed, its reports must be
// judge()'s on the same input.

const first = (counts: RateCounts, n: number): RateCounts => ({ errors: counts.errors.slice(0, n), requests: counts.requests.slice(0, n) });

describe('incrementalJudge', () => {
  const stream = generateStream({ totalRps: 1000, comparison: 'primary', ratio: 1.5, scrapeSeconds: 30, timeVarying: true, gaps: true }, 11);
  const other = generateStream({ totalRps: 100, comparison: 'baseline', ratio: 1, scrapeSeconds: 30, overdispersion: { independent: 4 } }, 12);
  const input = (n: number, extra: Partial<JudgeInput> = {}): JudgeInput => ({
    complete: n === stream.canary.errors.length,
    metrics: [
      { name: 'errors', kind: 'rate', direction: 'increase', canary: first(stream.canary, n), baseline: first(stream.baseline, n), baselineHistory: stream.history },
      { name: 'other errors', kind: 'rate', direction: 'either', canary: first(other.canary, n), baseline: first(other.baseline, n) },
    ],
    ...extra,
  });

  test('fed one more interval each call, it reports what judge() reports at every interval', () => {
    const resumed = incrementalJudge();
    for (let n = 0; n <= stream.canary.errors.length; n++) expect(resumed(input(n))).toEqual(judge(input(n)));
  });

  test('fed intervals in jumps, or fewer than before, or other settings, it still reports what judge() reports', () => {
    const resumed = incrementalJudge();
    for (const [n, extra] of [[10, {}], [50, {}], [30, {}], [60, { config: { alpha: 0.05 } }], [61, {}], [120, {}]] as const) {
      expect(resumed(input(n, extra))).toEqual(judge(input(n, extra)));
    }
  });

  test('an interval revised after it was judged starts the metric afresh', () => {
    const resumed = incrementalJudge();
    resumed(input(40));
    const revised = input(41);
    const rate = revised.metrics[0] as { canary: RateCounts };
    rate.canary.errors[3] += 25;
    const report = resumed(revised);
    expect(report).toEqual(judge(revised));
    expect(report.metrics[0].sequential).not.toEqual(judge(input(41)).metrics[0].sequential);
  });

  describe('a continuous metric', () => {
    const values = (seed: number) => Array.from({ length: 200 }, (_, i) => 100 + ((i * 7919 + seed * 104729) % 97) / 10);
    const canary = values(1);
    const baseline = values(2);
    const latency = (n: number, extra: object = {}): JudgeInput => ({
      complete: n === 200,
      metrics: [{ name: 'latency', kind: 'continuous', direction: 'increase', canary: canary.slice(0, n), baseline: baseline.slice(0, n), ...extra }],
    });

    test('is judged again once its intervals grow by 1/64 (every interval up to 127), its last result standing between and saying from when', () => {
      const resumed = incrementalJudge();
      for (let n = 1; n <= 128; n++) expect(resumed(latency(n))).toEqual(judge(latency(n)));
      const standing = resumed(latency(129)).metrics[0];
      const fresh = judge(latency(128)).metrics[0];
      expect(standing).toEqual({ ...fresh, reason: `${fresh.reason} (as of interval 128)` });
      expect(resumed(latency(130))).toEqual(judge(latency(130)));
    });

    test('is judged afresh at the planned end, on a revised value and on other settings', () => {
      const resumed = incrementalJudge();
      // Judged at 190; without a change its result would stand at 191 and, judged at 191, at 192.
      for (let n = 1; n <= 190; n++) resumed(latency(n));
      expect(resumed(latency(191, { allowedIncrease: 20 }))).toEqual(judge(latency(191, { allowedIncrease: 20 })));
      const revised = latency(192, { allowedIncrease: 20 });
      (revised.metrics[0] as { canary: number[] }).canary[5] = 500;
      expect(resumed(revised)).toEqual(judge(revised));
      expect(resumed(latency(200))).toEqual(judge(latency(200)));
    });
  });
});
