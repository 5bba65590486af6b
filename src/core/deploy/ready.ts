import type { Slot } from './types.js';

/** Time between two GETs of a ready URL. */
const POLL_MS = 500;
/** Longest a single GET may take before it counts as a miss. */
const REQUEST_TIMEOUT_MS = 5_000;

/** The ready URL for `slot`: `{address}` and `{slot}` replaced by the slot's address and name. */
export function readyUrlFor(template: string, slot: Slot): string {
  return template.replaceAll('{address}', slot.address ?? '').replaceAll('{slot}', slot.name);
}

/** What the readiness check saw: ready or not, and the last answer in words. */
export interface ReadyResult {
  ready: boolean;
  /** `GET <url> answered 200 after 3 tries`, or the last failure. */
  detail: string;
}

/**
 * GETs `url` every half second until it answers 2xx or `timeoutSeconds` have passed. Never throws:
 * a version that does not come up is a result, said in `detail`.
 */
export async function waitUntilReady(url: string, timeoutSeconds: number, now: () => number = Date.now): Promise<ReadyResult> {
  const deadline = now() + timeoutSeconds * 1000;
  let last = 'no answer yet';
  for (let tries = 1; ; tries++) {
    const left = deadline - now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(100, Math.min(REQUEST_TIMEOUT_MS, left))) });
      await response.arrayBuffer();
      if (response.status >= 200 && response.status <= 299) return { ready: true, detail: `GET ${url} answered ${response.status} after ${tries} ${tries === 1 ? 'try' : 'tries'}` };
      last = `answered ${response.status}`;
    } catch (error) {
      last = failureOf(error);
    }
    if (now() + POLL_MS > deadline) return { ready: false, detail: `GET ${url} did not answer 2xx within ${timeoutSeconds}s (last: ${last})` };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** fetch says only "fetch failed"; the reason (`connect ECONNREFUSED …`) is its cause. Read by shape: fetch's errors come from Node's own realm. */
function failureOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
  if (name === 'TimeoutError') return 'no answer within the request timeout';
  return typeof cause?.message === 'string' ? cause.message : String(message);
}
