import { JSONPath } from 'jsonpath-plus';
import { systemClock } from '../../analysis/clock.js';
import { isRetryableStatus, parseRetryAfter } from '../../retry.js';
import { redact, registerSecret, splitUrlCredentials } from '../../secrets/index.js';
import { quote } from '../../secrets/quote.js';
import { splitWebQuery, webDialect } from '../dialects/web.js';
import { resolveHeaders, type WebSettings } from '../source-settings.js';
import type { MetricSource, QueryWindow, Sample, SourceContext } from '../types.js';
import { basicAuthorization, MetricSourceError, requestOnce, retrySourceRead } from '../source-http.js';

// Any HTTP endpoint that answers JSON (docs/analysis.md, "Metric sources"): a query is a URL
// relative to the source's `url` (dialects/web.ts), read with GET and the source's headers, and the
// value is picked from the answer by a JSONPath (the query's own after `#`, else the settings').
//
// Such an endpoint answers the value NOW, nothing else: a web source has no history. Rate metrics
// count (counts: 'cumulative'), so the analysis needs each counter at every point of its grid; the
// source makes that grid itself. Each queryRange reads the endpoint once, stamps the reading at the
// grid point of the window nearest to the time it was read (when one lies within half a step), keeps
// it, and answers with every reading it kept for that query within the window. The analysis loop
// reads each interval's window at its end, so the readings land on the grid one interval apart and
// the next read (which starts at the last point) finds the previous one again. A window wholly in
// the past — the baseline history read before an analysis — gets only what was kept: usually
// nothing, so the judge guards the first intervals instead; the canary's first interval has no
// starting reading either, so the first counts come from the second interval.
//
// Headers carry credentials: requests never leave the origin of `url` (an absolute query on another
// origin is refused, redirects are not followed), and no message prints a header.

/** A failed read of a web source; `retryable` when another attempt may succeed. */
export class WebSourceError extends MetricSourceError {
  override readonly name = 'WebSourceError';
}

/** How much of an answer a message may repeat. */
const EXCERPT = 80;

/** A metric source over an HTTP endpoint answering JSON; see the module comment. */
export class WebSource implements MetricSource {
  readonly type = 'web';
  readonly counts = 'cumulative' as const;
  readonly dialect = webDialect;
  /** The base URL without credentials, ending with `/` so relative queries resolve beneath it. */
  private readonly base: URL;
  /** The base URL as the settings give it (credentials taken out), for messages and the empty query. */
  private readonly baseText: string;
  private readonly headers: Record<string, string>;
  private readonly clock: NonNullable<SourceContext['clock']>;
  /** Readings kept per query: grid time (ms since the epoch) → value. */
  private readonly readings = new Map<string, Map<number, number>>();

  constructor(
    private readonly settings: WebSettings,
    private readonly context: SourceContext,
  ) {
    const { url, credentials } = splitUrlCredentials(settings.url);
    this.baseText = url;
    this.base = new URL(url);
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/';
    this.clock = context.clock ?? systemClock;
    // Resolved now, so an unset variable fails before any traffic moves; each value is registered
    // as a secret before anything could print it.
    const resolved = resolveHeaders(settings.headers, context.env, (name) => `The web source's header ${name}`, registerSecret);
    const headers = Object.fromEntries(Object.entries(resolved).map(([name, value]) => [name.toLowerCase(), value]));
    if (credentials && !headers.authorization) headers.authorization = basicAuthorization(credentials);
    this.headers = { accept: 'application/json', ...headers };
  }

  /**
   * Reads the endpoint once when the present lies on the window's grid (within half a step of a
   * point in [start, end]), keeps the reading at that point, and returns every reading kept for
   * `query` within the window (oldest first). A window away from the present reads nothing.
   */
  async queryRange(query: string, window: QueryWindow): Promise<Sample[]> {
    const kept = this.readings.get(query) ?? new Map<number, number>();
    this.readings.set(query, kept);
    const startMs = window.start.getTime();
    const endMs = window.end.getTime();
    const stepMs = window.stepSeconds * 1000;
    const now = this.clock.now().getTime();
    const k = Math.round((now - startMs) / stepMs);
    const point = startMs + k * stepMs;
    if (stepMs > 0 && point >= startMs && point <= endMs && Math.abs(now - point) <= stepMs / 2) {
      const value = await this.read(query);
      // The first reading of a point stays: a point once answered does not change under the analysis.
      if (Number.isFinite(value) && !kept.has(point)) kept.set(point, value);
    }
    return [...kept]
      .filter(([time]) => time >= startMs && time <= endMs)
      .sort(([a], [b]) => a - b)
      .map(([time, value]) => ({ time: time / 1000, value }));
  }

  /**
   * The endpoint's value now; NaN when the JSONPath matched nothing (or null). The endpoint knows
   * only the present: a `time` more than a minute away is refused rather than answered with today's value.
   */
  async queryInstant(query: string, time?: Date): Promise<number> {
    const now = this.clock.now().getTime();
    if (time && Math.abs(time.getTime() - now) > 60_000) {
      throw new WebSourceError(`The web source at ${this.describeBase()} answers only the present value, so query ${query} cannot be read at ${time.toISOString()}.`, false);
    }
    return this.read(query);
  }

  /** One reading: GET the query's URL (retried per the context) and pick its value. */
  private async read(query: string): Promise<number> {
    const { url, jsonPath } = this.target(query);
    const body = await retrySourceRead(() => this.attempt(url, query), { ...this.context, clock: this.clock });
    return this.pick(body, url, query, jsonPath);
  }

  /** The URL a query reads and the JSONPath that picks its value; a URL off the source's origin is refused. */
  private target(query: string): { url: URL; jsonPath: string } {
    const parts = splitWebQuery(query);
    const jsonPath = parts.jsonPath?.trim() || this.settings.jsonPath;
    let url: URL;
    try {
      url = parts.url.trim() === '' ? new URL(this.baseText) : new URL(parts.url.trim(), this.base);
    } catch {
      throw new WebSourceError(`Query ${query} of the web source at ${this.describeBase()} is not a URL. Fix: write a path relative to the source's url, e.g. ${webDialect.example}.`, false);
    }
    if (url.origin !== this.base.origin) {
      throw new WebSourceError(
        `Query ${query} points at ${url.origin}, not at the web source's origin ${this.base.origin}: the source's headers (its credentials) are sent only there. ` +
          `Fix: write the query relative to the source's url (e.g. ${webDialect.example}), or use another source for the other host.`,
        false,
      );
    }
    if (url.username !== '' || url.password !== '') {
      throw new WebSourceError(`Query ${redact(query)} holds credentials in its URL. Fix: put them in the web source's headers as {{env.NAME}} references.`, false);
    }
    return { url, jsonPath };
  }

  /** One GET: the parsed JSON body of a 2xx answer, or a WebSourceError saying what went wrong. */
  private async attempt(url: URL, query: string): Promise<unknown> {
    const where = redact(url.toString());
    const timeoutMs = this.settings.timeoutMs ?? this.context.timeoutMs ?? 10_000;
    const response = await requestOnce(url, { method: 'GET', headers: this.headers }, timeoutMs, {
      unreachable: (cause, retryable) => new WebSourceError(`The web source at ${where} is unreachable (query ${query}): ${cause}`, retryable),
      redirected: (status, location) =>
        new WebSourceError(
          `The web source at ${where} answered a redirect (HTTP ${status}) to ${location} for query ${query}; Slipway does not follow redirects, so its headers go only to the URL you gave. Fix: point the source's url or the query at where it redirects.`,
          false,
          status,
        ),
    });
    const text = await response.text().catch(() => '');
    if (response.status === 401 || response.status === 403) {
      throw new WebSourceError(
        `The web source at ${where} refused the request (HTTP ${response.status}) for query ${query}: check the web source's headers setting (e.g. Authorization: 'Bearer {{env.METRICS_TOKEN}}'), that the variables it names hold a valid credential, and that it may read this URL.`,
        false,
        response.status,
      );
    }
    if (!response.ok) {
      // An error page may echo the request's headers: an excerpt only, and never a secret
      // (redacted before it is cut: half a secret would no longer match).
      const detail = redact(text).slice(0, 120).trim() || response.statusText;
      const retryAfterMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers.get('retry-after'), this.clock.now().getTime()) : undefined;
      throw new WebSourceError(`The web source at ${where} failed (HTTP ${response.status}) for query ${query}: ${detail}`, isRetryableStatus(response.status), response.status, retryAfterMs);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new WebSourceError(
        `The web source at ${where} answered query ${query} with a body that is not JSON (${type}: ${quote(text.trim(), EXCERPT)}): expected a JSON document holding the value. Check that the URL is the metrics endpoint and not a login or proxy page.`,
        false,
        response.status,
      );
    }
  }

  /** The one number the JSONPath picks: NaN when it picks nothing (or null); anything else is an error. */
  private pick(body: unknown, url: URL, query: string, jsonPath: string): number {
    let found: unknown[];
    try {
      found = (JSONPath({ path: jsonPath, json: body as object, wrap: true, eval: 'safe' }) as unknown[] | undefined) ?? [];
    } catch (error) {
      throw new WebSourceError(`The JSONPath ${jsonPath} of query ${query} (web source at ${redact(url.toString())}) could not be evaluated: ${(error as Error).message}`, false);
    }
    const fail = (what: string, fix: string): never => {
      throw new WebSourceError(
        `The web source at ${redact(url.toString())} answered query ${query} with JSON in which the JSONPath ${jsonPath} ${what}: expected exactly one number (or numeric string). Fix: ${fix}`,
        false,
      );
    };
    if (found.length === 0) return NaN;
    if (found.length > 1) fail(`matched ${found.length} values (${quote(found, EXCERPT)})`, 'make the path pick one value, e.g. with an index ([0]) or a filter ([?(@.version=="v2")]), or have the endpoint add them up.');
    const [value] = found;
    // JSON has no NaN: null is how an endpoint says it has no value.
    if (value === null) return NaN;
    if (typeof value === 'number') return value;
    const number = typeof value === 'string' ? parseNumber(value) : undefined;
    if (number !== undefined) return number;
    return fail(`found ${quote(value, EXCERPT)}`, 'point the path at the number itself (e.g. $.data.value).');
  }

  private describeBase(): string {
    return redact(this.baseText);
  }
}

/** A web source from its parsed settings (sources/index.ts); header references are resolved now. */
export function createWebSource(settings: WebSettings, context: SourceContext): MetricSource {
  return new WebSource(settings, context);
}

/** A numeric string as a number (`"12.5"`, `"NaN"`, `"+Inf"` as Prometheus writes them); undefined for any other text. */
function parseNumber(value: string): number | undefined {
  const text = value.trim();
  if (text === 'NaN') return NaN;
  if (/^\+?Inf(inity)?$/.test(text)) return Infinity;
  if (/^-Inf(inity)?$/.test(text)) return -Infinity;
  // Number('') is 0: a blank is no number, never a zero.
  const number = text === '' ? NaN : Number(text);
  return Number.isFinite(number) ? number : undefined;
}
