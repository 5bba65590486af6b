import { describe, expect, test } from '@jest/globals';
import { binomialUpperBound, checkCanaryShare, servedSeconds, summarizeTraffic } from '../../../demo/measure.js';
import type { LoadSample } from '../../../testkit/bed/load.js';

const ok = (at: number, version: string): LoadSample => ({ at, ms: 1, version, status: 200 });
const appError = (at: number, version: string): LoadSample => ({ at, ms: 1, version, status: 500, error: 'HTTP 500' });

describe('demo measurements', () => {
  // Smallest k with P(X > k) ≤ 1e-6, from scipy.stats.binom.sf.
  test.each([
    [1000, 0.01, 28],
    [10000, 0.01, 151],
    [200, 0.05, 27],
    [50, 0.01, 6],
  ])('the stable error bound for %i requests at %f is %i, as scipy computes it', (requests, rate, bound) => {
    expect(binomialUpperBound(requests, rate)).toBe(bound);
  });

  test('answers without the app version header count as failures of the delivery machinery, app 5xx per version', () => {
    const traffic = summarizeTraffic([ok(0, 'v1'), appError(10, 'v1'), ok(20, 'v2'), { at: 30, ms: 1, error: 'ECONNREFUSED' }, { at: 40, ms: 1, status: 503, error: 'HTTP 503' }]);
    expect(traffic.machineryFailures).toBe(2);
    expect(traffic.versions).toEqual([
      { version: 'v1', requests: 2, errors: 1, firstAt: 0, lastAt: 10 },
      { version: 'v2', requests: 1, errors: 0, firstAt: 20, lastAt: 20 },
    ]);
  });

  test('a clean run passes every check; a proxy error, extra stable errors or a late bad answer each fail one', () => {
    const clean: LoadSample[] = [];
    for (let i = 0; i < 1000; i++) clean.push(i % 100 === 0 ? appError(i, 'v1') : ok(i, 'v1'));
    for (let i = 1000; i < 1100; i++) clean.push(i % 5 === 0 ? appError(i, 'v3') : ok(i, 'v3'));
    const input = { errorRates: { v1: 0.01, v3: 0.05 }, stableVersions: ['v1'], rolledBack: { version: 'v3', completedAt: 1100 } };
    expect(checkCanaryShare({ ...input, traffic: summarizeTraffic(clean) }).map((c) => c.ok)).toEqual([true, true, true]);
    expect(servedSeconds(summarizeTraffic(clean), 'v3')).toBeCloseTo(0.099);

    const proxyError = [...clean, { at: 5, ms: 1, status: 502, error: 'HTTP 502' }];
    expect(checkCanaryShare({ ...input, traffic: summarizeTraffic(proxyError) }).map((c) => c.ok)).toEqual([false, true, true]);
    const stableHurt = clean.map((s, i) => (i < 1000 && i % 20 === 0 ? appError(s.at, 'v1') : s));
    expect(checkCanaryShare({ ...input, traffic: summarizeTraffic(stableHurt) }).map((c) => c.ok)).toEqual([true, false, true]);
    const late = [...clean, ok(1500, 'v3')];
    expect(checkCanaryShare({ ...input, traffic: summarizeTraffic(late) }).map((c) => c.ok)).toEqual([true, true, false]);
  });
});
