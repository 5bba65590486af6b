import { describe, expect, test } from '@jest/globals';
import { VirtualClock } from '../../../../src/core/analysis/clock.js';
import type { AnalysisResult } from '../../../../src/core/analysis/loop.js';
import { parseMetricsYaml } from '../../../../src/core/metrics/metrics-config.js';
import { prometheusSettings } from '../../../../src/core/metrics/source-settings.js';
import { parseSelector } from '../../../../src/core/metrics/template.js';
import type { MetricSource, QueryWindow } from '../../../../src/core/metrics/types.js';
import { loopAnalysisRunner } from '../../../../src/core/plan/analysis-runner.js';
import type { PlanAnalysis } from '../../../../src/core/plan/plan.js';

// The plan's analysis settings reach the loop: here, its consecutive error limit against a
// Prometheus that never answers, and how far back it reads the baseline's history.

const down: MetricSource = {
  type: 'down',
  queryRange: () => Promise.reject(new Error('Prometheus at http://127.0.0.1:1 is unreachable: ECONNREFUSED')),
  queryInstant: () => Promise.reject(new Error('unused')),
};

const analysis = (extra: Partial<PlanAnalysis> = {}): PlanAnalysis => ({
  source: prometheusSettings('http://127.0.0.1:1'),
  metrics: parseMetricsYaml(`- {name: error-rate, kind: rate, errors: 'sum(errors{{{selector}}})', requests: 'sum(requests{{{selector}}})'}`, 'test'),
  intervalSeconds: 10,
  canary: parseSelector('version="v2"', 'canarySelector'),
  baseline: parseSelector('version="v1"', 'baselineSelector'),
  ...extra,
});

const START = new Date('2026-01-01T00:00:00Z');

async function run(plan: PlanAnalysis, source: MetricSource = down): Promise<AnalysisResult> {
  let seen: AnalysisResult | undefined;
  const runner = loopAnalysisRunner({ source, clock: new VirtualClock(START), onResult: (_request, result) => (seen = result) });
  const report = await runner.run({ analysis: plan, step: { kind: 'analysis', durationSeconds: 300 }, stepIndex: 1 });
  expect(report.verdict).toBe('inconclusive');
  return seen!;
}

describe('plan analysis runner', () => {
  test("a plan's consecutiveErrorLimit decides when a blind analysis stops; by default after 4 intervals", async () => {
    expect(await run(analysis())).toMatchObject({ intervals: 4, plannedIntervals: 30, stoppedEarly: true });
    expect(await run(analysis({ consecutiveErrorLimit: 2 }))).toMatchObject({ intervals: 2, stoppedEarly: true });
    expect(await run(analysis({ consecutiveErrorLimit: 0 }))).toMatchObject({ intervals: 30, stoppedEarly: false });
  });

  test("a plan's history sets how far back the baseline is read before the analysis; by default 30 minutes, 0 none", async () => {
    const historyStarts = async (plan: PlanAnalysis) => {
      const windows: QueryWindow[] = [];
      await run(plan, { ...down, queryRange: (query, window) => (windows.push(window), down.queryRange(query, window)) });
      return windows.filter((w) => w.end.getTime() <= START.getTime()).map((w) => (START.getTime() - w.start.getTime()) / 1000);
    };
    expect(await historyStarts(analysis({ historySeconds: 600 }))).toEqual([600, 600]);
    expect(await historyStarts(analysis())).toEqual([1800, 1800]);
    expect(await historyStarts(analysis({ historySeconds: 0 }))).toEqual([]);
  });
});
