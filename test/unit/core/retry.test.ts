import { describe, expect, test } from '@jest/globals';
import { isRetryableStatus, isTransientNetworkError, parseRetryAfter, retryDelayMs, withRetry, type RetryPolicy } from '../../../src/core/retry.js';

/** A clock that records the waits it is asked for and never sleeps. */
function recordingClock() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const policy: RetryPolicy = { attempts: 5, firstDelayMs: 100, multiplier: 2, maxDelayMs: 500 };

/** What fetch throws for a dropped connection: "fetch failed" with the socket's error as its cause. */
function dropped(code = 'UND_ERR_SOCKET'): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code }) });
}

describe('withRetry', () => {
  test('retries a classified error until the operation succeeds, waiting as the policy says', async () => {
    const clock = recordingClock();
    let calls = 0;
    const result = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 4) throw dropped();
        return `done on ${attempt}`;
      },
      { policy, clock, classify: (error) => (isTransientNetworkError(error) ? {} : undefined) },
    );
    expect(result).toBe('done on 4');
    expect(calls).toBe(4);
    expect(clock.waits).toEqual([100, 200, 400]);
  });

  test('stops at the attempt limit and throws the last error unchanged', async () => {
    const clock = recordingClock();
    const errors: Error[] = [];
    const run = withRetry(
      async () => {
        const error = dropped('ECONNRESET');
        errors.push(error);
        throw error;
      },
      { policy, clock, classify: () => ({}) },
    );
    await expect(run).rejects.toBeInstanceOf(TypeError);
    expect(errors).toHaveLength(5);
    await expect(run).rejects.toBe(errors[4]);
    // Doubling from 100 ms, cut at the 500 ms cap; no wait after the last attempt.
    expect(clock.waits).toEqual([100, 200, 400, 500]);
  });

  test('an error the classifier does not name is thrown at once, without a wait', async () => {
    const clock = recordingClock();
    let calls = 0;
    const invalid = Object.assign(new TypeError('Failed to parse URL from nota url'), { code: 'ERR_INVALID_URL' });
    await expect(
      withRetry(
        async () => {
          calls++;
          throw invalid;
        },
        { policy, clock, classify: (error) => (isTransientNetworkError(error) ? {} : undefined) },
      ),
    ).rejects.toBe(invalid);
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([]);
  });

  test('a result called a failure is retried, and the last one is returned as it is when attempts run out', async () => {
    const clock = recordingClock();
    const seen: number[] = [];
    const status = await withRetry(async (attempt) => 500 + attempt, {
      policy: { ...policy, attempts: 3 },
      clock,
      classify: () => undefined,
      retryResult: (value) => (isRetryableStatus(value) ? {} : undefined),
      onRetry: ({ result, attempt, attempts, delayMs }) => void seen.push(result!, attempt, attempts, delayMs),
    });
    expect(status).toBe(503);
    expect(seen).toEqual([501, 1, 3, 100, 502, 2, 3, 200]);
  });

  test("a server's Retry-After lengthens the wait up to the policy's limit, and is ignored by a policy that does not honour it", async () => {
    const honouring = recordingClock();
    const asked = [1500, 60_000, 10];
    const operation = async (attempt: number) => (attempt <= 3 ? 429 : 200);
    const retryResult = (value: number) => (value === 429 ? { retryAfterMs: asked.shift() } : undefined);
    await withRetry(operation, { policy: { ...policy, retryAfterLimitMs: 5000 }, clock: honouring, classify: () => undefined, retryResult });
    expect(honouring.waits).toEqual([1500, 5000, 400]);

    const ignoring = recordingClock();
    asked.push(1500, 60_000, 10);
    await withRetry(operation, { policy, clock: ignoring, classify: () => undefined, retryResult });
    expect(ignoring.waits).toEqual([100, 200, 400]);
  });

  test('a policy of one attempt never retries', async () => {
    const clock = recordingClock();
    await expect(withRetry(async () => Promise.reject(dropped()), { policy: { ...policy, attempts: 1 }, clock, classify: () => ({}) })).rejects.toThrow('fetch failed');
    expect(clock.waits).toEqual([]);
  });
});

describe('classification', () => {
  test.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN'])('%s, as fetch reports it, is a transient network error', (code) => {
    expect(isTransientNetworkError(dropped(code))).toBe(true);
  });

  test('a code on the error itself, or on the first of an AggregateError, counts too', () => {
    expect(isTransientNetworkError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' });
    expect(isTransientNetworkError(Object.assign(new TypeError('fetch failed'), { cause: new AggregateError([refused]) }))).toBe(true);
  });

  test('a TypeError without a network code is not a dropped connection', () => {
    expect(isTransientNetworkError(new TypeError('fetch failed'))).toBe(false);
    expect(isTransientNetworkError(Object.assign(new TypeError('Failed to parse URL'), { code: 'ERR_INVALID_URL' }))).toBe(false);
    expect(isTransientNetworkError(new TypeError("Cannot read properties of undefined (reading 'status')"))).toBe(false);
    expect(isTransientNetworkError('ECONNRESET')).toBe(false);
  });

  test.each([
    [500, true],
    [502, true],
    [503, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
    [422, false],
    [200, false],
  ])('HTTP %i is retryable: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });
});

describe('delays and Retry-After', () => {
  test('the waits grow by the multiplier from the first delay up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs({ attempts: 6, firstDelayMs: 250, multiplier: 2, maxDelayMs: 8000 }, attempt))).toEqual([250, 500, 1000, 2000, 4000]);
    expect([1, 2, 3].map((attempt) => retryDelayMs({ attempts: 4, firstDelayMs: 1000, multiplier: 3, maxDelayMs: 5000 }, attempt))).toEqual([1000, 3000, 5000]);
  });

  test('Retry-After is read as seconds or as an HTTP date; anything else is no Retry-After', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('0', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
