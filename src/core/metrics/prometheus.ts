import { SlipwayError } from '../errors.js';
import { redact, registerSecret, secrets, splitUrlCredentials } from '../secrets/index.js';
import type { MetricSource, QueryWindow, Sample } from './types.js';

// The Prometheus HTTP API (/api/v1/query and /api/v1/query_range). Answers: 2xx with
// {status: "success", data: {resultType, result}}; 400 bad parameters, 422 an expression that cannot
// be executed, 503 a query that timed out or was aborted, each with {errorType, error}. Values are
// strings ("NaN", "+Inf" included) and are kept as numbers — a NaN is never turned into a zero.

/** Settings of a Prometheus source. */
export interface PrometheusOptions {
  /** Base URL, e.g. http://127.0.0.1:9090 (a path prefix such as /prometheus is kept). */
  url: string;
  /** Extra request headers (e.g. `Authorization`, `X-Scope-OrgID`); never logged. */
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Sent as `Authorization: Basic …`. */
  basicAuth?: { username: string; password: string };
  /** Per-request timeout. Default 10 000 ms. */
  timeoutMs?: number;
  /** Further attempts after a 5xx, a timeout or a connection error. Default 3. */
  retries?: number;
  /** First back-off, doubled per attempt. Default 500 ms. */
  retryDelayMs?: number;
}

/** A failed Prometheus request; `retryable` when another attempt may succeed. */
export class PrometheusError extends SlipwayError {
  override readonly name = 'PrometheusError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

type Value = [number, string];
interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** A metric source over the Prometheus HTTP API, with timeouts, retries and auth headers. */
export class PrometheusSource implements MetricSource {
  readonly type = 'prometheus';
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: PrometheusOptions) {
    // `https://user:password@host` works (as in Grafana's data sources) but is never printed: the
    // credentials move into the Authorization header and the URL in messages has none.
    const { url, credentials } = splitUrlCredentials(options.url);
    this.base = url.replace(/\/+$/, '');
    this.headers = { ...options.headers, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const basicAuth = options.basicAuth ?? credentials;
    if (options.bearerToken) {
      registerSecret(options.bearerToken);
      this.headers.authorization = `Bearer ${options.bearerToken}`;
    }
    if (basicAuth) {
      secrets.addBasicCredentials(basicAuth.username, basicAuth.password);
      this.headers.authorization = `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
    }
  }

  /** A range query; the series' samples (NaN kept), [] when the query matched nothing. */
  async queryRange(query: string, window: QueryWindow): Promise<Sample[]> {
    const data = await this.request('query_range', query, {
      start: String(window.start.getTime() / 1000),
      end: String(window.end.getTime() / 1000),
      step: String(window.stepSeconds),
    });
    const series = oneSeries(data.result, query) as { values?: Value[] } | undefined;
    return (series?.values ?? []).map(([time, value]) => ({ time, value: parseValue(value) }));
  }

  /** An instant query; NaN when the query matched nothing. */
  async queryInstant(query: string, time?: Date): Promise<number> {
    const data = await this.request('query', query, time ? { time: String(time.getTime() / 1000) } : {});
    if (data.resultType === 'scalar') return parseValue((data.result as Value)[1]);
    const series = oneSeries(data.result, query) as { value?: Value } | undefined;
    return series?.value ? parseValue(series.value[1]) : NaN;
  }

  /** Prometheus's own time: `time()` evaluated at its now. */
  async serverTime(): Promise<Date> {
    return new Date((await this.queryInstant('time()')) * 1000);
  }

  private async request(endpoint: string, query: string, params: Record<string, string>): Promise<{ resultType?: string; result?: unknown }> {
    const retries = this.options.retries ?? 3;
    let delay = this.options.retryDelayMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(endpoint, query, params);
      } catch (error) {
        if (!(error instanceof PrometheusError) || !error.retryable || attempt >= retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
    }
  }

  private async attempt(endpoint: string, query: string, params: Record<string, string>): Promise<{ resultType?: string; result?: unknown }> {
    const url = `${this.base}/api/v1/${endpoint}`;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: this.headers,
        body: new URLSearchParams({ query, ...params }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
        // fetch drops Authorization on a cross-origin redirect but sends every other header (an
        // X-Api-Key, a tenant id) to wherever Prometheus points: redirects are not followed.
        redirect: 'manual',
      });
    } catch (error) {
      const cause = (error as { name?: string }).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describeNetworkError(error);
      throw new PrometheusError(`Prometheus at ${this.base} is unreachable: ${cause}`, true);
    }
    if (response.status >= 300 && response.status < 400) {
      const location = redact(response.headers.get('location') ?? 'nowhere');
      throw new PrometheusError(`Prometheus at ${this.base} answered a redirect (HTTP ${response.status}) to ${location}; Slipway does not follow redirects, so its headers go only to the URL you gave. Fix: set the Prometheus URL to where it redirects.`, false, response.status);
    }
    const text = await response.text().catch(() => '');
    let answer: ApiAnswer = {};
    try {
      answer = JSON.parse(text) as ApiAnswer;
    } catch {
      // Not JSON: a proxy's page or an empty body; the status code below says what happened.
    }
    if (response.status === 401 || response.status === 403) {
      throw new PrometheusError(`Prometheus at ${this.base} refused the request (HTTP ${response.status}): check the credentials in prometheus-headers (e.g. "Authorization: Bearer …").`, false, response.status);
    }
    if (!response.ok || answer.status !== 'success' || !answer.data) {
      // A proxy's error page may echo the request's headers: an excerpt only, and never a secret.
      // Redacted before it is cut: half a secret would no longer match.
      const detail = answer.error ? `${answer.errorType ?? 'error'}: ${redact(answer.error).slice(0, 300)}` : redact(text).slice(0, 120) || response.statusText;
      throw new PrometheusError(`Prometheus ${endpoint} failed (HTTP ${response.status}) for query ${query}: ${detail}`, response.status >= 500 || response.status === 429, response.status);
    }
    return answer.data;
  }
}

/** The single series of a result; a query that returns several is ambiguous and rejected. */
function oneSeries(result: unknown, query: string): unknown {
  const list = Array.isArray(result) ? result : [];
  if (list.length > 1) {
    throw new PrometheusError(`Query ${query} returned ${list.length} series; aggregate it to one (e.g. wrap it in sum(…)).`, false);
  }
  return list[0];
}

/** A sample value as Prometheus writes it: a decimal, "NaN", "+Inf" or "-Inf". */
function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return text.trim() === '' ? NaN : Number(text);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Parses `Name: value` lines (the `prometheus-headers` input) into a header map. */
export function parseHeaderLines(text: string, where: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const match = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s*(.*)$/.exec(line);
    // The line may hold a secret: the error names the line number, never its text.
    if (!match || match[2] === '') throw new SlipwayError(`${where}: line ${index + 1} is not a header; expected one "Name: value" per line, e.g. "Authorization: Bearer <token>".`);
    headers[match[1]] = match[2];
  }
  return headers;
}
