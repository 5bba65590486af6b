import { systemClock, type Clock } from './analysis/clock.js';

// The one retry loop of Slipway's HTTP clients (the registry, Prometheus, the ledger's deployment
// create). A client says how patient it is (a RetryPolicy) and which failures are worth another
// attempt (a classifier over typed error codes and HTTP statuses); the loop counts, waits on the
// clock it is given, and hands back the last failure as it was when the attempts run out.

/** How often and how patiently an operation is tried. */
export interface RetryPolicy {
  /** Attempts in all, the first included (1: never retried). */
  attempts: number;
  /** The wait before the second attempt, in ms. */
  firstDelayMs: number;
  /** Each further wait is the one before times this (2: doubling). */
  multiplier: number;
  /** The longest wait the policy itself computes, in ms. */
  maxDelayMs: number;
  /**
   * When set, a server's `Retry-After` is honoured up to this many ms (a longer one is cut to it);
   * when undefined, a server's `Retry-After` is not read.
   */
  retryAfterLimitMs?: number;
}

/** A failure worth another attempt; `retryAfterMs` is the wait the server asked for, if it did. */
export interface Retryable {
  retryAfterMs?: number;
}

/** One failed attempt about to be retried. */
export interface RetryEvent<T> {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** The attempts the policy allows. */
  attempts: number;
  /** The wait before the next attempt, in ms. */
  delayMs: number;
  /** What the attempt threw, when it threw. */
  error?: unknown;
  /** What the attempt returned, when `retryResult` called it a failure (an HTTP 503 answer). */
  result?: T;
}

/** How `withRetry` treats an operation's outcomes. */
export interface RetryOptions<T> {
  policy: RetryPolicy;
  /** Whether a thrown error is worth another attempt (undefined: it is thrown at once). */
  classify: (error: unknown) => Retryable | undefined;
  /** Whether a returned value is a failure worth another attempt; the last one is returned as it is. Default: never. */
  retryResult?: (result: T) => Retryable | undefined;
  /** Called before each wait: to log, or to let go of a result that is not returned (a response body). */
  onRetry?: (event: RetryEvent<T>) => void | Promise<void>;
  /** Default: the wall clock. */
  clock?: Pick<Clock, 'sleep'>;
}

/**
 * Runs `operation` (given the attempt number, 1 first) until it succeeds, fails in a way `classify`
 * does not call retryable, or the policy's attempts run out; then the last error is thrown (or the
 * last result returned) unchanged, so messages say what the server last answered.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const { policy } = options;
  const clock = options.clock ?? systemClock;
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= policy.attempts;
    let verdict: Retryable | undefined;
    let failure: Pick<RetryEvent<T>, 'error' | 'result'>;
    try {
      const result = await operation(attempt);
      verdict = last ? undefined : options.retryResult?.(result);
      if (!verdict) return result;
      failure = { result };
    } catch (error) {
      verdict = last ? undefined : options.classify(error);
      if (!verdict) throw error;
      failure = { error };
    }
    const delayMs = retryDelayMs(policy, attempt, verdict.retryAfterMs);
    await options.onRetry?.({ ...failure, attempt, attempts: policy.attempts, delayMs });
    await clock.sleep(delayMs);
  }
}

/**
 * The wait after failed attempt `attempt` (1 for the first): `firstDelayMs × multiplier^(attempt−1)`,
 * at most `maxDelayMs`; a server's `Retry-After`, when the policy honours it, lengthens the wait
 * (never shortens it) up to `retryAfterLimitMs`.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const computed = Math.min(policy.firstDelayMs * policy.multiplier ** (attempt - 1), policy.maxDelayMs);
  if (policy.retryAfterLimitMs === undefined || retryAfterMs === undefined || !(retryAfterMs > 0)) return computed;
  return Math.max(computed, Math.min(retryAfterMs, policy.retryAfterLimitMs));
}

/**
 * Codes of a connection that was refused, dropped or timed out, or of a name that did not resolve:
 * another attempt may get through (a restarting server, a busy proxy, a resolver that failed for a
 * moment — a runner's resolver answers ENOTFOUND for those too). Node's own (`ECONNRESET` …) and
 * undici's (fetch: `UND_ERR_SOCKET` for "other side closed" …). An error without one of these
 * codes — an invalid URL, a refused port, a body that failed — is not retried.
 */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'EHOSTDOWN', 'EAI_AGAIN', 'ENOTFOUND',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

/**
 * The transient network code of a failure (one of TRANSIENT_NETWORK_CODES): its own `code`, or that of its cause (fetch throws "fetch failed"
 * with the socket's error as its cause), or of the first of an AggregateError's errors (a host
 * with several addresses). Duck-typed: fetch's errors may come from another realm (a VM context)
 * where instanceof fails.
 */
export function transientNetworkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return code;
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}

/** Whether a failure is a dropped, refused or timed-out connection (a code in TRANSIENT_NETWORK_CODES). */
export function isTransientNetworkError(error: unknown): boolean {
  return transientNetworkCode(error) !== undefined;
}

/** Whether an HTTP status says "try again": a server error (5xx) or too many requests (429). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/** A `Retry-After` header in ms: delay-seconds, or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : undefined;
  const at = Date.parse(header);
  return Number.isFinite(at) && at > now ? at - now : undefined;
}
