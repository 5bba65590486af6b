export const id = 948;
export const ids = [948];
export const modules = {

/***/ 7584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ml: () => (/* binding */ systemClock)
/* harmony export */ });
/* unused harmony exports MAX_TIMER_MS, VirtualClock */
/**
 * The longest delay one timer takes: Node stores it as a signed 32-bit count of milliseconds, and a
 * longer one (about 24.8 days and up) is set to 1 ms — it fires at once, with a
 * TimeoutOverflowWarning (https://nodejs.org/api/timers.html#settimeoutcallback-delay-args).
 */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The wall clock. Sleeps of any length: one timer at a time, each at most MAX_TIMER_MS, until the deadline. */
const systemClock = {
    now: () => new Date(),
    async sleep(ms) {
        const deadline = Date.now() + ms;
        for (let left = ms; left > 0; left = deadline - Date.now()) {
            await new Promise((resolve) => setTimeout(resolve, Math.min(left, MAX_TIMER_MS)));
        }
    },
};
/** A clock whose sleep moves time forward at once: replays of saved data, and fast tests. */
class VirtualClock {
    time;
    /** Starts at `start` (default 2026-01-01T00:00:00Z). */
    constructor(start = new Date('2026-01-01T00:00:00Z')) {
        this.time = start.getTime();
    }
    now() {
        return new Date(this.time);
    }
    async sleep(ms) {
        this.time += Math.max(0, ms);
    }
}


/***/ }),

/***/ 3823:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* unused harmony exports isDigest, isTag, parseImageReference, parseImageName, parsePinnedReference, formatReference, registryBaseUrl */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;
/** Whether `value` is a `sha256:<64 lowercase hex>` digest. */
function isDigest(value) {
    return DIGEST.test(value);
}
/** Whether `value` is a valid tag (OCI: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`). */
function isTag(value) {
    return TAG.test(value);
}
/** Parses `registry/repo[:tag][@digest]`; errors name `input` and show the expected form. */
function parseImageReference(input, value) {
    const expected = '`registry/repository`, optionally with `:tag` or `@sha256:<64 hex>`';
    let rest = value.trim();
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!isDigest(digest))
            throw new InputError(input, value, 'a digest of the form `sha256:<64 lowercase hex>` after `@`', 'copy the digest from the build output (`digest` or `image-ref`)');
    }
    let tag;
    const lastSlash = rest.lastIndexOf('/');
    const colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!isTag(tag))
            throw new InputError(input, value, 'a tag of letters, digits, `_`, `.` and `-` (at most 128, not starting with `.` or `-`)');
    }
    const name = splitName(input, value, rest, expected);
    return { ...name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
/** Parses a bare image name (`registry/repository`), refusing a tag or digest. */
function parseImageName(input, value) {
    const ref = parseImageReference(input, value);
    if (ref.tag !== undefined || ref.digest !== undefined) {
        throw new InputError(input, value, 'an image name without tag or digest (`registry/repository`)', 'give tags in `tags:` / `target-tags:` and leave them out of the name');
    }
    return { registry: ref.registry, repository: ref.repository };
}
/** Parses a reference that must be pinned by digest; a tag alone is refused (tags are never trusted after the build). */
function parsePinnedReference(input, value) {
    const ref = parseImageReference(input, value);
    if (ref.digest === undefined) {
        throw new InputError(input, value, 'a reference pinned by digest (`registry/repository@sha256:<64 hex>`), not a tag', 'use the `image-ref` output of build-immutable-image (tags can move; Slipway only promotes digests)');
    }
    return { registry: ref.registry, repository: ref.repository, digest: ref.digest };
}
/** `registry/repository[:tag][@digest]` as text. */
function formatReference(ref) {
    return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}
/** The base URL of a registry's API: http for loopback hosts (as docker does), https otherwise. */
function registryBaseUrl(registry) {
    if (registry === 'docker.io')
        return 'https://registry-1.docker.io';
    const host = registry.replace(/:\d+$/, '');
    const loopback = host === 'localhost' || /^127\./.test(host) || host === '[::1]';
    return `${loopback ? 'http' : 'https'}://${registry}`;
}
function splitName(input, value, name, expected) {
    const parts = name.split('/');
    let registry = 'docker.io';
    // The first component is a registry when it looks like a host (docker's rule): has a dot or a
    // port, or is localhost.
    if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost' || parts[0].startsWith('['))) {
        registry = parts.shift();
        if (!HOST.test(registry))
            throw new InputError(input, value, `${expected}; \`${registry}\` is not a valid registry host`);
    }
    if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) {
        throw new InputError(input, value, `${expected}; repository components are lowercase letters, digits and single separators (\`.\`, \`_\`, \`__\`, \`-\`)`);
    }
    if (registry === 'docker.io' && parts.length === 1)
        parts.unshift('library');
    return { registry, repository: parts.join('/') };
}


/***/ }),

/***/ 948:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  GitHubLedger: () => (/* reexport */ GitHubLedger),
  createGitHubClient: () => (/* reexport */ createGitHubClient)
});

// UNUSED EXPORTS: LIVE_STATES, MAX_DESCRIPTION, OPEN_STATES, PAYLOAD_SCHEMA, TERMINAL_STATES, artifactFromRef, buildPayload, closeIfOpen, cutDescription, explainRequestError, isOpen, isTerminal, parsePayload, succeededAndStood, wentLive

// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(6856);
// EXTERNAL MODULE: ./node_modules/@octokit/rest/dist-src/index.js + 21 modules
var dist_src = __webpack_require__(9988);
// EXTERNAL MODULE: ./node_modules/bottleneck/light.js
var light = __webpack_require__(3251);
var light_default = /*#__PURE__*/__webpack_require__.n(light);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/secrets/index.ts + 1 modules
var secrets = __webpack_require__(4492);
// EXTERNAL MODULE: ./src/core/log.ts
var log = __webpack_require__(4325);
;// CONCATENATED MODULE: ./src/core/ledger/client.ts







// The one way Slipway talks to the GitHub REST API: Octokit with retries (5xx, dropped
// connections) and throttling (primary and secondary rate limits), as docs/ledger.md "Retries and
// idempotency" describes, and errors that say which `permissions:` a workflow is missing.
const SlipwayOctokit = dist_src/* Octokit */.E.plugin(dist_bundle/* retry */.L, plugin_throttling_dist_bundle/* throttling */.A);
/** Request options Octokit itself reads; every other field is a parameter GitHub will store and show. */
const REQUEST_FIELDS = new Set(['method', 'url', 'baseUrl', 'headers', 'mediaType', 'request']);
/**
 * An Octokit with retry and throttling configured for Slipway. Every request passes the redaction
 * boundary on its way out: a status description, a deployment payload or a comment body never
 * carries a registered secret or a credential-shaped string (docs/security.md).
 */
function createGitHubClient(options) {
    (0,secrets/* registerSecret */.cl)(options.token);
    const client = newClient(options);
    client.hook.before('request', (request) => {
        const fields = request;
        for (const key of Object.keys(fields))
            if (!REQUEST_FIELDS.has(key))
                fields[key] = secrets/* secrets */.O3.redactDeep(fields[key]);
    });
    return client;
}
/** Attempts at one GitHub request, the first included. */
const GITHUB_ATTEMPTS = 4;
/**
 * The patience of a GitHub request: 4 attempts, waits of 1, 2 and 4 units (`retryBaseMs`, default
 * 1 s), and a `retry-after` from GitHub obeyed up to 120 units — `retry-after` seconds count in the
 * same unit, so tests that shrink it shrink GitHub's waits too. Octokit's requests and the
 * deployment create (github-ledger.ts) both take their numbers from here.
 */
function githubRetryPolicy(retryBaseMs = 1000, attempts = GITHUB_ATTEMPTS) {
    return { attempts, firstDelayMs: retryBaseMs, multiplier: 2, maxDelayMs: 8 * retryBaseMs, retryAfterLimitMs: 120 * retryBaseMs };
}
function newClient(options) {
    const logger = options.logger ?? log/* silentLogger */.q;
    const policy = githubRetryPolicy(options.retryBaseMs, options.retries === undefined ? undefined : options.retries + 1);
    const retries = policy.attempts - 1;
    const baseMs = policy.firstDelayMs;
    return new SlipwayOctokit({
        auth: options.token,
        baseUrl: options.baseUrl.replace(/\/+$/, ''),
        userAgent: options.userAgent ?? 'slipway',
        request: { fetch: fetchWithRetryAfter },
        log: { debug: () => { }, info: () => { }, warn: (m) => logger.debug(m), error: (m) => logger.debug(m) },
        // Octokit's own retry plugin stays (rather than src/core/retry.ts) because it works hand in
        // hand with the throttling plugin inside Octokit's request pipeline: a rate-limited request is
        // the throttler's to wait out, every other failure the retrier's, and both count the retries of
        // one request. It takes the attempts and the unit from githubRetryPolicy; its waits between
        // attempts grow as (n + 1)² units, a schedule the plugin fixes.
        retry: { retries, retryAfterBaseValue: baseMs },
        throttle: {
            retryAfterBaseValue: baseMs,
            // A group of its own per client, so the write spacing is configurable (and not shared).
            write: new (light_default()).Group({ maxConcurrent: 1, minTime: options.writeSpacingMs ?? 1000 }),
            onRateLimit: (retryAfter, request, _octokit, retryCount) => {
                const wait = retryAfter <= (options.maxRateLimitWaitSeconds ?? 120);
                logger.warning(`GitHub rate limit reached on ${request.method} ${request.url}; ${wait && retryCount < retries ? `retrying in ${retryAfter} s` : 'giving up'}.`);
                return wait && retryCount < retries;
            },
            onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
                // A request that asked for no automatic retries (the deployment create) retries itself.
                if (request.request?.retries === 0)
                    return false;
                logger.warning(`GitHub secondary rate limit on ${request.method} ${request.url}; retrying in ${retryAfter} s.`);
                return retryCount < retries;
            },
        },
    });
}
/**
 * fetch, except that a rate-limited answer without `retry-after` and with no requests left gets
 * one computed from `x-ratelimit-reset`: GitHub says to honour `retry-after`, else to wait for the
 * reset when `x-ratelimit-remaining` is 0, else a minute — and the throttling plugin reads only
 * `retry-after` (else a minute) for secondary limits.
 */
async function fetchWithRetryAfter(input, init) {
    const response = await fetch(input, init);
    const reset = response.headers.get('x-ratelimit-reset');
    const exhausted = response.headers.get('x-ratelimit-remaining') === '0';
    if ((response.status === 403 || response.status === 429) && exhausted && reset && !response.headers.has('retry-after')) {
        const headers = new Headers(response.headers);
        headers.set('retry-after', String(Math.max(0, Number(reset) - Math.floor(Date.now() / 1000))));
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
    return response;
}
/** The HTTP status of a failed request (0 when it never got an answer). */
function statusOf(error) {
    const status = error.status;
    return typeof status === 'number' ? status : 0;
}
/** Whether a failed request may be repeated: no answer, a 5xx, or a rate limit. */
function isTransient(error) {
    const status = statusOf(error);
    return status === 0 || status >= 500 || status === 429 || (status === 403 && /rate limit/i.test((0,errors/* errorMessage */.gJ)(error)));
}
/**
 * The error to show for a failed request. A refusal for lack of permission (403, or the 404
 * GitHub gives an integration that may not see a resource) names the `permissions:` entry the
 * workflow needs — the commonest complaint of every deployment action (docs/ledger.md "Troubleshooting").
 */
function explainRequestError(error, what, permission) {
    // Slipway's own errors (an answer of the wrong shape) already say what happened.
    if (error instanceof errors/* SlipwayError */.GQ)
        return error;
    const status = statusOf(error);
    const message = (0,errors/* errorMessage */.gJ)(error);
    const refused = /resource not accessible by integration/i.test(message);
    if (refused || (status === 403 && !/rate limit/i.test(message))) {
        // GitHub names what would have been accepted, e.g. `deployments=write`; trust it over our table.
        const accepted = error.response?.headers?.['x-accepted-github-permissions'];
        const needed = accepted ? acceptedPermissions(accepted) : permission;
        return new errors/* SlipwayError */.GQ(`${what} was refused by GitHub (${status}: ${message}). The token lacks a permission: add \`permissions: ${needed}\` to the job or workflow (and pass a token that has it).`);
    }
    if (status === 404) {
        return new errors/* SlipwayError */.GQ(`${what} failed: GitHub answered 404 (${message}). Check the repository name, and that the token can see it (a token of another repository cannot).`);
    }
    return new errors/* SlipwayError */.GQ(`${what} failed: ${status ? `GitHub answered ${status}: ` : ''}${message}`);
}
/** `contents=read,deployments=write; other=write` (alternatives split by `;`) as YAML for the first alternative. */
function acceptedPermissions(header) {
    const entries = header.split(';')[0].split(',').map((entry) => entry.trim().replace('=', ': ')).filter((entry) => entry !== '');
    return entries.length === 1 ? entries[0] : `{${entries.join(', ')}}`;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/core/retry.ts
var retry = __webpack_require__(7253);
// EXTERNAL MODULE: ./src/core/secrets/quote.ts
var quote = __webpack_require__(8853);
// EXTERNAL MODULE: ./src/core/artifact/reference.ts
var reference = __webpack_require__(3823);
;// CONCATENATED MODULE: ./src/core/ledger/types.ts
/**
 * The ledger's vocabulary: what Slipway writes into GitHub Deployments and what it reads back.
 * See docs/ledger.md, "What is recorded". Every other part of Slipway talks to GitHub through these.
 */
/** Version tag of the payload Slipway writes; deployments without it are foreign and skipped. */
const PAYLOAD_SCHEMA = 'slipway/v1';

// EXTERNAL MODULE: ./src/core/objects.ts
var objects = __webpack_require__(7459);
;// CONCATENATED MODULE: ./src/core/ledger/payload.ts




// The slipway/v1 payload: built once when a deployment is created, parsed (strictly) whenever one
// is read back. Anything that is not a well-formed slipway/v1 payload is foreign and parses to null.
/** The longest description GitHub accepts on a deployment status. */
const MAX_DESCRIPTION = 140;
/**
 * The artifact info of a digest-pinned reference (`name@sha256:<64 hex>`, the only reference
 * Slipway moves between stages); null when it is not one.
 */
function artifactFromRef(ref, tags) {
    try {
        const { digest } = parsePinnedReference('artifact', ref);
        return { ref, digest, ...(tags && tags.length > 0 ? { tags } : {}) };
    }
    catch {
        return null;
    }
}
/** The payload of a new deployment: the request's facts, the run's source and the lineage pointer. */
function buildPayload(request, source, previousGood, nonce) {
    const payload = { schema: PAYLOAD_SCHEMA, source, nonce };
    if (request.artifact)
        payload.artifact = request.artifact;
    if (request.strategy)
        payload.strategy = request.strategy;
    if (request.promotedFrom)
        payload.promotedFrom = request.promotedFrom;
    if (request.rollbackOf !== undefined)
        payload.rollbackOf = request.rollbackOf;
    // undefined = "not known when created" (readers then scan); null = "there was no good one".
    if (previousGood !== undefined)
        payload.previousGood = previousGood;
    if (request.planDigest)
        payload.planDigest = request.planDigest;
    if (request.irreversible)
        payload.irreversible = true;
    if (request.lastIrreversible !== undefined)
        payload.lastIrreversible = request.lastIrreversible;
    if (request.slot)
        payload.slot = request.slot;
    return payload;
}
/**
 * The slipway/v1 payload of a deployment as GitHub returns it (an object, or a JSON string for
 * payloads created as strings); null for anything else, so foreign deployments are skipped.
 */
function parsePayload(raw) {
    let value = raw;
    if (typeof value === 'string') {
        try {
            value = JSON.parse(value);
        }
        catch {
            return null;
        }
    }
    if (!(0,objects/* isRecord */.u)(value) || value.schema !== PAYLOAD_SCHEMA)
        return null;
    return isValidPayload(value) ? value : null;
}
function isValidPayload(p) {
    const s = p.source;
    if (!(0,objects/* isRecord */.u)(s) || typeof s.sha !== 'string' || typeof s.runId !== 'number')
        return false;
    if (p.artifact !== undefined && !((0,objects/* isRecord */.u)(p.artifact) && typeof p.artifact.ref === 'string' && typeof p.artifact.digest === 'string'))
        return false;
    if (p.promotedFrom !== undefined && !((0,objects/* isRecord */.u)(p.promotedFrom) && isId(p.promotedFrom.deploymentId)))
        return false;
    if (p.rollbackOf !== undefined && !isId(p.rollbackOf))
        return false;
    if (p.previousGood !== undefined && p.previousGood !== null && !isId(p.previousGood))
        return false;
    if (p.lastIrreversible !== undefined && p.lastIrreversible !== null && !isId(p.lastIrreversible))
        return false;
    if (p.nonce !== undefined && typeof p.nonce !== 'string')
        return false;
    // Payloads from before slots have none; a slot is a name the plan's grammar allows.
    if (p.slot !== undefined && !(typeof p.slot === 'string' && /^[a-z][a-z0-9-]{0,30}$/.test(p.slot)))
        return false;
    return true;
}
/**
 * A status description that fits GitHub's 140 characters: longer text is cut on a character
 * boundary (never inside a surrogate pair or an emoji sequence) and ends with '…'. Secrets are
 * removed before the cut: a secret cut in half would no longer match and its first half would show.
 */
function cutDescription(raw, max = MAX_DESCRIPTION) {
    const text = (0,secrets/* redact */.E$)(raw);
    if ([...text].length <= max)
        return text;
    let kept = '';
    let length = 0;
    for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)) {
        const size = [...segment].length;
        if (length + size > max - 1)
            break;
        kept += segment;
        length += size;
    }
    return `${kept.trimEnd()}…`;
}
function isId(value) {
    return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

;// CONCATENATED MODULE: ./src/core/ledger/records.ts




const STATES = ['queued', 'pending', 'in_progress', 'success', 'failure', 'error', 'inactive'];
/** A list of deployments as GitHub answered `endpoint`, checked item by item. */
function checkDeployments(data, endpoint) {
    if (!Array.isArray(data))
        throw malformed(endpoint, data, 'a JSON array of deployments');
    for (const item of data)
        checkDeployment(item, endpoint);
    return data;
}
/** One deployment as GitHub answered `endpoint`: an object with the fields the ledger reads. */
function checkDeployment(data, endpoint) {
    const item = data;
    const fine = (0,objects/* isRecord */.u)(item) &&
        records_isId(item.id) &&
        ['sha', 'ref', 'task', 'environment', 'created_at'].every((field) => typeof item[field] === 'string') &&
        (item.creator === null || item.creator === undefined || (0,objects/* isRecord */.u)(item.creator));
    if (!fine)
        throw malformed(endpoint, data, 'a deployment with a numeric id and sha, ref, task, environment and created_at strings');
    return item;
}
/** A list of deployment statuses as GitHub answered `endpoint`, checked item by item. */
function checkStatuses(data, endpoint) {
    if (!Array.isArray(data))
        throw malformed(endpoint, data, 'a JSON array of deployment statuses');
    for (const item of data) {
        if (!((0,objects/* isRecord */.u)(item) && records_isId(item.id) && typeof item.state === 'string' && STATES.includes(item.state) && typeof item.created_at === 'string')) {
            throw malformed(endpoint, item, `deployment statuses with a numeric id, a created_at string and a state among ${STATES.join(', ')}`);
        }
    }
    return data;
}
function malformed(endpoint, got, expected) {
    return new errors/* SlipwayError */.GQ(`GitHub answered ${endpoint} with something else than expected: got ${(0,quote/* quote */.h)(got, 120)}, expected ${expected}. Nothing was read from it. ` +
        'Check that GITHUB_API_URL (or --api-url) points at GitHub or GitHub Enterprise Server and not at a proxy page, then run again.');
}
function records_isId(value) {
    return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
/** The ledger's view of a raw deployment with its latest status (payload null when foreign). */
function toLedgerDeployment(raw, latest) {
    return {
        id: raw.id,
        sha: raw.sha,
        ref: raw.ref,
        task: raw.task,
        environment: raw.environment,
        createdAt: raw.created_at,
        creator: raw.creator?.login ?? '',
        description: raw.description ?? '',
        productionEnvironment: raw.production_environment ?? false,
        transientEnvironment: raw.transient_environment ?? false,
        payload: parsePayload(raw.payload),
        latestStatus: latest ? toStatusInfo(latest) : null,
    };
}
/** The ledger's view of a raw status. */
function toStatusInfo(raw) {
    return {
        id: raw.id,
        state: raw.state,
        description: raw.description ?? '',
        createdAt: raw.created_at,
        logUrl: raw.log_url ?? raw.target_url ?? '',
        environmentUrl: raw.environment_url ?? '',
    };
}

;// CONCATENATED MODULE: ./src/core/ledger/history.ts


// Reading the ledger back: pages of deployments (newest first, GitHub's order) and their statuses.
// Every page is followed through the Link header (octokit.paginate): reading only the first 100,
// as some deployment actions do, silently loses history.
/** GitHub's largest page. */
const PAGE_SIZE = 100;
/** Says once (per ledger) that deployments Slipway did not create were skipped, and why. */
class ForeignNotice {
    logger;
    told = false;
    constructor(logger) {
        this.logger = logger;
    }
    /** Notes a skipped foreign deployment; only the first one is logged. */
    skipped(raw) {
        if (this.told)
            return;
        this.told = true;
        this.logger.info(`Skipping deployments Slipway did not create (no slipway/v1 payload), e.g. #${raw.id} by ${raw.creator?.login ?? 'unknown'} in ${raw.environment}; they are left alone.`);
    }
}
const READ_PERMISSION = 'deployments: read';
/** How messages name an endpoint of the repository's deployments API. */
function endpoint(context, path) {
    return `GET /repos/${context.owner}/${context.repo}/deployments${path}`;
}
/** The newest page of an environment's deployments (up to 100). */
async function firstPage(context, environment) {
    try {
        const response = await context.client.rest.repos.listDeployments({ owner: context.owner, repo: context.repo, environment, per_page: PAGE_SIZE });
        return checkDeployments(response.data, endpoint(context, `?environment=${environment}`));
    }
    catch (error) {
        throw explainRequestError(error, `Listing the deployments of ${environment}`, READ_PERMISSION);
    }
}
/** The pages of an environment's deployments, newest first: every page, or the first `limit`. */
async function* pagesOf(context, environment, limit = Infinity) {
    const pages = context.client.paginate.iterator(context.client.rest.repos.listDeployments, {
        owner: context.owner,
        repo: context.repo,
        environment,
        per_page: PAGE_SIZE,
    });
    let read = 0;
    try {
        for await (const page of pages) {
            yield checkDeployments(page.data, endpoint(context, `?environment=${environment}`));
            if (++read >= limit)
                return;
        }
    }
    catch (error) {
        throw explainRequestError(error, `Listing the deployments of ${environment}`, READ_PERMISSION);
    }
}
/** A deployment's statuses, newest first (the latest `count`); null when the deployment is gone. */
async function statusesOf(context, deploymentId, count = PAGE_SIZE) {
    try {
        const response = await context.client.rest.repos.listDeploymentStatuses({ owner: context.owner, repo: context.repo, deployment_id: deploymentId, per_page: count });
        return checkStatuses(response.data, endpoint(context, `/${deploymentId}/statuses`));
    }
    catch (error) {
        if (statusOf(error) === 404 && !/not accessible/i.test(String(error.message)))
            return null;
        throw explainRequestError(error, `Reading the statuses of deployment ${deploymentId}`, READ_PERMISSION);
    }
}
/** One deployment by id (raw); null when it does not exist. */
async function rawDeployment(context, deploymentId) {
    try {
        const response = await context.client.rest.repos.getDeployment({ owner: context.owner, repo: context.repo, deployment_id: deploymentId });
        return checkDeployment(response.data, endpoint(context, `/${deploymentId}`));
    }
    catch (error) {
        if (statusOf(error) === 404 && !/not accessible/i.test(String(error.message)))
            return null;
        throw explainRequestError(error, `Reading deployment ${deploymentId}`, READ_PERMISSION);
    }
}
/**
 * Slipway's deployments in an environment, newest first, each with its latest status (unless
 * `statuses` is false), through every page; foreign ones are skipped. With `since`, stops at the
 * first one created before it.
 */
async function* historyOf(context, environment, options = {}) {
    for await (const page of pagesOf(context, environment, options.pages)) {
        for (const raw of page) {
            if (options.since && new Date(raw.created_at) < options.since)
                return;
            const deployment = toLedgerDeployment(raw, null);
            if (!deployment.payload) {
                context.foreign.skipped(raw);
                continue;
            }
            if (options.statuses === false) {
                yield deployment;
                continue;
            }
            const statuses = await statusesOf(context, raw.id, 1);
            if (statuses === null)
                continue; // deleted while we read
            yield toLedgerDeployment(raw, statuses[0] ?? null);
        }
    }
}

;// CONCATENATED MODULE: ./src/core/ledger/last-good.ts



// "Last good": the newest deployment that reached `success` and was not rolled back. A deployment
// X counts as rolled back when a later deployment names it in `rollbackOf`, or when a failure or
// error status follows its success. Every Slipway deployment carries `previousGood`, the last good
// one it replaces, so the answer is found by walking that lineage from the newest deployment: one
// page of deployments plus the statuses of one or two of them, whatever the history's length.
// Readers verify every hop, so a stale pointer costs one more hop, never a wrong answer; a broken
// lineage (foreign or deleted deployments, payloads without the pointer) falls back to a scan.
/** Lineage hops followed before falling back to a scan (each costs one or two requests). */
const MAX_HOPS = 4;
/** Whether statuses (newest first) show a `success` that no later `failure` or `error` undid. */
function succeededAndStood(statuses) {
    let succeeded = false;
    for (let i = statuses.length - 1; i >= 0; i--) {
        const state = statuses[i].state;
        if (state === 'success')
            succeeded = true;
        else if (succeeded && (state === 'failure' || state === 'error'))
            return false;
    }
    return succeeded;
}
/** Ids named by `rollbackOf` in these deployments: each was rolled back. */
function rolledBackIn(page) {
    const ids = new Set();
    for (const raw of page) {
        const rollbackOf = parsePayload(raw.payload)?.rollbackOf;
        if (rollbackOf !== undefined)
            ids.add(rollbackOf);
    }
    return ids;
}
/** The newest Slipway deployment of a page (foreign ones are noted and skipped). */
function newestSlipway(context, page) {
    for (const raw of page) {
        const payload = parsePayload(raw.payload);
        if (payload)
            return { raw, payload };
        context.foreign.skipped(raw);
    }
    return null;
}
/**
 * The `previousGood` of a deployment about to be created, from the environment's first page: the
 * newest Slipway deployment when it stood, else that one's own pointer (readers verify it).
 * null = there never was a good one; undefined = not knowable cheaply (readers will scan).
 */
async function lineageHead(context, page, rollbackOf) {
    const newest = newestSlipway(context, page);
    if (!newest)
        return page.length < PAGE_SIZE ? null : undefined;
    const rolledBack = rolledBackIn(page);
    if (rollbackOf !== undefined)
        rolledBack.add(rollbackOf);
    if (!rolledBack.has(newest.raw.id)) {
        const statuses = await statusesOf(context, newest.raw.id);
        if (statuses === null)
            return undefined;
        if (succeededAndStood(statuses))
            return newest.raw.id;
    }
    return newest.payload.previousGood;
}
/**
 * The `lastIrreversible` pointer of a deployment about to be created, from the environment's
 * first page: the newest Slipway deployment when it is irreversible, else its own pointer.
 * null = no irreversible deployment before; undefined = not knowable from this page.
 */
function lastIrreversibleOf(context, page) {
    const newest = newestSlipway(context, page);
    if (!newest)
        return page.length < PAGE_SIZE ? null : undefined;
    return newest.payload.irreversible ? newest.raw.id : newest.payload.lastIrreversible;
}
/** The last good deployment of an environment, by the lineage (constant cost) or else a scan. */
async function lastGoodDeployment(context, page, environment) {
    const walked = await walkLineage(context, page, environment);
    if (walked !== 'broken')
        return walked;
    return scanForGood(context, environment, () => true);
}
async function walkLineage(context, page, environment) {
    const byId = new Map(page.map((raw) => [raw.id, raw]));
    const rolledBack = rolledBackIn(page);
    const newest = newestSlipway(context, page);
    if (!newest)
        return page.length < PAGE_SIZE ? null : 'broken';
    let { raw, payload } = newest;
    const seen = new Set();
    for (let hop = 0; hop < MAX_HOPS; hop++) {
        seen.add(raw.id);
        const statuses = await statusesOf(context, raw.id);
        if (statuses === null)
            return 'broken';
        if (!rolledBack.has(raw.id) && succeededAndStood(statuses))
            return toLedgerDeployment(raw, statuses[0] ?? null);
        const previous = payload.previousGood;
        if (previous === null)
            return null;
        if (previous === undefined || seen.has(previous))
            return 'broken';
        const next = byId.get(previous) ?? (await rawDeployment(context, previous));
        const nextPayload = next ? parsePayload(next.payload) : null;
        // A pointer out of the environment is a broken (hand-edited or corrupt) lineage, never an answer.
        if (!next || !nextPayload || next.environment !== environment)
            return 'broken';
        raw = next;
        payload = nextPayload;
    }
    return 'broken';
}
/**
 * The newest deployment accepted by `accept` that reached success and was not rolled back, by a
 * scan through every page (cost grows with how far back it is, not with the whole history).
 */
async function scanForGood(context, environment, accept) {
    const rolledBack = new Set();
    for await (const page of pagesOf(context, environment)) {
        // A rollback is always newer than what it rolls back, so reading page by page sees it first.
        for (const id of rolledBackIn(page))
            rolledBack.add(id);
        for (const raw of page) {
            const payload = parsePayload(raw.payload);
            if (!payload) {
                context.foreign.skipped(raw);
                continue;
            }
            if (rolledBack.has(raw.id) || !accept(payload))
                continue;
            const statuses = await statusesOf(context, raw.id);
            if (statuses && succeededAndStood(statuses))
                return toLedgerDeployment(raw, statuses[0] ?? null);
        }
    }
    return null;
}

;// CONCATENATED MODULE: ./src/core/ledger/github-ledger.ts









/** The login GitHub uses for the deployments it makes for jobs that name `environment:`. */
const GITHUB_ACTIONS_BOT = 'github-actions[bot]';
const WRITE_PERMISSION = 'deployments: write';
/** The ledger over GitHub's REST API: deployments and statuses of one repository. */
class GitHubLedger {
    options;
    type = 'github';
    context;
    logger;
    constructor(options) {
        this.options = options;
        this.logger = options.logger ?? log/* silentLogger */.q;
        this.context = { client: options.client, owner: options.owner, repo: options.repo, foreign: new ForeignNotice(this.logger) };
    }
    /**
     * Creates the deployment with `previousGood` from the lineage. Costs the first page of the
     * environment (which also shows GitHub's own job deployment, if any), the statuses of its newest
     * deployment, and the POST. A create that fails in transit is retried only
     * after looking for the deployment by its nonce, so a POST that GitHub applied is not repeated.
     */
    async createDeployment(request) {
        // A caller that knows the lineage already (a rollback) saves the environment's first page.
        let { previousGood, lastIrreversible } = request;
        if (previousGood === undefined) {
            const page = await firstPage(this.context, request.environment);
            this.warnAboutJobDeployment(page, request);
            previousGood = await lineageHead(this.context, page, request.rollbackOf);
            lastIrreversible = lastIrreversibleOf(this.context, page);
        }
        const nonce = (0,external_node_crypto_.randomUUID)();
        const payload = buildPayload({ ...request, lastIrreversible }, this.options.source, previousGood, nonce);
        const params = {
            owner: this.options.owner,
            repo: this.options.repo,
            ref: request.ref,
            environment: request.environment,
            task: request.task ?? 'deploy',
            payload: payload,
            description: request.description ?? '',
            required_contexts: request.requiredContexts ?? [],
            auto_merge: request.autoMerge ?? false,
            transient_environment: request.transientEnvironment ?? false,
            // Omitted, GitHub's own default applies: true only for an environment named `production`.
            ...(request.productionEnvironment === undefined ? {} : { production_environment: request.productionEnvironment }),
        };
        const what = `Creating a deployment of ${request.ref} in ${request.environment}`;
        const policy = githubRetryPolicy(this.options.retryBaseMs, this.options.createAttempts);
        try {
            return await (0,retry/* withRetry */.bD)(async (attempt) => {
                if (attempt > 1) {
                    const applied = (await firstPage(this.context, request.environment)).find((raw) => parsePayload(raw.payload)?.nonce === nonce);
                    if (applied)
                        return toLedgerDeployment(applied, null);
                }
                // No automatic retries here: a blind retry of an applied POST makes a second deployment.
                const response = await this.options.client.rest.repos.createDeployment({ ...params, request: { retries: 0 } });
                if (response.status === 202) {
                    throw new errors/* SlipwayError */.GQ(`GitHub merged the default branch instead of creating a deployment (202: ${response.data.message ?? 'merged'}); no deployment exists. Set \`auto-merge: false\` (the default) so GitHub deploys ${request.ref} as it is.`);
                }
                return toLedgerDeployment(checkDeployment(response.data, `POST /repos/${this.options.owner}/${this.options.repo}/deployments`), null);
            }, {
                policy,
                classify: (error) => (!(error instanceof errors/* SlipwayError */.GQ) && isTransient(error) ? { retryAfterMs: retryAfterOf(error, policy.firstDelayMs) } : undefined),
                onRetry: ({ error, attempt, attempts }) => {
                    this.logger.warning(`${what} failed (${statusOf(error) || 'no answer'}); looking for it before retrying (attempt ${attempt + 1} of ${attempts}).`);
                },
            });
        }
        catch (error) {
            if (error instanceof errors/* SlipwayError */.GQ)
                throw error;
            throw this.explainCreateError(error, what);
        }
    }
    /** Adds a status (description cut to 140 characters, `log_url` defaulting to the run URL). */
    async setStatus(deploymentId, request) {
        try {
            const response = await this.options.client.rest.repos.createDeploymentStatus({
                owner: this.options.owner,
                repo: this.options.repo,
                deployment_id: deploymentId,
                state: request.state,
                description: cutDescription(request.description ?? ''),
                log_url: request.logUrl ?? this.options.runUrl,
                ...(request.environmentUrl === undefined ? {} : { environment_url: request.environmentUrl }),
                ...(request.autoInactive === undefined ? {} : { auto_inactive: request.autoInactive }),
            });
            return response.data.id;
        }
        catch (error) {
            if (statusOf(error) === 404 && !/not accessible/i.test(String(error.message))) {
                throw new errors/* SlipwayError */.GQ(`Deployment ${deploymentId} does not exist in ${this.options.owner}/${this.options.repo}: check \`deployment-id\` (the output of the step that started the deployment).`);
            }
            throw explainRequestError(error, `Setting deployment ${deploymentId} to ${request.state}`, WRITE_PERMISSION);
        }
    }
    /** One deployment with its latest status; null when it does not exist. */
    async getDeployment(deploymentId) {
        const raw = await rawDeployment(this.context, deploymentId);
        if (!raw)
            return null;
        const statuses = await statusesOf(this.context, deploymentId, 1);
        return toLedgerDeployment(raw, statuses?.[0] ?? null);
    }
    /** Slipway's deployments in an environment, newest first, through every page. */
    history(environment, options) {
        return historyOf(this.context, environment, options);
    }
    /** The latest status of one deployment; null when it has none or does not exist. */
    async latestStatus(deploymentId) {
        const statuses = await statusesOf(this.context, deploymentId, 1);
        return statuses?.[0] ? toStatusInfo(statuses[0]) : null;
    }
    /** The newest deployment whose latest status is `success`. */
    async current(environment) {
        for await (const deployment of this.history(environment)) {
            if (deployment.latestStatus?.state === 'success')
                return deployment;
        }
        return null;
    }
    /** The newest deployment that reached success and was not rolled back (≤ 3 requests on an intact lineage). */
    async lastGood(environment) {
        return lastGoodDeployment(this.context, await firstPage(this.context, environment), environment);
    }
    /** The newest deployment of this digest that reached success and was not rolled back. */
    async findSuccessfulByDigest(environment, digest) {
        return scanForGood(this.context, environment, (payload) => payload.artifact?.digest === digest);
    }
    /** The environment's protection rules; null when it does not exist. */
    async getEnvironment(name) {
        try {
            const response = await this.options.client.rest.repos.getEnvironment({ owner: this.options.owner, repo: this.options.repo, environment_name: name });
            return { name: response.data.name, protectionRules: (response.data.protection_rules ?? []).map((rule) => rule.type) };
        }
        catch (error) {
            if (statusOf(error) === 404 && !/not accessible/i.test(String(error.message)))
                return null;
            throw explainRequestError(error, `Reading environment ${name}`, 'actions: read');
        }
    }
    /**
     * A job that names `environment:` makes GitHub record a deployment of its own for the same sha
     * when the job starts: the environment then shows every rollout twice. GitHub's deployment is
     * recognised without another request: made by github-actions[bot] for this sha, without a
     * Slipway payload, and newer than every Slipway deployment of the environment — a job deployment
     * of an earlier run is always followed by that run's own Slipway deployment, so only one made
     * for a job now running (this one, or a concurrent run of the same commit) can be newer.
     */
    warnAboutJobDeployment(page, request) {
        const shas = new Set([request.ref, this.options.source.sha]);
        for (const raw of page) {
            if (parsePayload(raw.payload))
                return;
            if (raw.creator?.login !== GITHUB_ACTIONS_BOT || !shas.has(raw.sha))
                continue;
            this.logger.warning(`GitHub also recorded deployment #${raw.id} in ${request.environment} for this job, because the job names \`environment: ${request.environment}\`, so every rollout shows twice. ` +
                `Fix: \`environment: {name: ${request.environment}, deployment: false}\` keeps the environment's protection rules and secrets without GitHub's own deployment.`);
            return;
        }
    }
    explainCreateError(error, what) {
        if (statusOf(error) === 409) {
            return new errors/* SlipwayError */.GQ(`${what} was refused by GitHub (409: ${error.message}). GitHub checks commit statuses (required_contexts) or merges the default branch (auto_merge) before deploying; Slipway skips both unless \`required-contexts\` or \`auto-merge\` asks for them — check those inputs and the commit's statuses.`);
        }
        return explainRequestError(error, what, WRITE_PERMISSION);
    }
}
/** GitHub's `retry-after` seconds, counted in `unitMs` (the retry unit tests shrink); undefined when absent. */
function retryAfterOf(error, unitMs) {
    const retryAfter = Number(error.response?.headers?.['retry-after']);
    return Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * unitMs : undefined;
}

// EXTERNAL MODULE: ./src/core/ledger/open.ts
var ledger_open = __webpack_require__(6705);
;// CONCATENATED MODULE: ./src/core/ledger/index.ts
// The ledger: GitHub Deployments as Slipway's audit trail (docs/ledger.md).








/***/ }),

/***/ 4325:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   q: () => (/* binding */ silentLogger)
/* harmony export */ });
/* unused harmony export RecordingLogger */
/** A logger that drops everything (the default where a caller passes none). */
const silentLogger = { debug() { }, info() { }, warning() { }, error() { } };
/** A logger that keeps every line, for tests and for reports. */
class RecordingLogger {
    lines = [];
    debug(message) { this.lines.push({ level: 'debug', message }); }
    info(message) { this.lines.push({ level: 'info', message }); }
    warning(message) { this.lines.push({ level: 'warning', message }); }
    error(message) { this.lines.push({ level: 'error', message }); }
    /** The messages logged at one level. */
    at(level) { return this.lines.filter((l) => l.level === level).map((l) => l.message); }
}


/***/ }),

/***/ 7459:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   i: () => (/* binding */ dropUndefined),
/* harmony export */   u: () => (/* binding */ isRecord)
/* harmony export */ });
// Two checks every parser of YAML, JSON and settings needs, written once.
/** A plain mapping (not null, not a list), as YAML and JSON objects parse. */
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** The object without its undefined fields, so an optional setting left out stays out (in equality, JSON and messages). */
function dropUndefined(value) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}


/***/ }),

/***/ 7253:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   bD: () => (/* binding */ withRetry)
/* harmony export */ });
/* unused harmony exports retryDelayMs, TRANSIENT_NETWORK_CODES, transientNetworkCode, isTransientNetworkError, isRetryableStatus, parseRetryAfter */
/* harmony import */ var _analysis_clock_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7584);

/**
 * Runs `operation` (given the attempt number, 1 first) until it succeeds, fails in a way `classify`
 * does not call retryable, or the policy's attempts run out; then the last error is thrown (or the
 * last result returned) unchanged, so messages say what the server last answered.
 */
async function withRetry(operation, options) {
    const { policy } = options;
    const clock = options.clock ?? _analysis_clock_js__WEBPACK_IMPORTED_MODULE_0__/* .systemClock */ .ml;
    for (let attempt = 1;; attempt++) {
        const last = attempt >= policy.attempts;
        let verdict;
        let failure;
        try {
            const result = await operation(attempt);
            verdict = last ? undefined : options.retryResult?.(result);
            if (!verdict)
                return result;
            failure = { result };
        }
        catch (error) {
            verdict = last ? undefined : options.classify(error);
            if (!verdict)
                throw error;
            failure = { error };
        }
        const delayMs = retryDelayMs(policy, attempt, verdict.retryAfterMs);
        await options.onRetry?.({ ...failure, attempt, attempts: policy.attempts, delayMs });
        await clock.sleep(delayMs);
    }
}
/**
 * The wait after failed attempt `attempt` (1 for the first): `firstDelayMs × multiplier^(attempt−1)`,
 * at most `maxDelayMs`; a server's `Retry-After`, when the policy honours it, lengthens the wait
 * (never shortens it) up to `retryAfterLimitMs`.
 */
function retryDelayMs(policy, attempt, retryAfterMs) {
    const computed = Math.min(policy.firstDelayMs * policy.multiplier ** (attempt - 1), policy.maxDelayMs);
    if (policy.retryAfterLimitMs === undefined || retryAfterMs === undefined || !(retryAfterMs > 0))
        return computed;
    return Math.max(computed, Math.min(retryAfterMs, policy.retryAfterLimitMs));
}
/**
 * Codes of a connection that was refused, dropped or timed out, or of a name that did not resolve:
 * another attempt may get through (a restarting server, a busy proxy, a resolver that failed for a
 * moment — a runner's resolver answers ENOTFOUND for those too). Node's own (`ECONNRESET` …) and
 * undici's (fetch: `UND_ERR_SOCKET` for "other side closed" …). An error without one of these
 * codes — an invalid URL, a refused port, a body that failed — is not retried.
 */
const TRANSIENT_NETWORK_CODES = new Set([
    'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'EHOSTDOWN', 'EAI_AGAIN', 'ENOTFOUND',
    'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);
/**
 * The transient network code of a failure (one of TRANSIENT_NETWORK_CODES): its own `code`, or that of its cause (fetch throws "fetch failed"
 * with the socket's error as its cause), or of the first of an AggregateError's errors (a host
 * with several addresses). Duck-typed: fetch's errors may come from another realm (a VM context)
 * where instanceof fails.
 */
function transientNetworkCode(error) {
    for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
        const { code, cause, errors } = current;
        if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code))
            return code;
        current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
    }
    return undefined;
}
/** Whether a failure is a dropped, refused or timed-out connection (a code in TRANSIENT_NETWORK_CODES). */
function isTransientNetworkError(error) {
    return transientNetworkCode(error) !== undefined;
}
/** Whether an HTTP status says "try again": a server error (5xx) or too many requests (429). */
function isRetryableStatus(status) {
    return status >= 500 || status === 429;
}
/** A `Retry-After` header in ms: delay-seconds, or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(header, now = Date.now()) {
    if (header === null || header === undefined || header.trim() === '')
        return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds))
        return seconds > 0 ? seconds * 1000 : undefined;
    const at = Date.parse(header);
    return Number.isFinite(at) && at > now ? at - now : undefined;
}


/***/ })

};
