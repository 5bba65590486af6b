export const id = 970;
export const ids = [970];
export const modules = {

/***/ 98970:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DatadogSource: () => (/* binding */ DatadogSource),
/* harmony export */   DatadogSourceError: () => (/* binding */ DatadogSourceError),
/* harmony export */   bucketedQuery: () => (/* binding */ bucketedQuery),
/* harmony export */   createDatadogSource: () => (/* binding */ createDatadogSource)
/* harmony export */ });
/* harmony import */ var _datadog_datadog_api_client_dist_packages_datadog_api_client_v1_apis_MetricsApi_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8618);
/* harmony import */ var _datadog_datadog_api_client_dist_packages_datadog_api_client_v1_apis_MetricsApi_js__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(_datadog_datadog_api_client_dist_packages_datadog_api_client_v1_apis_MetricsApi_js__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _datadog_datadog_api_client_dist_packages_datadog_api_client_common_configuration_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(36541);
/* harmony import */ var _datadog_datadog_api_client_dist_packages_datadog_api_client_common_http_http_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(80350);
/* harmony import */ var _datadog_datadog_api_client_dist_packages_datadog_api_client_common_http_http_js__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(_datadog_datadog_api_client_dist_packages_datadog_api_client_common_http_http_js__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _datadog_datadog_api_client_dist_packages_datadog_api_client_common_servers_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9735);
/* harmony import */ var _analysis_clock_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(87584);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(27253);
/* harmony import */ var _secrets_index_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(24492);
/* harmony import */ var _secrets_quote_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8853);
/* harmony import */ var _dialects_datadog_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(37387);
/* harmony import */ var _source_settings_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(65432);
/* harmony import */ var _source_http_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(48285);
// Deep imports of the official client (@datadog/datadog-api-client): the v1 MetricsApi and the
// common configuration pull in the v1 models only, never the package index's v2 API (several times
// larger), so the bundle carries what queryMetrics needs.











// Datadog's metrics query API, v1 `GET /api/v1/query` (QueryMetrics; contracts/datadog-metrics-query.json),
// through the official client's MetricsApi.queryMetrics({from, to, query}). The client builds the
// request (URL, query parameters, the DD-API-KEY and DD-APPLICATION-KEY headers) and reads the
// answer into its model; the transport under it is Slipway's (Transport below): fetch with the
// context's timeout, no redirects followed (the keys would follow them), the client's own retries
// and request logging off (retries are retrySourceRead's, on the context's clock), and every answer but a
// 2xx turned into a DatadogSourceError here, with the status, the `errors` Datadog gave and the
// rate-limit reset, before the client could wrap it in an exception that carries none of them.
// No message holds a key: they are registered as secrets when the source is created, and messages
// name the variables that hold them, never their values.
//
// Counts (counts: 'interval'). The value at grid time t must be the events within [t − step, t).
// Datadog answers a pointlist of [<ms of a bucket's START>, <value>] per series, its buckets
// aligned to whole multiples of the rollup interval since the epoch — so the source asks for
// buckets of exactly the analysis step, from start − step to end, and stamps each point at its
// bucket's end (start + step, in seconds), keeping those on [start, end]. The buckets are set by a
// rollup, and the rule is: every metric query in the expression (`aggregator:metric{tags}`, an
// optional `by {…}` and its `.function(…)` modifiers) that has no `.rollup(…)` of its own gets
// `.rollup(sum, <step>)` when it counts (`.as_count()`: the events of each bucket add up) and
// `.rollup(avg, <step>)` otherwise (a gauge or a rate: the bucket's mean). A query that already has
// a rollup is sent as written: whoever wrote `.rollup(max, {{interval}})` meant it ({{interval}}
// renders the step). Datadog caps a series at about 1,500 points and widens the rollup beyond that;
// an analysis window is far shorter. A bucket Datadog has no point for (or a null) is left out,
// never made a zero: `.fill(zero)` in the query is how one asks Datadog for zeros.
//
// Datadog has no instant query: queryInstant reads the five minutes before `time` as written and
// answers the latest point's value (NaN when there is none).
/** A failed Datadog query; `retryable` when another attempt may succeed. */
class DatadogSourceError extends _source_http_js__WEBPACK_IMPORTED_MODULE_10__/* .MetricSourceError */ .ux {
    name = 'DatadogSourceError';
}
/** How much of an answer a message may repeat. */
const EXCERPT = 200;
/** How far back an instant query looks for the latest point. */
const INSTANT_LOOKBACK_SECONDS = 300;
/** What a successful answer looks like, for messages. */
const EXPECTED = '{"status": "ok", "series": [{"pointlist": [[<ms since the epoch>, <value or null>], …]}]}';
/**
 * A metric query with its own modifiers: an optional space aggregator (`sum:`, `p95:`), the metric,
 * its tag filters, an optional `by {…}`, then `.function(…)` modifiers (`.as_count()`, `.fill(zero)`, `.rollup(sum, 60)`).
 */
const METRIC_QUERY = /(?:\b[a-z][a-z0-9.]*:)?[A-Za-z][A-Za-z0-9_.]*\{[^{}]*\}(?:\s*by\s*\{[^{}]*\})?((?:\s*\.[a-z_]+\([^()]*\))*)/g;
/**
 * The query with buckets of `stepSeconds`: `.rollup(sum, <step>)` after each metric query that
 * counts (`.as_count()`), `.rollup(avg, <step>)` after every other, unless it has a rollup of its
 * own (see the module comment). A query without a recognisable metric query is returned as it is.
 */
function bucketedQuery(query, stepSeconds) {
    return query.replace(METRIC_QUERY, (metricQuery, modifiers) => {
        if (/\.rollup\s*\(/.test(modifiers))
            return metricQuery;
        const method = /\.as_count\s*\(\s*\)/.test(modifiers) ? 'sum' : 'avg';
        return `${metricQuery}.rollup(${method}, ${stepSeconds})`;
    });
}
/** A metric source over Datadog's v1 metrics query API; see the module comment. */
class DatadogSource {
    context;
    type = 'datadog';
    counts = 'interval';
    dialect = _dialects_datadog_js__WEBPACK_IMPORTED_MODULE_8__/* .datadogDialect */ .J;
    api;
    clock;
    /** Where requests go, without credentials: for messages. */
    where;
    /** The variables that hold the keys, for messages (never their values). */
    apiKeyVariable;
    appKeyVariable;
    constructor(settings, context) {
        this.context = context;
        // Resolved now, so an unset variable fails before any traffic moves; each value is registered
        // as a secret before anything could print it.
        const apiKey = (0,_source_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .resolveEnvReferences */ .Gy)(settings.apiKey, context.env, "The datadog source's apiKey", _secrets_index_js__WEBPACK_IMPORTED_MODULE_6__/* .registerSecret */ .cl);
        const appKey = (0,_source_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .resolveEnvReferences */ .Gy)(settings.appKey, context.env, "The datadog source's appKey", _secrets_index_js__WEBPACK_IMPORTED_MODULE_6__/* .registerSecret */ .cl);
        this.apiKeyVariable = variableOf(settings.apiKey);
        this.appKeyVariable = variableOf(settings.appKey);
        this.clock = context.clock ?? _analysis_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .systemClock */ .ml;
        // A proxy's `https://user:password@host` works but is never printed: the credentials move into
        // the Authorization header (fetch refuses a URL holding them) and messages show the URL without.
        const { url, credentials } = (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_6__/* .splitUrlCredentials */ .CN)(settings.url ?? `https://api.${settings.site}`);
        this.where = url.replace(/\/+$/, '');
        const headers = {};
        if (credentials) {
            _secrets_index_js__WEBPACK_IMPORTED_MODULE_6__/* .secrets */ .O3.addBasicCredentials(credentials.username, credentials.password);
            headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
        }
        const configuration = (0,_datadog_datadog_api_client_dist_packages_datadog_api_client_common_configuration_js__WEBPACK_IMPORTED_MODULE_1__.createConfiguration)({
            // An explicit server: the client's own list would follow DD_SITE from the environment rather than the settings.
            baseServer: new _datadog_datadog_api_client_dist_packages_datadog_api_client_common_servers_js__WEBPACK_IMPORTED_MODULE_3__.BaseServerConfiguration(this.where, {}),
            authMethods: { apiKeyAuth: apiKey, appKeyAuth: appKey },
            httpApi: new Transport(this.where, headers, context.timeoutMs ?? 10_000, this.describeKeys()),
            // The client's request log (which masks the key headers but prints the rest) and its own retries: off.
            debug: false,
            enableRetry: false,
        });
        this.api = new _datadog_datadog_api_client_dist_packages_datadog_api_client_v1_apis_MetricsApi_js__WEBPACK_IMPORTED_MODULE_0__.MetricsApi(configuration);
    }
    /**
     * The events (or the mean) of each bucket of `stepSeconds` within the window, stamped at the
     * bucket's end; a bucket without data is left out; [] when the query matched nothing.
     */
    async queryRange(query, window) {
        const step = window.stepSeconds;
        const start = Math.round(window.start.getTime() / 1000);
        const end = Math.round(window.end.getTime() / 1000);
        const series = await this.query(bucketedQuery(query, step), start - step, end);
        if (!series)
            return [];
        const samples = [];
        for (const [bucketStartMs, value] of series.pointlist ?? []) {
            const time = bucketStartMs / 1000 + step;
            if (value === null || value === undefined || time < start || time > end)
                continue;
            samples.push({ time, value });
        }
        return samples.sort((a, b) => a.time - b.time);
    }
    /** The latest point within the five minutes before `time` (default now), as the query is written; NaN when none. */
    async queryInstant(query, time) {
        const to = Math.floor((time ?? this.clock.now()).getTime() / 1000);
        const series = await this.query(query, to - INSTANT_LOOKBACK_SECONDS, to);
        const points = (series?.pointlist ?? []).filter(([, value]) => value !== null && value !== undefined);
        return points.length === 0 ? NaN : points.reduce((latest, point) => (point[0] > latest[0] ? point : latest))[1];
    }
    /** One query, retried per the context: its one series (undefined when it matched nothing). */
    async query(query, from, to) {
        const answer = await (0,_source_http_js__WEBPACK_IMPORTED_MODULE_10__/* .retrySourceRead */ .KU)(() => this.attempt(query, from, to), { ...this.context, clock: this.clock });
        if (answer.status === 'error' || (answer.error && answer.status !== 'ok')) {
            throw new DatadogSourceError(`Datadog could not run query ${query}: ${excerpt(answer.error ?? 'status "error"')}. Fix: check the query, e.g. ${_dialects_datadog_js__WEBPACK_IMPORTED_MODULE_8__/* .datadogDialect */ .J.example}.`, false);
        }
        const list = answer.series ?? [];
        if (list.length > 1) {
            const scopes = list.slice(0, 3).map((s) => (0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .h)(s.scope ?? s.expression ?? '?', 60)).join(', ');
            throw new DatadogSourceError(`Datadog query ${query} returned ${list.length} series (${scopes}${list.length > 3 ? ', …' : ''}); the analysis needs one per query. Fix: aggregate it to one, e.g. sum:<metric>{<tags>} without "by {…}".`, false);
        }
        return list[0];
    }
    async attempt(query, from, to) {
        let answer;
        try {
            answer = await this.api.queryMetrics({ from, to, query });
        }
        catch (error) {
            if (error instanceof DatadogSourceError)
                throw error;
            // The client's own failure reading a 2xx (the Transport checked its shape first): not ours to repeat at length.
            throw this.malformed(query, `a body the Datadog client could not read (${excerpt(error instanceof Error ? error.message : String(error), 120)})`);
        }
        const problem = shapeProblem(answer);
        if (problem)
            throw this.malformed(query, problem);
        return answer;
    }
    /** A 2xx whose body is not what QueryMetrics documents: not retried, it will not change. */
    malformed(query, problem) {
        return new DatadogSourceError(`Datadog at ${this.where} answered /api/v1/query for query ${query} with ${problem}: expected ${EXPECTED}. Check that the datadog source's url (or site) points at Datadog's API (https://api.<site>) and not at a proxy page.`, false);
    }
    describeKeys() {
        return `${this.apiKeyVariable} (the datadog source's apiKey, an API key) and ${this.appKeyVariable} (its appKey, an application key of the same organization, which needs the \`timeseries_query\` scope when it is scoped)`;
    }
}
/**
 * The client's transport: one fetch per request, within `timeoutMs`, redirects not followed. A 2xx
 * whose body is JSON is handed to the client; anything else becomes a DatadogSourceError naming
 * the query (the keys are in the request's headers, never in a message).
 */
class Transport {
    where;
    headers;
    timeoutMs;
    keys;
    constructor(where, headers, timeoutMs, keys) {
        this.where = where;
        this.headers = headers;
        this.timeoutMs = timeoutMs;
        this.keys = keys;
    }
    async send(request) {
        const url = new URL(request.getUrl());
        const query = url.searchParams.get('query') ?? '';
        const response = await (0,_source_http_js__WEBPACK_IMPORTED_MODULE_10__/* .requestOnce */ .L4)(url, { method: request.getHttpMethod(), headers: { ...request.getHeaders(), ...this.headers } }, this.timeoutMs, {
            unreachable: (cause, retryable) => new DatadogSourceError(`Datadog at ${this.where} is unreachable (query ${query}): ${cause}`, retryable),
            redirected: (status, location) => new DatadogSourceError(`Datadog at ${this.where} answered a redirect (HTTP ${status}) to ${location} for query ${query}; Slipway does not follow redirects, so the keys go only to the URL you gave. Fix: set the datadog source's url (or site) to where it redirects.`, false, status),
        });
        const text = await response.text().catch(() => '');
        let body;
        try {
            body = JSON.parse(text);
        }
        catch {
            // Not JSON: a proxy's page or an empty body; the status says what happened.
        }
        if (response.ok) {
            if (typeof body !== 'object' || body === null || Array.isArray(body)) {
                const type = response.headers.get('content-type') ?? 'no content type';
                throw new DatadogSourceError(`Datadog at ${this.where} answered /api/v1/query for query ${query} with a body that is not a JSON object (${type}: ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .h)((0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_6__/* .redact */ .E$)(text).trim(), 80)}): expected ${EXPECTED}. Check that the datadog source's url (or site) points at Datadog's API and not at a proxy page.`, false, response.status);
            }
            const headers = {};
            response.headers.forEach((value, name) => (headers[name] = value));
            // The client parses by content type: the body is JSON whatever the server called it.
            headers['content-type'] = 'application/json';
            return new _datadog_datadog_api_client_dist_packages_datadog_api_client_common_http_http_js__WEBPACK_IMPORTED_MODULE_2__.ResponseContext(response.status, headers, { text: () => Promise.resolve(text), binary: () => Promise.resolve(Buffer.from(text)) });
        }
        const errors = datadogErrors(body);
        const detail = errors ?? (excerpt(text, 120) || response.statusText);
        if (response.status === 401 || response.status === 403) {
            throw new DatadogSourceError(`Datadog at ${this.where} refused query ${query} (HTTP ${response.status}: ${detail}). Fix: check that ${this.keys} hold valid keys of the organization on this site, and that the application key may read metrics.`, false, response.status);
        }
        if (response.status === 400) {
            throw new DatadogSourceError(`Datadog rejected query ${query} (HTTP 400): ${detail}. Fix: check the query's syntax, e.g. sum:trace.http.request.hits{service:web,version:v2}.as_count().`, false, response.status);
        }
        // Datadog's rate limit says when it resets (X-RateLimit-Reset, seconds); a proxy may say Retry-After.
        const now = Date.now();
        const retryAfterMs = response.status === 429 || response.status === 503 ? ((0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .parseRetryAfter */ .mu)(response.headers.get('x-ratelimit-reset'), now) ?? (0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .parseRetryAfter */ .mu)(response.headers.get('retry-after'), now)) : undefined;
        const throttled = response.status === 429 ? `; Datadog's rate limit${response.headers.get('x-ratelimit-name') ? ` ${response.headers.get('x-ratelimit-name')}` : ''} resets in ${retryAfterMs === undefined ? 'an unknown time' : `${Math.ceil(retryAfterMs / 1000)} s`}` : '';
        throw new DatadogSourceError(`Datadog at ${this.where} failed (HTTP ${response.status}) for query ${query}: ${detail}${throttled}`, (0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .isRetryableStatus */ .PS)(response.status), response.status, retryAfterMs);
    }
}
/** A Datadog source from its parsed settings (sources/index.ts); the keys' variables are read now. */
function createDatadogSource(settings, context) {
    return new DatadogSource(settings, context);
}
/** What is wrong with a successful answer, or undefined when it has the documented shape. */
function shapeProblem(answer) {
    const raw = answer;
    // The client keeps fields it does not know in additionalProperties: an answer made only of those is not Datadog's.
    if (raw.series === undefined && raw.status === undefined && raw.error === undefined)
        return `no "series" (fields ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .h)(Object.keys(raw.additionalProperties ?? raw), 80)})`;
    if (raw.series !== undefined && !Array.isArray(raw.series))
        return `"series" ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .h)(raw.series, 80)}`;
    for (const series of raw.series ?? []) {
        const pointlist = series?.pointlist;
        if (pointlist === undefined)
            continue;
        if (!Array.isArray(pointlist))
            return `a series whose "pointlist" is ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .h)(pointlist, 80)}`;
        const bad = pointlist.find((p) => !Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || !Number.isFinite(p[0]) || !(p[1] === null || typeof p[1] === 'number'));
        if (bad !== undefined)
            return `the point ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .h)(bad, 80)}`;
    }
    return undefined;
}
/** Datadog's `errors` (APIErrorResponse), joined, redacted and cut short; undefined when the body has none. */
function datadogErrors(body) {
    const errors = body?.errors;
    if (!Array.isArray(errors) || errors.length === 0)
        return undefined;
    return excerpt(errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; '));
}
/** Text from an answer for a message: redacted before it is cut (half a secret would no longer match). */
function excerpt(text, length = EXCERPT) {
    const clean = (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_6__/* .redact */ .E$)(text).replace(/\s+/g, ' ').trim();
    return clean.length > length ? `${clean.slice(0, length)}…` : clean;
}
/** The variable a `{{env.NAME}}` setting names (the setting itself when it names none). */
function variableOf(reference) {
    return (0,_source_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .envVariablesIn */ .Ox)(reference).join(', ') || reference;
}


/***/ })

};
