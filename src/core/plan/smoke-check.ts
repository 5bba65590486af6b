// One smoke check serves the plan's `smokeCheck` step and canary-step's blue-green `switch`.

/** What to GET, and what counts as an answer. */
export interface SmokeCheck {
  url: string;
  /** The status that passes; default: any 2xx. */
  expectStatus?: number;
  /** Default: none. */
  headers?: Record<string, string>;
  /** Seconds to wait for the whole answer; default 10. */
  timeoutSeconds?: number;
}

/** Whether the check passed, and what the GET did in words (`GET <url> answered 503, expected 200`). */
export interface SmokeCheckResult {
  ok: boolean;
  detail: string;
}

/** The default smoke check timeout, in seconds. */
export const SMOKE_CHECK_TIMEOUT_SECONDS = 10;

/**
 * GETs `check.url`: ok when it answers the expected status within the timeout. It never throws:
 * an unreachable or silent URL is a failed check, said in `detail`.
 */
export async function httpSmokeCheck(check: SmokeCheck): Promise<SmokeCheckResult> {
  const { url, expectStatus } = check;
  const timeoutSeconds = check.timeoutSeconds ?? SMOKE_CHECK_TIMEOUT_SECONDS;
  try {
    const response = await fetch(url, { headers: check.headers, signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    await response.arrayBuffer();
    const ok = expectStatus === undefined ? response.status >= 200 && response.status <= 299 : response.status === expectStatus;
    return { ok, detail: `GET ${url} answered ${response.status}${ok ? '' : `, expected ${expectStatus ?? '2xx'}`}` };
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.name === 'TimeoutError') return { ok: false, detail: `GET ${url} did not answer within ${timeoutSeconds}s` };
    // fetch says only "fetch failed"; the reason (`connect ECONNREFUSED 127.0.0.1:1`) is its cause.
    return { ok: false, detail: `GET ${url} failed: ${failure.message}${failure.cause ? ` (${failure.cause})` : ''}` };
  }
}

/**
 * The name, message and cause of what fetch threw. Read by shape, not `instanceof Error`: fetch's
 * errors come from Node's own realm, which is not the caller's under a VM context (Jest's ESM mode).
 */
function describeFailure(error: unknown): { name?: string; message: string; cause?: string } {
  if (typeof error !== 'object' || error === null || !('message' in error)) return { message: String(error) };
  const { name, message, cause } = error as { name?: unknown; message: unknown; cause?: unknown };
  const causeMessage = typeof cause === 'object' && cause !== null && 'message' in cause ? String(cause.message) : undefined;
  return { name: typeof name === 'string' ? name : undefined, message: String(message), cause: causeMessage };
}
