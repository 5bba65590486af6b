import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { formatDuration, JOB_TIME_LIMIT_SECONDS, parseDuration, parsePauseDuration, ValueError } from '../../../../src/core/values/index.js';

const GRAMMAR = 'a duration such as 90, 90s, 2m, 1h or 1m30s (whole seconds)';

function refusal(parse: () => unknown): ValueError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValueError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('duration', () => {
  test.each([
    [90, 90],
    ['90', 90],
    ['90s', 90],
    ['2m', 120],
    ['1h', 3600],
    ['1m30s', 90],
    ['1h30m', 5400],
    ['1h0m5s', 3605],
    [' 5m ', 300],
    [0, 0],
    ['0s', 0],
  ])('%p is %p seconds', (value, seconds) => {
    expect(parseDuration(value, {})).toBe(seconds);
  });

  test.each([
    ['soon', undefined],
    ['', undefined],
    ['-5m', undefined],
    [-1, undefined],
    ['30m1h', undefined],
    ['1h 30m', undefined],
    ['1d', undefined],
    ['10ms', undefined],
    ['1.5s', 'durations are whole seconds: round to the second, e.g. 1m30s'],
    [1.5, 'durations are whole seconds: round to the second, e.g. 1m30s'],
    [Infinity, undefined],
    [null, undefined],
  ])('%p is refused: not the grammar', (value, fix) => {
    expect(refusal(() => parseDuration(value, {}))).toMatchObject({ value, expected: GRAMMAR, fix });
  });

  test('bounds are checked after the grammar, each with what was expected', () => {
    expect(refusal(() => parseDuration('0s', { min: 1 }))).toMatchObject({ expected: 'a duration of at least 1s' });
    expect(refusal(() => parseDuration('2h', { max: 3600, overMax: 'shorten it' }))).toMatchObject({ expected: 'a duration of at most 1h', fix: 'shorten it' });
    expect(parseDuration('1h', { min: 1, max: 3600 })).toBe(3600);
  });

  test('a pause holds at most the 6 hours a GitHub-hosted job runs; longer is refused with the open-ended pause as the fix', () => {
    expect(parsePauseDuration('6h')).toBe(JOB_TIME_LIMIT_SECONDS);
    expect(parsePauseDuration('0')).toBe(0);
    expect(refusal(() => parsePauseDuration('600h')).message).toBe(
      '"600h" is not a duration of at most 6h. Fix: a GitHub-hosted job runs at most 6 hours (jobs.<id>.timeout-minutes, 360 minutes); use an open-ended `pause: {}` and resume with a later run',
    );
    expect(refusal(() => parsePauseDuration('6h0m1s')).expected).toBe('a duration of at most 6h');
  });

  test.each([
    [0, '0s'],
    [45, '45s'],
    [90, '1m30s'],
    [3600, '1h'],
    [5405, '1h30m5s'],
    [2_160_000, '600h'],
  ])('%p seconds is written %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test('every written duration reads back as the same seconds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => parseDuration(formatDuration(seconds), {}) === seconds));
  });
});
