export const id = 514;
export const ids = [514];
export const modules = {

/***/ 96514:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   WebSource: () => (/* binding */ WebSource),
/* harmony export */   WebSourceError: () => (/* binding */ WebSourceError),
/* harmony export */   createWebSource: () => (/* binding */ createWebSource)
/* harmony export */ });
/* harmony import */ var jsonpath_plus__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(96229);
/* harmony import */ var _analysis_clock_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(87584);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(27253);
/* harmony import */ var _secrets_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(24492);
/* harmony import */ var _secrets_quote_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8853);
/* harmony import */ var _dialects_web_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(24463);
/* harmony import */ var _source_settings_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(65432);
/* harmony import */ var _source_http_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(48285);








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
class WebSourceError extends _source_http_js__WEBPACK_IMPORTED_MODULE_7__/* .MetricSourceError */ .ux {
    name = 'WebSourceError';
}
/** How much of an answer a message may repeat. */
const EXCERPT = 80;
/** A metric source over an HTTP endpoint answering JSON; see the module comment. */
class WebSource {
    settings;
    context;
    type = 'web';
    counts = 'cumulative';
    dialect = _dialects_web_js__WEBPACK_IMPORTED_MODULE_5__/* .webDialect */ .D;
    /** The base URL without credentials, ending with `/` so relative queries resolve beneath it. */
    base;
    /** The base URL as the settings give it (credentials taken out), for messages and the empty query. */
    baseText;
    headers;
    clock;
    /** Readings kept per query: grid time (ms since the epoch) → value. */
    readings = new Map();
    constructor(settings, context) {
        this.settings = settings;
        this.context = context;
        const { url, credentials } = (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .splitUrlCredentials */ .CN)(settings.url);
        this.baseText = url;
        this.base = new URL(url);
        if (!this.base.pathname.endsWith('/'))
            this.base.pathname += '/';
        this.clock = context.clock ?? _analysis_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .systemClock */ .ml;
        // Resolved now, so an unset variable fails before any traffic moves; each value is registered
        // as a secret before anything could print it.
        const resolved = (0,_source_settings_js__WEBPACK_IMPORTED_MODULE_6__/* .resolveHeaders */ .DQ)(settings.headers, context.env, (name) => `The web source's header ${name}`, _secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .registerSecret */ .cl);
        const headers = Object.fromEntries(Object.entries(resolved).map(([name, value]) => [name.toLowerCase(), value]));
        if (credentials && !headers.authorization)
            headers.authorization = (0,_source_http_js__WEBPACK_IMPORTED_MODULE_7__/* .basicAuthorization */ .aR)(credentials);
        this.headers = { accept: 'application/json', ...headers };
    }
    /**
     * Reads the endpoint once when the present lies on the window's grid (within half a step of a
     * point in [start, end]), keeps the reading at that point, and returns every reading kept for
     * `query` within the window (oldest first). A window away from the present reads nothing.
     */
    async queryRange(query, window) {
        const kept = this.readings.get(query) ?? new Map();
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
            if (Number.isFinite(value) && !kept.has(point))
                kept.set(point, value);
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
    async queryInstant(query, time) {
        const now = this.clock.now().getTime();
        if (time && Math.abs(time.getTime() - now) > 60_000) {
            throw new WebSourceError(`The web source at ${this.describeBase()} answers only the present value, so query ${query} cannot be read at ${time.toISOString()}.`, false);
        }
        return this.read(query);
    }
    /** One reading: GET the query's URL (retried per the context) and pick its value. */
    async read(query) {
        const { url, jsonPath } = this.target(query);
        const body = await (0,_source_http_js__WEBPACK_IMPORTED_MODULE_7__/* .retrySourceRead */ .KU)(() => this.attempt(url, query), { ...this.context, clock: this.clock });
        return this.pick(body, url, query, jsonPath);
    }
    /** The URL a query reads and the JSONPath that picks its value; a URL off the source's origin is refused. */
    target(query) {
        const parts = (0,_dialects_web_js__WEBPACK_IMPORTED_MODULE_5__/* .splitWebQuery */ .Z)(query);
        const jsonPath = parts.jsonPath?.trim() || this.settings.jsonPath;
        let url;
        try {
            url = parts.url.trim() === '' ? new URL(this.baseText) : new URL(parts.url.trim(), this.base);
        }
        catch {
            throw new WebSourceError(`Query ${query} of the web source at ${this.describeBase()} is not a URL. Fix: write a path relative to the source's url, e.g. ${_dialects_web_js__WEBPACK_IMPORTED_MODULE_5__/* .webDialect */ .D.example}.`, false);
        }
        if (url.origin !== this.base.origin) {
            throw new WebSourceError(`Query ${query} points at ${url.origin}, not at the web source's origin ${this.base.origin}: the source's headers (its credentials) are sent only there. ` +
                `Fix: write the query relative to the source's url (e.g. ${_dialects_web_js__WEBPACK_IMPORTED_MODULE_5__/* .webDialect */ .D.example}), or use another source for the other host.`, false);
        }
        if (url.username !== '' || url.password !== '') {
            throw new WebSourceError(`Query ${(0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(query)} holds credentials in its URL. Fix: put them in the web source's headers as {{env.NAME}} references.`, false);
        }
        return { url, jsonPath };
    }
    /** One GET: the parsed JSON body of a 2xx answer, or a WebSourceError saying what went wrong. */
    async attempt(url, query) {
        const where = (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(url.toString());
        const timeoutMs = this.settings.timeoutMs ?? this.context.timeoutMs ?? 10_000;
        const response = await (0,_source_http_js__WEBPACK_IMPORTED_MODULE_7__/* .requestOnce */ .L4)(url, { method: 'GET', headers: this.headers }, timeoutMs, {
            unreachable: (cause, retryable) => new WebSourceError(`The web source at ${where} is unreachable (query ${query}): ${cause}`, retryable),
            redirected: (status, location) => new WebSourceError(`The web source at ${where} answered a redirect (HTTP ${status}) to ${location} for query ${query}; Slipway does not follow redirects, so its headers go only to the URL you gave. Fix: point the source's url or the query at where it redirects.`, false, status),
        });
        const text = await response.text().catch(() => '');
        if (response.status === 401 || response.status === 403) {
            throw new WebSourceError(`The web source at ${where} refused the request (HTTP ${response.status}) for query ${query}: check the web source's headers setting (e.g. Authorization: 'Bearer {{env.METRICS_TOKEN}}'), that the variables it names hold a valid credential, and that it may read this URL.`, false, response.status);
        }
        if (!response.ok) {
            // An error page may echo the request's headers: an excerpt only, and never a secret
            // (redacted before it is cut: half a secret would no longer match).
            const detail = (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(text).slice(0, 120).trim() || response.statusText;
            const retryAfterMs = response.status === 429 || response.status === 503 ? (0,_retry_js__WEBPACK_IMPORTED_MODULE_2__/* .parseRetryAfter */ .mu)(response.headers.get('retry-after'), this.clock.now().getTime()) : undefined;
            throw new WebSourceError(`The web source at ${where} failed (HTTP ${response.status}) for query ${query}: ${detail}`, (0,_retry_js__WEBPACK_IMPORTED_MODULE_2__/* .isRetryableStatus */ .PS)(response.status), response.status, retryAfterMs);
        }
        try {
            return JSON.parse(text);
        }
        catch {
            const type = response.headers.get('content-type') ?? 'no content type';
            throw new WebSourceError(`The web source at ${where} answered query ${query} with a body that is not JSON (${type}: ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .h)(text.trim(), EXCERPT)}): expected a JSON document holding the value. Check that the URL is the metrics endpoint and not a login or proxy page.`, false, response.status);
        }
    }
    /** The one number the JSONPath picks: NaN when it picks nothing (or null); anything else is an error. */
    pick(body, url, query, jsonPath) {
        let found;
        try {
            found = (0,jsonpath_plus__WEBPACK_IMPORTED_MODULE_0__/* .JSONPath */ .E)({ path: jsonPath, json: body, wrap: true, eval: 'safe' }) ?? [];
        }
        catch (error) {
            throw new WebSourceError(`The JSONPath ${jsonPath} of query ${query} (web source at ${(0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(url.toString())}) could not be evaluated: ${error.message}`, false);
        }
        const fail = (what, fix) => {
            throw new WebSourceError(`The web source at ${(0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(url.toString())} answered query ${query} with JSON in which the JSONPath ${jsonPath} ${what}: expected exactly one number (or numeric string). Fix: ${fix}`, false);
        };
        if (found.length === 0)
            return NaN;
        if (found.length > 1)
            fail(`matched ${found.length} values (${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .h)(found, EXCERPT)})`, 'make the path pick one value, e.g. with an index ([0]) or a filter ([?(@.version=="v2")]), or have the endpoint add them up.');
        const [value] = found;
        // JSON has no NaN: null is how an endpoint says it has no value.
        if (value === null)
            return NaN;
        if (typeof value === 'number')
            return value;
        const number = typeof value === 'string' ? parseNumber(value) : undefined;
        if (number !== undefined)
            return number;
        return fail(`found ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .h)(value, EXCERPT)}`, 'point the path at the number itself (e.g. $.data.value).');
    }
    describeBase() {
        return (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(this.baseText);
    }
}
/** A web source from its parsed settings (sources/index.ts); header references are resolved now. */
function createWebSource(settings, context) {
    return new WebSource(settings, context);
}
/** A numeric string as a number (`"12.5"`, `"NaN"`, `"+Inf"` as Prometheus writes them); undefined for any other text. */
function parseNumber(value) {
    const text = value.trim();
    if (text === 'NaN')
        return NaN;
    if (/^\+?Inf(inity)?$/.test(text))
        return Infinity;
    if (/^-Inf(inity)?$/.test(text))
        return -Infinity;
    // Number('') is 0: a blank is no number, never a zero.
    const number = text === '' ? NaN : Number(text);
    return Number.isFinite(number) ? number : undefined;
}


/***/ })

};
