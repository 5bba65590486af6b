import { describe, expect, test } from '@jest/globals';
import type { MetricSeries } from '../../../../src/core/analysis/series.js';
import type { JudgeReport, MetricResult } from '../../../../src/core/judge/types.js';
import { analysisMarkdown, metricChart, ratioChart, statusDescription } from '../../../../src/core/report/index.js';

const rateResult: MetricResult = {
  name: 'error-rate',
  kind: 'rate',
  class: 'high',
  critical: true,
  weight: 1,
  reason: 'error-rate ratio 5.1 | worse',
  sequential: { pValue: 0.0042, decision: 'worse', decidedAtInterval: 7, ratio: { estimate: 5.123, lower: 2.01, upper: 11.7 } },
};
const latencyResult: MetricResult = {
  name: 'latency',
  kind: 'continuous',
  class: 'pass',
  critical: false,
  weight: 1,
  reason: 'within 10%',
  mannWhitney: { u: 120, pTwoSided: 0.5, pGreater: 0.25, pLess: 0.75, method: 'asymptotic' },
  hodgesLehmann: { estimate: 0.001, lower: -0.002, upper: 0.004, confidence: 0.98 },
};
const report: JudgeReport = {
  verdict: 'fail',
  score: 0,
  reasons: ["critical metric 'error-rate' is high"],
  metrics: [rateResult, latencyResult],
  config: { alpha: 0.01, thresholds: { pass: 95, marginal: 75 }, onNoData: 'inconclusive', onUndecided: 'pass' },
};
const series: MetricSeries = {
  name: 'error-rate',
  kind: 'rate',
  times: [110, 120, 130, 140],
  canary: [0.05, NaN, 0.04, 0.06],
  baseline: [0.01, 0.01, 0.012, 0.01],
  missingIntervals: 1,
};

describe('analysis markdown', () => {
  test('shows the verdict, how the loop ran, a row per metric with its statistic, the reasons and a chart', () => {
    const text = analysisMarkdown({ report, series: [series], intervals: 7, plannedIntervals: 30, intervalSeconds: 10, stoppedEarly: true });
    expect(text).toContain('## Canary analysis: ❌ fail (score 0)');
    expect(text).toContain('Stopped early after 7 of 30 intervals of 10 s: the verdict could no longer change.');
    expect(analysisMarkdown({ report, intervals: 7, plannedIntervals: 30, stoppedEarly: true, stopReason: "the source of metric 'error-rate' failed 4 intervals in a row" })).toContain(
      "Stopped early after 7 of 30 intervals: the source of metric 'error-rate' failed 4 intervals in a row.",
    );
    expect(text).toContain('| error-rate | rate | ❌ high | yes | ratio 5.12 [2.01, 11.7], p 0.0042, worse at interval 7 | error-rate ratio 5.1 \\| worse |');
    expect(text).toContain('| latency | continuous | ✅ pass | no | shift 0.001 [-0.002, 0.004], U 120, p 0.5 | within 10% |');
    const muted = analysisMarkdown({ report: { ...report, metrics: [rateResult, { ...latencyResult, class: 'high', muted: true }] }, series: [] });
    expect(muted).toContain('| latency | continuous | ❌ high (muted) | no |');
    const slo: MetricResult = { name: 'cpu', kind: 'threshold', class: 'high', critical: false, weight: 1, reason: 'over', threshold: { failures: 2, missing: 1, measurements: 9 } };
    expect(analysisMarkdown({ report: { ...report, metrics: [slo] } })).toContain('| cpu | threshold | ❌ high | no | 2 outside, 1 missing of 9 | over |');
    expect(text).toContain('α = 0.01 · cut-offs pass ≥ 95, marginal ≥ 75 · missing data: inconclusive');
    expect(text).toContain("undecided at the end: pass when the data could have caught the metric's detect ratio");
    // Which of the test's outcomes, and what the data could have caught.
    const nothingFound: MetricResult = { ...rateResult, class: 'pass', reason: 'nothing found', sequential: { ...rateResult.sequential!, decision: 'continue', decidedAtInterval: null, outcome: 'nothing-found', detectableRatio: 1.634 } };
    expect(analysisMarkdown({ report: { ...report, metrics: [nothingFound] } })).toContain('| error-rate | rate | ✅ pass | yes | ratio 5.12 [2.01, 11.7], p 0.0042, nothing-found, could detect 1.63× | nothing found |');
    const silent: MetricResult = { ...nothingFound, class: 'nodata', sequential: { ...nothingFound.sequential!, outcome: 'undecided', detectableRatio: null } };
    expect(analysisMarkdown({ report: { ...report, metrics: [silent] } })).toContain('p 0.0042, undecided, could detect nothing up to 64× |');
    expect(text).toContain("- critical metric 'error-rate' is high");
    expect(text).toContain('```mermaid\n%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#d62728, #1f77b4"}}}}%%\nxychart-beta');
  });
});

describe('metric chart', () => {
  test('draws canary red and baseline blue in percent, names them in the title, on a numeric axis; a missing interval is bridged', () => {
    expect(metricChart(series)).toBe(
      [
        '```mermaid',
        '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#d62728, #1f77b4"}}}}%%',
        'xychart-beta',
        '    title "error-rate: canary (red) vs baseline (blue)"',
        '    x-axis "seconds into the analysis" 10 --> 40',
        '    y-axis "error rate %"',
        '    line "canary" [5, 4.5, 4, 6]',
        '    line "baseline" [1, 1, 1.2, 1]',
        '```',
      ].join('\n'),
    );
  });

  test('counts minutes on longer analyses and thins long series to the maximum number of points', () => {
    const long: MetricSeries = { ...series, times: Array.from({ length: 500 }, (_, i) => 10 * (i + 1)), canary: Array(500).fill(0.01), baseline: Array(500).fill(0.01) };
    const chart = metricChart(long, 50);
    expect(chart).toContain('x-axis "minutes into the analysis" 0.167 --> 83.3');
    const line = chart.split('\n').find((l) => l.includes('line "canary" ['))!;
    expect(line.split(',')).toHaveLength(50);
  });

  test('draws nothing without data', () => {
    expect(metricChart({ ...series, canary: [NaN, NaN, NaN, NaN] })).toBe('');
  });

  test("draws a rate metric's ratio bounds against the allowed ratio, an infinite bound at the chart's top", () => {
    const ratioBounds = { lower: [0, 0.5, NaN, 2.1], upper: [Infinity, 40, NaN, 6.2], allowedRatio: 1.2, direction: 'increase' as const };
    const chart = ratioChart({ ...series, ratioBounds });
    expect(chart).toContain('"plotColorPalette": "#d62728, #d62728, #2ca02c"');
    expect(chart).toContain('title "error-rate: ratio bounds (red) vs allowed 1.2 (green)"');
    expect(chart).toContain('y-axis "canary/baseline ratio (up to 3)" 0 --> 3');
    expect(chart).toContain('line "upper bound" [3, 3, 3, 3]');
    expect(chart).toContain('line "lower bound" [0, 0.5, 1.3, 2.1]');
    expect(ratioChart({ ...series, ratioBounds: { ...ratioBounds, direction: 'either' } })).toContain('vs allowed 1.2 and 0.833 (green)');
    expect(ratioChart(series)).toBe('');
  });
});

describe('status description', () => {
  test('says the verdict and the failing metrics', () => {
    expect(statusDescription(report, { intervals: 7, plannedIntervals: 30 })).toBe('analysis fail (score 0): error-rate high · 7/30 intervals');
  });

  test('fits 140 characters however many metrics fail, counting the ones left out', () => {
    const many: JudgeReport = { ...report, metrics: Array.from({ length: 40 }, (_, i) => ({ ...rateResult, name: `a-rather-long-metric-name-${i}` })) };
    const text = statusDescription(many, { intervals: 7, plannedIntervals: 30 });
    expect([...text].length).toBeLessThanOrEqual(140);
    expect(text).toMatch(/^analysis fail \(score 0\): a-rather-long-metric-name-0 high, .* \+\d+ more · 7\/30 intervals$/);
  });
});
