import { describe, expect, test } from '@jest/globals';
import {
  checkAnalysisTiming,
  parseAnalysisDuration,
  parseAnalysisHistory,
  parseAnalysisInterval,
  parseConsecutiveErrorLimit,
  PROMETHEUS_MAX_POINTS,
  ValueError,
} from '../../../../src/core/values/index.js';

function refusal(check: () => unknown): ValueError {
  try {
    check();
  } catch (error) {
    if (error instanceof ValueError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('analysis settings', () => {
  test('duration and interval run from 1 s to the 6 hours of one job; history may be 0 (none)', () => {
    expect(parseAnalysisDuration('6h')).toBe(21_600);
    expect(parseAnalysisInterval('1s')).toBe(1);
    expect(parseAnalysisHistory('0')).toBe(0);
    expect(parseAnalysisHistory('48h')).toBe(172_800);
    expect(refusal(() => parseAnalysisDuration('0s')).expected).toBe('a duration of at least 1s');
    expect(refusal(() => parseAnalysisInterval(0)).expected).toBe('a duration of at least 1s');
    expect(refusal(() => parseAnalysisDuration('7h'))).toMatchObject({ expected: 'a duration of at most 6h', fix: expect.stringContaining('a GitHub-hosted runner stops after 6 hours') });
  });

  test.each([
    [0, 0],
    [4, 4],
    ['4', 4],
    [PROMETHEUS_MAX_POINTS, PROMETHEUS_MAX_POINTS],
  ])('consecutive error limit %p is %p', (value, limit) => {
    expect(parseConsecutiveErrorLimit(value)).toBe(limit);
  });

  test.each([-1, 2.5, '4 times', PROMETHEUS_MAX_POINTS + 1])('consecutive error limit %p is refused', (value) => {
    expect(refusal(() => parseConsecutiveErrorLimit(value))).toMatchObject({ expected: 'a whole number of intervals from 0 to 11,000', fix: 'the default is 4; 0 never stops' });
  });

  test.each([
    ['an interval longer than the duration never looks', { durationSeconds: 30, intervalSeconds: 60, historySeconds: 0 }, 'interval', '1m', 'at most the duration (30s)'],
    ['a window of more than 11,000 intervals is more than Prometheus answers', { durationSeconds: 21_600, intervalSeconds: 1, historySeconds: 0 }, 'interval', '1s', 'at least 2s for a 6h analysis'],
    ['a history of more than 11,000 intervals is more than Prometheus answers', { durationSeconds: 60, intervalSeconds: 10, historySeconds: 200_000 }, 'history', '55h33m20s', 'at most 11,000 intervals (30h33m20s at 10s)'],
  ])('%s', (_name, timing, field, value, expected) => {
    expect(refusal(() => checkAnalysisTiming(timing))).toMatchObject({ field, value, expected });
  });

  test('timings at the limits are accepted', () => {
    expect(() => checkAnalysisTiming({ durationSeconds: 60, intervalSeconds: 60, historySeconds: 0 })).not.toThrow();
    expect(() => checkAnalysisTiming({ durationSeconds: 11_000, intervalSeconds: 1, historySeconds: 11_000 })).not.toThrow();
  });
});
