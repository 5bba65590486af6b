export const id = 506;
export const ids = [506,154];
export const modules = {

/***/ 56154:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AWS_CREDENTIALS_FIX: () => (/* binding */ AWS_CREDENTIALS_FIX),
/* harmony export */   AwsCredentialsError: () => (/* binding */ AwsCredentialsError),
/* harmony export */   awsCredentialProvider: () => (/* binding */ awsCredentialProvider),
/* harmony export */   createSigV4Signer: () => (/* binding */ createSigV4Signer)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74296);
/* harmony import */ var _secrets_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(24492);
/* harmony import */ var _objects_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(77459);



/** How to give Slipway AWS credentials, for messages. */
const AWS_CREDENTIALS_FIX = 'in GitHub Actions, give the job `permissions: id-token: write` and run aws-actions/configure-aws-credentials (role-to-assume, aws-region) before this step; ' +
    'elsewhere set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE';
/** A credential that the AWS chain could not find or load. */
class AwsCredentialsError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .SlipwayError */ .GQ {
    name = 'AwsCredentialsError';
}
/**
 * The AWS credential chain over `env` (the front end passes process.env). Keys in `env` are used
 * as they are — exactly what the chain's first link reads from the process — so a caller that
 * hands in its own environment is obeyed; otherwise the SDK's chain (credential-provider-node) runs,
 * given `env`'s AWS_PROFILE and web identity settings. `region` is where a web identity's STS call
 * goes. Errors are AwsCredentialsError saying how to provide credentials.
 */
function awsCredentialProvider(env, region) {
    let chain;
    return async () => {
        const accessKeyId = env.AWS_ACCESS_KEY_ID;
        const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
        let credentials;
        if (accessKeyId && secretAccessKey && !env.AWS_PROFILE) {
            credentials = { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
        }
        else {
            if (!chain) {
                const { defaultProvider } = await Promise.all(/* import() */[__webpack_require__.e(430), __webpack_require__.e(422), __webpack_require__.e(118), __webpack_require__.e(861)]).then(__webpack_require__.t.bind(__webpack_require__, 5861, 19));
                chain = defaultProvider((0,_objects_js__WEBPACK_IMPORTED_MODULE_2__/* .dropUndefined */ .i)({
                    profile: env.AWS_PROFILE,
                    roleArn: env.AWS_ROLE_ARN,
                    webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
                    roleSessionName: env.AWS_ROLE_SESSION_NAME,
                    filepath: env.AWS_SHARED_CREDENTIALS_FILE,
                    configFilepath: env.AWS_CONFIG_FILE,
                    clientConfig: region ? { region } : undefined,
                }));
            }
            try {
                credentials = await chain();
            }
            catch (error) {
                // The chain's own message lists no fix (and never holds a key): said with ours.
                throw new AwsCredentialsError(`No AWS credentials: ${error.message ?? String(error)}. Fix: ${AWS_CREDENTIALS_FIX}.`);
            }
        }
        (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .registerSecret */ .cl)(credentials.secretAccessKey);
        if (credentials.sessionToken)
            (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .registerSecret */ .cl)(credentials.sessionToken);
        return credentials;
    };
}
/**
 * A signer for a Prometheus-API source's requests (PrometheusOptions.sign): it returns the headers
 * AWS Signature V4 adds — `authorization`, `x-amz-date` and, for temporary credentials,
 * `x-amz-security-token`. It signs the method, the URL's path and query, the host, the body and
 * every header given (as they will be sent).
 */
async function createSigV4Signer(options) {
    const service = options.service ?? 'aps';
    const [{ SignatureV4 }, { Hash }, { HttpRequest }] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(430), __webpack_require__.e(422), __webpack_require__.e(118)]).then(__webpack_require__.t.bind(__webpack_require__, 75118, 19)), Promise.all(/* import() */[__webpack_require__.e(430), __webpack_require__.e(92)]).then(__webpack_require__.bind(__webpack_require__, 5092)), Promise.all(/* import() */[__webpack_require__.e(430), __webpack_require__.e(422), __webpack_require__.e(356)]).then(__webpack_require__.bind(__webpack_require__, 49975))]);
    const credentials = options.credentials ?? awsCredentialProvider(options.env, options.region);
    const signer = new SignatureV4({
        service,
        region: options.region,
        credentials,
        sha256: Hash.bind(null, 'sha256'),
        // The body's hash is part of the signature all the same; the x-amz-content-sha256 header is
        // for S3 and Glacier only.
        applyChecksum: false,
    });
    const sign = async (request) => {
        const url = new URL(request.url);
        const query = {};
        for (const [name, value] of url.searchParams) {
            const seen = query[name];
            query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
        }
        const given = new Set(Object.keys(request.headers).map((name) => name.toLowerCase()));
        const signed = await signer.sign(new HttpRequest({
            method: request.method,
            protocol: url.protocol,
            hostname: url.hostname,
            ...(url.port ? { port: Number(url.port) } : {}),
            path: url.pathname,
            query,
            // fetch sends the Host of the URL (with its port, when it is not the default).
            headers: { ...request.headers, host: url.host },
            body: request.body,
        }), { signingDate: options.now?.() ?? new Date() });
        // Only what the signature added: the caller sends the headers it gave, fetch the host.
        return Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host' && (!given.has(name.toLowerCase()) || name.toLowerCase() === 'authorization')));
    };
    return Object.assign(sign, {
        refusedFix: `check the AWS credentials the chain found (${AWS_CREDENTIALS_FIX}), that their role may call the service (Amazon Managed Prometheus: aps:QueryMetrics on the workspace), ` +
            `and that sigv4 names the workspace's region (${options.region}) and service (${service})`,
    });
}


/***/ }),

/***/ 32506:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CloudWatchError: () => (/* binding */ CloudWatchError),
/* harmony export */   createCloudWatchSource: () => (/* binding */ createCloudWatchSource)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(44085);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(27253);
/* harmony import */ var _secrets_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(24492);
/* harmony import */ var _dialects_cloudwatch_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(15837);
/* harmony import */ var _sigv4_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(56154);
/* harmony import */ var _source_http_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(48285);






// Amazon CloudWatch through the official AWS SDK (@aws-sdk/client-cloudwatch, which speaks AWS JSON
// 1.0 to the `monitoring` endpoint, signed with Signature V4). A metric query is a GetMetricData
// `Expression`: a Metrics Insights query (`SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB",
// TargetGroup) WHERE {{selector}}`, dialects/cloudwatch.ts) or metric math. One MetricDataQuery
// {Id, Expression, Period: the analysis interval} is asked from start − step to end (EndTime is
// exclusive), NextToken followed to the last page; CloudWatch stamps a datapoint at its bucket's
// start, Slipway at its end (`counts: 'interval'`: the value at t is what happened in [t − step, t)).
// A bucket CloudWatch has no datapoint for stays missing, never a zero — an ALB emits no
// HTTPCode_Target_5XX_Count for a minute without errors, so such a bucket is missing, not clean.
// Retries: the SDK's own are off (maxAttempts 1) and Slipway's withRetry does them — the same
// count, back-off and clock as every other source (context.retries, retryDelayMs, clock), never
// the product of two policies. Throttling, 5xx, a result with StatusCode InternalError, timeouts
// and dropped connections are retried; AccessDenied, an invalid query and missing credentials are not.
// Credentials come from the standard AWS chain (sigv4.ts), resolved once when the source is created
// so a workflow without them fails before any traffic moves.
/** A failed CloudWatch request; `retryable` when another attempt may succeed. */
class CloudWatchError extends _source_http_js__WEBPACK_IMPORTED_MODULE_4__/* .MetricSourceError */ .ux {
    code;
    name = 'CloudWatchError';
    constructor(message, retryable, 
    /** CloudWatch's error code (AccessDenied, Throttling, InvalidParameterValue, …), when it sent one. */
    code) {
        super(message, retryable);
        this.code = code;
    }
}
/** The Id of Slipway's one MetricDataQuery (an Id starts with a lower-case letter). */
const QUERY_ID = 'slipway';
/** Pages of one answer Slipway follows at most: a token that never ends is CloudWatch's bug, not a wait. */
const MAX_PAGES = 500;
/** Periods GetMetricData accepts: 1, 5, 10, 20 or 30 s for high-resolution metrics, else whole minutes. */
const HIGH_RESOLUTION_PERIODS = [1, 5, 10, 20, 30];
/** The period of an instant query: CloudWatch's standard resolution. */
const INSTANT_PERIOD = 60;
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const CREDENTIALS_REFUSED = new Set([
    'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'IncompleteSignature', 'ExpiredToken', 'ExpiredTokenException',
    'InvalidSignatureException', 'RequestExpired', 'MissingAuthenticationToken', 'MissingAuthenticationTokenException', 'AuthFailure',
]);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown', 'PriorRequestNotComplete']);
/**
 * A CloudWatch source. The region is the settings', else AWS_REGION / AWS_DEFAULT_REGION of
 * `context.env`, else the AWS config's; `endpoint` replaces the region's (a VPC endpoint). Fails
 * now, saying how to provide it, when there is no region or no credentials.
 */
async function createCloudWatchSource(settings, context) {
    const region = settings.region ?? context.env.AWS_REGION ?? context.env.AWS_DEFAULT_REGION;
    const credentials = (0,_sigv4_js__WEBPACK_IMPORTED_MODULE_3__.awsCredentialProvider)(context.env, region);
    const client = new _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_5__/* .CloudWatchClient */ .WBn({
        ...(region ? { region } : {}),
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        credentials,
        // Slipway retries (withRetry below); the SDK's retries would multiply with them.
        maxAttempts: 1,
    });
    let resolvedRegion;
    try {
        resolvedRegion = await client.config.region();
    }
    catch {
        throw new CloudWatchError('The cloudwatch source has no AWS region. Fix: give it one ({cloudwatch: {region: eu-west-1}}), or set AWS_REGION (aws-actions/configure-aws-credentials sets it from its aws-region input).', false);
    }
    const where = `CloudWatch in ${resolvedRegion}${settings.endpoint ? ` at ${settings.endpoint}` : ''}`;
    try {
        await credentials();
    }
    catch (error) {
        if (error instanceof _sigv4_js__WEBPACK_IMPORTED_MODULE_3__.AwsCredentialsError)
            throw new CloudWatchError(`${where}: ${error.message}`, false);
        throw error;
    }
    return new CloudWatchSource(client, where, context);
}
class CloudWatchSource {
    client;
    where;
    context;
    type = 'cloudwatch';
    counts = 'interval';
    dialect = _dialects_cloudwatch_js__WEBPACK_IMPORTED_MODULE_2__/* .cloudwatchDialect */ .Rc;
    constructor(client, where, context) {
        this.client = client;
        this.where = where;
        this.context = context;
    }
    /** One sample per bucket of `stepSeconds` ending at a point of [start, end], stamped at its end; [] when nothing matched. */
    async queryRange(query, window) {
        const step = window.stepSeconds;
        if (!(HIGH_RESOLUTION_PERIODS.includes(step) || (Number.isInteger(step) && step > 0 && step % 60 === 0))) {
            throw new CloudWatchError(`${this.where} cannot answer query ${query} in intervals of ${step} s: GetMetricData's Period must be 1, 5, 10, 20 or 30 seconds (high-resolution metrics) or a whole number of minutes. Fix: set the analysis interval to 60s (or a multiple of it).`, false);
        }
        const start = window.start.getTime() / 1000;
        const end = window.end.getTime() / 1000;
        const samples = await this.getMetricData(query, start - step, end, step);
        return samples.filter((s) => s.time >= start && s.time <= end);
    }
    /** The last whole minute before `time` (default now): what happened in it; NaN when nothing. */
    async queryInstant(query, time) {
        const now = (time ?? this.context.clock?.now() ?? new Date()).getTime() / 1000;
        const end = Math.floor(now / INSTANT_PERIOD) * INSTANT_PERIOD;
        const samples = await this.getMetricData(query, end - INSTANT_PERIOD, end, INSTANT_PERIOD);
        return samples.find((s) => s.time === end)?.value ?? NaN;
    }
    /** The one series of `query` over [from, to) in buckets of `period` seconds, each stamped at its end, in time order. */
    async getMetricData(query, from, to, period) {
        const series = new Map();
        const messages = [];
        const tokens = new Set();
        let partial = false;
        let token;
        for (let page = 1;; page++) {
            const output = await this.send(query, {
                MetricDataQueries: [{ Id: QUERY_ID, Expression: query, Period: period, ReturnData: true }],
                StartTime: new Date(from * 1000),
                EndTime: new Date(to * 1000),
                ScanBy: 'TimestampAscending',
                ...(token ? { NextToken: token } : {}),
            });
            const results = output.MetricDataResults;
            if (!Array.isArray(results))
                throw this.malformed(query, 'an answer without MetricDataResults');
            for (const message of output.Messages ?? [])
                messages.push(`${message.Code ?? 'message'}: ${message.Value ?? ''}`);
            for (const result of results) {
                for (const message of result.Messages ?? [])
                    messages.push(`${message.Code ?? 'message'}: ${message.Value ?? ''}`);
                const times = result.Timestamps ?? [];
                const values = result.Values ?? [];
                if (times.length !== values.length)
                    throw this.malformed(query, `a result with ${times.length} timestamps and ${values.length} values`);
                const label = result.Label ?? result.Id ?? '';
                const points = series.get(label) ?? new Map();
                series.set(label, points);
                times.forEach((at, i) => {
                    const value = values[i];
                    if (!(at instanceof Date) || Number.isNaN(at.getTime()) || typeof value !== 'number')
                        throw this.malformed(query, `a datapoint ${JSON.stringify([at, value])}`);
                    // CloudWatch stamps a bucket at its start; the analysis reads it at its end.
                    points.set(at.getTime() / 1000 + period, value);
                });
            }
            partial = results.some((r) => r.StatusCode === 'PartialData');
            token = output.NextToken;
            if (!token)
                break;
            if (tokens.has(token) || page >= MAX_PAGES)
                throw this.malformed(query, `a NextToken that does not end after ${page} pages`);
            tokens.add(token);
        }
        const said = messages.length > 0 ? ` CloudWatch said: ${(0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(messages.join('; ')).slice(0, 400)}` : '';
        if (series.size > 1) {
            const labels = [...series.keys()].slice(0, 5).map((l) => JSON.stringify(l)).join(', ');
            throw new CloudWatchError(`${this.where}: query ${query} returned ${series.size} time series (${labels}${series.size > 5 ? ', …' : ''}); aggregate it to one: leave out GROUP BY (without it Metrics Insights aggregates every metric it matches into one series), or wrap a SEARCH in SUM(…).`, false);
        }
        const points = [...(series.values().next().value ?? new Map())].map(([time, value]) => ({ time, value })).sort((a, b) => a.time - b.time);
        // An empty answer that CloudWatch explained (a time range too long, too many metrics) is that explanation, not "no data".
        if (points.length === 0 && messages.length > 0)
            throw new CloudWatchError(`${this.where} returned no data for query ${query}.${said}`, false);
        if (messages.length > 0 || partial)
            this.context.logger?.warning(`${this.where}, query ${query}: ${partial ? 'the answer is partial (StatusCode PartialData on its last page).' : ''}${said}`);
        return points;
    }
    /** One GetMetricData call, retried as every source retries. */
    send(query, input) {
        return (0,_source_http_js__WEBPACK_IMPORTED_MODULE_4__/* .retrySourceRead */ .KU)(() => this.attempt(query, input), this.context);
    }
    async attempt(query, input) {
        const timeoutMs = this.context.timeoutMs ?? 10_000;
        const signal = AbortSignal.timeout(timeoutMs);
        let output;
        try {
            output = await this.client.send(new _aws_sdk_client_cloudwatch__WEBPACK_IMPORTED_MODULE_5__/* .GetMetricDataCommand */ .Soe(input), { abortSignal: signal });
        }
        catch (error) {
            throw this.failure(error, query, signal.aborted ? timeoutMs : undefined);
        }
        const failed = output.MetricDataResults?.find((r) => r.StatusCode === 'InternalError' || r.StatusCode === 'Forbidden');
        if (failed) {
            const said = (failed.Messages ?? []).map((m) => `${m.Code}: ${m.Value}`).join('; ');
            if (failed.StatusCode === 'Forbidden')
                throw this.accessDenied(query, 'Forbidden', said || 'the result is Forbidden');
            throw new CloudWatchError(`${this.where} could not compute query ${query} (StatusCode InternalError${said ? `: ${(0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(said).slice(0, 300)}` : ''}).`, true, 'InternalError');
        }
        return output;
    }
    /** What an SDK failure means, as a CloudWatchError that says what to do. */
    failure(error, query, timedOutAfterMs) {
        if (error instanceof CloudWatchError)
            return error;
        if (error instanceof _sigv4_js__WEBPACK_IMPORTED_MODULE_3__.AwsCredentialsError)
            return new CloudWatchError(`${this.where}: ${error.message}`, false);
        if (timedOutAfterMs !== undefined)
            return new CloudWatchError(`${this.where} is unreachable: no answer within ${timedOutAfterMs} ms for query ${query}.`, true);
        const e = (typeof error === 'object' && error !== null ? error : {});
        const status = e.$metadata?.httpStatusCode;
        const code = e.Code ?? e.name ?? 'Error';
        const said = (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(e.message ?? String(error)).slice(0, 300);
        if (ACCESS_DENIED.has(code) || ACCESS_DENIED.has(e.name ?? ''))
            return this.accessDenied(query, code, said);
        if (CREDENTIALS_REFUSED.has(code) || CREDENTIALS_REFUSED.has(e.name ?? '')) {
            return new CloudWatchError(`${this.where} refused the AWS credentials (${code}: ${said}). Fix: check that they are current, that they belong to the account, and that the region is the one the metrics are in; ${_sigv4_js__WEBPACK_IMPORTED_MODULE_3__.AWS_CREDENTIALS_FIX}.`, false, code);
        }
        if (THROTTLED.has(code) || status === 429)
            return new CloudWatchError(`${this.where} throttled GetMetricData for query ${query} (${code}: ${said}).`, true, code);
        if (status !== undefined && status >= 500)
            return new CloudWatchError(`${this.where} failed GetMetricData for query ${query} (HTTP ${status}, ${code}: ${said}).`, true, code);
        if (status === undefined && (0,_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .isTransientNetworkError */ .l)(error))
            return new CloudWatchError(`${this.where} is unreachable: ${said}.`, true);
        if (status !== undefined && status < 300) {
            // A 200 the SDK could not read: a proxy's or captive portal's page, not CloudWatch's JSON.
            return this.malformed(query, `something the AWS SDK could not read (${said.split('\n')[0]})`);
        }
        if (status !== undefined && status < 500) {
            return new CloudWatchError(`${this.where} rejected the metric query ${query} (${code}: ${said}). Fix: correct the query; try it in the CloudWatch console's Metrics Insights query editor.`, false, code);
        }
        return new CloudWatchError(`${this.where}: GetMetricData failed for query ${query} (${code}: ${said}).`, false, code);
    }
    accessDenied(query, code, said) {
        return new CloudWatchError(`${this.where} denied GetMetricData for query ${query} (${code}: ${(0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(said).slice(0, 300)}). ` +
            'Fix: the IAM role (or user) needs the permission cloudwatch:GetMetricData (Resource "*"); in GitHub Actions, give the job `permissions: id-token: write` and assume that role with aws-actions/configure-aws-credentials (role-to-assume) before this step.', false, code);
    }
    /** A 200 of the wrong shape: not retried, it will not change. */
    malformed(query, problem) {
        return new CloudWatchError(`${this.where} answered GetMetricData for query ${query} with ${problem}: expected {MetricDataResults: [{Id, Label, Timestamps, Values, StatusCode}], NextToken}. Check that the endpoint is CloudWatch's (or a VPC endpoint of it), not a proxy's page.`, false);
    }
}


/***/ })

};
