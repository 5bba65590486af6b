import type { Clock } from '../analysis/clock.js';
import { SlipwayError } from '../errors.js';
import { isRetryableStatus } from '../retry.js';
import { redact, registerSecret, splitUrlCredentials } from '../secrets/index.js';
import { quote } from '../secrets/quote.js';
import type { LabelledValue, MetricSource, QueryWindow, Sample } from './types.js';
import { basicAuthorization, MetricSourceError, requestOnce, retrySourceRead } from './source-http.js';

// The Prometheus HTTP API (/api/v1/query and /api/v1/query_range). Answers: 2xx with
// {status: "success", data: {resultType, result}}; 400 bad parameters, 422 an expression that cannot
// be executed, 503 a query that timed out or was aborted, each with {errorType, error}. Values are
// strings ("NaN", "+Inf" included) and are kept as numbers — a NaN is never turned into a zero.
// A 200 of any other shape (a proxy's page, another API at that URL) is a non-retryable error
// naming the URL, the endpoint, the query and what was expected: never a TypeError, never data.
// VictoriaMetrics serves the same API with two deliberate shifts that `nocache=1` (ignored by
// Prometheus) turns off: it rounds the start and end of a range of 50 points or more to multiples
// of the step, off the analysis grid, and evaluates an instant query near its now
// -search.latencyOffset (30 s) earlier, which would read as a clock 30 s behind (docs/analysis.md,
// "Metric sources").

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
  /** First back-off, doubled per attempt (at most 30 s). Default 500 ms. */
  retryDelayMs?: number;
  /** What the back-offs sleep on (default: the wall clock). */
  clock?: Pick<Clock, 'sleep'>;
  /**
   * Signs every request (AWS Signature V4 for Amazon Managed Prometheus: sigv4.ts
   * createSigV4Signer), once per attempt: a signature holds the time it was made.
   */
  sign?: RequestSigner;
}

/** A request about to be sent, as a signer sees it. */
export interface OutgoingRequest {
  method: string;
  /** The whole URL (path and query included). */
  url: string;
  /** The headers that will be sent, but the Host (fetch sets it from the URL). */
  headers: Record<string, string>;
  body: string;
}

/** Signs a request: returns the headers to add (e.g. Authorization and X-Amz-Date). */
export interface RequestSigner {
  (request: OutgoingRequest): Promise<Record<string, string>>;
  /** What to check when the server refuses a signed request (HTTP 401 or 403), for its message. */
  readonly refusedFix?: string;
}

/** A failed Prometheus request; `retryable` when another attempt may succeed. */
export class PrometheusError extends MetricSourceError {
  override readonly name = 'PrometheusError';
}

type Value = [number, string];
interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** A successful answer's data, checked: the result type the endpoint gives and its series. */
type Data =
  | { resultType: 'matrix'; result: { values: Value[] }[] }
  | { resultType: 'vector'; result: { metric: unknown; value: Value }[] }
  | { resultType: 'scalar' | 'string'; result: Value };

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
    if (basicAuth) this.headers.authorization = basicAuthorization(basicAuth);
  }

  /** A range query; the series' samples (NaN kept), [] when the query matched nothing. */
  async queryRange(query: string, window: QueryWindow): Promise<Sample[]> {
    const data = await this.request('query_range', query, {
      start: String(window.start.getTime() / 1000),
      end: String(window.end.getTime() / 1000),
      step: String(window.stepSeconds),
    });
    if (data.resultType !== 'matrix') throw this.malformed('query_range', query, `resultType ${quoteValue(data.resultType)}`, 'resultType "matrix"');
    const series = oneSeries(data.result, query);
    return (series?.values ?? []).map(([time, value]) => ({ time, value: parseValue(value) }));
  }

  /** An instant query; NaN when the query matched nothing. */
  async queryInstant(query: string, time?: Date): Promise<number> {
    const data = await this.request('query', query, time ? { time: String(time.getTime() / 1000) } : {});
    if (data.resultType === 'scalar') return parseValue(data.result[1]);
    if (data.resultType !== 'vector') throw this.malformed('query', query, `resultType ${quoteValue(data.resultType)}`, 'resultType "vector" or "scalar"');
    const series = oneSeries(data.result, query);
    return series ? parseValue(series.value[1]) : NaN;
  }

  /** An instant query's series with their labels (a latency metric's bucket bounds); [] when it matched nothing. */
  async queryInstantSeries(query: string, time?: Date): Promise<LabelledValue[]> {
    const data = await this.request('query', query, time ? { time: String(time.getTime() / 1000) } : {});
    if (data.resultType !== 'vector') throw this.malformed('query', query, `resultType ${quoteValue(data.resultType)}`, 'resultType "vector"');
    return data.result.map((series) => ({ labels: labelsOf(series.metric), value: parseValue(series.value[1]) }));
  }

  /** Prometheus's own time: `time()` evaluated at its now. */
  async serverTime(): Promise<Date> {
    return new Date((await this.queryInstant('time()')) * 1000);
  }

  private async request(endpoint: string, query: string, params: Record<string, string>): Promise<Data> {
    return retrySourceRead(() => this.attempt(endpoint, query, params), this.options);
  }

  private async attempt(endpoint: string, query: string, params: Record<string, string>): Promise<Data> {
    const url = `${this.base}/api/v1/${endpoint}`;
    const body = new URLSearchParams({ query, ...params, nocache: '1' }).toString();
    const headers = await this.signedHeaders(url, body);
    const response = await requestOnce(url, { method: 'POST', headers, body }, this.options.timeoutMs ?? 10_000, {
      unreachable: (cause, retryable) => new PrometheusError(`Prometheus at ${this.base} is unreachable: ${cause}`, retryable),
      redirected: (status, location) =>
        new PrometheusError(`Prometheus at ${this.base} answered a redirect (HTTP ${status}) to ${location}; Slipway does not follow redirects, so its headers go only to the URL you gave. Fix: set the Prometheus URL to where it redirects.`, false, status),
    });
    const text = await response.text().catch(() => '');
    let answer: ApiAnswer = {};
    try {
      answer = JSON.parse(text) as ApiAnswer;
    } catch {
      // Not JSON: a proxy's page or an empty body; the status code below says what happened.
    }
    if (response.status === 401 || response.status === 403) {
      const sign = this.options.sign;
      // An AWS service names its error in x-amzn-ErrorType (MissingAuthenticationTokenException, …).
      const awsError = response.headers.get('x-amzn-errortype')?.split(':')[0];
      const fix = sign
        ? (sign.refusedFix ?? 'check the credentials the request was signed with')
        : awsError
          ? `this is an AWS service (${awsError}): its requests must be signed with AWS Signature V4; give the source sigv4: {region: <the workspace's region>} and AWS credentials`
          : 'check the credentials in prometheus-headers (e.g. "Authorization: Bearer …")';
      const said = answer.error ?? (answer as { message?: string }).message;
      const detail = said ? ` It said: ${redact(String(said)).slice(0, 200)}` : '';
      throw new PrometheusError(`Prometheus at ${this.base} refused the ${sign ? 'signed ' : ''}request (HTTP ${response.status}): ${fix}.${detail}`, false, response.status);
    }
    if (!response.ok || answer.status !== 'success' || !answer.data) {
      // A proxy's error page may echo the request's headers: an excerpt only, and never a secret.
      // Redacted before it is cut: half a secret would no longer match.
      const detail = answer.error ? `${answer.errorType ?? 'error'}: ${redact(answer.error).slice(0, 300)}` : redact(text).slice(0, 120) || response.statusText;
      throw new PrometheusError(`Prometheus ${endpoint} failed (HTTP ${response.status}) for query ${query}: ${detail}`, isRetryableStatus(response.status), response.status);
    }
    const problem = shapeProblem(answer.data);
    if (problem) throw this.malformed(endpoint, query, problem, '{status: "success", data: {resultType, result}} with [<unix time>, "<value>"] samples');
    return answer.data as Data;
  }

  /** The request headers, with the signer's added (case-insensitively: its Authorization replaces any given). */
  private async signedHeaders(url: string, body: string): Promise<Headers> {
    const headers = new Headers(this.headers);
    if (!this.options.sign) return headers;
    let added: Record<string, string>;
    try {
      added = await this.options.sign({ method: 'POST', url, headers: { ...this.headers }, body });
    } catch (error) {
      // No credentials (or none that load): another attempt would find none either.
      throw new PrometheusError(`Prometheus at ${this.base}: could not sign the request: ${redact(error instanceof Error ? error.message : String(error))}`, false);
    }
    for (const [name, value] of Object.entries(added)) headers.set(name, value);
    return headers;
  }

  /** A 200 whose body is not what the Prometheus API documents: not retried, it will not change. */
  private malformed(endpoint: string, query: string, problem: string, expected: string): PrometheusError {
    return new PrometheusError(
      `Prometheus at ${this.base} answered /api/v1/${endpoint} for query ${query} with ${problem}: expected ${expected}. Check that the URL points at Prometheus (or a compatible API) and not at a proxy page.`,
      false,
    );
  }
}

/** What is wrong with a successful answer's `data`, or undefined when it has the documented shape. */
function shapeProblem(data: NonNullable<ApiAnswer['data']>): string | undefined {
  const { resultType, result } = data;
  if (resultType === 'scalar' || resultType === 'string') return isSample(result) ? undefined : `a ${resultType} result ${quoteValue(result)}`;
  if (resultType !== 'matrix' && resultType !== 'vector') return `resultType ${quoteValue(resultType)}`;
  if (!Array.isArray(result)) return `a ${resultType} result that is not a list (${quoteValue(result)})`;
  const field = resultType === 'matrix' ? 'values' : 'value';
  for (const series of result as unknown[]) {
    const item = series as Record<string, unknown> | null;
    const fine =
      typeof item === 'object' && item !== null && typeof item.metric === 'object' && item.metric !== null &&
      (resultType === 'matrix' ? Array.isArray(item.values) && item.values.every(isSample) : isSample(item.value));
    if (!fine) return `a ${resultType} series ${quoteValue(series)} (expected {metric, ${field}})`;
  }
  return undefined;
}

/** A sample as Prometheus writes it: [<unix time as a number>, "<value as a string>"]. */
function isSample(value: unknown): value is Value {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && Number.isFinite(value[0]) && typeof value[1] === 'string';
}

/** A value from the answer, quoted short (an answer is not ours to repeat at length). */
function quoteValue(value: unknown): string {
  return quote(value, 80);
}

/** A series' labels with string values (a label of any other type is left out: it names nothing Prometheus would). */
function labelsOf(metric: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(metric as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The single series of a result; a query that returns several is ambiguous and rejected. */
function oneSeries<T>(list: T[], query: string): T | undefined {
  if (list.length > 1) {
    throw new PrometheusError(`Query ${query} returned ${list.length} series; aggregate it to one (e.g. wrap it in sum(…)).`, false);
  }
  return list[0];
}

/** A sample value as Prometheus writes it: a decimal, "NaN", "+Inf" or "-Inf"; anything else is NaN (missing), never 0. */
function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  // Number('') and Number(' ') are 0: a blank is no value, not a zero; Number('abc') is NaN.
  return text.trim() === '' ? NaN : Number(text);
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
