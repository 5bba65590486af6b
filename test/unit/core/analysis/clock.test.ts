import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { MAX_TIMER_MS, systemClock } from '../../../../src/core/analysis/clock.js';

const HOUR = 3_600_000;

describe('systemClock.sleep', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** Starts a sleep and reports whether it has resolved. */
  function sleeping(ms: number): () => boolean {
    let done = false;
    void systemClock.sleep(ms).then(() => (done = true));
    return () => done;
  }

  test('a sleep longer than one timer can hold (600 h) does not resolve early: not after the first timer, not a millisecond before its end', async () => {
    const ms = 600 * HOUR;
    expect(ms).toBeGreaterThan(MAX_TIMER_MS);
    const done = sleeping(ms);
    await jest.advanceTimersByTimeAsync(1);
    expect(done()).toBe(false);
    await jest.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(done()).toBe(false);
    await jest.advanceTimersByTimeAsync(ms - MAX_TIMER_MS - 2);
    expect(done()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done()).toBe(true);
  });

  test('no timer is ever set above the 32-bit limit', async () => {
    const spy = jest.spyOn(globalThis, 'setTimeout');
    const done = sleeping(3 * MAX_TIMER_MS + 5);
    await jest.advanceTimersByTimeAsync(3 * MAX_TIMER_MS + 5);
    expect(done()).toBe(true);
    const delays = spy.mock.calls.map((call) => call[1]);
    expect(delays).toEqual([MAX_TIMER_MS, MAX_TIMER_MS, MAX_TIMER_MS, 5]);
    spy.mockRestore();
  });

  test.each([0, -5, Number.NaN])('a sleep of %p ms resolves at once, without a timer', async (ms) => {
    const spy = jest.spyOn(globalThis, 'setTimeout');
    await systemClock.sleep(ms);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  test('a short sleep is one timer of its length', async () => {
    const done = sleeping(1500);
    await jest.advanceTimersByTimeAsync(1499);
    expect(done()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done()).toBe(true);
  });
});
