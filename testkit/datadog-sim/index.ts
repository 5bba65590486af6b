import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { datadogContract, QUERY_TEMPLATE } from './contract.js';
import { evaluate, parseQuery, QueryParseError, type StoredSeries } from './query.js';

// Datadog's metrics query API on loopback for the tests: GET /api/v1/query (QueryMetrics) over
// series loaded into it (query.ts has the query language it understands), with Datadog's key
// headers (DD-API-KEY, DD-APPLICATION-KEY) and the application key's `timeseries_query` scope
// checked, faults to inject (5xx, 429 with Datadog's rate-limit headers, dropped connections, a
// 200 of the wrong shape), a request log, and contract validation: every request it accepts and
// every answer it gives (injected faults aside) is checked against Datadog's own OpenAPI
// description (contracts/datadog-metrics-query.json); tests assert there were no violations.
//
//   const sim = await startDatadogSimulator();
//   sim.addSeries({ metric: 'trace.http.request.hits', tags: { service: 'web', version: 'v2' }, points: [[t, 3], …] });
//   // DatadogSettings {type: 'datadog', site: 'datadoghq.com', url: sim.url, apiKey: '{{env.DD_API_KEY}}', …}
//   // with env {DD_API_KEY: sim.apiKey, DD_APP_KEY: sim.appKey}
//   afterEach(() => expectNoContractViolations(sim));

/** How to start a simulator. */
export interface DatadogSimulatorOptions {
  /** The API key requests must carry in DD-API-KEY (default 'sim-api-key-0123456789abcdef'). */
  apiKey?: string;
  /** The application key requests must carry in DD-APPLICATION-KEY (default 'sim-app-key-0123456789abcdef0123456789'). */
  appKey?: string;
  /** Validate requests and answers against the contract (default true). */
  validate?: boolean;
}

/** A failure to inject into the next matching requests. */
export interface DatadogFault {
  /**
   * status: answer `status` with Datadog's error body ({errors: [...]}) — a 429 with Datadog's
   * rate-limit headers, X-RateLimit-Reset `rateLimitReset` seconds; drop: destroy the socket;
   * body: answer `status` (default 200) with `body` as it is — text, or JSON of any shape — to
   * prove the client refuses an answer that is not Datadog's.
   */
  kind: 'status' | 'drop' | 'body';
  status?: number;
  /** Seconds until the rate limit resets (X-RateLimit-Reset) of a 429; default 2. */
  rateLimitReset?: number;
  /** Sent as Retry-After when given. */
  retryAfter?: number;
  body?: unknown;
  /** The content type of a `body` fault (default application/json; text is sent as it is). */
  contentType?: string;
  /** How many requests it applies to (default 1). */
  times?: number;
}

/** One request as the simulator saw it; status 0 when the connection was dropped. */
export interface DatadogLoggedRequest {
  path: string;
  /** The `query` parameter. */
  query: string;
  from?: number;
  to?: number;
  status: number;
}

/** Series to load: a metric, its tags (a map or `name:value` strings) and raw points [unix seconds, value]. */
export interface SeriesInput {
  metric: string;
  tags: Record<string, string> | string[];
  points: [number, number][];
}

/** A running simulator. */
export interface DatadogSimulator {
  /** Base URL for the datadog source's `url`, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly apiKey: string;
  readonly appKey: string;
  /** Loads a series (its points are added to those of the same metric and tags). */
  addSeries(series: SeriesInput): void;
  /** Forgets every series. */
  clearSeries(): void;
  /** The application key's scopes (default ['timeseries_query']); without timeseries_query a query is refused with 403. */
  setAppKeyScopes(scopes: string[]): void;
  injectFault(fault: DatadogFault): void;
  clearFaults(): void;
  readonly requestLog: DatadogLoggedRequest[];
  /** Requests so far (all routes). */
  requests(): number;
  /** Every request accepted / answer returned that failed validation against the contract. */
  readonly contractViolations: string[];
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const errorAnswer = (status: number, ...errors: string[]): Answer => ({ status, body: { errors } });

/** Starts a simulator on 127.0.0.1, on a port the OS picks. */
export async function startDatadogSimulator(options: DatadogSimulatorOptions = {}): Promise<DatadogSimulator> {
  const apiKey = options.apiKey ?? 'sim-api-key-0123456789abcdef';
  const appKey = options.appKey ?? 'sim-app-key-0123456789abcdef0123456789';
  const validate = options.validate ?? true;
  const store: StoredSeries[] = [];
  const faults: (DatadogFault & { left: number })[] = [];
  const requestLog: DatadogLoggedRequest[] = [];
  const contractViolations: string[] = [];
  let scopes = ['timeseries_query'];

  const answer = (req: IncomingMessage, url: URL): Answer => {
    if (url.pathname.replace(/\/+$/, '') !== QUERY_TEMPLATE) return errorAnswer(404, 'Not found');
    if (req.method !== 'GET') return errorAnswer(405, 'Method Not Allowed');
    // Datadog answers a missing or wrong key, or a key without the scope, with 403 Forbidden.
    if (req.headers['dd-api-key'] !== apiKey || req.headers['dd-application-key'] !== appKey) return errorAnswer(403, 'Forbidden');
    if (!scopes.includes('timeseries_query')) return errorAnswer(403, 'Failed permission authorization checks');
    const parameters = Object.fromEntries(url.searchParams);
    if (validate) {
      const problems = datadogContract.validateRequest('GET', QUERY_TEMPLATE, { params: {}, query: parameters, body: undefined });
      contractViolations.push(...problems);
      if (problems.length > 0) return errorAnswer(400, ...problems.map((p) => p.replace(/^.*: request /, '')));
    }
    const from = Number(parameters.from);
    const to = Number(parameters.to);
    if (!(from < to)) return errorAnswer(400, "The 'from' time must be before the 'to' time");
    let parsed;
    try {
      parsed = parseQuery(parameters.query);
    } catch (error) {
      if (error instanceof QueryParseError) return errorAnswer(400, error.message);
      throw error;
    }
    const series = evaluate(parsed, store, from, to).map((s) => {
      const expression = `${parsed.aggregator}:${parsed.metric}{${s.scope || '*'}}`;
      const points = s.pointlist;
      return {
        metric: parsed.metric,
        display_name: parsed.metric,
        expression,
        aggr: parsed.aggregator,
        scope: s.scope || '*',
        tag_set: s.tagSet,
        pointlist: points,
        start: points.length > 0 ? points[0][0] : from * 1000,
        end: points.length > 0 ? points[points.length - 1][0] + s.intervalSeconds * 1000 - 1000 : to * 1000,
        // Datadog's answers give the interval in seconds (its description says milliseconds; both are integers).
        interval: s.intervalSeconds,
        length: points.length,
        // One query per request: every series answers it.
        query_index: 0,
      };
    });
    return {
      status: 200,
      body: { status: 'ok', res_type: 'time_series', query: parameters.query, message: '', from_date: from * 1000, to_date: to * 1000, group_by: parsed.by, series },
    };
  };

  const takeFault = (): DatadogFault | undefined => {
    const fault = faults[0];
    if (!fault) return undefined;
    if (--fault.left <= 0) faults.shift();
    return fault;
  };

  const send = (res: ServerResponse, entry: DatadogLoggedRequest, response: Answer, contentType = 'application/json'): void => {
    entry.status = response.status;
    const text = typeof response.body === 'string' && contentType !== 'application/json' ? response.body : JSON.stringify(response.body);
    res.writeHead(response.status, { 'content-type': contentType, ...response.headers }).end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for await (const _chunk of req) {
      // A GET has no body; whatever came is read and dropped.
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: DatadogLoggedRequest = {
      path: url.pathname,
      query: url.searchParams.get('query') ?? '',
      ...(url.searchParams.has('from') ? { from: Number(url.searchParams.get('from')) } : {}),
      ...(url.searchParams.has('to') ? { to: Number(url.searchParams.get('to')) } : {}),
      status: 0,
    };
    requestLog.push(entry);
    const fault = takeFault();
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'body') return send(res, entry, { status: fault.status ?? 200, body: fault.body }, fault.contentType);
    if (fault?.kind === 'status') {
      const status = fault.status ?? 500;
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      if (status === 429) {
        Object.assign(headers, { 'x-ratelimit-limit': '100', 'x-ratelimit-period': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(fault.rateLimitReset ?? 2), 'x-ratelimit-name': 'metrics_query' });
      }
      const text = status === 429 ? 'Too many requests' : status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Internal Server Error';
      const response: Answer = { ...errorAnswer(status, text), headers };
      if (validate) contractViolations.push(...datadogContract.validateResponse('GET', QUERY_TEMPLATE, status, response.body));
      return send(res, entry, response);
    }
    const response = answer(req, url);
    if (validate && url.pathname.replace(/\/+$/, '') === QUERY_TEMPLATE) contractViolations.push(...datadogContract.validateResponse('GET', QUERY_TEMPLATE, response.status, response.body));
    send(res, entry, response);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (req.destroyed && res.destroyed) return;
      contractViolations.push(`simulator crashed on ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: ['Internal Server Error'] }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiKey,
    appKey,
    addSeries({ metric, tags, points }) {
      const list = (Array.isArray(tags) ? tags : Object.entries(tags).map(([name, value]) => `${name}:${value}`)).slice().sort();
      const existing = store.find((s) => s.metric === metric && s.tags.join(',') === list.join(','));
      if (existing) existing.points.push(...points);
      else store.push({ metric, tags: list, points: [...points] });
    },
    clearSeries: () => void store.splice(0),
    setAppKeyScopes: (list) => void (scopes = [...list]),
    injectFault: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    clearFaults: () => void faults.splice(0),
    requestLog,
    requests: () => requestLog.length,
    contractViolations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Throws, listing them, when the simulator recorded contract violations (call in afterEach or at the end of a test). */
export function expectNoContractViolations(sim: Pick<DatadogSimulator, 'contractViolations'>): void {
  if (sim.contractViolations.length > 0) {
    throw new Error(`Datadog simulator saw ${sim.contractViolations.length} contract violation(s):\n- ${sim.contractViolations.join('\n- ')}`);
  }
}
