import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { validateJudgeInput } from '../../../../src/core/judge/index.js';
import { validateMetrics } from '../../../../src/core/metrics/metrics-config.js';
import { parsePercentage, ValueError } from '../../../../src/core/values/index.js';

describe('percentage', () => {
  test.each([
    [10, {}, 10],
    ['10%', {}, 10],
    [' 10 % ', {}, 10],
    ['0.5', {}, 0.5],
    [0, {}, 0],
    [250, {}, 250],
    ['99.9%', { below: 100 }, 99.9],
  ])('%p with %p is %p percent', (value, bounds, percent) => {
    expect(parsePercentage(value, bounds)).toBe(percent);
  });

  test.each([
    [-1, {}, 'a percentage ≥ 0 such as 10%'],
    ['ten', {}, 'a percentage ≥ 0 such as 10%'],
    ['-5%', {}, 'a percentage ≥ 0 such as 10%'],
    [Infinity, {}, 'a percentage ≥ 0 such as 10%'],
    [0, { positive: true }, 'a percentage above 0 such as 10%'],
    ['100%', { below: 100 }, 'a percentage ≥ 0 and below 100% such as 10%'],
  ])('%p with %p is refused: expected %p', (value, bounds, expected) => {
    expect(() => parsePercentage(value, bounds)).toThrow(ValueError);
    expect(() => parsePercentage(value, bounds)).toThrow(`is not ${expected}`);
  });

  test('a continuous metric accepts the same percentages in the metrics format and in the judge', () => {
    const judged = (value: unknown) => {
      const metric = { name: 'latency', kind: 'continuous', direction: 'increase', allowedIncrease: value, canary: [1], baseline: [1] };
      try {
        return (validateJudgeInput({ metrics: [metric] }).metrics[0] as { allowedIncrease?: number }).allowedIncrease;
      } catch {
        return 'refused';
      }
    };
    const defined = (value: unknown) => {
      try {
        return (validateMetrics([{ name: 'latency', kind: 'continuous', query: 'x{{{selector}}}', allowedIncrease: value }], 'test')[0] as { allowedIncrease?: number }).allowedIncrease;
      } catch {
        return 'refused';
      }
    };
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -10, max: 300, noNaN: true }), fc.constantFrom('10%', '-1%', 'ten', '0.5')), (value) => {
        expect(judged(value)).toBe(defined(value));
      }),
    );
  });

  test('a negligible error rate is below 100%, so the judge (which takes it as a fraction below 1) accepts every one the metrics format does', () => {
    expect(() => validateMetrics([{ name: 'e', kind: 'rate', errors: 'e{{{selector}}}', requests: 'r{{{selector}}}', negligibleErrorRate: '150%' }], 'test')).toThrow(
      'test: metrics[0] "e": field negligibleErrorRate: expected a percentage ≥ 0 and below 100% such as 10%, got "150%".',
    );
    const [metric] = validateMetrics([{ name: 'e', kind: 'rate', errors: 'e{{{selector}}}', requests: 'r{{{selector}}}', negligibleErrorRate: '99.9%' }], 'test');
    const rate = { ...metric, canary: { errors: [0], requests: [1] }, baseline: { errors: [0], requests: [1] } };
    expect(() => validateJudgeInput({ metrics: [rate] })).not.toThrow();
  });
});
