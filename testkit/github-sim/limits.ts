// GitHub's secondary rate limits (docs/ledger.md, "Retries and idempotency"), opt-in: at most 100 requests
// in flight, and at most 80 content-creating requests a minute and 500 an hour. Past them GitHub
// answers 403 "You have exceeded a secondary rate limit" with retry-after.

/** The documented secondary limits. */
export const SECONDARY_LIMITS = { concurrent: 100, createsPerMinute: 80, createsPerHour: 500 };

/** Why a request is refused, with the seconds to wait, or undefined when it may proceed. */
export interface Refusal { retryAfter: number }

/** Tracks requests in flight and recent content-creating requests. */
export class SecondaryLimiter {
  private inFlight = 0;
  private readonly creates: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Call when a request arrives; pair with `leave()`. */
  enter(): void {
    this.inFlight++;
  }

  leave(): void {
    this.inFlight--;
  }

  /** Admits (and counts) a request, or says how long to wait. POSTs are the content-creating requests. */
  admit(method: string): Refusal | undefined {
    if (this.inFlight > SECONDARY_LIMITS.concurrent) return { retryAfter: 1 };
    if (method !== 'POST') return undefined;
    const now = this.now();
    while (this.creates.length > 0 && this.creates[0] <= now - 3_600_000) this.creates.shift();
    const lastMinute = this.creates.filter((t) => t > now - 60_000);
    if (lastMinute.length >= SECONDARY_LIMITS.createsPerMinute) return { retryAfter: Math.ceil((lastMinute[0] + 60_000 - now) / 1000) };
    if (this.creates.length >= SECONDARY_LIMITS.createsPerHour) return { retryAfter: Math.ceil((this.creates[0] + 3_600_000 - now) / 1000) };
    this.creates.push(now);
    return undefined;
  }
}
