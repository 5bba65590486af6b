import type { Clock } from '../analysis/clock.js';
import { SlipwayError } from '../errors.js';
import { isTransientNetworkError, withRetry } from '../retry.js';
import { redact, secrets } from '../secrets/index.js';
import type { SourceContext } from './types.js';

// What every metric source does alike over HTTP: its error, how it retries, and one request with a
// timeout that never follows a redirect. What a source makes of an answer stays its own.

/**
 * A failed read of a metric source; `retryable` when another attempt may succeed. Each source's
 * error is one of these under its own name, so a message says which source failed.
 */
export class MetricSourceError extends SlipwayError {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** The wait the source asked for (Retry-After, Datadog's X-RateLimit-Reset), ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Runs one read of a source with the context's retries (default 3, from 500 ms, doubling up to
 * 30 s, on its clock): a retryable MetricSourceError is tried again, after the wait the source
 * asked for when it asked (at most 60 s); anything else is thrown at once.
 */
export function retrySourceRead<T>(read: () => Promise<T>, context: Pick<SourceContext, 'retries' | 'retryDelayMs'> & { clock?: Pick<Clock, 'sleep'> }): Promise<T> {
  return withRetry(read, {
    policy: { attempts: (context.retries ?? 3) + 1, firstDelayMs: context.retryDelayMs ?? 500, multiplier: 2, maxDelayMs: 30_000, retryAfterLimitMs: 60_000 },
    classify: (error) => (error instanceof MetricSourceError && error.retryable ? { retryAfterMs: error.retryAfterMs } : undefined),
    ...(context.clock ? { clock: context.clock } : {}),
  });
}

/** A source's own words for the two ways a request ends before there is an answer to read. */
export interface RequestFailures {
  /** The error when no answer came, given why: `no answer within 10000 ms`, `ECONNREFUSED`. */
  unreachable(cause: string, retryable: boolean): MetricSourceError;
  /** The error for a redirect (HTTP 3xx), given its status and where it points (redacted). */
  redirected(status: number, location: string): MetricSourceError;
}

/**
 * One HTTP request of a source, answered within `timeoutMs`. A redirect is never followed: fetch
 * drops Authorization on a cross-origin redirect but sends every other header (an API key, a
 * tenant id) wherever the server points. No answer is `unreachable`, retryable when it timed out or
 * the connection failed (not for an invalid URL); a 3xx is `redirected`. Any other answer is the
 * caller's to read.
 */
export async function requestOnce(url: string | URL, init: Omit<RequestInit, 'signal' | 'redirect'>, timeoutMs: number, failures: RequestFailures): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch (error) {
    const timedOut = (error as { name?: string }).name === 'TimeoutError';
    throw failures.unreachable(timedOut ? `no answer within ${timeoutMs} ms` : networkCause(error), timedOut || isTransientNetworkError(error));
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => undefined);
    throw failures.redirected(response.status, redact(response.headers.get('location') ?? 'nowhere'));
  }
  return response;
}

/**
 * The Authorization header of credentials written into a source's URL (`https://user:password@host`,
 * as Grafana's data sources take them), both registered as secrets first, so neither they nor
 * their base64 is ever printed.
 */
export function basicAuthorization(credentials: { username: string; password: string }): string {
  secrets.addBasicCredentials(credentials.username, credentials.password);
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** Why a request got no answer: the network error's code (ECONNREFUSED) or message. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
