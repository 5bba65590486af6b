import { describe, expect, test } from '@jest/globals';
import { alignToGrid, historyCounts, intervalCounts, intervalGrid } from '../../../../src/core/analysis/series.js';
import { MetricWindow } from '../../../../src/core/analysis/window.js';
import { parseMetricsYaml } from '../../../../src/core/metrics/metrics-config.js';
import type { Sample } from '../../../../src/core/metrics/types.js';

const [rate] = parseMetricsYaml(`- {name: errors, kind: rate, errors: 'e{{{selector}}}', requests: 'r{{{selector}}}'}`, 'test');
const [threshold] = parseMetricsYaml(`- {name: up, kind: threshold, query: 'up{{{selector}}}', thresholds: {min: 1}}`, 'test');

/** Samples at grid times 0, 10, 20, … with these values (null: no sample). */
const at = (values: (number | null)[], from = 0): Sample[] => values.flatMap((value, i) => (value === null ? [] : [{ time: (from + i) * 10, value }]));

describe('series', () => {
  test('the grid has one point per interval plus the start', () => {
    expect(intervalGrid(new Date(100_000), 10, 3)).toEqual([100, 110, 120, 130]);
  });

  test('samples land on their grid time; times without one, and samples off the grid, are NaN', () => {
    expect(alignToGrid([{ time: 110, value: 5 }, { time: 130, value: 7 }, { time: 135, value: 9 }], [100, 110, 120, 130])).toEqual([NaN, 5, NaN, 7]);
  });

  test('counts per interval are the counter differences; a reset or a gap is missing, never zero', () => {
    expect(intervalCounts([10, 15, 15, 3, NaN, 8, 9])).toEqual([5, 0, NaN, NaN, NaN, 1]);
  });

  test("the baseline's history is counted as the window is; unusable intervals are missing on both counters, and none usable is no history", () => {
    const grid = [-30, -20, -10, 0];
    const on = (values: number[]) => values.map((value, i) => ({ time: grid[i], value }));
    // Interval 2 has more errors than requests (a scrape between the two counters): unusable, as in the window.
    expect(historyCounts({ errors: on([0, 2, 9, 10]), requests: on([0, 100, 105, 205]) }, grid)).toEqual({ errors: [2, NaN, 1], requests: [100, NaN, 100] });
    expect(historyCounts({ errors: on([0, 0, 0, 0]), requests: [] }, grid)).toBeUndefined();
  });
});

describe('the metric window', () => {
  const requests = at([0, 100, 200, 300]);
  const baselineRead = { errors: at([0, 0, 0, 0]), requests: at([0, 200, 400, 600]) };

  test('a rate metric becomes per-interval counts; an interval missing in either arm is null on all four counters for the judge', () => {
    const window = new MetricWindow(rate, 0, 10);
    window.record({ canary: { errors: at([0, 1, null, 2]), requests }, baseline: baselineRead }, 0, 3);
    const series = window.series(3);
    expect(series.counts!.canary).toEqual({ errors: [1, NaN, NaN], requests: [100, 100, 100] });
    expect(series.canary).toEqual([0.01, NaN, NaN]);
    expect(series.times).toEqual([10, 20, 30]);
    expect(series.missingIntervals).toBe(2);
    expect(window.input(3)).toMatchObject({ kind: 'rate', canary: { errors: [1, null, null], requests: [100, null, null] }, baseline: { errors: [0, null, null], requests: [200, null, null] } });
  });

  test('read a piece at a time, it holds what one read of the whole window holds; the next read starts at the last point read', () => {
    const whole = new MetricWindow(rate, 0, 10);
    whole.record({ canary: { errors: at([0, 1, 3, 4]), requests }, baseline: baselineRead }, 0, 3);
    const window = new MetricWindow(rate, 0, 10);
    for (const to of [1, 2, 3]) {
      const from = window.readFrom;
      const slice = (samples: Sample[]) => samples.filter((s) => s.time >= from * 10 && s.time <= to * 10);
      window.record({ canary: { errors: slice(at([0, 1, 3, 4])), requests: slice(requests) }, baseline: { errors: slice(baselineRead.errors), requests: slice(baselineRead.requests) } }, from, to);
      expect(window.readFrom).toBe(to);
    }
    expect(window.series(3)).toEqual(whole.series(3));
    expect(window.input(3)).toEqual(whole.input(3));
  });

  test('a point read again with a late scrape revises both intervals it bounds', () => {
    const window = new MetricWindow(rate, 0, 10);
    window.record({ canary: { errors: at([0, 1, 2]), requests: requests.slice(0, 3) }, baseline: baselineRead }, 0, 2);
    expect(window.series(2).counts!.canary.errors).toEqual([1, 1]);
    // Point 2 read again (the errors scraped just before it had landed late), then point 3.
    window.record({ canary: { errors: at([4, 5], 2), requests: requests.slice(2) }, baseline: { errors: at([0, 0], 2), requests: at([400, 600], 2) } }, 2, 3);
    expect(window.series(3).counts!.canary.errors).toEqual([1, 3, 1]);
    // A point the read does not return any more is missing, never the old value.
    window.record({ canary: { errors: [], requests: [] }, baseline: { errors: [], requests: [] } }, 3, 3);
    expect(window.series(3).counts!.canary.errors).toEqual([1, 3, NaN]);
    expect(window.series(3).missingIntervals).toBe(1);
  });

  test('the history rides along on a rate metric, as the judge takes it', () => {
    const history = { errors: [2, NaN, 1], requests: [100, NaN, 100] };
    const window = new MetricWindow(rate, 0, 10, history);
    expect(window.series(0).history).toBe(history);
    expect(window.input(0)).toMatchObject({ baselineHistory: { errors: [2, null, 1], requests: [100, null, 100] } });
    expect(new MetricWindow(rate, 0, 10).input(0)).not.toHaveProperty('baselineHistory');
  });

  test('a threshold metric reads the canary only', () => {
    const window = new MetricWindow(threshold, 0, 10);
    window.record({ canary: { query: [{ time: 10, value: 1 }] }, baseline: {} }, 0, 2);
    const series = window.series(2);
    expect(series.canary).toEqual([1, NaN]);
    expect(series.missingIntervals).toBe(1);
    expect(window.input(2)).toMatchObject({ kind: 'threshold', values: [1, null], min: 1 });
  });
});
