export const id = 367;
export const ids = [367];
export const modules = {

/***/ 11367:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   NERDGRAPH_URLS: () => (/* binding */ NERDGRAPH_URLS),
/* harmony export */   NRQL_DOCUMENT: () => (/* binding */ NRQL_DOCUMENT),
/* harmony export */   NewRelicError: () => (/* binding */ NewRelicError),
/* harmony export */   NewRelicSource: () => (/* binding */ NewRelicSource),
/* harmony export */   createNewRelicSource: () => (/* binding */ createNewRelicSource)
/* harmony export */ });
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(27253);
/* harmony import */ var _secrets_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(24492);
/* harmony import */ var _secrets_quote_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8853);
/* harmony import */ var _dialects_nrql_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(85196);
/* harmony import */ var _source_settings_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(65432);
/* harmony import */ var _source_http_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(48285);






// New Relic's NRQL through NerdGraph, its GraphQL API (contracts/newrelic-nerdgraph-nrql.json):
// one POST of {query, variables} to https://api.newrelic.com/graphql (api.eu.newrelic.com for the
// EU region) with the user key in the `API-Key` header. The NRQL text and the account id travel
// as GraphQL variables, never spliced into the document. Each range query is the metric's NRQL
// with `SINCE <start − step> UNTIL <end> TIMESERIES <step>` appended (on a line of its own, so a
// `//` comment at the end of a template cannot swallow it), epoch milliseconds; NRDB answers one
// row per bucket, {beginTimeSeconds, endTimeSeconds, <aggregate>}, the aggregate under its own
// name (`count`, `average.duration`, `percentile.duration: {"95": …}`, or the AS label). Each
// bucket's value is stamped at its end (the interval it counts ends there: CountKind
// `interval`); a null (an average of nothing) is left out, never a zero. NRDB returns at most 366
// buckets a query, so a longer range is asked in parts.
//
// Failures: HTTP 5xx and 429 (Retry-After honoured), timeouts and dropped connections are retried,
// and so are GraphQL errors of class TIMEOUT, TOO_MANY_REQUESTS, INTERNAL_SERVER_ERROR and
// SERVER_ERROR, which NerdGraph answers with HTTP 200 (newrelic-client-go retries the same). A bad
// key (HTTP 401/403, or error_code BAD_API_KEY) or an account the key's user cannot read names
// the variable the key came from and what it must be; any other GraphQL error (NRQL that NRDB
// refuses) names the query. A 200 of any other shape is an error naming what was expected.
/** NerdGraph's URL per region. */
const NERDGRAPH_URLS = {
    us: 'https://api.newrelic.com/graphql',
    eu: 'https://api.eu.newrelic.com/graphql',
};
/** The GraphQL document of every query: the NRQL's rows and its facets (a FACET query is refused). */
const NRQL_DOCUMENT = `query SlipwayNrql($accountId: Int!, $nrql: Nrql!, $timeout: Seconds) {
  actor {
    account(id: $accountId) {
      nrql(query: $nrql, timeout: $timeout) {
        results
        metadata {
          facets
        }
      }
    }
  }
}`;
/** NRDB's limit on the buckets of one TIMESERIES query. */
const MAX_BUCKETS = 366;
/** GraphQL error classes worth another attempt. */
const RETRYABLE_CLASSES = new Set(['TIMEOUT', 'TOO_MANY_REQUESTS', 'INTERNAL_SERVER_ERROR', 'SERVER_ERROR']);
/** GraphQL error classes and codes that say the key, or its user's access, is the problem. */
const AUTH_CLASSES = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'ACCESS_DENIED', 'BAD_API_KEY']);
/** A failed New Relic request; `retryable` when another attempt may succeed. */
class NewRelicError extends _source_http_js__WEBPACK_IMPORTED_MODULE_5__/* .MetricSourceError */ .ux {
    name = 'NewRelicError';
}
/** Creates the source: the key is read from its `{{env.NAME}}` now (registered as a secret), so an unset variable fails before any traffic moves. */
function createNewRelicSource(settings, context) {
    const apiKey = (0,_source_settings_js__WEBPACK_IMPORTED_MODULE_4__/* .resolveEnvReferences */ .Gy)(settings.apiKey, context.env, 'source newrelic field apiKey', _secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .registerSecret */ .cl);
    const variables = (0,_source_settings_js__WEBPACK_IMPORTED_MODULE_4__/* .envVariablesIn */ .Ox)(settings.apiKey);
    return new NewRelicSource({
        url: settings.url ?? NERDGRAPH_URLS[settings.region],
        apiKey,
        apiKeySource: variables.length > 0 ? variables.join(', ') : 'apiKey',
        accountId: settings.accountId,
        timeoutMs: context.timeoutMs,
        retries: context.retries,
        retryDelayMs: context.retryDelayMs,
        clock: context.clock,
    });
}
/** A metric source over NRQL through NerdGraph; counts per bucket. */
class NewRelicSource {
    options;
    type = 'newrelic';
    counts = 'interval';
    dialect = _dialects_nrql_js__WEBPACK_IMPORTED_MODULE_3__/* .nrqlDialect */ .MQ;
    constructor(options) {
        this.options = options;
        (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .registerSecret */ .cl)(options.apiKey);
    }
    /** One value per bucket of `stepSeconds` ending at each grid point in [start, end], stamped at its end; [] when nothing matched. */
    async queryRange(query, window) {
        (0,_dialects_nrql_js__WEBPACK_IMPORTED_MODULE_3__/* .checkOwnClauses */ .DJ)(query, `New Relic query ${query}`);
        const step = Math.round(window.stepSeconds);
        if (!(step >= 1))
            throw new NewRelicError(`New Relic query ${query}: a step of ${window.stepSeconds} s; TIMESERIES takes whole seconds, at least 1.`, false);
        const stepMs = step * 1000;
        const start = window.start.getTime();
        // The last grid point at or before the end: each bucket ends on a grid point.
        const end = start + Math.floor((window.end.getTime() - start) / stepMs) * stepMs;
        if (end < start)
            return [];
        const samples = [];
        // Buckets end at start, start + step, …, end; asked at most MAX_BUCKETS at a time.
        for (let first = start; first <= end; first += MAX_BUCKETS * stepMs) {
            const last = Math.min(end, first + (MAX_BUCKETS - 1) * stepMs);
            const nrql = `${query}\nSINCE ${first - stepMs} UNTIL ${last} TIMESERIES ${(0,_dialects_nrql_js__WEBPACK_IMPORTED_MODULE_3__/* .nrqlDuration */ .Sq)(step)}`;
            for (const row of await this.rows(query, nrql, true)) {
                const time = row.end;
                if (time * 1000 >= first && time * 1000 <= last && Number.isFinite(row.value))
                    samples.push({ time, value: row.value });
            }
        }
        return samples.sort((a, b) => a.time - b.time);
    }
    /** The query's aggregate over the minute that ends at `time` (default now); NaN when it is null. */
    async queryInstant(query, time) {
        (0,_dialects_nrql_js__WEBPACK_IMPORTED_MODULE_3__/* .checkOwnClauses */ .DJ)(query, `New Relic query ${query}`);
        const until = (time ?? this.options.clock?.now() ?? new Date()).getTime();
        const rows = await this.rows(query, `${query}\nSINCE ${until - 60_000} UNTIL ${until}`, false);
        if (rows.length > 1)
            throw new NewRelicError(`New Relic query ${query} returned ${rows.length} rows; aggregate it to one value (e.g. SELECT count(*) … without FACET).`, false);
        return rows[0]?.value ?? NaN;
    }
    /** Runs `nrql` (the metric's `query` with the time clauses appended) and reads its rows. */
    async rows(query, nrql, timeseries) {
        const answer = await (0,_source_http_js__WEBPACK_IMPORTED_MODULE_5__/* .retrySourceRead */ .KU)(() => this.attempt(query, nrql), this.options);
        return this.read(query, answer, timeseries);
    }
    async attempt(query, nrql) {
        const { url, accountId } = this.options;
        const timeoutMs = this.options.timeoutMs ?? 10_000;
        // NerdGraph clamps its own NRQL timeout to 5–120 s; ours is the request's.
        const nrqlTimeout = Math.min(120, Math.max(5, Math.floor(timeoutMs / 1000)));
        const request = {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json', 'API-Key': this.options.apiKey },
            body: JSON.stringify({ query: NRQL_DOCUMENT, variables: { accountId, nrql, timeout: nrqlTimeout } }),
        };
        const response = await (0,_source_http_js__WEBPACK_IMPORTED_MODULE_5__/* .requestOnce */ .L4)(url, request, timeoutMs, {
            unreachable: (cause, retryable) => new NewRelicError(`New Relic NerdGraph at ${url} is unreachable: ${cause}`, retryable),
            redirected: (status, location) => new NewRelicError(`New Relic NerdGraph at ${url} answered a redirect (HTTP ${status}) to ${location}; Slipway does not follow redirects, so the API key goes only to the URL you gave. Fix: set the source's url (or region) to where NerdGraph is.`, false, status),
        });
        const text = await response.text().catch(() => '');
        let answer;
        try {
            answer = JSON.parse(text);
        }
        catch {
            // Not JSON: a proxy's page or an empty body; the status says what happened.
        }
        const badKey = answer?.errors?.some((e) => e?.extensions?.error_code === 'BAD_API_KEY') ?? false;
        if (response.status === 401 || response.status === 403 || badKey)
            throw this.refused(`HTTP ${response.status}${badKey ? ', BAD_API_KEY' : ''}`, response.status);
        if (!response.ok) {
            const detail = errorsOf(answer) || (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(text).slice(0, 120) || response.statusText;
            const retryAfterMs = (0,_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .parseRetryAfter */ .mu)(response.headers.get('retry-after'), this.options.clock?.now().getTime());
            throw new NewRelicError(`New Relic NerdGraph failed (HTTP ${response.status}) for query ${query}: ${detail}`, (0,_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .isRetryableStatus */ .PS)(response.status), response.status, retryAfterMs);
        }
        if (!answer || typeof answer !== 'object')
            throw this.malformed(query, `a body that is not JSON (${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .h)((0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(text), 80)})`);
        const errors = Array.isArray(answer.errors) ? answer.errors : [];
        if (errors.length > 0) {
            const classes = errors.map((e) => String(e?.extensions?.errorClass ?? e?.extensions?.code ?? ''));
            const detail = errorsOf(answer);
            if (classes.some((c) => AUTH_CLASSES.has(c)))
                throw this.refused(detail, response.status);
            if (classes.some((c) => RETRYABLE_CLASSES.has(c)))
                throw new NewRelicError(`New Relic NerdGraph could not answer query ${query} this time (${classes.filter(Boolean).join(', ')}): ${detail}`, true, response.status);
            // No account at all: the key's user cannot read it (or it does not exist).
            if (answer.data?.actor?.account === null)
                throw this.refused(detail, response.status);
            throw new NewRelicError(`New Relic refused the NRQL query ${query}: ${detail}. Fix: correct the metric's query (try it in New Relic's query builder, without SINCE, UNTIL and TIMESERIES, which Slipway appends).`, false, response.status);
        }
        return answer;
    }
    /** The rows of an answer, checked: every row's single aggregate, and its bucket's end for a TIMESERIES query. */
    read(query, answer, timeseries) {
        const account = answer.data?.actor?.account;
        if (account === null)
            throw this.refused('no account in the answer', 200);
        const container = account?.nrql;
        if (!container || !Array.isArray(container.results))
            throw this.malformed(query, `data ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .h)(answer.data, 80)}`);
        const facets = container.metadata?.facets;
        if (Array.isArray(facets) && facets.length > 0)
            throw new NewRelicError(`New Relic query ${query} is split by FACET ${facets.join(', ')} into several series; aggregate it to one (drop FACET and select by WHERE {{selector}}).`, false);
        const rows = [];
        for (const result of container.results) {
            if (typeof result !== 'object' || result === null || Array.isArray(result))
                throw this.malformed(query, `a result ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .h)(result, 80)}`);
            const { beginTimeSeconds, endTimeSeconds, ...rest } = result;
            if (timeseries && (typeof beginTimeSeconds !== 'number' || typeof endTimeSeconds !== 'number'))
                throw this.malformed(query, `a result without beginTimeSeconds and endTimeSeconds (${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .h)(result, 80)})`);
            const fields = Object.entries(rest);
            if (fields.length !== 1) {
                const names = fields.map(([name]) => name).join(', ');
                throw new NewRelicError(`New Relic query ${query} returned ${fields.length === 0 ? 'no value' : `${fields.length} values (${names})`} per row; select exactly one aggregate (e.g. SELECT count(*) …) and no FACET, so there is one series.`, false);
            }
            const [name, raw] = fields[0];
            const value = numberOf(raw);
            if (value === undefined)
                throw this.malformed(query, `a value ${(0,_secrets_quote_js__WEBPACK_IMPORTED_MODULE_2__/* .quote */ .h)(raw, 80)} for ${name}`);
            rows.push({ end: typeof endTimeSeconds === 'number' ? endTimeSeconds : undefined, value });
        }
        if (timeseries) {
            const ends = rows.map((r) => r.end);
            if (new Set(ends).size !== ends.length)
                throw new NewRelicError(`New Relic query ${query} returned several series (a bucket more than once); aggregate it to one.`, false);
        }
        return rows;
    }
    refused(detail, status) {
        const { apiKeySource, accountId } = this.options;
        return new NewRelicError(`New Relic refused the API key from ${apiKeySource} for account ${accountId} (${(0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(detail).slice(0, 300)}). ` +
            `It must be a USER key (NRAK-…; not a license, ingest or browser key) of a user with access to account ${accountId}. Fix: create one under API keys in New Relic and put it in the step's env as ${apiKeySource}.`, false, status);
    }
    /** A 200 whose body is not what NerdGraph documents: not retried, it will not change. */
    malformed(query, problem) {
        return new NewRelicError(`New Relic NerdGraph at ${this.options.url} answered query ${query} with ${problem}: expected {data: {actor: {account: {nrql: {results: [{beginTimeSeconds, endTimeSeconds, <one aggregate>}]}}}}}. Check that the url points at NerdGraph and not at a proxy page.`, false);
    }
}
/** A value as NRDB writes an aggregate: a number, null (nothing to aggregate: NaN, left out), or a percentile's {"95": number}. */
function numberOf(raw) {
    if (raw === null)
        return NaN;
    if (typeof raw === 'number')
        return raw;
    if (typeof raw === 'object' && !Array.isArray(raw)) {
        const values = Object.values(raw);
        if (values.length === 1 && (values[0] === null || typeof values[0] === 'number'))
            return values[0] === null ? NaN : values[0];
    }
    return undefined;
}
/** The messages of a GraphQL answer's errors, redacted and cut. */
function errorsOf(answer) {
    const messages = (Array.isArray(answer?.errors) ? answer.errors : []).map((e) => (typeof e?.message === 'string' ? e.message : JSON.stringify(e)));
    return (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(messages.join('; ')).slice(0, 500);
}


/***/ })

};
