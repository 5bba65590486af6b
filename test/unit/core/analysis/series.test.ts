import { describe, expect, test } from '@jest/globals';
import { alignToGrid, historyCounts, intervalCounts, intervalGrid, metricInput, metricSeries } from '../../../../src/core/analysis/series.js';
import { parseMetricsYaml } from '../../../../src/core/metrics/metrics-config.js';

const [rate] = parseMetricsYaml(`- {name: errors, kind: rate, errors: 'e{{{selector}}}', requests: 'r{{{selector}}}'}`, 'test');
const [threshold] = parseMetricsYaml(`- {name: up, kind: threshold, query: 'up{{{selector}}}', thresholds: {min: 1}}`, 'test');

describe('series', () => {
  test('the grid has one point per interval plus the start', () => {
    expect(intervalGrid(new Date(100_000), 10, 3)).toEqual([100, 110, 120, 130]);
  });

  test('samples land on their grid time; times without one are NaN', () => {
    expect(alignToGrid([{ time: 110, value: 5 }, { time: 130, value: 7 }, { time: 135, value: 9 }], [100, 110, 120, 130])).toEqual([NaN, 5, NaN, 7]);
  });

  test('counts per interval are the counter differences; a reset or a gap is missing, never zero', () => {
    expect(intervalCounts([10, 15, 15, 3, NaN, 8, 9])).toEqual([5, 0, NaN, NaN, NaN, 1]);
  });

  test('a rate metric becomes per-interval counts, missing intervals passed as null to the judge', () => {
    const grid = [0, 10, 20, 30];
    const samples = {
      canary: { errors: [{ time: 0, value: 0 }, { time: 10, value: 1 }, { time: 30, value: 2 }], requests: [0, 10, 20, 30].map((time) => ({ time, value: time * 10 })) },
      baseline: { errors: [0, 10, 20, 30].map((time) => ({ time, value: 0 })), requests: [0, 10, 20, 30].map((time) => ({ time, value: time * 20 })) },
    };
    const series = metricSeries(rate, samples, grid);
    expect(series.counts!.canary).toEqual({ errors: [1, NaN, NaN], requests: [100, 100, 100] });
    expect(series.canary).toEqual([0.01, NaN, NaN]);
    expect(series.missingIntervals).toBe(2);
    expect(metricInput(rate, series)).toMatchObject({ kind: 'rate', canary: { errors: [1, null, null], requests: [100, null, null] }, baseline: { errors: [0, null, null], requests: [200, null, null] } });
  });

  test("the baseline's history is counted as the window is; unusable intervals are missing on both counters, and none usable is no history", () => {
    const grid = [-30, -20, -10, 0];
    const at = (values: number[]) => values.map((value, i) => ({ time: grid[i], value }));
    // Interval 2 has more errors than requests (a scrape between the two counters): unusable, as in the window.
    const history = historyCounts({ errors: at([0, 2, 9, 10]), requests: at([0, 100, 105, 205]) }, grid);
    expect(history).toEqual({ errors: [2, NaN, 1], requests: [100, NaN, 100] });
    expect(historyCounts({ errors: at([0, 0, 0, 0]), requests: [] }, grid)).toBeUndefined();

    const series = metricSeries(rate, { canary: {}, baseline: {} }, [0, 10], history);
    expect(series.history).toBe(history);
    expect(metricInput(rate, series)).toMatchObject({ baselineHistory: { errors: [2, null, 1], requests: [100, null, 100] } });
    expect(metricInput(rate, metricSeries(rate, { canary: {}, baseline: {} }, [0, 10]))).not.toHaveProperty('baselineHistory');
  });

  test('a threshold metric reads the canary only', () => {
    const series = metricSeries(threshold, { canary: { query: [{ time: 10, value: 1 }] }, baseline: {} }, [0, 10, 20]);
    expect(series.canary).toEqual([1, NaN]);
    expect(series.missingIntervals).toBe(1);
    expect(metricInput(threshold, series)).toMatchObject({ kind: 'threshold', values: [1, null], min: 1 });
  });
});
