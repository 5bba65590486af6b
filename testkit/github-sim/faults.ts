import type { SimResponse } from './router.js';

// Injected failures: what a flaky or throttling GitHub does to a request.

/** A failure to inject into matching requests. */
export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Route template to match, optionally with the method: 'POST /repos/{owner}/{repo}/deployments'. Any when omitted. */
  route?: string;
  /** Only requests whose JSON body has these top-level values (e.g. `{state: 'success'}`: the final status write). */
  body?: Record<string, unknown>;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** status: answer with `status`; drop: destroy the socket; latency: wait `ms`, then answer normally. */
  kind: 'status' | 'drop' | 'latency';
  /** 500, 502, 503; 403 or 429 answer as a secondary rate limit. */
  status?: number;
  /** Seconds, sent as `retry-after`. */
  retryAfter?: number;
  /** Delay of a latency fault. */
  ms?: number;
  /** When true the fault happens AFTER the write was applied (e.g. a 502 after the deployment was created) — to test duplicate-free retries. */
  afterApply?: boolean;
}

/** Splits 'POST /path' into method and template; a bare template leaves the method open. */
export function parseRouteKey(route: string | undefined, method?: string): { method?: string; template?: string } {
  const found = route ? /^([A-Za-z]+)\s+(\/.*)$/.exec(route) : null;
  return found ? { method: found[1].toUpperCase(), template: found[2] } : { method: method?.toUpperCase(), template: route };
}

/** The faults waiting to happen, consumed in the order they were injected. */
export class FaultQueue {
  private readonly pending: (FaultSpec & { left: number })[] = [];

  add(fault: FaultSpec): void {
    this.pending.push({ ...fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.pending.splice(0);
  }

  /** Takes (and uses up once) the first fault matching this request. */
  take(method: string, template: string, rawBody: string): FaultSpec | undefined {
    const index = this.pending.findIndex((f) => {
      const key = parseRouteKey(f.route, f.method);
      return (!key.method || key.method === method) && (!key.template || key.template === template) && (!f.body || bodyHas(rawBody, f.body));
    });
    if (index < 0) return undefined;
    const fault = this.pending[index];
    if (--fault.left <= 0) this.pending.splice(index, 1);
    return fault;
  }
}

function bodyHas(raw: string, wanted: Record<string, unknown>): boolean {
  try {
    const body = JSON.parse(raw) as Record<string, unknown>;
    return Object.entries(wanted).every(([name, value]) => body?.[name] === value);
  } catch {
    return false;
  }
}

const secondaryLimitMessage =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.';

/** The answer a status fault gives: GitHub's secondary-rate-limit body for 403/429, else a server error. */
export function faultResponse(fault: FaultSpec): SimResponse {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
  if (status === 403 || status === 429) {
    const docs = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits';
    return { status, headers, body: { message: secondaryLimitMessage, documentation_url: docs, status: String(status) } };
  }
  const message = status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Server Error';
  return { status, headers, body: { message, status: String(status) } };
}
