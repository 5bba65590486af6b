import { SlipwayError } from '../errors.js';

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
