export const id = 481;
export const ids = [481,76];
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

/***/ 9481:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  dryRun: () => (/* reexport */ dryRun),
  forecastAnalyses: () => (/* reexport */ forecastAnalyses),
  forecastWarnings: () => (/* reexport */ forecastWarnings),
  loadPlan: () => (/* binding */ loadPlan)
});

// UNUSED EXPORTS: DEFAULT_PREVIEW_ROUTE, HEARTBEAT_MS, PLAN_FIELDS, PlanError, SLOT_ROUTER_FIELDS, SMOKE_CHECK_TIMEOUT_SECONDS, analysisForSlots, analysisInSlots, applyTrafficStep, checkPlanFitsRouter, chooseSlots, convergeTraffic, describeSlots, expectedTrafficBefore, forecastFromSource, formatDuration, formatPath, formatProblem, formatResumePoint, httpSmokeCheck, loopAnalysisRunner, otherSlot, parseLocatedYaml, parseResumePoint, pickSlots, planDigest, recordedCanaryWeight, recordedSlots, routerForSlots, runDeployStep, runRollout, slotNamed, slotRouterSettings, slotsOf, stepLabel, validatePlan

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./node_modules/js-yaml/dist/js-yaml.mjs
var js_yaml = __webpack_require__(3243);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/yaml.ts
var yaml = __webpack_require__(1076);
;// CONCATENATED MODULE: ./src/core/plan/parse.ts



/** A plan that cannot be used; the message lists every problem as `<file> line N: <path>: <what>`. */
class PlanError extends errors/* SlipwayError */.GQ {
    source;
    problems;
    name = 'PlanError';
    constructor(source, problems) {
        super(problems.map((p) => formatProblem(source, p)).join('\n'));
        this.source = source;
        this.problems = problems;
    }
}
/** `plan.yml line 12: steps[3].setWeight: 150 is not a percentage (0–100)` */
function formatProblem(source, problem) {
    const where = problem.line === undefined ? source : `${source} line ${problem.line}`;
    const path = formatPath(problem.path);
    return `${where}: ${path ? `${path}: ` : ''}${problem.message}`;
}
/** `steps[3].setWeight` for ['steps', 3, 'setWeight']. */
function formatPath(path) {
    return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
/**
 * Parses YAML keeping each node's line. js-yaml reports an `open` event (with the line where the
 * node starts) and a `close` event (with the node's value) for every key and value it composes;
 * a mapping's children arrive as key, value, key, value, so the keys' lines can be attached to the
 * finished object. Syntax errors become a PlanError with js-yaml's line.
 */
function parseLocatedYaml(text, source) {
    const lines = new WeakMap();
    const stack = [{ line: 0, children: [] }];
    let value;
    try {
        value = (0,yaml.loadYaml)(text, {
            filename: source,
            listener(event, state) {
                if (event === 'open') {
                    stack.push({ line: state.line + 1, children: [] });
                    return;
                }
                const frame = stack.pop();
                const result = state.result;
                if (result !== null && typeof result === 'object' && !lines.has(result)) {
                    const located = new Map();
                    if (Array.isArray(result)) {
                        frame.children.forEach((child, index) => located.set(index, child.line));
                    }
                    else {
                        const keys = Object.keys(result);
                        // Keys and values alternate; pair the i-th key frame with the i-th key of the object.
                        for (let i = 0; i * 2 < frame.children.length && i < keys.length; i++)
                            located.set(keys[i], frame.children[i * 2].line);
                    }
                    lines.set(result, located);
                }
                stack[stack.length - 1].children.push(frame);
            },
        });
    }
    catch (error) {
        if (error instanceof js_yaml/* default.YAMLException */.Ay.YAMLException) {
            throw new PlanError(source, [{ line: error.mark ? error.mark.line + 1 : undefined, path: [], message: `not valid YAML: ${error.reason}` }]);
        }
        throw error;
    }
    return {
        value,
        lineOf(path) {
            let node = value;
            let line = 1;
            for (const key of path) {
                if (node === null || typeof node !== 'object')
                    break;
                const found = lines.get(node)?.get(key);
                if (found === undefined)
                    break;
                line = found;
                node = node[key];
            }
            return line;
        },
    };
}

// EXTERNAL MODULE: ./src/core/judge/index.ts + 4 modules
var core_judge = __webpack_require__(8089);
// EXTERNAL MODULE: ./src/core/log.ts
var log = __webpack_require__(4325);
// EXTERNAL MODULE: ./src/core/values/errors.ts
var values_errors = __webpack_require__(9531);
;// CONCATENATED MODULE: ./src/core/metrics/template.ts

/** The placeholders a template may hold. */
const PLACEHOLDERS = ['selector', 'canary', 'baseline', 'version', 'interval'];
const SELECTOR_HELP = 'comma-separated Prometheus label matchers such as version="v2", app=~"web|api" (a label name, one of =, !=, =~, !~, and a quoted value)';
const SELECTOR_FIX = 'quote every value with " (escape a " or \\ inside it with a backslash) and leave out the surrounding braces or keep both';
/**
 * The placeholders a selector's values may hold in a plan with `slots:`: the slot the new version
 * goes into and the slot of the stable version. They swap every release, so a selector naming a
 * slot label must follow them (docs/analysis.md, "Selectors that follow the slots").
 */
const SLOT_PLACEHOLDERS = ['canarySlot', 'stableSlot'];
const SLOT_PLACEHOLDER = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;
/** Parses label matchers (`a="x", b!~"y.*"`, optionally inside `{…}`); throws an InputError naming `input` otherwise. */
function parseSelector(text, input, options = {}) {
    const fail = (at, what) => {
        throw new errors/* InputError */.dz(input, text, `${SELECTOR_HELP}; at character ${at + 1}: ${what}`, SELECTOR_FIX);
    };
    let body = text.trim();
    let offset = text.indexOf(body);
    if (body.startsWith('{')) {
        if (!body.endsWith('}'))
            fail(offset, 'an opening { without its closing }');
        body = body.slice(1, -1);
        offset += 1;
    }
    const matchers = [];
    let i = 0;
    const skipSpace = () => {
        while (i < body.length && /\s/.test(body[i]))
            i++;
    };
    skipSpace();
    while (i < body.length) {
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(i))?.[0];
        if (!name)
            fail(offset + i, `expected a label name, found ${JSON.stringify(body[i])}`);
        i += name.length;
        skipSpace();
        const op = /^(=~|!~|!=|=)/.exec(body.slice(i))?.[0];
        if (!op)
            fail(offset + i, `expected =, !=, =~ or !~ after ${name}`);
        i += op.length;
        skipSpace();
        const quote = body[i];
        if (quote !== '"' && quote !== "'")
            fail(offset + i, `expected a quoted value after ${name}${op}`);
        const [value, end] = readQuoted(body, i) ?? fail(offset + i, `the value of ${name} has no closing ${quote}`);
        checkSlotPlaceholders(text, value, input, options);
        if (op === '=~' || op === '!~')
            checkRegex(value, (what) => fail(offset + i, what));
        matchers.push({ name: name, op: op, value });
        i = end;
        skipSpace();
        if (i < body.length) {
            if (body[i] !== ',')
                fail(offset + i, `unexpected ${JSON.stringify(body[i])} after ${name}${op}${JSON.stringify(value)}`);
            i++;
            skipSpace();
        }
    }
    if (matchers.length === 0)
        fail(offset, 'no label matcher');
    return matchers;
}
/** The slot placeholders the matchers' values hold. */
function template_slotPlaceholdersIn(matchers) {
    const used = new Set();
    for (const matcher of matchers)
        for (const [, name] of matcher.value.matchAll(SLOT_PLACEHOLDER))
            used.add(name);
    return used;
}
/** The matchers with {{canarySlot}} and {{stableSlot}} replaced by the slots' names (plain lower-case words, inert in a regex too). */
function template_fillSlotPlaceholders(matchers, slots) {
    return matchers.map((m) => ({ ...m, value: m.value.replace(SLOT_PLACEHOLDER, (_, name) => slots[name]) }));
}
function checkSlotPlaceholders(text, value, input, options) {
    for (const [placeholder, name] of value.matchAll(SLOT_PLACEHOLDER)) {
        if (!SLOT_PLACEHOLDERS.includes(name)) {
            throw new errors/* InputError */.dz(input, text, `label matchers whose values hold no placeholder but {{canarySlot}} and {{stableSlot}} (found ${placeholder})`, 'write e.g. slot="{{canarySlot}}" for the slot of the new version');
        }
        if (!options.slotPlaceholders) {
            throw new errors/* InputError */.dz(input, text, `label matchers without ${placeholder}: it names a slot, and only a plan with \`slots:\` has slots (docs/rollout.md)`, 'name the version\'s own labels, e.g. version="v2", or give the plan `slots:`');
        }
    }
}
/** Renders matchers back as PromQL (`a="x", b=~"y"`), every value escaped as a double-quoted string. */
function template_renderSelector(matchers) {
    return matchers.map((m) => `${m.name}${m.op}"${escapeString(m.value)}"`).join(', ');
}
/** Escapes text for the inside of a PromQL double-quoted string: backslash, quote and control characters. */
function escapeString(value) {
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
    return value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
        if (c === '\\' || c === '"')
            return `\\${c}`;
        if (c === '\n')
            return '\\n';
        if (c === '\t')
            return '\\t';
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
}
/** The value of the `version` equality matcher of a selector, if it has one. */
function versionOf(matchers) {
    return matchers.find((m) => m.name === 'version' && m.op === '=')?.value;
}
/** A query dialect from its parts: placement checked by one scan, values rendered by the parts. */
function makeDialect(parts) {
    const check = (template, where) => {
        const used = new Set();
        scan(template, (name, inString) => {
            if (!PLACEHOLDERS.includes(name)) {
                // The slots reach a query through the selectors, which hold them.
                const slotHint = SLOT_PLACEHOLDERS.includes(name) ? ` Put {{${name}}} in canarySelector or baselineSelector (e.g. slot="{{${name}}}") and write {{canary}}, {{baseline}} or {{selector}} here.` : '';
                throw new errors/* SlipwayError */.GQ(`${where}: unknown placeholder {{${name}}}; supported: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}.${slotHint}`);
            }
            if (name === 'version' && inString !== parts.versionQuote) {
                const place = { '"': 'inside a double-quoted string', "'": 'inside a single-quoted string', '': 'outside any string literal' }[parts.versionQuote] ?? `inside a ${parts.versionQuote}-quoted string`;
                throw new errors/* SlipwayError */.GQ(`${where}: {{version}} must stand ${place}, e.g. ${parts.versionQuote}{{version}}${parts.versionQuote}.`);
            }
            if (name !== 'version' && inString) {
                throw new errors/* SlipwayError */.GQ(`${where}: {{${name}}} must not stand inside a string literal; write e.g. ${parts.example}.`);
            }
            used.add(name);
        });
        return used;
    };
    const placeholder = (name, values, where) => {
        switch (name) {
            case 'selector':
                return parts.selector(values.selector);
            case 'canary':
                return parts.selector(values.canary);
            case 'baseline':
                return parts.selector(values.baseline);
            case 'interval':
                return parts.interval(Math.max(1, Math.round(values.intervalSeconds)));
            case 'version': {
                const version = versionOf(values.selector);
                if (version === undefined)
                    throw new errors/* SlipwayError */.GQ(`${where}: {{version}} needs a version="…" matcher in the selector ${JSON.stringify(template_renderSelector(values.selector))}.`);
                return parts.version(version);
            }
        }
    };
    return {
        language: parts.language,
        example: parts.example,
        check,
        checkSelector: parts.checkSelector,
        render(template, values, where) {
            check(template, where);
            const rendered = [];
            let last = 0;
            scan(template, (name, _inString, start, end) => {
                rendered.push(template.slice(last, start), placeholder(name, values, where));
                last = end;
            });
            rendered.push(template.slice(last));
            return rendered.join('');
        },
    };
}
/** PromQL: Prometheus and every service that speaks its HTTP API. Any matcher parseSelector accepts is PromQL. */
const template_promqlDialect = makeDialect({
    language: 'PromQL',
    example: 'http_requests_total{{{selector}}}',
    selector: template_renderSelector,
    versionQuote: '"',
    version: escapeString,
    interval: (seconds) => `${seconds}s`,
    checkSelector: () => undefined,
});
/**
 * Checks where the placeholders of a PromQL template stand, throwing a SlipwayError that names
 * `where` (e.g. `metric "error-rate" field errors`) for an unknown placeholder or one in an unsafe place.
 * Returns the placeholders used.
 */
function checkTemplate(template, where) {
    return template_promqlDialect.check(template, where);
}
/** Fills a checked PromQL template; `{{version}}` needs a `version="…"` matcher in the side's selector. */
function template_renderTemplate(template, values, where) {
    return template_promqlDialect.render(template, values, where);
}
/** A query placeholder, `{{name}}`, at the start of the text: its name is the first group. */
const QUERY_PLACEHOLDER = /^\{\{\s*([A-Za-z_]+)\s*\}\}/;
/**
 * Calls `visit` for every placeholder `pattern` finds (anchored at the start, its name the first
 * group; default `{{name}}`) with the PromQL string literal it stands in (the quote char, or '').
 */
function scan(template, visit, pattern = QUERY_PLACEHOLDER) {
    let quote = '';
    for (let i = 0; i < template.length; i++) {
        const placeholder = pattern.exec(template.slice(i));
        if (placeholder) {
            visit(placeholder[1], quote, i, i + placeholder[0].length);
            i += placeholder[0].length - 1;
            continue;
        }
        const c = template[i];
        if (quote) {
            if (c === '\\' && quote !== '`')
                i++;
            else if (c === quote)
                quote = '';
        }
        else if (c === '"' || c === "'" || c === '`') {
            quote = c;
        }
    }
}
/** Reads a quoted PromQL string starting at `start`; returns its value and the index after it. */
function readQuoted(text, start) {
    const quote = text[start];
    const escapes = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
    let value = '';
    for (let i = start + 1; i < text.length; i++) {
        const c = text[i];
        if (c === quote)
            return [value, i + 1];
        if (c === '\\') {
            const next = text[++i];
            if (next === undefined)
                return undefined;
            value += escapes[next] ?? `\\${next}`;
        }
        else {
            value += c;
        }
    }
    return undefined;
}
/** Prometheus regexes are RE2, fully anchored; a pattern JavaScript cannot parse is surely bad. */
function checkRegex(value, fail) {
    try {
        new RegExp(value);
    }
    catch (error) {
        fail(`${JSON.stringify(value)} is not a valid regular expression (${error.message})`);
    }
}

;// CONCATENATED MODULE: ./src/core/metrics/latency.ts



const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/;
const LATENCY = /^(\d+(?:\.\d+)?)\s*(ms|s)$/;
/** A latency threshold (`300ms`, `0.3s`, `1.5s`), in seconds: above 0, with its unit. */
function parseSlowerThan(value) {
    const match = typeof value === 'string' ? LATENCY.exec(value.trim()) : null;
    const fix = typeof value === 'number' ? `give the unit, e.g. ${value}ms or ${value}s` : undefined;
    if (!match)
        throw new values_errors/* ValueError */.Q(value, 'a latency such as 300ms or 0.3s (a number and the unit ms or s)', fix);
    const seconds = Number(match[1]) / (match[2] === 'ms' ? 1000 : 1);
    if (!(seconds > 0))
        throw new values_errors/* ValueError */.Q(value, 'a latency above 0, such as 300ms');
    return seconds;
}
/** A histogram's base name; the `_bucket`, `_count` or `_sum` series' name is refused with the base name as the fix. */
function parseHistogramName(value) {
    const name = typeof value === 'string' ? value.trim() : '';
    if (!METRIC_NAME.test(name))
        throw new values_errors/* ValueError */.Q(value, 'the base name of a Prometheus histogram, e.g. http_request_duration_seconds');
    const suffix = /_(bucket|count|sum)$/.exec(name);
    if (suffix)
        throw new values_errors/* ValueError */.Q(value, 'the base name of a histogram, without _bucket, _count or _sum', `write histogram: ${name.slice(0, suffix.index)}`);
    return name;
}
/** `300ms`, `2.5ms`, `1.5s`: a latency in seconds as a person writes it. */
function formatLatency(seconds) {
    if (!Number.isFinite(seconds))
        return String(seconds);
    return seconds < 1 ? `${Number((seconds * 1000).toPrecision(6))}ms` : `${Number(seconds.toPrecision(6))}s`;
}
/** The bound values of a histogram are in its unit: milliseconds for a `…_milliseconds` histogram, seconds (Prometheus's base unit) otherwise. */
function unitSeconds(histogram) {
    return /_milliseconds$/.test(histogram) ? 0.001 : 1;
}
/** What a latency metric's errors count, for the judge's reasons and the charts: `requests slower than 300ms`. */
function latency_slowRequests(latency) {
    return `requests slower than ${formatLatency(latency.slowerThanSeconds)}`;
}
/**
 * The two counters of a latency metric, as query templates of a rate metric. `le` holds the bound's
 * spellings to match: by default the shortest decimal and, for a whole number, with `.0` too (how
 * Prometheus 3 writes it), until the analysis reads the spellings the sides export.
 */
function latencyQueries(latency, le = defaultSpellings(latency)) {
    const { histogram } = latency;
    const matcher = le.length === 1 ? `le="${escapeString(le[0])}"` : `le=~"${escapeString(le.map(escapeRegex).join('|'))}"`;
    return {
        errors: `sum(${histogram}_count{{{selector}}}) - sum(${histogram}_bucket{{{selector}}, ${matcher}})`,
        requests: `sum(${histogram}_count{{{selector}}})`,
    };
}
function defaultSpellings(latency) {
    const bound = String(latency.slowerThanSeconds / unitSeconds(latency.histogram));
    return Number.isInteger(Number(bound)) && !bound.includes('e') ? [bound, `${bound}.0`] : [bound];
}
function escapeRegex(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/**
 * The `le` values equal to the threshold as numbers, or the nearest finite bounds below and above
 * it. `le` values are the label values as exported (`"0.3"`, `"1.0"`, `"+Inf"`).
 */
function matchBound(le, latency) {
    const unit = unitSeconds(latency.histogram);
    const target = latency.slowerThanSeconds;
    const spellings = [];
    let lower;
    let upper;
    for (const text of le) {
        const seconds = Number(text) * unit;
        if (!Number.isFinite(seconds))
            continue;
        // Within rounding of the unit conversion (300 ms of a seconds histogram is 0.3 either way).
        if (Math.abs(seconds - target) <= 1e-9 * Math.max(1, target))
            spellings.push(text);
        else if (seconds < target)
            lower = lower === undefined ? seconds : Math.max(lower, seconds);
        else
            upper = upper === undefined ? seconds : Math.min(upper, seconds);
    }
    return spellings.length > 0 ? { found: true, spellings: [...new Set(spellings)].sort() } : { found: false, lower, upper };
}
/**
 * Checks every latency metric's threshold against the bucket bounds the canary and the baseline
 * export now, and returns the metrics with their errors query matching the bounds' spellings.
 * Throws a SlipwayError naming the source, the metric and the fix when a side's bounds cannot be
 * read, when neither side exports the histogram, or when the threshold is not one of a side's
 * bounds. A side without the histogram yet (a canary not scraped so far) is a warning: its
 * intervals are missing data until it has the bucket, never a pass. A source that cannot list
 * series by label (a file of saved series) leaves the metrics as they are.
 */
async function latency_checkLatencyBounds(metrics, options) {
    const { source } = options;
    if (!source.queryInstantSeries)
        return metrics;
    return Promise.all(metrics.map((metric) => (metric.kind === 'rate' && metric.latency ? withBounds(metric, metric.latency, options) : metric)));
}
async function withBounds(metric, latency, options) {
    const { source } = options;
    const threshold = formatLatency(latency.slowerThanSeconds);
    const spellings = new Set();
    const missing = [];
    for (const side of options.sides ?? ['canary', 'baseline']) {
        const selector = renderSelector(options[side]);
        const query = renderTemplate(`count by (le) (${latency.histogram}_bucket{{{selector}}})`, { selector: options[side], canary: options.canary, baseline: options.baseline, intervalSeconds: options.intervalSeconds }, `metric "${metric.name}"`);
        let le;
        try {
            le = (await source.queryInstantSeries(query)).map((series) => series.labels.le).filter((v) => typeof v === 'string' && v !== '');
        }
        catch (error) {
            throw new SlipwayError(`Metric "${metric.name}": cannot read the bucket bounds of histogram ${latency.histogram} for the ${side} (${selector}) from ${source.type}: ${errorMessage(error)}. ` +
                `Fix: check the ${source.type} URL and credentials, and that \`${query}\` runs there; the analysis did not start.`);
        }
        if (le.length === 0) {
            missing.push(side);
            continue;
        }
        const match = matchBound(le, latency);
        if (!match.found) {
            const near = [match.lower, match.upper].filter((b) => b !== undefined).map(formatLatency);
            const between = match.lower !== undefined && match.upper !== undefined
                ? `lies between the bucket bounds ${near[0]} and ${near[1]}`
                : match.lower !== undefined
                    ? `is above the largest bucket bound (${near[0]})`
                    : match.upper !== undefined
                        ? `is below the smallest bucket bound (${near[0]})`
                        : 'has no finite bucket bound to match';
            throw new SlipwayError(`Metric "${metric.name}": slowerThan ${threshold} ${between} of histogram ${latency.histogram} for the ${side} (${selector}) on ${source.type}, so its buckets cannot count the requests slower than ${threshold}. ` +
                `Fix: set slowerThan to ${near.length > 0 ? near.join(' or ') : 'one of its bounds'}, or give the histogram a bucket at ${threshold}; the analysis did not start.`);
        }
        match.spellings.forEach((s) => spellings.add(s));
    }
    if (spellings.size === 0) {
        throw new SlipwayError(`Metric "${metric.name}": ${source.type} has no series ${latency.histogram}_bucket for the canary (${renderSelector(options.canary)}) nor the baseline (${renderSelector(options.baseline)}). ` +
            `Fix: check the histogram's name (its base name, without _bucket) and the selectors; \`count by (le) (${latency.histogram}_bucket{…})\` should list its bounds; the analysis did not start.`);
    }
    for (const side of missing) {
        options.logger.warning(`metric ${metric.name}: the ${side} has no series ${latency.histogram}_bucket yet, so its bounds were not checked; intervals without its bucket at ${threshold} are missing data`);
    }
    return { ...metric, ...latencyQueries(latency, [...spellings].sort()) };
}

// EXTERNAL MODULE: ./src/core/values/index.ts + 5 modules
var values = __webpack_require__(3749);
// EXTERNAL MODULE: ./src/core/analysis/clock.ts
var clock = __webpack_require__(7584);
;// CONCATENATED MODULE: ./src/core/analysis/window.ts



/** The sides a metric reads: a threshold judges the canary alone. */
function window_sidesOf(metric) {
    return metric.kind === 'threshold' ? ['canary'] : ['canary', 'baseline'];
}
/** The queries of a metric per side: rate metrics read two counters, the others one query. */
function window_queriesOf(metric) {
    return metric.kind === 'rate' ? { errors: metric.errors, requests: metric.requests } : { query: metric.query };
}
/** How a missing value travels to the judge (its JSON contract's null, typed as the number it stands for). */
const missing = null;
const orMissing = (value) => (Number.isFinite(value) ? value : missing);
const emptyCounts = () => ({ canary: { errors: [], requests: [] }, baseline: { errors: [], requests: [] } });
/**
 * One metric over the analysis window (docs/analysis.md, "The analysis loop"), kept up to date
 * interval by interval. The window is a grid t0 < t1 < … (one point per interval; interval i runs
 * from t(i−1) to t(i)). It holds each query's value at every grid point, the series derived from
 * them, and the judge's input. Recording the points from index k recomputes only the intervals
 * that touch them, so an interval costs the same at the end of a long analysis as at its start.
 * The arrays of `series()` and `input()` are the window's own and grow in place.
 */
class window_MetricWindow {
    definition;
    startSeconds;
    stepSeconds;
    history;
    countKind;
    points = { canary: {}, baseline: {} };
    /** Grid point from which the next read starts: the last one read (read again once, for a late scrape). */
    nextRead = 0;
    times = [];
    values = { canary: [], baseline: [] };
    counts = emptyCounts();
    /** The judge's input arrays: null where the interval is not usable. */
    judged = emptyCounts();
    judgedValues = { canary: [], baseline: [] };
    usable = [];
    missingIntervals = 0;
    /** Rate metrics: the history as the judge takes it, made once. */
    judgedHistory;
    /** Intervals derived so far, and the first one a recorded point changed. */
    derived = 0;
    changedFrom = 0;
    constructor(definition, startSeconds, stepSeconds, 
    /** Rate metrics: the baseline's counts before the start (series.ts historyCounts). */
    history, 
    /** What the rate queries return: running totals, or each interval's own count (types.ts CountKind). */
    countKind = 'cumulative') {
        this.definition = definition;
        this.startSeconds = startSeconds;
        this.stepSeconds = stepSeconds;
        this.history = history;
        this.countKind = countKind;
        if (history)
            this.judgedHistory = { errors: history.errors.map(orMissing), requests: history.requests.map(orMissing) };
    }
    /** The grid point the next query starts at. */
    get readFrom() {
        return this.nextRead;
    }
    /** Unix seconds of grid point `index`. */
    timeOf(index) {
        return this.startSeconds + index * this.stepSeconds;
    }
    /**
     * Records what every query of the metric returned for grid points `from` … `to` (one side's
     * samples per query name): points inside without a sample are missing. Record a read only when
     * all its queries answered, so the sides never come from different reads.
     */
    record(read, from, to) {
        for (const side of window_sidesOf(this.definition)) {
            for (const name of Object.keys(window_queriesOf(this.definition))) {
                const values = (this.points[side][name] ??= []);
                while (values.length <= to)
                    values.push(NaN);
                values.fill(NaN, from, to + 1);
                for (const sample of read[side][name] ?? []) {
                    const index = gridIndexOf(sample.time, this.startSeconds, this.stepSeconds);
                    if (index >= from && index <= to)
                        values[index] = sample.value;
                }
            }
        }
        // Point k ends interval k (array index k − 1) and starts interval k + 1.
        this.changedFrom = Math.min(this.changedFrom, Math.max(0, from - 1));
        this.nextRead = Math.max(this.nextRead, to);
    }
    /** The series over the first `intervals` intervals, for reports and charts. */
    series(intervals) {
        this.derive(intervals);
        const { name, kind } = this.definition;
        const base = { name, kind, times: this.times, canary: this.values.canary, baseline: this.values.baseline, missingIntervals: this.missingIntervals };
        if (kind !== 'rate')
            return base;
        return { ...base, ...eventsOf(this.definition), counts: this.counts, ...(this.history ? { history: this.history } : {}) };
    }
    /**
     * The judge's input over the first `intervals` intervals: a missing value is passed as null, as
     * in the judge's JSON contract, so the judge counts it as missing — never as a zero. A rate
     * interval is missing on all four counters unless both arms have whole counts in it.
     */
    input(intervals) {
        this.derive(intervals);
        return judgeInput(this.definition, this.judged, this.judgedValues, this.judgedHistory);
    }
    derive(intervals) {
        if (this.derived > intervals)
            throw new Error(`the window has ${this.derived} intervals; it cannot go back to ${intervals}`);
        for (let i = Math.min(this.changedFrom, this.derived); i < intervals; i++)
            this.deriveInterval(i);
        this.derived = intervals;
        this.changedFrom = intervals;
    }
    /** Derives interval i + 1 (from point i to point i + 1) into array index i. */
    deriveInterval(i) {
        const at = (side, name, point) => this.points[side][name]?.[point] ?? NaN;
        this.times[i] = this.timeOf(i + 1);
        const wasUsable = this.usable[i];
        let usable;
        if (this.definition.kind === 'rate') {
            usable = true;
            for (const side of ['canary', 'baseline']) {
                const count = (name) => (this.countKind === 'interval' ? bucketCount(at(side, name, i + 1)) : counterIncrease(at(side, name, i), at(side, name, i + 1)));
                const errors = count('errors');
                const requests = count('requests');
                this.counts[side].errors[i] = errors;
                this.counts[side].requests[i] = requests;
                this.values[side][i] = errors <= requests && requests > 0 ? errors / requests : NaN;
                usable &&= Number.isFinite(errors) && Number.isFinite(requests) && errors <= requests;
            }
            for (const side of ['canary', 'baseline']) {
                this.judged[side].errors[i] = usable ? this.counts[side].errors[i] : missing;
                this.judged[side].requests[i] = usable ? this.counts[side].requests[i] : missing;
            }
        }
        else {
            const canary = at('canary', 'query', i + 1);
            const baseline = this.definition.kind === 'threshold' ? NaN : at('baseline', 'query', i + 1);
            this.values.canary[i] = canary;
            this.values.baseline[i] = baseline;
            this.judgedValues.canary[i] = orMissing(canary);
            this.judgedValues.baseline[i] = orMissing(baseline);
            usable = Number.isFinite(canary) && (this.definition.kind !== 'continuous' || Number.isFinite(baseline));
        }
        this.usable[i] = usable;
        if (wasUsable !== undefined)
            this.missingIntervals -= wasUsable ? 0 : 1;
        if (!usable)
            this.missingIntervals++;
    }
}
/** The judge's input for a metric from its arrays (see MetricWindow.input). */
function judgeInput(definition, counts, values, baselineHistory) {
    const { name, direction, critical, weight, muted } = definition;
    const base = { name, direction, critical, weight, ...(muted ? { muted } : {}) };
    switch (definition.kind) {
        case 'rate': {
            const { allowedRatio, negligibleRate, detect } = definition;
            return { ...base, ...dropUndefined({ allowedRatio, negligibleRate, detect }), ...eventsOf(definition), kind: 'rate', canary: counts.canary, baseline: counts.baseline, ...(baselineHistory ? { baselineHistory } : {}) };
        }
        case 'continuous': {
            const { allowedIncrease, allowedDecrease, criticalIncrease, criticalDecrease, minSamples } = definition;
            return { ...base, ...dropUndefined({ allowedIncrease, allowedDecrease, criticalIncrease, criticalDecrease, minSamples }), kind: 'continuous', canary: values.canary, baseline: values.baseline };
        }
        case 'threshold':
            return { ...base, ...dropUndefined({ min: definition.min, max: definition.max, failureLimit: definition.failureLimit }), kind: 'threshold', values: values.canary };
    }
}
/** What a rate metric's errors count, when not errors: a latency metric's slow requests. */
function eventsOf(definition) {
    return definition.kind === 'rate' && definition.latency ? { events: slowRequests(definition.latency) } : {};
}
/** The judge's input for a metric whose latest query failed: no data, and the error (class `error`). */
function window_failedMetricInput(definition, error) {
    return { ...judgeInput(definition, emptyCounts(), { canary: [], baseline: [] }), error };
}
/** The judge's input for a metric before any interval: nothing read yet. */
function window_emptyMetricInput(definition) {
    return judgeInput(definition, emptyCounts(), { canary: [], baseline: [] });
}

;// CONCATENATED MODULE: ./src/core/analysis/loop.ts









// The analysis loop (docs/analysis.md "The analysis loop"): every interval, query the canary and
// the baseline for the points since the last read, ask the judge, and stop as soon as the verdict
// cannot change any more — the rate test is anytime-valid, so looking after every interval costs
// no false alarms. Each metric's window (window.ts) keeps its points and derives only the intervals
// they change, and the default judge keeps each rate metric's sequential test between intervals and
// feeds it only the new one (incrementalJudge), so an interval costs about the same at the end of a
// long analysis as at the start; the reports are those of judging the whole window afresh.
// The last point read is read again once, so a scrape that landed after the query still counts.
// A metric whose latest query failed is handed to the judge without data and with the error (class
// `error`, which counts as missing data: never a pass); its next read starts where the last good
// one ended, so a short outage heals once the source answers again.
/**
 * The windows queried come from the runner's clock, the samples are stamped by the source's: when
 * the two disagree by more than half an interval (at least 5 s), the analysis would judge samples
 * from another time — scraped before the canary took its traffic — so it refuses to start. A source
 * that cannot tell its time, or cannot be reached yet, is left to the loop's own error handling.
 */
async function checkClockSkew(source, clock, intervalSeconds, logger) {
    if (!source.serverTime)
        return;
    let serverTime;
    try {
        serverTime = await source.serverTime();
    }
    catch (error) {
        logger.warning(`Could not read the ${source.type} server's clock: ${errorMessage(error)}`);
        return;
    }
    const skewSeconds = (serverTime.getTime() - clock.now().getTime()) / 1000;
    if (Number.isFinite(skewSeconds) && Math.abs(skewSeconds) > Math.max(5, intervalSeconds / 2)) {
        throw new SlipwayError(`The ${source.type} server's clock is ${Math.round(Math.abs(skewSeconds))} s ${skewSeconds > 0 ? 'ahead of' : 'behind'} the runner's: ` +
            'every analysis window would read samples from another time than the canary\'s. Fix: synchronise both clocks (NTP); the analysis did not start.');
    }
}
/** Failed intervals in a row after which an analysis stops (Argo's consecutiveErrorLimit default). */
const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
/** How far back, seconds, the baseline's rate counters are read before the analysis starts (30 min). */
const loop_DEFAULT_HISTORY_SECONDS = 1800;
/** How many times an analysis of `durationSeconds` looks, once an interval (at least once). */
function loop_plannedIntervalsOf(durationSeconds, intervalSeconds) {
    return Math.max(1, Math.floor(durationSeconds / intervalSeconds));
}
/** Runs one analysis to its verdict. */
async function loop_runAnalysis(options) {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const { intervalSeconds } = options;
    const plannedIntervals = loop_plannedIntervalsOf(options.durationSeconds, intervalSeconds);
    const judgeFn = options.judge ?? incrementalJudge();
    checkAnalysis(options);
    // Every front end checked this at its edge; the core refuses a window it could not finish all the same.
    const historySeconds = options.historySeconds ?? loop_DEFAULT_HISTORY_SECONDS;
    checkAnalysisTiming({ durationSeconds: options.durationSeconds, intervalSeconds, historySeconds });
    const now = clock.now();
    const start = gridStart(now, intervalSeconds, options.source);
    const delayMs = (options.readDelaySeconds ?? 0) * 1000;
    // The history ends at the last whole interval the source holds all of: an interval source's
    // bucket still open, or one younger than the delay, is left to the analysis or left out.
    const historyEnd = options.source.counts === 'interval' ? alignDown(new Date(now.getTime() - delayMs), intervalSeconds) : start;
    const errors = new Map();
    let result;
    let interval = 0;
    let stopReason;
    const errorLimit = options.consecutiveErrorLimit ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT;
    /** Intervals in a row whose query failed, per metric. */
    const failedInARow = new Map();
    // Read before the first sleep, which ends at the first interval's boundary either way: the
    // queries' time comes out of the first interval's wait.
    await checkClockSkew(options.source, clock, intervalSeconds, logger);
    // A latency threshold between two bucket bounds cannot be counted: refused before the first interval.
    const metrics = await checkLatencyBounds(options.metrics, { source: options.source, canary: options.canary, baseline: options.baseline, intervalSeconds, logger });
    const history = await readBaselineHistory();
    const windows = metrics.map((m) => new MetricWindow(m, start.getTime() / 1000, intervalSeconds, history.get(m.name), options.source.counts));
    // Each rate metric's ratio bounds after every interval, for the report's chart of the confidence sequence.
    const ratioBounds = new Map();
    for (const m of metrics) {
        if (m.kind === 'rate')
            ratioBounds.set(m.name, { lower: [], upper: [], allowedRatio: m.allowedRatio ?? metricDefaults.allowedRatio, direction: m.direction });
    }
    while (interval < plannedIntervals) {
        interval++;
        const end = new Date(start.getTime() + interval * intervalSeconds * 1000);
        await clock.sleep(end.getTime() + delayMs - clock.now().getTime());
        await Promise.all(windows.map((window) => refresh(window, interval)));
        const input = {
            config: options.config,
            metrics: windows.map(({ definition: m }, i) => (errors.has(m.name) ? failedMetricInput(m, errors.get(m.name)) : windows[i].input(interval))),
            // Only the planned end judges an undecided metric by what it could have caught.
            complete: interval === plannedIntervals,
        };
        const judged = judgeFn(input);
        for (const metric of judged.metrics) {
            const bounds = ratioBounds.get(metric.name);
            bounds?.lower.push(metric.sequential?.ratio.lower ?? NaN);
            bounds?.upper.push(metric.sequential?.ratio.upper ?? NaN);
        }
        const series = windows.map((window) => withRatioBounds(window.series(interval), ratioBounds.get(window.definition.name)));
        const blind = errorLimit > 0 ? [...failedInARow].find(([, count]) => count >= errorLimit) : undefined;
        if (interval < plannedIntervals && blind) {
            stopReason = `the source of metric '${blind[0]}' failed ${blind[1]} intervals in a row (consecutive error limit ${errorLimit})`;
        }
        else if (interval < plannedIntervals && isFinal(judged, options.metrics)) {
            stopReason = 'the verdict could no longer change';
        }
        const report = blind && stopReason ? { ...judged, reasons: [...judged.reasons, `analysis stopped: ${stopReason}`] } : judged;
        result = { report, series };
        const failing = [...errors].map(([metric, error]) => ({ metric, error }));
        logger.info(`interval ${interval}/${plannedIntervals}: ${report.verdict} (score ${Math.round(report.score)})`);
        await options.onProgress?.({ interval, plannedIntervals, report, failing });
        if (stopReason)
            break;
    }
    const stoppedEarly = stopReason !== undefined;
    return { ...result, intervals: interval, plannedIntervals, stoppedEarly, ...(stopReason ? { stopReason } : {}), startedAt: start.toISOString(), endedAt: clock.now().toISOString() };
    /** One of a metric's queries for one side over [from, to], as every query of the analysis is made. */
    function queryRange(metric, name, template, selector, from, to) {
        const query = (options.source.dialect ?? promqlDialect).render(template, { selector, canary: options.canary, baseline: options.baseline, intervalSeconds }, `metric "${metric.name}" field ${name}`);
        return options.source.queryRange(query, { start: from, end: to, stepSeconds: intervalSeconds });
    }
    /**
     * The baseline history of every rate metric, by name: its two counters over the whole intervals
     * ending at `start`. Two range queries per rate metric, once per analysis (Prometheus requests;
     * no GitHub request). A failure or no data is a warning and no history, never an analysis error:
     * it does not count toward the consecutive error limit.
     */
    async function readBaselineHistory() {
        const history = new Map();
        const intervals = Math.floor(historySeconds / intervalSeconds);
        if (!(intervals > 0))
            return history;
        const from = new Date(historyEnd.getTime() - intervals * intervalSeconds * 1000);
        const grid = intervalGrid(from, intervalSeconds, intervals);
        const rateMetrics = metrics.filter((m) => m.kind === 'rate');
        await Promise.all(rateMetrics.map(async (metric) => {
            let why;
            try {
                const samples = {};
                await Promise.all(Object.entries(queriesOf(metric)).map(async ([name, template]) => (samples[name] = await queryRange(metric, name, template, options.historySelector ?? options.baseline, from, historyEnd))));
                const counts = historyCounts(samples, grid, options.source.counts);
                if (counts)
                    return void history.set(metric.name, counts);
                why = `no counts in the ${intervals * intervalSeconds} s before the start`;
            }
            catch (error) {
                why = errorMessage(error);
            }
            logger.warning(`metric ${metric.name}: no baseline history (${why}): the judge guards the first scrapes instead`);
        }));
        return history;
    }
    /** Reads a metric's points from its window's next read up to grid point `to`. */
    async function refresh(window, to) {
        const metric = window.definition;
        const from = window.readFrom;
        const fresh = { canary: {}, baseline: {} };
        const at = (point) => new Date(window.timeOf(point) * 1000);
        try {
            await Promise.all(sidesOf(metric).flatMap((side) => Object.entries(queriesOf(metric)).map(async ([name, template]) => {
                fresh[side][name] = await queryRange(metric, name, template, options[side], at(from), at(to));
            })));
            window.record(fresh, from, to);
            errors.delete(metric.name);
            failedInARow.delete(metric.name);
        }
        catch (error) {
            failedInARow.set(metric.name, (failedInARow.get(metric.name) ?? 0) + 1);
            // The window keeps the points read so far for the charts; the judge sees this metric as having no data.
            errors.set(metric.name, errorMessage(error));
            logger.warning(`metric ${metric.name}: ${errorMessage(error)}`);
        }
    }
}
/**
 * Where the analysis grid starts: now, for a source read at any instant (Prometheus evaluates a
 * range at start + k·step exactly). An interval source (Datadog, CloudWatch, New Relic) buckets
 * time from the epoch, so its grid starts at the next whole multiple of the interval: every
 * interval judged is one of its buckets, and none holds time from before the analysis began.
 */
function gridStart(now, intervalSeconds, source) {
    if (source.counts !== 'interval')
        return now;
    const step = intervalSeconds * 1000;
    return new Date(Math.ceil(now.getTime() / step) * step);
}
/** The last whole multiple of the interval since the epoch at or before `time`. */
function alignDown(time, intervalSeconds) {
    const step = intervalSeconds * 1000;
    return new Date(Math.floor(time.getTime() / step) * step);
}
/** The series with its rate metric's ratio bounds, when it has any. */
function withRatioBounds(series, ratioBounds) {
    return ratioBounds ? { ...series, ratioBounds } : series;
}
/**
 * Judges an empty window: settings or definitions the judge would reject fail now, before any
 * wait. Callers that record progress call it before they write anything.
 */
function checkAnalysis(options) {
    (options.judge ?? judge)({ config: options.config, metrics: options.metrics.map(emptyMetricInput) });
}
/**
 * Whether more intervals cannot change the verdict. A fail is final when every failing metric
 * failed for good (a rate test that decided "worse", or a threshold breached past its limit: both
 * only accumulate). A pass is final when every metric is a rate metric whose test decided
 * "not-worse"; continuous and threshold metrics are fixed-sample checks and run the full duration.
 */
function isFinal(report, metrics) {
    const kinds = new Map(metrics.map((m) => [m.name, m.kind]));
    // Muted metrics never change the verdict, so they never hold the analysis open either.
    const counted = report.metrics.filter((m) => !m.muted);
    const failedForGood = (m) => (m.kind === 'rate' ? m.sequential?.decision === 'worse' : kinds.get(m.name) === 'threshold');
    if (report.verdict === 'fail') {
        const failing = counted.filter((m) => m.class === 'high' || m.class === 'low');
        return failing.length > 0 && failing.every(failedForGood);
    }
    if (report.verdict === 'pass')
        return counted.every((m) => m.kind === 'rate' && m.sequential?.decision === 'not-worse');
    return false;
}

// EXTERNAL MODULE: ./src/core/secrets/index.ts + 1 modules
var core_secrets = __webpack_require__(4492);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/core/secrets/quote.ts
var quote = __webpack_require__(8853);
// EXTERNAL MODULE: ./src/core/objects.ts
var objects = __webpack_require__(7459);
;// CONCATENATED MODULE: ./src/core/metrics/metrics-config.ts







const COMMON = ['name', 'kind', 'direction', 'critical', 'weight', 'muted'];
/** The fields of a metric definition, by kind (the repository's naming test reads them). */
const METRIC_FIELDS = {
    rate: [...COMMON, 'errors', 'requests', 'allowedIncrease', 'negligibleErrorRate', 'detect'],
    latency: [...COMMON, 'histogram', 'slowerThan', 'allowedIncrease', 'negligibleShare', 'detect'],
    continuous: [...COMMON, 'query', 'allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease', 'minSamples'],
    threshold: [...COMMON, 'query', 'thresholds', 'failureLimit'],
};
const DIRECTIONS = ['increase', 'decrease', 'either'];
/**
 * Parses YAML metric definitions (a list); `where` names their origin in errors, e.g. `input
 * 'metrics'`. Queries are checked as templates of `dialect`, the source's query language (default PromQL).
 */
function parseMetricsYaml(text, where, dialect = promqlDialect) {
    let value;
    try {
        value = loadYaml(text);
    }
    catch (error) {
        throw new SlipwayError(`${where}: not valid YAML: ${error.message.split('\n')[0]}`);
    }
    return validateMetrics(value, where, dialect);
}
/** Validates already-parsed metric definitions, queries in `dialect`; errors name the metric and the field. */
function validateMetrics(value, where, dialect = template_promqlDialect) {
    const list = (0,objects/* isRecord */.u)(value) && Array.isArray(value.metrics) ? value.metrics : value;
    if (!Array.isArray(list) || list.length === 0) {
        throw new errors/* SlipwayError */.GQ(`${where}: expected a non-empty list of metrics, e.g.\n- {name: error-rate, kind: rate, errors: 'sum(http_requests_total{{{selector}}, code=~"5.."}) or vector(0)', requests: 'sum(http_requests_total{{{selector}}})'}`);
    }
    const metrics = list.map((item, index) => validateMetric(item, `${where}: metrics[${index}]`, dialect));
    const seen = new Set();
    for (const m of metrics) {
        if (seen.has(m.name))
            throw new errors/* SlipwayError */.GQ(`${where}: metric name "${m.name}" is used twice; names must be unique.`);
        seen.add(m.name);
    }
    // The judge refuses such a list; refused here, it never reaches an analysis that has started.
    if (metrics.every((m) => m.muted))
        throw new errors/* SlipwayError */.GQ(`${where}: every metric is muted, and a muted metric never decides. Fix: unmute one, or add one that gates the rollout.`);
    return metrics;
}
function validateMetric(item, at, dialect) {
    if (!(0,objects/* isRecord */.u)(item))
        throw new errors/* SlipwayError */.GQ(`${at}: expected a mapping with name, kind and queries.`);
    if (typeof item.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(item.name)) {
        throw new errors/* SlipwayError */.GQ(`${at}: field name: expected a name of letters, digits, '-', '_', '.' or ':', got ${(0,quote/* quote */.h)(item.name)}.`);
    }
    const where = `${at} "${item.name}"`;
    const kind = item.kind;
    if (kind !== 'rate' && kind !== 'latency' && kind !== 'continuous' && kind !== 'threshold') {
        throw new errors/* SlipwayError */.GQ(`${where}: field kind: expected rate, latency, continuous or threshold, got ${(0,quote/* quote */.h)(kind)}.`);
    }
    const unknown = Object.keys(item).filter((k) => !METRIC_FIELDS[kind].includes(k));
    if (unknown.length > 0)
        throw new errors/* SlipwayError */.GQ(`${where}: unknown field ${unknown.join(', ')}; a ${kind} metric has ${METRIC_FIELDS[kind].join(', ')}.`);
    const field = new FieldReader(item, where, dialect);
    const base = {
        name: item.name,
        direction: field.choice('direction', DIRECTIONS) ?? 'increase',
        critical: field.boolean('critical') ?? false,
        weight: field.number('weight', { min: 0 }) ?? 1,
        muted: field.boolean('muted') ?? false,
    };
    switch (kind) {
        case 'rate': {
            // The judge's allowed ratio must exceed 1: "no increase at all" can never be shown.
            const allowed = field.percent('allowedIncrease', { positive: true });
            // The judge takes it as a fraction of requests, below 1.
            const negligible = field.percent('negligibleErrorRate', { below: 100 });
            return (0,objects/* dropUndefined */.i)({
                ...base,
                kind,
                errors: field.query('errors'),
                requests: field.query('requests'),
                allowedRatio: allowed === undefined ? undefined : 1 + allowed / 100,
                negligibleRate: negligible === undefined ? undefined : negligible / 100,
                detect: field.parsed('detect', values/* parseDetectRatio */.o_),
            });
        }
        case 'latency': {
            // Its queries are PromQL over a Prometheus histogram's buckets (latency.ts).
            if (dialect !== template_promqlDialect)
                throw new errors/* SlipwayError */.GQ(`${where}: kind latency counts a Prometheus histogram's buckets, and this source speaks ${dialect.language}. Fix: use a Prometheus-API source, or write the slow requests as a rate metric (errors: the requests slower than the threshold, requests: all of them).`);
            // Slower is the harm; a canary that is faster is never a regression of this metric.
            if (base.direction !== 'increase')
                throw new errors/* SlipwayError */.GQ(`${where}: field direction: a latency metric counts the requests slower than its threshold, and more of them is the harm: expected increase (or no direction), got ${(0,quote/* quote */.h)(item.direction)}.`);
            const allowed = field.percent('allowedIncrease', { positive: true });
            const negligible = field.percent('negligibleShare', { below: 100 });
            const latency = { histogram: field.required('histogram', parseHistogramName), slowerThanSeconds: field.required('slowerThan', parseSlowerThan) };
            return (0,objects/* dropUndefined */.i)({
                ...base,
                kind: 'rate',
                ...latencyQueries(latency),
                allowedRatio: allowed === undefined ? undefined : 1 + allowed / 100,
                negligibleRate: negligible === undefined ? undefined : negligible / 100,
                detect: field.parsed('detect', values/* parseDetectRatio */.o_),
                latency,
            });
        }
        case 'continuous':
            return (0,objects/* dropUndefined */.i)({
                ...base,
                kind,
                query: field.query('query'),
                allowedIncrease: field.percent('allowedIncrease'),
                allowedDecrease: field.percent('allowedDecrease'),
                criticalIncrease: field.percent('criticalIncrease'),
                criticalDecrease: field.percent('criticalDecrease'),
                minSamples: field.number('minSamples', { min: 1, integer: true }),
            });
        case 'threshold': {
            const thresholds = item.thresholds;
            if (!(0,objects/* isRecord */.u)(thresholds) || (thresholds.min === undefined && thresholds.max === undefined) || Object.keys(thresholds).some((k) => k !== 'min' && k !== 'max')) {
                throw new errors/* SlipwayError */.GQ(`${where}: field thresholds: expected {min: <number>} and/or {max: <number>}, got ${(0,quote/* quote */.h)(thresholds)}.`);
            }
            const bounds = new FieldReader(thresholds, `${where}: thresholds`, dialect);
            const min = bounds.number('min');
            const max = bounds.number('max');
            if (min !== undefined && max !== undefined && min > max)
                throw new errors/* SlipwayError */.GQ(`${where}: field thresholds: min ${min} is above max ${max}.`);
            return (0,objects/* dropUndefined */.i)({ ...base, kind, query: field.query('query'), min, max, failureLimit: field.number('failureLimit', { min: 0, integer: true }) });
        }
    }
}
/** Reads typed fields of one mapping with errors naming the metric and the field. */
class FieldReader {
    item;
    where;
    dialect;
    constructor(item, where, dialect) {
        this.item = item;
        this.where = where;
        this.dialect = dialect;
    }
    fail(name, expected, fix) {
        throw new errors/* SlipwayError */.GQ(`${this.where}: field ${name}: expected ${expected}, got ${(0,quote/* quote */.h)(this.item[name])}.${fix ? ` Fix: ${fix}` : ''}`);
    }
    query(name) {
        const value = this.item[name];
        if (typeof value !== 'string' || value.trim() === '')
            this.fail(name, `a ${this.dialect.language} query template, e.g. ${this.dialect.example}`);
        this.dialect.check(value, `${this.where}: field ${name}`);
        return value.trim();
    }
    choice(name, choices) {
        const value = this.item[name];
        if (value === undefined)
            return undefined;
        if (!choices.includes(value))
            this.fail(name, `one of ${choices.join(', ')}`);
        return value;
    }
    boolean(name) {
        const value = this.item[name];
        if (value === undefined || typeof value === 'boolean')
            return value;
        return this.fail(name, 'true or false');
    }
    number(name, limits = {}) {
        const value = this.item[name];
        if (value === undefined)
            return undefined;
        const ok = typeof value === 'number' && Number.isFinite(value) && (limits.min === undefined || value >= limits.min) && (!limits.integer || Number.isInteger(value));
        if (!ok)
            this.fail(name, `a ${limits.integer ? 'whole ' : ''}number${limits.min === undefined ? '' : ` ≥ ${limits.min}`}`);
        return value;
    }
    /** A percentage (values/percentage.ts): `10%`, `'10%'` or `10`. */
    percent(name, bounds = {}) {
        return this.parsed(name, (value) => (0,values/* parsePercentage */.A3)(value, bounds));
    }
    /** A field that must be there, read by `parse` (whose error for a missing value says what is expected). */
    required(name, parse) {
        try {
            return parse(this.item[name]);
        }
        catch (error) {
            if (error instanceof values/* ValueError */.Qp)
                this.fail(name, error.expected, error.fix);
            throw error;
        }
    }
    /** A value read by its concept's parser (src/core/values), its ValueError told as this field's. */
    parsed(name, parse) {
        return this.item[name] === undefined ? undefined : this.required(name, parse);
    }
}

;// CONCATENATED MODULE: ./src/core/metrics/analysis-template.ts







/** A template, its arguments or a value refused; `givenArg` names a given argument at fault, `missingArg` a required one not given. */
class AnalysisTemplateError extends errors/* SlipwayError */.GQ {
    problem;
    name = 'AnalysisTemplateError';
    constructor(message, problem = {}) {
        super(message);
        this.problem = problem;
    }
}
/** No arguments: metrics written inline, where `{{args.…}}` has nothing to name. */
const NO_ARGS = { values: new Map(), given: new Set(), declared: [] };
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ARG_PLACEHOLDER = /^\{\{\s*args\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/;
const ARG_PLACEHOLDERS = /\{\{\s*args\.[A-Za-z_][A-Za-z0-9_-]*\s*\}\}/g;
const ANY_ARG_OPENING = /^\{\{\s*args\./;
/** The query placeholders of template.ts, as its scanner sees them. */
const QUERY_PLACEHOLDERS = /\{\{\s*[A-Za-z_]+\s*\}\}/g;
/** Outside string literals a value must be one token that cannot open or close anything. */
const INERT_TOKEN = /^[A-Za-z0-9_:.]+$/;
/** PromQL keywords that join or modify expressions; case-insensitive, as in Prometheus's lexer. */
const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'atan2', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);
/**
 * Metric fields that are not PromQL: an argument there is plain text, checked afterwards by the
 * field's own validation. Every other field — the queries, and any field added later — is filled
 * by the PromQL rules, so a new query field is safe by default.
 */
const PLAIN_FIELDS = new Set([
    ...['name', 'kind', 'direction', 'critical', 'weight', 'muted'],
    ...['allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease', 'negligibleErrorRate', 'negligibleShare', 'detect', 'minSamples', 'slowerThan', 'thresholds', 'failureLimit'],
]);
const TEMPLATE_EXAMPLE = 'args: [{name: service}, {name: window, value: 5m}]\nmetrics:\n  - {name: error-rate, kind: rate, errors: \'sum(http_requests_total{{{selector}}, service="{{args.service}}", code=~"5.."}) or vector(0)\', requests: \'sum(http_requests_total{{{selector}}, service="{{args.service}}"})\'}';
/**
 * Parses a template: a list of metrics, or a mapping with `metrics:` and optional `args:`.
 * `lines` (default true) puts the line of a metric in its errors (`<source> line 9: metrics[0] …`).
 */
function parseAnalysisTemplate(text, source, options = {}) {
    let document;
    try {
        document = parseLocatedYaml(text, source);
    }
    catch (error) {
        if (error instanceof PlanError)
            throw new AnalysisTemplateError(error.message);
        throw error;
    }
    const value = document.value;
    const at = (path) => (options.lines === false ? source : `${source} line ${document.lineOf(path)}`);
    const lineOf = (list) => (index, field) => (options.lines === false ? undefined : document.lineOf([...list, index, ...(field === undefined ? [] : [field])]));
    if (Array.isArray(value))
        return { source, args: [], metrics: value, lineOf: lineOf([]) };
    if (value === null || typeof value !== 'object') {
        throw new AnalysisTemplateError(`${source}: expected a list of metrics, or a template with args: and metrics:, e.g.\n${TEMPLATE_EXAMPLE}`);
    }
    const raw = value;
    for (const key of Object.keys(raw)) {
        if (key !== 'args' && key !== 'metrics')
            throw new AnalysisTemplateError(`${at([key])}: unknown field ${key}; a template has args: and metrics:.`);
    }
    if (raw.metrics === undefined)
        throw new AnalysisTemplateError(`${at([])}: a template needs metrics:, e.g.\n${TEMPLATE_EXAMPLE}`);
    return { source, args: argsOf(raw.args, at), metrics: raw.metrics, lineOf: lineOf(['metrics']) };
}
function argsOf(value, at) {
    if (value === undefined)
        return [];
    if (!Array.isArray(value))
        throw new AnalysisTemplateError(`${at(['args'])}: args: expected a list such as [{name: service}, {name: window, value: 5m}] (value is the default), got ${(0,quote/* quote */.h)(value)}.`);
    const seen = new Set();
    return value.map((item, index) => {
        const where = `${at(['args', index])}: args[${index}]`;
        if (item === null || typeof item !== 'object' || Array.isArray(item))
            throw new AnalysisTemplateError(`${where}: expected {name: <name>} or {name: <name>, value: <default>}, got ${(0,quote/* quote */.h)(item)}.`);
        const arg = item;
        const unknown = Object.keys(arg).filter((k) => k !== 'name' && k !== 'value');
        if (unknown.length > 0) {
            const valueFrom = unknown.includes('valueFrom') ? ' valueFrom (secrets, fields) is not supported: pass the value as an argument.' : '';
            throw new AnalysisTemplateError(`${where}: unknown field ${unknown.join(', ')}; an argument has name and value (its default).${valueFrom}`);
        }
        if (typeof arg.name !== 'string' || !ARG_NAME.test(arg.name))
            throw new AnalysisTemplateError(`${where}: name: expected letters, digits, '_' and '-', starting with a letter or '_', got ${(0,quote/* quote */.h)(arg.name)}.`);
        if (seen.has(arg.name))
            throw new AnalysisTemplateError(`${where}: argument ${arg.name} is declared twice.`);
        seen.add(arg.name);
        if (!('value' in arg))
            return { name: arg.name };
        if (!isArgValue(arg.value))
            throw new AnalysisTemplateError(`${where} ${arg.name}: value: expected a string, a number or true/false as the default, got ${(0,quote/* quote */.h)(arg.value)}. Fix: leave value out to make the argument required.`);
        return { name: arg.name, defaultValue: arg.value };
    });
}
/**
 * The template's metrics, filled with `given` (its defaults for the rest) and validated like
 * inline metrics, queries in `dialect` (default PromQL). `argsWhere` names where arguments are given, for the fix (`analysis.args`,
 * `input 'args'`). Throws an AnalysisTemplateError naming the template, the metric, the
 * field and the fix.
 */
function renderAnalysisTemplate(template, given, argsWhere, dialect) {
    const bindings = bindArgs(template, given, argsWhere);
    const located = (message, problem) => {
        const [, index, field] = /^metrics\[(\d+)\](?: "[^"]*")?(?:: field ([A-Za-z]+))?/.exec(message) ?? [];
        const line = index === undefined ? undefined : template.lineOf(Number(index), field);
        return new AnalysisTemplateError(`${template.source}${line === undefined ? '' : ` line ${line}`}: ${message}`, problem);
    };
    let filled;
    try {
        filled = fillArgs(template.metrics, bindings);
    }
    catch (error) {
        if (error instanceof AnalysisTemplateError)
            throw located(error.message, error.problem);
        throw error;
    }
    try {
        return validateMetrics(filled, '', dialect);
    }
    catch (error) {
        if (error instanceof errors/* SlipwayError */.GQ)
            throw located(error.message.replace(/^: /, ''));
        throw error;
    }
}
/** The template's arguments bound to `given`: an undeclared one, a bad value or a missing required one is an error. */
function bindArgs(template, given, argsWhere) {
    const declared = template.args.map((a) => a.name);
    const values = new Map();
    for (const [name, value] of Object.entries(given)) {
        if (!declared.includes(name)) {
            throw new AnalysisTemplateError(`${template.source}: argument ${name} (in ${argsWhere}) is not declared; ${declared.length === 0 ? 'the template declares no args' : `it declares ${declared.join(', ')}`}. Fix: correct the name, or declare it under args: in the template.`, { givenArg: name });
        }
        if (!isArgValue(value))
            throw new AnalysisTemplateError(`${template.source}: argument ${name} (in ${argsWhere}): expected a string, a number or true/false, got ${(0,quote/* quote */.h)(value)}.`, { givenArg: name });
        values.set(name, value);
    }
    for (const arg of template.args) {
        if (values.has(arg.name))
            continue;
        if (arg.defaultValue === undefined) {
            throw new AnalysisTemplateError(`${template.source}: argument ${arg.name} is required (it has no default value) and ${argsWhere} does not give it. Fix: add ${arg.name}: <value> to ${argsWhere}.`, { missingArg: arg.name });
        }
        values.set(arg.name, arg.defaultValue);
    }
    return { values, given: new Set(Object.keys(given)), declared };
}
/**
 * Metric definitions with every `{{args.<name>}}` filled (see the top of this file for the rules).
 * A field that is one placeholder alone takes a number or true/false as it is. Errors read
 * `metrics[i] "<name>": field <field>: …`, as validateMetrics' do.
 */
function fillArgs(metrics, bindings) {
    if (!Array.isArray(metrics))
        return metrics;
    return metrics.map((item, index) => {
        if (item === null || typeof item !== 'object' || Array.isArray(item))
            return item;
        const metric = item;
        const where = `metrics[${index}]${typeof metric.name === 'string' ? ` "${metric.name}"` : ''}`;
        return Object.fromEntries(Object.entries(metric).map(([field, value]) => [field, fillValue(value, PLAIN_FIELDS.has(field), `${where}: field ${field}`, bindings)]));
    });
}
function fillValue(value, plain, where, bindings) {
    if (Array.isArray(value))
        return value.map((v, i) => fillValue(v, plain, `${where}[${i}]`, bindings));
    if (value !== null && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, fillValue(v, plain, `${where}.${key}`, bindings)]));
    }
    if (typeof value !== 'string' || !value.includes('{{'))
        return value;
    const whole = ARG_PLACEHOLDER.exec(value.trim());
    if (whole && whole[0] === value.trim()) {
        const argValue = analysis_template_valueOf(whole[1], where, bindings);
        // A number or true/false stays one (`max: '{{args.max}}'`); it cannot carry a query's text.
        if (typeof argValue !== 'string')
            return argValue;
        if (plain)
            return argValue;
    }
    return plain ? fillText(value, where, bindings) : fillQuery(value, where, bindings);
}
function analysis_template_valueOf(name, where, bindings) {
    const value = bindings.values.get(name);
    if (value === undefined) {
        const declared = bindings.declared.length === 0 ? 'no args are declared' : `declared: ${bindings.declared.join(', ')}`;
        throw new AnalysisTemplateError(`${where}: {{args.${name}}} names no argument (${declared}). Fix: declare it under args: of a template file (docs/analysis.md, "Reusable analysis templates"), or correct the name.`);
    }
    return value;
}
/** Fills a plain field's placeholders with their values as text. */
function fillText(text, where, bindings) {
    checkArgOpenings(text, where);
    return text.replace(ARG_PLACEHOLDERS, (placeholder) => String(analysis_template_valueOf(ARG_PLACEHOLDER.exec(placeholder)[1], where, bindings)));
}
/** Fills a query's placeholders where each stands, and checks no value formed another placeholder. */
function fillQuery(query, where, bindings) {
    checkArgOpenings(query, where);
    const parts = [];
    let last = 0;
    scan(query, (name, inString, start, end) => {
        const value = analysis_template_valueOf(name, where, bindings);
        const text = String(value);
        const givenArg = bindings.given.has(name) ? name : undefined;
        const refuse = (why, fix) => {
            throw new AnalysisTemplateError(`${where}: argument ${name} has the value ${(0,quote/* quote */.h)(text)}, ${why}. Fix: ${fix}`, { givenArg });
        };
        let rendered;
        if (inString === '"') {
            rendered = escapeString(text);
        }
        else if (inString) {
            // A value cannot be escaped the same way in '…' and `…` strings: refused, whatever it is.
            throw new AnalysisTemplateError(`${where}: {{args.${name}}} stands inside a ${inString}…${inString} string; an argument may stand inside a double-quoted string, where it is escaped, or outside strings as one token. Fix: write e.g. service="{{args.${name}}}".`);
        }
        else {
            if (!INERT_TOKEN.test(text) || PROMQL_KEYWORDS.has(text.toLowerCase())) {
                refuse('which cannot stand outside a string literal: there an argument must be one token of letters, digits, _, : and . (a metric or label name, a number, a duration) and not a PromQL keyword', `pass such a token, or put {{args.${name}}} inside a double-quoted label value in the template (e.g. service="{{args.${name}}}"), where any value is escaped`);
            }
            rendered = text;
        }
        parts.push(query.slice(last, start), rendered);
        last = end;
    }, ARG_PLACEHOLDER);
    parts.push(query.slice(last));
    const filled = parts.join('');
    // `{{{{args.x}}}}` with x = selector would read as {{selector}}: a value must never pick a placeholder.
    const before = query.replace(ARG_PLACEHOLDERS, '\u0000').match(QUERY_PLACEHOLDERS) ?? [];
    const after = filled.match(QUERY_PLACEHOLDERS) ?? [];
    if (before.join() !== after.join()) {
        const formed = after.find((p) => !before.includes(p)) ?? after.join(', ');
        throw new AnalysisTemplateError(`${where}: an argument's value forms the placeholder ${formed} with the text around it. Fix: keep {{args.…}} away from {{ and }} in the template.`);
    }
    return filled;
}
/** `{{args.` must open a well-formed placeholder (`{{args.service}}`), never a typo passed on to Prometheus. */
function checkArgOpenings(text, where) {
    for (let i = text.indexOf('{{'); i !== -1; i = text.indexOf('{{', i + 1)) {
        const rest = text.slice(i);
        if (ANY_ARG_OPENING.test(rest) && !ARG_PLACEHOLDER.test(rest)) {
            throw new AnalysisTemplateError(`${where}: ${(0,quote/* quote */.h)(rest.slice(0, 40))} is not an argument placeholder; write {{args.<name>}}, a name of letters, digits, '_' and '-'.`);
        }
    }
}
/**
 * Reads a template file. `path` is relative to `workspace` (default the working directory: the
 * workspace in GitHub Actions, where `slipway` runs from the CLI), as the analyze action's
 * `metrics` file is; errors name the path as written.
 */
function readAnalysisTemplate(path, workspace = process.cwd()) {
    const file = (0,external_node_path_.resolve)(workspace, path);
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch (error) {
        const code = error.code;
        throw new AnalysisTemplateError(`${path}: cannot read the template (${code === 'ENOENT' ? `no file ${file}` : (code ?? error.message)}). Fix: give its path relative to the workspace (the repository's root), e.g. .github/analysis/http.yml.`);
    }
    return parseAnalysisTemplate(text, path);
}
function isArgValue(value) {
    return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

;// CONCATENATED MODULE: ./src/core/metrics/source-settings.ts





/** The source types, as the settings name them. */
const SOURCE_TYPES = ['prometheus', 'web', 'datadog', 'cloudwatch', 'newrelic'];
const FIELDS = {
    prometheus: ['url', 'headers', 'sigv4', 'delay'],
    web: ['url', 'headers', 'jsonPath', 'timeout', 'delay'],
    datadog: ['site', 'url', 'apiKey', 'appKey', 'delay'],
    cloudwatch: ['region', 'endpoint', 'delay'],
    newrelic: ['accountId', 'apiKey', 'region', 'url', 'delay'],
};
/** The default `delay` by source type, seconds (SourceSettingsBase.delaySeconds). */
const DEFAULT_DELAY_SECONDS = { prometheus: 0, web: 0, datadog: 60, cloudwatch: 60, newrelic: 60 };
/** The longest `delay`: an interval read later than this is a source too slow to judge a canary by. */
const MAX_DELAY_SECONDS = 600;
/** An environment reference, `{{env.NAME}}`: the name is the first group. */
const ENV_REFERENCE = /\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const EXAMPLE = '{prometheus: {url: http://prometheus:9090}}, {datadog: {site: datadoghq.eu}}, {cloudwatch: {region: eu-west-1}}, {newrelic: {accountId: 1234567}} or {web: {url: https://metrics.example.com/api/, jsonPath: $.value}}';
/** Parses source settings; errors name `where` (e.g. `analysis.source`), the field and the fix. */
function parseSourceSettings(value, where) {
    const keys = (0,objects/* isRecord */.u)(value) ? Object.keys(value) : [];
    if (!(0,objects/* isRecord */.u)(value) || keys.length !== 1 || !SOURCE_TYPES.includes(keys[0])) {
        throw new errors/* SlipwayError */.GQ(`${where}: expected a mapping with one key, the source type (${SOURCE_TYPES.join(', ')}), got ${(0,quote/* quote */.h)(value)}. For example ${EXAMPLE}.`);
    }
    const type = keys[0];
    const body = value[type] ?? {};
    if (!(0,objects/* isRecord */.u)(body))
        throw new errors/* SlipwayError */.GQ(`${where}.${type}: expected a mapping of settings (${FIELDS[type].join(', ')}), got ${(0,quote/* quote */.h)(body)}.`);
    const unknown = Object.keys(body).filter((k) => !FIELDS[type].includes(k));
    if (unknown.length > 0)
        throw new errors/* SlipwayError */.GQ(`${where}.${type}: unknown field ${unknown.join(', ')}; a ${type} source has ${FIELDS[type].join(', ')}.`);
    const field = new SettingsReader(body, `${where}.${type}`);
    const delaySeconds = field.has('delay') ? field.seconds('delay', { min: 0, max: MAX_DELAY_SECONDS }) : DEFAULT_DELAY_SECONDS[type];
    switch (type) {
        case 'prometheus':
            return (0,objects/* dropUndefined */.i)({ type, delaySeconds, url: field.url('url', true), headers: field.headers(), sigv4: field.sigv4() });
        case 'web':
            return {
                type,
                delaySeconds,
                url: field.url('url', true),
                headers: field.headers(),
                jsonPath: field.text('jsonPath', /^\$/, 'a JSONPath expression starting with $, e.g. $.data.value') ?? '$',
                timeoutMs: field.has('timeout') ? field.seconds('timeout', { min: 1, max: 300 }) * 1000 : 10_000,
            };
        case 'datadog':
            return (0,objects/* dropUndefined */.i)({
                type,
                delaySeconds,
                site: field.text('site', /^[a-z0-9.-]+\.[a-z]+$/, 'a Datadog site such as datadoghq.com, datadoghq.eu or us5.datadoghq.com') ?? 'datadoghq.com',
                url: field.url('url', false),
                apiKey: field.envReference('apiKey', 'DD_API_KEY'),
                appKey: field.envReference('appKey', 'DD_APP_KEY'),
            });
        case 'cloudwatch':
            return (0,objects/* dropUndefined */.i)({ type, delaySeconds, region: field.text('region', /^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1'), endpoint: field.url('endpoint', false) });
        case 'newrelic': {
            const accountId = body.accountId;
            if (typeof accountId !== 'number' || !Number.isInteger(accountId) || accountId <= 0) {
                throw new errors/* SlipwayError */.GQ(`${where}.newrelic: field accountId: expected your New Relic account id (a whole number), got ${(0,quote/* quote */.h)(accountId)}.`);
            }
            const region = body.region ?? 'us';
            if (region !== 'us' && region !== 'eu')
                throw new errors/* SlipwayError */.GQ(`${where}.newrelic: field region: expected us or eu, got ${(0,quote/* quote */.h)(region)}.`);
            return (0,objects/* dropUndefined */.i)({ type, delaySeconds, accountId, apiKey: field.envReference('apiKey', 'NEW_RELIC_API_KEY'), region, url: field.url('url', false) });
        }
    }
}
/** The source of a plan or input that names only a Prometheus URL (`prometheus:`). */
function prometheusSettings(url, headers = {}) {
    return { type: 'prometheus', delaySeconds: DEFAULT_DELAY_SECONDS.prometheus, url, headers };
}
/**
 * The settings with the request headers of an action input (`prometheus-headers`: literal values,
 * from secrets) laid over the settings' own. Only a Prometheus-API source takes them.
 */
function withInputHeaders(settings, headers, input) {
    if (Object.keys(headers).length === 0)
        return settings;
    if (settings.type !== 'prometheus')
        throw new SlipwayError(`Input '${input}' sets headers of a Prometheus source, and the metric source is ${settings.type}. Fix: remove ${input}, or give the headers in the source's own settings.`);
    return { ...settings, headers: { ...settings.headers, ...headers } };
}
/** Where a source is, for messages and the dry run: its URL (credentials masked) or its region or site. */
function describeSource(settings) {
    switch (settings.type) {
        case 'prometheus':
        case 'web':
            return `${settings.type} at ${(0,core_secrets/* splitUrlCredentials */.CN)(settings.url).url}`;
        case 'datadog':
            return `datadog at ${settings.url ?? settings.site}`;
        case 'cloudwatch':
            return `cloudwatch in ${settings.endpoint ?? settings.region ?? 'the AWS chain\'s region'}`;
        case 'newrelic':
            return `newrelic account ${settings.accountId}${settings.url ? ` at ${settings.url}` : ` (${settings.region})`}`;
    }
}
/** Reads typed fields of one source's settings, errors naming the field. */
class SettingsReader {
    body;
    where;
    constructor(body, where) {
        this.body = body;
        this.where = where;
    }
    has(name) {
        return this.body[name] !== undefined;
    }
    seconds(name, bounds) {
        try {
            return (0,values/* parseDuration */.E9)(this.body[name], bounds);
        }
        catch (error) {
            if (error instanceof values/* ValueError */.Qp)
                this.fail(name, error.expected, error.fix);
            throw error;
        }
    }
    fail(name, expected, fix) {
        throw new errors/* SlipwayError */.GQ(`${this.where}: field ${name}: expected ${expected}, got ${(0,quote/* quote */.h)(this.body[name])}.${fix ? ` Fix: ${fix}` : ''}`);
    }
    text(name, pattern, expected) {
        const value = this.body[name];
        if (value === undefined)
            return undefined;
        if (typeof value !== 'string' || !pattern.test(value.trim()))
            this.fail(name, expected);
        return value.trim();
    }
    url(name, required) {
        const value = this.body[name];
        if (value === undefined && !required)
            return undefined;
        if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value.trim()))
            this.fail(name, 'an http(s) URL');
        // Credentials in the URL are registered (and so masked) before anything can print it.
        (0,core_secrets/* splitUrlCredentials */.CN)(value);
        return value.trim();
    }
    headers() {
        const value = this.body.headers;
        if (value === undefined)
            return {};
        const fine = (0,objects/* isRecord */.u)(value) && Object.entries(value).every(([k, v]) => /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(k) && typeof v === 'string' && v !== '');
        // A header value may be a secret: the error names the field, never the values.
        if (!fine)
            throw new errors/* SlipwayError */.GQ(`${this.where}: field headers: expected a mapping of header names to text, e.g. {Authorization: 'Bearer {{env.METRICS_TOKEN}}'}.`);
        for (const [name, text] of Object.entries(value))
            checkEnvReferences(text, `${this.where}: header ${name}`);
        return value;
    }
    /** A credential: only ever `{{env.NAME}}` (a literal key in a committed file would leak it). */
    envReference(name, defaultVariable) {
        const value = this.body[name];
        if (value === undefined)
            return `{{env.${defaultVariable}}}`;
        if (typeof value !== 'string' || !new RegExp(`^${ENV_REFERENCE.source}$`).test(value.trim())) {
            // The value may be the key itself: never quoted.
            throw new errors/* SlipwayError */.GQ(`${this.where}: field ${name}: expected a reference to the environment variable that holds it, e.g. '{{env.${defaultVariable}}}'; a key written into a plan file is committed with it. Fix: put the secret in the step's env (${defaultVariable}: \${{ secrets.${defaultVariable} }}) and name it here, or leave ${name} out to read ${defaultVariable}.`);
        }
        return value.trim();
    }
    sigv4() {
        const value = this.body.sigv4;
        if (value === undefined)
            return undefined;
        const fine = (0,objects/* isRecord */.u)(value) && typeof value.region === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value.region) && Object.keys(value).every((k) => k === 'region' || k === 'service') && (value.service === undefined || (typeof value.service === 'string' && /^[a-z0-9-]+$/.test(value.service)));
        if (!fine)
            this.fail('sigv4', "{region: <AWS region>} (and optionally service, default 'aps' for Amazon Managed Prometheus)");
        const sigv4 = value;
        return { region: sigv4.region, service: sigv4.service ?? 'aps' };
    }
}
/** Throws when `text` holds a `{{…}}` that is not a well-formed `{{env.NAME}}`. */
function checkEnvReferences(text, where) {
    const rest = text.replace(ENV_REFERENCE, '');
    if (/\{\{|\}\}/.test(rest))
        throw new errors/* SlipwayError */.GQ(`${where}: a {{…}} that is not {{env.NAME}}; only environment variables can be referenced here, e.g. 'Bearer {{env.METRICS_TOKEN}}'.`);
}
/** The variables a setting's `{{env.NAME}}` references name, in order. */
function envVariablesIn(text) {
    return [...text.matchAll(ENV_REFERENCE)].map((m) => m[1]);
}
/** Header values with their `{{env.NAME}}` references resolved (resolveEnvReferences); `whereOf` names a header for messages. */
function resolveHeaders(headers, env, whereOf, register) {
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, resolveEnvReferences(value, env, whereOf(name), register)]));
}
/**
 * `text` with every `{{env.NAME}}` replaced by the variable's value from `env`, each value
 * registered as a secret by `register` before it is used. An unset or empty variable is an error
 * naming it and the fix.
 */
function resolveEnvReferences(text, env, where, register) {
    return text.replace(ENV_REFERENCE, (_, name) => {
        const value = env[name];
        if (value === undefined || value === '') {
            throw new SlipwayError(`${where} reads the environment variable ${name}, which is not set. Fix: give the step \`env: {${name}: \${{ secrets.${name} }}}\`.`);
        }
        register(value);
        return value;
    });
}

;// CONCATENATED MODULE: ./src/core/metrics/dialects/cloudwatch.ts


// CloudWatch Metrics Insights, the SQL dialect a GetMetricData `Expression` may hold
// (sources/cloudwatch.ts). A selector becomes the conditions of a WHERE clause:
// `"TargetGroup" = 'tg-v2' AND "Slot" != 'blue'`. Label keys are always double-quoted (valid for any
// key, and needed for one that is a reserved word such as "Version" or "Zone"); label values are
// single-quoted. The only escape Metrics Insights documents is a backslash before a quotation mark
// ("What needs quotation marks or escape characters?" in the CloudWatch user guide): it names no
// way to write a backslash itself, so a value holding one (it would escape the closing quote) or a
// control character is refused rather than guessed at. The WHERE clause has `=`, `!=` and `AND`
// only: regex matchers cannot be written.
const cloudwatch_EXAMPLE = 'SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", TargetGroup) WHERE {{selector}}';
/** A label value as the inside of a Metrics Insights single-quoted string: each quotation mark escaped with a backslash. */
function escapeInsightsString(value) {
    return value.replace(/['"]/g, (c) => `\\${c}`);
}
/** A label key as a Metrics Insights double-quoted identifier. */
function quoteKey(name) {
    // parseSelector admits only [A-Za-z_][A-Za-z0-9_]* names: nothing to escape, quoted for reserved words.
    return `"${escapeInsightsString(name)}"`;
}
/** The matchers as a WHERE clause's conditions, joined with AND. */
function renderInsightsConditions(matchers) {
    return matchers.map((m) => `${quoteKey(m.name)} ${m.op} '${escapeInsightsString(m.value)}'`).join(' AND ');
}
/** What in a value Metrics Insights has no way to write, if anything. */
function unwritable(value) {
    if (value.includes('\\'))
        return 'a backslash';
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (/[\u0000-\u001f\u007f]/.test(value))
        return 'a control character (such as a line break)';
    return undefined;
}
/**
 * CloudWatch Metrics Insights (GetMetricData's `Expression`): `{{selector}}` is WHERE conditions,
 * `{{version}}` stands inside single quotes ('{{version}}'), `{{interval}}` is whole seconds.
 */
const cloudwatchDialect = makeDialect({
    language: 'CloudWatch Metrics Insights',
    example: cloudwatch_EXAMPLE,
    selector: renderInsightsConditions,
    versionQuote: "'",
    version(value) {
        // checkSelector refused such a version already (the version is one of the selector's values).
        const bad = unwritable(value);
        if (bad)
            throw new errors/* SlipwayError */.GQ(`The version ${JSON.stringify(value)} holds ${bad}, which a CloudWatch Metrics Insights string cannot hold. Fix: use a version without it.`);
        return escapeInsightsString(value);
    },
    // Metrics Insights has no duration literal; metric math (RATE, PERIOD) counts seconds.
    interval: (seconds) => String(seconds),
    checkSelector(matchers, where) {
        for (const matcher of matchers) {
            if (matcher.op === '=~' || matcher.op === '!~') {
                throw new errors/* SlipwayError */.GQ(`${where}: the matcher ${template_renderSelector([matcher])} is a regular expression, which CloudWatch Metrics Insights cannot express: its WHERE clause compares a dimension with = or != only. ` +
                    'Fix: select each side with = or != matchers on its dimensions (e.g. TargetGroup="targetgroup/web-v2/0123456789abcdef").');
            }
            const bad = unwritable(matcher.value);
            if (bad) {
                throw new errors/* SlipwayError */.GQ(`${where}: the value of ${matcher.name} holds ${bad}, which CloudWatch Metrics Insights has no way to write in a string (it escapes only quotation marks). Fix: select by a dimension whose value has no backslash or control character.`);
            }
        }
    },
});

;// CONCATENATED MODULE: ./src/core/metrics/dialects/datadog.ts


// Datadog metric queries (sources/datadog.ts), e.g. `sum:trace.http.request.hits{service:web,{{selector}}}.as_count()`.
// A selector becomes the tag filters inside the braces, `name:value` joined by `,`, a `!=` matcher
// `!name:value`. Datadog's query language has no string literals and no escapes: a tag filter is
// bare text, so a value is safe only when every character of it is one a tag can hold (lower-case
// letters, digits and `_ - . / :`; Datadog lower-cases tags as it stores them and turns other
// characters into `_`). Anything else — a `,` or `}` that would end the filter, a `*` that would
// make it a wildcard, a space, an upper-case letter that could never match — is refused by
// checkSelector, and again when a query is rendered, rather than written into the query. A regex
// matcher cannot be written at all: Datadog filters by tags, not patterns. `{{version}}` stands bare
// (outside any string literal: there are none) and becomes the checked tag value; `{{interval}}` is
// whole seconds, as `.rollup(sum, {{interval}})` takes it.
const datadog_EXAMPLE = 'sum:trace.http.request.hits{service:web,{{selector}}}.as_count()';
/** A tag name: starts with a letter; lower-case letters, digits and `_ - . /` (a `:` would end it). */
const TAG_NAME = /^[a-z][a-z0-9_./-]*$/;
/** A tag value: lower-case letters, digits and `_ - . / :`. */
const TAG_VALUE = /^[a-z0-9_./:-]+$/;
/** A slot placeholder a plan's selector may hold until the rollout fills it with a slot name (a lower-case word). */
const datadog_SLOT_PLACEHOLDER = /\{\{\s*(?:canarySlot|stableSlot)\s*\}\}/g;
const TAG_RULE = "Datadog tags are lower-case letters, digits and _ - . / : (Datadog lower-cases tags as it stores them and turns any other character into _), and a query's tag filters have no quoting, so any other character would change the query instead of being matched";
/**
 * Why a matcher cannot be written as a Datadog tag filter, or undefined when it can. A plan's
 * selector is checked before its slot placeholders are filled (`slots`: they become lower-case
 * words); a rendered query never holds one.
 */
function problemOf(matcher, slots) {
    const shown = template_renderSelector([matcher]);
    if (matcher.op === '=~' || matcher.op === '!~') {
        return (`the matcher ${shown} uses ${matcher.op}, which a Datadog metric query cannot express: Datadog filters by tags (name:value), not by regular expressions, ` +
            "and Slipway does not turn a regex into a tag wildcard (such as version:v2*) either — a selector's values stand for exact tags. " +
            'Fix: select each side with = or != matchers of exact tag values (e.g. version="v2"); a wildcard or other filter that is the same for both sides can be written in the query template itself (e.g. {service:web*,{{selector}}}).');
    }
    if (!TAG_NAME.test(matcher.name)) {
        return `the matcher ${shown} names the tag ${JSON.stringify(matcher.name)}, which is not a Datadog tag name: ${TAG_RULE}, and a name starts with a letter. Fix: name the tag as Datadog stores it${/[A-Z]/.test(matcher.name) ? ` (${JSON.stringify(matcher.name.toLowerCase())})` : ''}.`;
    }
    const value = slots ? matcher.value.replace(datadog_SLOT_PLACEHOLDER, 'slot') : matcher.value;
    if (value === '') {
        return `the matcher ${shown} has an empty value; a Datadog tag filter names a value (a tag without one cannot be selected by name:""). Fix: give the tag's value, e.g. version="v2".`;
    }
    if (!TAG_VALUE.test(value)) {
        const others = [...new Set(value.replace(/[a-z0-9_./:-]/g, ''))].map((c) => JSON.stringify(c)).join(' ');
        const wildcard = value.includes('*') ? " A tag wildcard (*) is not supported in a selector either: its values stand for exact tags; write a wildcard in the query template itself if both sides share it." : '';
        const lower = /[A-Z]/.test(value) && TAG_VALUE.test(value.toLowerCase()) ? ` (${JSON.stringify(matcher.value.toLowerCase())}, as Datadog stores it)` : '';
        return `the matcher ${shown} has a value Datadog cannot hold as a tag (it contains ${others}): ${TAG_RULE}.${wildcard} Fix: write the tag's value as Datadog stores it${lower}.`;
    }
    return undefined;
}
/** Throws a SlipwayError naming `where` for the first matcher Datadog cannot express ({{canarySlot}} and {{stableSlot}} allowed in values when `slots`). */
function checkMatchers(matchers, where, slots) {
    for (const matcher of matchers) {
        const problem = problemOf(matcher, slots);
        if (problem)
            throw new errors/* SlipwayError */.GQ(`${where}: ${problem}`);
    }
}
/** QueryDialect.checkSelector: a plan's selectors, slot placeholders allowed. */
function checkSelector(matchers, where) {
    checkMatchers(matchers, where, true);
}
/** The matchers of a query about to be rendered: what is written must be a tag as it stands. */
function checkRendered(matchers, where) {
    checkMatchers(matchers, where, false);
}
/** The matchers as Datadog tag filters: `name:value`, `!name:value`, joined by `,` (each checked: never written unless safe). */
function renderTags(matchers) {
    checkRendered(matchers, 'A Datadog query');
    return matchers.map((m) => `${m.op === '!=' ? '!' : ''}${m.name}:${m.value}`).join(',');
}
/** The version as a bare tag value, checked. */
function renderVersion(value) {
    checkRendered([{ name: 'version', op: '=', value }], 'A Datadog query');
    return value;
}
const made = makeDialect({
    language: 'Datadog metric query',
    example: datadog_EXAMPLE,
    selector: renderTags,
    // No string literals in a Datadog metric query: {{version}} stands bare, e.g. {version:{{version}}}.
    versionQuote: '',
    version: renderVersion,
    // Whole seconds, as `.rollup(<method>, <seconds>)` takes them.
    interval: (seconds) => String(seconds),
    checkSelector,
});
/**
 * The Datadog dialect: metric queries such as `sum:trace.http.request.hits{service:web,{{selector}}}.as_count()`
 * or `avg:trace.http.request.duration{{{selector}}}.rollup(avg, {{interval}})`. Rendering checks
 * the matchers it writes, naming `where`, so a selector that slipped past checkSelector is still
 * refused rather than written.
 */
const datadogDialect = {
    language: made.language,
    example: made.example,
    check: made.check,
    checkSelector,
    render(template, values, where) {
        const used = made.check(template, where);
        if (used.has('selector'))
            checkRendered(values.selector, where);
        if (used.has('canary'))
            checkRendered(values.canary, where);
        if (used.has('baseline'))
            checkRendered(values.baseline, where);
        const version = used.has('version') ? versionOf(values.selector) : undefined;
        if (version !== undefined)
            checkRendered([{ name: 'version', op: '=', value: version }], where);
        return made.render(template, values, where);
    },
};

;// CONCATENATED MODULE: ./src/core/metrics/dialects/nrql.ts


// NRQL, New Relic's query language (sources/newrelic.ts sends it through NerdGraph). A selector
// becomes a WHERE condition, `version="v2", app=~"web|api"` → `` `version` = 'v2' AND `app` RLIKE 'web|api' ``:
// every attribute name in backticks (NRQL's quoting of names, so a name that is also a keyword
// stays a name), every value a single-quoted string with `\` and `'` backslash-escaped (NRQL
// strings take backslash escapes: a `\\` in one is one backslash, as New Relic's own apps write
// transaction names, newrelic/nr1-slo-r#85), so no value can end its string or the condition.
// RLIKE is RE2 and matches the whole value, exactly as Prometheus's =~ does, so a regex means the
// same on both. One difference stays: NRQL compares an attribute that is absent as NULL, so
// `a != 'x'` does not match an event without `a`, where Prometheus's a!="x" matches a series
// without the label; and values are strings, so the attribute must be a string attribute.
//
// The source owns the query's time: it appends `SINCE … UNTIL … TIMESERIES …` to every query, so
// a template that sets its own time range or buckets (SINCE, UNTIL, TIMESERIES, COMPARE WITH,
// SLIDE BY) is refused, and so is FACET, which splits the answer into several series where the
// analysis needs one. Only the query's top level counts: a subquery in parentheses may have its own.
//
// `{{interval}}` is written as NRQL writes a duration, `60 seconds` (`1 second`): it stands where
// NRQL takes one, e.g. `rate(count(*), {{interval}})`.
const nrql_EXAMPLE = 'SELECT count(*) FROM Transaction WHERE {{selector}} AND error IS TRUE';
/** The clauses a template must not have at its top level: the source writes the time range and the buckets itself, and one series is wanted. */
const OWN_CLAUSES = /\b(SINCE|UNTIL|TIMESERIES|FACET|COMPARE\s+WITH|SLIDE\s+BY)\b/gi;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Text for the inside of a NRQL single-quoted string: `\` and `'` backslash-escaped. */
function escapeNrqlString(value) {
    return value.replace(/[\\']/g, (c) => `\\${c}`);
}
/** A duration as NRQL writes it: `60 seconds`, `1 second`. */
function nrqlDuration(seconds) {
    return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
const OPERATORS = { '=': '=', '!=': '!=', '=~': 'RLIKE', '!~': 'NOT RLIKE' };
/** Matchers as a NRQL condition: `` `a` = 'x' AND `b` RLIKE 'y.*' ``. */
function renderCondition(matchers) {
    for (const matcher of matchers)
        refuseUnwritable(matcher, 'a selector');
    return matchers.map((m) => `\`${m.name}\` ${OPERATORS[m.op]} '${escapeNrqlString(m.value)}'`).join(' AND ');
}
/**
 * A control character (a newline, a tab) in a value: NRQL's documentation says nothing of how a
 * string holds one, so it is refused rather than guessed at; a backtick cannot be escaped in a name.
 */
function refuseUnwritable(matcher, where) {
    if (CONTROL.test(matcher.value)) {
        throw new errors/* SlipwayError */.GQ(`${where}: the value of ${template_renderSelector([matcher])} holds a control character (a newline or a tab), which a NRQL string cannot be trusted to hold. Fix: match it with a regex instead, e.g. ${matcher.name}=~"first.*second".`);
    }
    if (matcher.name.includes('`')) {
        throw new errors/* SlipwayError */.GQ(`${where}: the attribute name ${JSON.stringify(matcher.name)} holds a backtick, which cannot be quoted in NRQL. Fix: name an attribute without one.`);
    }
}
/**
 * The template's clauses that the source writes itself (SINCE, UNTIL, TIMESERIES, COMPARE WITH,
 * SLIDE BY) or that split the answer (FACET), upper-cased, as they stand at the query's top level:
 * outside string literals, backtick-quoted names and parentheses.
 */
function ownClausesIn(query) {
    let depth = 0;
    let top = '';
    for (let i = 0; i < query.length; i++) {
        const c = query[i];
        if (c === "'" || c === '"' || c === '`') {
            // Skip the literal or the quoted name; a backslash escapes the next character in a string.
            for (i++; i < query.length && query[i] !== c; i++)
                if (query[i] === '\\' && c !== '`')
                    i++;
            top += ' ';
        }
        else if (c === '(' || c === ')') {
            depth = Math.max(0, depth + (c === '(' ? 1 : -1));
            top += ' ';
        }
        else {
            top += depth === 0 ? c : ' ';
        }
    }
    return [...top.matchAll(OWN_CLAUSES)].map((m) => m[1].toUpperCase().replace(/\s+/, ' '));
}
/** Throws a SlipwayError naming `where` when the query sets its own time range or buckets, or facets. */
function checkOwnClauses(query, where) {
    const clauses = [...new Set(ownClausesIn(query))];
    if (clauses.length === 0)
        return;
    const facet = clauses.includes('FACET');
    const time = clauses.filter((c) => c !== 'FACET');
    const why = [
        time.length > 0 ? `${time.join(', ')}: Slipway appends SINCE <start> UNTIL <end> TIMESERIES <interval> to every query itself, so the analysis reads exactly its own window in buckets of its interval` : '',
        facet ? 'FACET: it splits the answer into one series per value, and the analysis compares one series per side' : '',
    ].filter(Boolean);
    const fix = facet ? 'aggregate to one series (drop FACET and select by WHERE {{selector}}) and leave out the time clauses' : 'leave out SINCE, UNTIL, TIMESERIES, COMPARE WITH and SLIDE BY';
    throw new errors/* SlipwayError */.GQ(`${where}: the NRQL query has ${clauses.join(', ')}, which a New Relic metric must leave out — ${why.join('; ')}. Fix: ${fix}, e.g. ${nrql_EXAMPLE}.`);
}
const parts = makeDialect({
    language: 'NRQL',
    example: nrql_EXAMPLE,
    selector: renderCondition,
    versionQuote: "'",
    version(value) {
        refuseUnwritable({ name: 'version', op: '=', value }, '{{version}}');
        return escapeNrqlString(value);
    },
    interval: nrqlDuration,
    checkSelector(matchers, where) {
        for (const matcher of matchers)
            refuseUnwritable(matcher, where);
    },
});
/**
 * NRQL: `{{selector}}` (and `{{canary}}`, `{{baseline}}`) a WHERE condition outside any string,
 * `{{version}}` inside a single-quoted string, `{{interval}}` a duration; templates that set their
 * own time range, buckets or facets are refused by check() as well as by render().
 */
const nrqlDialect = {
    language: parts.language,
    example: parts.example,
    checkSelector: parts.checkSelector,
    check(template, where) {
        const used = parts.check(template, where);
        checkOwnClauses(template, where);
        return used;
    },
    render(template, values, where) {
        checkOwnClauses(template, where);
        return parts.render(template, values, where);
    },
};

;// CONCATENATED MODULE: ./src/core/metrics/dialects/web.ts


// The web source's queries (sources/web.ts) are URLs, relative to the source's `url`, optionally
// ending with `#<JSONPath>` to pick the value from the JSON answer. The placeholders become parts
// of the URL that can never change where it points: a selector is `name=value&…` query parameters,
// `{{version}}` a path or parameter segment, each value percent-encoded (encodeURIComponent, so a
// `/`, `&`, `#` or `?` in a value stays inside it). A URL has no operators, so only `=` matchers
// can be written. The fragment is never sent to the server; it is read by Slipway, and it is kept
// free of placeholders: a JSONPath filter is code, and a value spliced into it could change what
// it picks.
const web_EXAMPLE = '/stats?{{selector}}#$.requests';
/** `a="x", b="y"` as URL query parameters `a=x&b=y`, names and values percent-encoded. */
function renderParameters(matchers) {
    return matchers.map((m) => `${encodeURIComponent(m.name)}=${encodeURIComponent(m.value)}`).join('&');
}
const urlDialect = makeDialect({
    language: 'URL',
    example: web_EXAMPLE,
    selector: renderParameters,
    // A URL has no string literals: {{version}} stands bare, percent-encoded.
    versionQuote: '',
    version: encodeURIComponent,
    // Whole seconds, e.g. `60`: an endpoint that takes a window most often takes it in seconds.
    interval: (seconds) => String(seconds),
    checkSelector(matchers, where) {
        const other = matchers.find((m) => m.op !== '=');
        if (other) {
            throw new errors/* SlipwayError */.GQ(`${where}: the matcher ${template_renderSelector([other])} uses ${other.op}, which a web source cannot express: its selectors become URL query parameters (name=value), so only = matchers can be written. ` +
                'Fix: select each side with = matchers only (e.g. version="v2"), or have the endpoint do the filtering and name it by a plain value.');
        }
    },
});
/** A query split into the URL (with its placeholders) and the JSONPath after `#`, if any. */
function splitWebQuery(query) {
    const hash = query.indexOf('#');
    return hash < 0 ? { url: query } : { url: query.slice(0, hash), jsonPath: query.slice(hash + 1) };
}
function checkFragment(template, where) {
    const { jsonPath } = splitWebQuery(template);
    if (jsonPath === undefined)
        return;
    if (/\{\{|\}\}/.test(jsonPath)) {
        throw new errors/* SlipwayError */.GQ(`${where}: a placeholder in the JSONPath after # (${JSON.stringify(jsonPath)}); placeholders may only stand in the URL before #. Fix: put the version or selector in the URL (e.g. ${web_EXAMPLE}) and have the endpoint answer for it.`);
    }
    if (!jsonPath.trim().startsWith('$')) {
        throw new errors/* SlipwayError */.GQ(`${where}: the text after # must be a JSONPath expression starting with $, got ${JSON.stringify(jsonPath)}; e.g. ${web_EXAMPLE}.`);
    }
}
/**
 * The web source's dialect: URL templates such as `/stats?{{selector}}#$.requests` or
 * `/versions/{{version}}/errors?window={{interval}}`; placeholders only before `#`.
 */
const webDialect = {
    language: urlDialect.language,
    example: urlDialect.example,
    checkSelector: urlDialect.checkSelector,
    check(template, where) {
        checkFragment(template, where);
        return urlDialect.check(splitWebQuery(template).url, where);
    },
    render(template, values, where) {
        checkFragment(template, where);
        const { url, jsonPath } = splitWebQuery(template);
        return urlDialect.render(url, values, where) + (jsonPath === undefined ? '' : `#${jsonPath}`);
    },
};

;// CONCATENATED MODULE: ./src/core/metrics/dialects/index.ts





// Each source type's query language, apart from the sources themselves: what parses a plan or the
// analyze action's inputs checks templates and selectors with these, and never loads a source.
const DIALECTS = {
    prometheus: template_promqlDialect,
    web: webDialect,
    datadog: datadogDialect,
    cloudwatch: cloudwatchDialect,
    newrelic: nrqlDialect,
};
/** The query language of a source type, for checking templates where settings are parsed. */
function dialectOf(type) {
    return DIALECTS[type];
}

;// CONCATENATED MODULE: ./src/core/notify/events.ts
// What a rollout tells the outside world: the events a `notify:` webhook receives
// (docs/notifications.md). The names follow the engine's results (RolloutResult), plus `started`.
/** The events a webhook can receive, in the order a rollout meets them. */
const ROLLOUT_EVENTS = ['started', 'paused', 'promoted', 'rolled-back'];
/** The environment's deployments page on GitHub (`<server>/<owner>/<repo>/deployments/<environment>`). */
function deploymentsPageUrl(repository, environment) {
    return `${repository.serverUrl}/${repository.owner}/${repository.repo}/deployments/${encodeURIComponent(environment)}`;
}

;// CONCATENATED MODULE: ./src/core/notify/settings.ts



/** The formats, as the settings name them. */
const NOTIFY_FORMATS = ['slack', 'json'];
/** The fields of a `notify:` block. */
const NOTIFY_KEYS = ['url', 'format', 'events', 'headers'];
const URL_EXPECTED = 'an absolute http:// or https:// URL (it is a secret, so it is shown masked)';
/** A webhook URL: registered as a secret first, then checked to be http(s). */
function parseNotifyUrl(value) {
    if (typeof value === 'string')
        (0,core_secrets/* registerSecret */.cl)(value.trim());
    if (typeof value !== 'string' || value.trim() === '')
        throw new values/* ValueError */.Qp(value, URL_EXPECTED, 'give the webhook URL, best from a secret: `notify-url: ${{ secrets.SLACK_WEBHOOK_URL }}`');
    let url;
    try {
        url = new URL(value.trim());
    }
    catch {
        throw new values/* ValueError */.Qp(value, URL_EXPECTED, 'write the whole URL, scheme included: https://hooks.slack.com/services/…');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new values/* ValueError */.Qp(value, URL_EXPECTED, `a webhook is posted to over HTTP; ${url.protocol} is not`);
    return value.trim();
}
/** `slack` or `json`. */
function parseNotifyFormat(value) {
    if (typeof value === 'string' && NOTIFY_FORMATS.includes(value.trim()))
        return value.trim();
    throw new values/* ValueError */.Qp(value, `one of ${NOTIFY_FORMATS.join(', ')}`, 'slack for a Slack (or Mattermost) incoming webhook, json for anything else');
}
/** A list of event names (a YAML list, or one name a line or comma-separated); none is refused. */
function parseNotifyEvents(value) {
    const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== '') : undefined;
    const expected = `a list of events from ${ROLLOUT_EVENTS.join(', ')}`;
    if (!items || items.length === 0)
        throw new values/* ValueError */.Qp(value, expected, 'leave `events` out to post every event');
    for (const item of items) {
        if (typeof item !== 'string' || !ROLLOUT_EVENTS.includes(item))
            throw new values/* ValueError */.Qp(item, `one of ${ROLLOUT_EVENTS.join(', ')}`, 'name the events to post, e.g. `events: [paused, rolled-back]`');
    }
    return [...new Set(items)];
}
/** A mapping of header names to string values; every value registered as a secret. */
function parseNotifyHeaders(value) {
    const expected = 'a mapping of header names to string values';
    if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new values/* ValueError */.Qp(value, expected, 'e.g. `headers: {Authorization: Bearer …}`');
    const headers = {};
    for (const [name, header] of Object.entries(value)) {
        // The credential after a scheme (`Bearer <token>`) is masked on its own too, as secretHeadersInput does.
        if (typeof header === 'string')
            for (const secret of [header, ...header.trim().split(/\s+/).slice(1)])
                (0,core_secrets/* registerSecret */.cl)(secret);
        if (typeof header !== 'string')
            throw new values/* ValueError */.Qp(header, 'a string', 'quote the value', `${name}:`);
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
            throw new values/* ValueError */.Qp(name, 'an HTTP header name', 'letters, digits and - only, e.g. X-Api-Key');
        headers[name] = header;
    }
    return headers;
}
/**
 * A `notify:` block ({url, format, events, headers}) read whole: each problem goes to `report`
 * with the field at fault (undefined: the block itself), and undefined is returned when there was one.
 */
function readNotifySettings(value, report) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        // `notify: https://hooks.slack.com/…` is a URL where the block was expected: masked before it is quoted.
        if (typeof value === 'string')
            (0,core_secrets/* registerSecret */.cl)(value.trim());
        report(undefined, new values/* ValueError */.Qp(value, 'a mapping with at least `url:`', 'e.g. `notify: {url: https://hooks.slack.com/services/…, format: slack}`, or the input notify-url'));
        return undefined;
    }
    const raw = value;
    let failed = false;
    const field = (key, parse, fallback) => {
        if (raw[key] === undefined)
            return fallback;
        try {
            return parse(raw[key]);
        }
        catch (error) {
            if (!(error instanceof values/* ValueError */.Qp))
                throw error;
            failed = true;
            report(key, error);
            return fallback;
        }
    };
    for (const key of Object.keys(raw)) {
        if (!NOTIFY_KEYS.includes(key)) {
            failed = true;
            report(key, new values/* ValueError */.Qp(key, `a field of notify (${NOTIFY_KEYS.join(', ')})`, 'remove it or fix its spelling'));
        }
    }
    // The URL first: registered before any other problem's message is formed.
    const url = raw.url === undefined ? undefined : field('url', parseNotifyUrl, undefined);
    if (raw.url === undefined) {
        failed = true;
        report('url', new values/* ValueError */.Qp(undefined, URL_EXPECTED, 'set `notify: {url: …}` in the plan, or the action input notify-url (from a secret)'));
    }
    const settings = {
        url: url ?? '',
        format: field('format', parseNotifyFormat, 'json'),
        events: field('events', parseNotifyEvents, [...ROLLOUT_EVENTS]),
        headers: field('headers', parseNotifyHeaders, {}),
    };
    return failed ? undefined : settings;
}
/** readNotifySettings that throws the first problem (a ValueError, with `field` set) instead of collecting. */
function parseNotifySettings(value) {
    let first;
    const settings = readNotifySettings(value, (field, problem) => {
        first ??= field && !problem.field ? new ValueError(problem.value, problem.expected, problem.fix, `${field}:`) : problem;
    });
    if (!settings)
        throw first;
    return settings;
}

// EXTERNAL MODULE: ./src/core/process/index.ts + 4 modules
var core_process = __webpack_require__(1707);
;// CONCATENATED MODULE: ./src/core/plan/slots.ts




/** The providers that can alternate slots, and which slot field each reads. */
const SLOT_ROUTER_FIELDS = {
    haproxy: { field: 'server', stable: 'stable', canary: 'canary', what: 'the server of the backend that runs the slot', example: 'server: blue' },
    nginx: { field: 'address', stable: 'stable', canary: 'canary', what: 'the `host:port` the slot answers on', example: 'address: 10.0.0.1:8080' },
    'gateway-api': { field: 'service', stable: 'stableService', canary: 'canaryService', what: 'the Service in front of the slot', example: 'service: shop-blue' },
    smi: { field: 'service', stable: 'stableService', canary: 'canaryService', what: 'the Service in front of the slot', example: 'service: shop-blue' },
    istio: { field: 'service', stable: 'stableHost', canary: 'canaryHost', what: 'the host (Service) in front of the slot', example: 'service: shop-blue' },
    command: { field: 'name', stable: 'stableVersion', canary: 'canaryVersion', what: "the slot's name", example: 'blue: {}' },
};
/** A slot name: it is recorded in the ledger, put into Kubernetes names ({slot}) and status lines. */
const SLOT_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const SLOT_KEYS = ['server', 'address', 'service'];
const DEPLOY_KEYS = ['run', 'env', 'timeout', 'kubernetes', 'ready'];
const KUBERNETES_KEYS = ['deployment', 'container', 'namespace', 'context', 'timeout'];
const READY_KEYS = ['url', 'timeout'];
// The router re-checks every value with its own grammar (src/core/traffic/settings.ts); these
// catch the common mistakes at the slot's own line.
const GRAMMARS = {
    server: { pattern: /^[A-Za-z0-9_.:-]+$/, expected: "a HAProxy server name (letters, digits, '-', '_', '.', ':')" },
    address: { pattern: /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}$/, expected: 'a `host:port` address' },
    service: { pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/, expected: "a Kubernetes Service name (lower-case letters, digits and '-', starting with a letter)" },
};
const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KUBERNETES_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DEFAULT_COMMAND_TIMEOUT = 600;
const DEFAULT_ROLLOUT_STATUS_TIMEOUT = 300;
const DEFAULT_READY_TIMEOUT = 60;
/**
 * Reads `slots:` and `deploy:` (they go together) and, with slots, fills the router's stable and
 * canary settings from them (the first slot stable). Every problem goes to `report`.
 */
function slotsOf(raw, router, report) {
    if (raw.slots === undefined && raw.deploy === undefined)
        return { router };
    if (raw.slots === undefined) {
        report(['deploy'], 'the deploy step starts the new version in a slot: add `slots:` with the two slots versions take turns in, e.g. `slots: {blue: {server: blue, address: 10.0.0.1:8080}, green: {server: green, address: 10.0.0.2:8080}}`');
        return { router };
    }
    const slots = slotList(raw.slots, report);
    if (raw.deploy === undefined)
        report(['slots'], 'slots need `deploy:` to start each new version in the idle slot, e.g. `deploy: {run: [./deploy.sh], ready: {url: "http://{address}/healthz"}}`');
    const deploy = raw.deploy === undefined || !slots ? undefined : deployOf(raw.deploy, slots, report);
    if (!slots || !router)
        return { slots, deploy, router };
    const fields = SLOT_ROUTER_FIELDS[router.provider];
    if (!fields) {
        const why = router.provider === 'ingress-nginx' ? "its stable Service is the one your own Ingress names, which cannot alternate" : 'it has no stable and canary settings to fill';
        report(['router', 'provider'], `${router.provider} cannot take slots (${why}). Fix: use one of ${Object.keys(SLOT_ROUTER_FIELDS).join(', ')}, or drop \`slots:\` and name stable and canary in \`router:\``);
        return { slots, deploy, router };
    }
    for (const key of [fields.stable, fields.canary]) {
        if (router.settings[key] !== undefined) {
            report(['router', key], `with \`slots:\` the ${router.provider} router's ${key} comes from the slots (${slots.map((s) => `${s.name}: ${slotValue(s, fields) ?? '?'}`).join(', ')}). Fix: remove router.${key}`);
        }
    }
    if (fields.field !== 'name') {
        for (const slot of slots) {
            if (slot[fields.field] === undefined)
                report(['slots', slot.name], `the ${router.provider} router needs each slot's \`${fields.field}:\`, ${fields.what}, e.g. \`${slot.name}: {${fields.example}}\``);
        }
    }
    return { slots, deploy, router: { provider: router.provider, settings: slots_slotRouterSettings({ router, slots }, slots[1].name) } };
}
function slotList(value, report) {
    if (!(0,objects/* isRecord */.u)(value) || Object.keys(value).length !== 2) {
        report(['slots'], `expected exactly two slots, e.g. \`slots: {blue: {server: blue}, green: {server: green}}\`, got ${Array.isArray(value) ? 'a list' : (0,objects/* isRecord */.u)(value) ? `${Object.keys(value).length}` : JSON.stringify(value)}`);
        return undefined;
    }
    const slots = [];
    for (const [name, settings] of Object.entries(value)) {
        const path = ['slots', name];
        if (!SLOT_NAME.test(name))
            report(path, `"${name}" is not a slot name: lower-case letters, digits and '-', starting with a letter, at most 31 (it goes into Kubernetes names and the ledger), e.g. blue`);
        if (settings !== null && !(0,objects/* isRecord */.u)(settings)) {
            report(path, `expected the slot's settings as a mapping, e.g. \`${name}: {server: ${name}, address: 10.0.0.1:8080}\``);
            continue;
        }
        const slot = { name };
        for (const [key, raw] of Object.entries(settings ?? {})) {
            if (!SLOT_KEYS.includes(key)) {
                report([...path, key], `unknown field; expected one of ${SLOT_KEYS.join(', ')}`);
                continue;
            }
            const grammar = GRAMMARS[key];
            const text = typeof raw === 'number' ? String(raw) : raw;
            if (typeof text !== 'string' || !grammar.pattern.test(text))
                report([...path, key], `${JSON.stringify(raw)} is not ${grammar.expected}`);
            else
                slot[key] = text;
        }
        slots.push(slot);
    }
    for (const key of SLOT_KEYS) {
        if (slots[0][key] !== undefined && slots[0][key] === slots[1][key])
            report(['slots', slots[1].name, key], `both slots name ${key} ${slots[0][key]}: each slot runs its own version, so they need two`);
    }
    return [slots[0], slots[1]];
}
function deployOf(value, slots, report) {
    const path = ['deploy'];
    if (!(0,objects/* isRecord */.u)(value)) {
        report(path, 'expected `deploy: {run: [./deploy.sh]}` or `deploy: {kubernetes: {deployment: shop-{slot}, container: app}}`');
        return undefined;
    }
    for (const key of Object.keys(value))
        if (!DEPLOY_KEYS.includes(key))
            report([...path, key], `unknown field; expected one of ${DEPLOY_KEYS.join(', ')}`);
    const ready = value.ready === undefined ? undefined : readyOf(value.ready, slots, report);
    let spec;
    if ((value.run === undefined) === (value.kubernetes === undefined)) {
        report(path, 'give one way to start the new version: `run: [argv…]` (your command) or `kubernetes: {deployment, container}`');
    }
    else if (value.run !== undefined) {
        spec = commandOf(value, report);
    }
    else {
        for (const key of ['env', 'timeout'])
            if (value[key] !== undefined)
                report([...path, key], '`env` and `timeout` belong to `run:`; a Kubernetes deploy takes its timeout in `kubernetes:`');
        spec = kubernetesOf(value.kubernetes, slots, report);
    }
    return spec && { spec, ...(ready ? { ready } : {}) };
}
function commandOf(value, report) {
    const run = typeof value.run === 'string' ? value.run.trim().split(/\s+/).filter(Boolean) : value.run;
    if (!Array.isArray(run) || run.length === 0 || !run.every((word) => typeof word === 'string' && word !== '')) {
        report(['deploy', 'run'], `${JSON.stringify(value.run)} is not a command: give its argv as a list of strings, e.g. \`run: [./deploy.sh, --wait]\` (no shell reads it)`);
        return undefined;
    }
    let env = [];
    try {
        env = (0,core_process/* parseEnvNames */.xE)('deploy.env', value.env);
    }
    catch (error) {
        if (!(error instanceof errors/* InputError */.dz))
            throw error;
        report(['deploy', 'env'], error.message);
    }
    const timeoutSeconds = durationOf(value.timeout, DEFAULT_COMMAND_TIMEOUT, ['deploy', 'timeout'], report);
    return timeoutSeconds === undefined ? undefined : { provider: 'command', run: run, env, timeoutSeconds };
}
function kubernetesOf(value, slots, report) {
    const path = ['deploy', 'kubernetes'];
    if (!(0,objects/* isRecord */.u)(value)) {
        report(path, 'expected `kubernetes: {deployment: shop-{slot}, container: app, namespace: shop}`');
        return undefined;
    }
    for (const key of Object.keys(value))
        if (!KUBERNETES_KEYS.includes(key))
            report([...path, key], `unknown field; expected one of ${KUBERNETES_KEYS.join(', ')}`);
    let ok = true;
    const { deployment, container, namespace, context } = value;
    if (typeof deployment !== 'string' || !deployment.includes('{slot}')) {
        report([...path, 'deployment'], `${JSON.stringify(deployment)} does not name a Deployment per slot. Fix: put {slot} in it, e.g. \`deployment: shop-{slot}\` (shop-${slots[0].name} and shop-${slots[1].name})`);
        ok = false;
    }
    else {
        const bad = slots.map((slot) => deployment.replaceAll('{slot}', slot.name)).find((name) => !KUBERNETES_NAME.test(name) || name.length > 253);
        if (bad !== undefined) {
            report([...path, 'deployment'], `${JSON.stringify(deployment)} gives "${bad}", not a Kubernetes object name (lower-case letters, digits, '-' and '.')`);
            ok = false;
        }
    }
    if (typeof container !== 'string' || !KUBERNETES_LABEL.test(container) || container.length > 63) {
        report([...path, 'container'], `${JSON.stringify(container)} is not a container name (a DNS-1123 label), e.g. \`container: app\``);
        ok = false;
    }
    if (namespace !== undefined && (typeof namespace !== 'string' || !KUBERNETES_LABEL.test(namespace) || namespace.length > 63)) {
        report([...path, 'namespace'], `${JSON.stringify(namespace)} is not a Kubernetes namespace (a DNS-1123 label), e.g. \`namespace: shop\``);
        ok = false;
    }
    // kubectl reads an argument starting with '-' as a flag.
    if (context !== undefined && (typeof context !== 'string' || context === '' || context.startsWith('-') || /\p{Cc}/u.test(context))) {
        report([...path, 'context'], `${JSON.stringify(context)} is not a kubeconfig context name (not starting with '-', no control characters)`);
        ok = false;
    }
    const timeoutSeconds = durationOf(value.timeout, DEFAULT_ROLLOUT_STATUS_TIMEOUT, [...path, 'timeout'], report);
    if (!ok || timeoutSeconds === undefined)
        return undefined;
    return {
        provider: 'kubernetes',
        deployment: deployment,
        container: container,
        ...(namespace === undefined ? {} : { namespace: namespace }),
        ...(context === undefined ? {} : { context: context }),
        timeoutSeconds,
    };
}
function readyOf(value, slots, report) {
    const path = ['deploy', 'ready'];
    const block = (0,objects/* isRecord */.u)(value) ? value : { url: value };
    for (const key of Object.keys(block))
        if (!READY_KEYS.includes(key))
            report([...path, key], `unknown field; expected one of ${READY_KEYS.join(', ')}`);
    const { url } = block;
    const at = (0,objects/* isRecord */.u)(value) ? [...path, 'url'] : path;
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) {
        report(at, `${JSON.stringify(url)} is not an http(s) URL, e.g. \`url: 'http://{address}/healthz'\` ({address} and {slot} are the slot's)`);
        return undefined;
    }
    const unknown = [...url.matchAll(/\{([^}]*)\}/g)].map((m) => m[0]).filter((p) => p !== '{address}' && p !== '{slot}');
    if (unknown.length > 0) {
        report(at, `${url} has ${unknown.join(', ')}; a ready URL knows {address} and {slot} only`);
        return undefined;
    }
    const noAddress = slots.find((slot) => slot.address === undefined);
    if (url.includes('{address}') && noAddress) {
        report(at, `${url} uses {address}, but slot ${noAddress.name} has none. Fix: give each slot \`address: host:port\`, or write the URL with {slot}`);
        return undefined;
    }
    const timeoutSeconds = durationOf(block.timeout, DEFAULT_READY_TIMEOUT, [...path, 'timeout'], report);
    return timeoutSeconds === undefined ? undefined : { url, timeoutSeconds };
}
function durationOf(value, fallback, path, report) {
    if (value === undefined)
        return fallback;
    try {
        return (0,values/* parseDuration */.E9)(value, { min: 1, max: 3600, overMax: 'a deploy runs in one job step; give it at most 1h' });
    }
    catch (error) {
        if (!(error instanceof values/* ValueError */.Qp))
            throw error;
        report(path, `${JSON.stringify(value)} is not ${error.expected}${error.fix ? `. Fix: ${error.fix}` : ''}`);
        return undefined;
    }
}
/** The value a slot gives the router (its server, address, service or name). */
function slotValue(slot, fields) {
    return fields.field === 'name' ? slot.name : slot[fields.field];
}
/** The plan's slot named `name`; refuses a name the plan does not have (a slot renamed since the ledger recorded it). */
function slots_slotNamed(plan, name, where) {
    const slot = plan.slots?.find((s) => s.name === name);
    if (!slot) {
        throw new errors/* SlipwayError */.GQ(`${where} names slot "${name}", which the plan does not have (slots: ${plan.slots?.map((s) => s.name).join(', ') ?? 'none'}). Fix: keep the slot names the ledger recorded, or roll out once more with the old names before renaming.`);
    }
    return slot;
}
/** The plan's other slot. */
function slots_otherSlot(plan, slot) {
    const slots = plan.slots;
    return slots[0].name === slot.name ? slots[1] : slots[0];
}
/** The router settings with the new version in slot `canary` and the stable version in the other. */
function slots_slotRouterSettings(plan, canary) {
    const fields = SLOT_ROUTER_FIELDS[plan.router.provider];
    if (!plan.slots || !fields)
        return plan.router.settings;
    const canarySlot = slots_slotNamed(plan, canary, 'The rollout');
    const stableSlot = slots_otherSlot(plan, canarySlot);
    return { ...plan.router.settings, [fields.stable]: slotValue(stableSlot, fields), [fields.canary]: slotValue(canarySlot, fields) };
}

;// CONCATENATED MODULE: ./src/core/plan/validate.ts













const STRATEGIES = ['canary', 'blue-green'];
const POLICIES = ['rollback', 'pause'];
const TOP_LEVEL = ['strategy', 'router', 'slots', 'deploy', 'analysis', 'steps', 'onFailure', 'onInconclusive', 'notify'];
const ANALYSIS_KEYS = ['prometheus', 'source', 'metrics', 'template', 'args', 'interval', 'alpha', 'onNoData', 'onUndecided', 'consecutiveErrorLimit', 'history', 'historySelector', 'canarySelector', 'baselineSelector'];
const STEP_KINDS = ['setWeight', 'pause', 'analysis', 'setHeaderRoute', 'setMirrorRoute', 'preview', 'smokeCheck', 'switch'];
/** The fields of the steps that take a mapping, and of a route's `match` entry. */
const STEP_FIELDS = {
    pause: ['duration'],
    analysis: ['duration', 'interval'],
    setHeaderRoute: ['name', 'match'],
    setMirrorRoute: ['name', 'percentage', 'match'],
    preview: ['match'],
    smokeCheck: ['url', 'expectStatus', 'timeout', 'headers'],
    match: ['headerName', 'headerValue', 'cookieName', 'cookieValue', 'exact'],
};
/** Every field name a plan may hold, by where it stands (the repository's naming test reads them). */
const PLAN_FIELDS = {
    plan: TOP_LEVEL,
    analysis: ANALYSIS_KEYS,
    steps: STEP_KINDS,
    ...Object.fromEntries(Object.entries(STEP_FIELDS).map(([kind, fields]) => [`steps[].${kind}`, fields])),
};
/** Seconds between two looks at the metrics when the plan's `analysis:` names no interval. */
const DEFAULT_INTERVAL_SECONDS = 60;
/** A smoke check is one HTTP GET: it answers within seconds, or the version is not ready. */
const SMOKE_CHECK_TIMEOUT = { min: 1, max: 300, overMax: 'a smoke check is one HTTP GET; give it seconds (default 10s), not minutes' };
/** The header a blue-green `preview` step routes to the new version when it names none. */
const DEFAULT_PREVIEW_ROUTE = { name: 'x-slipway-preview', value: 'true' };
/**
 * Checks a parsed plan and returns the typed RolloutPlan; every problem found is reported at
 * once, each with its line and field (`plan.yml line 12: steps[3].setWeight: 150 is not a
 * percentage (0–100)`), in a PlanError.
 */
function validatePlan(document, source, overrides = {}, files = {}) {
    const problems = [];
    const report = (path, message) => problems.push({ line: document.lineOf(path), path, message });
    if (!(0,objects/* isRecord */.u)(document.value)) {
        throw new PlanError(source, [{ line: 1, path: [], message: 'a plan is a YAML mapping with at least `router:` and `steps:`' }]);
    }
    const raw = applyOverrides(document.value, overrides);
    unknownKeys(raw, TOP_LEVEL, [], report);
    const strategy = oneOf(raw.strategy ?? 'canary', STRATEGIES, ['strategy'], report);
    const { router, slots, deploy } = slotsOf(raw, routerOf(raw.router, report), report);
    const analysis = raw.analysis === undefined ? undefined : analysisOf(raw.analysis, report, raw.slots !== undefined, files);
    // A bad interval or history is reported once, at its own line, not again against every step.
    const timingKnown = !problems.some(({ path }) => path[0] === 'analysis' && (path[1] === 'interval' || path[1] === 'history'));
    const onFailure = oneOf(raw.onFailure ?? 'rollback', POLICIES, ['onFailure'], report);
    const onInconclusive = oneOf(raw.onInconclusive ?? 'pause', POLICIES, ['onInconclusive'], report);
    const notify = raw.notify === undefined ? undefined : readNotifySettings(raw.notify, (field, error) => report(field ? ['notify', field] : ['notify'], valueProblem(error)));
    const steps = [];
    if (!Array.isArray(raw.steps) || raw.steps.length === 0) {
        report(['steps'], 'a plan needs a non-empty list of steps, e.g. `steps: [{setWeight: 10}, {analysis: {duration: 2m}}]`');
    }
    else {
        raw.steps.forEach((item, index) => {
            const step = stepOf(item, ['steps', index], report);
            if (!step)
                return;
            step.line = document.lineOf(['steps', index]);
            steps.push(step);
            checkStepFits(step, strategy, analysis, ['steps', index], report, timingKnown);
        });
        if (steps.filter((s) => s.kind === 'switch').length > 1)
            report(['steps'], 'a blue-green plan switches once; remove the extra `switch` steps');
        checkJobLength(steps, report);
    }
    if (problems.length > 0)
        throw new PlanError(source, problems);
    return { strategy: strategy, router: router, ...(slots ? { slots } : {}), ...(deploy ? { deploy } : {}), analysis, steps, onFailure: onFailure, onInconclusive: onInconclusive, ...(notify ? { notify } : {}) };
}
function applyOverrides(raw, overrides) {
    const merged = { ...raw };
    if (overrides.strategy !== undefined)
        merged.strategy = overrides.strategy;
    if (overrides.onFailure !== undefined)
        merged.onFailure = overrides.onFailure;
    if (overrides.onInconclusive !== undefined)
        merged.onInconclusive = overrides.onInconclusive;
    if (overrides.router !== undefined)
        merged.router = { ...((0,objects/* isRecord */.u)(raw.router) ? raw.router : {}), ...overrides.router };
    const analysisOverrides = { prometheus: overrides.prometheus, canarySelector: overrides.canarySelector, baselineSelector: overrides.baselineSelector };
    const given = Object.entries(analysisOverrides).filter(([, v]) => v !== undefined);
    if (given.length > 0) {
        const analysis = { ...((0,objects/* isRecord */.u)(raw.analysis) ? raw.analysis : {}), ...Object.fromEntries(given) };
        // The `prometheus` input names the source: it replaces the plan's, whichever type that was.
        if (overrides.prometheus !== undefined)
            delete analysis.source;
        merged.analysis = analysis;
    }
    const notifyGiven = Object.entries(overrides.notify ?? {}).filter(([, v]) => v !== undefined);
    if (notifyGiven.length > 0)
        merged.notify = { ...((0,objects/* isRecord */.u)(raw.notify) ? raw.notify : {}), ...Object.fromEntries(notifyGiven) };
    return merged;
}
function routerOf(value, report) {
    if (!(0,objects/* isRecord */.u)(value)) {
        report(['router'], 'expected a mapping naming the traffic provider and its settings, e.g. `router: {provider: haproxy, backend: app}`');
        return undefined;
    }
    const { provider, ...settings } = value;
    if (typeof provider !== 'string' || provider === '') {
        report(['router', 'provider'], 'expected the name of a traffic provider (haproxy, nginx, gateway-api, istio, smi, ingress-nginx, command)');
        return undefined;
    }
    return { provider, settings };
}
function analysisOf(value, report, withSlots, files) {
    const path = ['analysis'];
    if (!(0,objects/* isRecord */.u)(value)) {
        report(path, 'expected a mapping with `prometheus:` (URL) and `metrics:`');
        return undefined;
    }
    unknownKeys(value, ANALYSIS_KEYS, path, report);
    const source = sourceOf(value, report);
    const dialect = dialectOf(source?.type ?? 'prometheus');
    if (value.metrics === undefined && value.template === undefined)
        report([...path, 'metrics'], 'expected at least one metric definition, or `template:` naming a template file (docs/analysis.md)');
    const optional = (key, parse) => (value[key] === undefined ? undefined : parsed(value[key], parse, [...path, key], report));
    const intervalSeconds = optional('interval', values/* parseAnalysisInterval */.B5);
    const alpha = optional('alpha', values/* parseAlpha */.M3);
    const onNoData = value.onNoData === undefined ? undefined : oneOf(value.onNoData, ['fail', 'inconclusive'], [...path, 'onNoData'], report);
    const onUndecided = value.onUndecided === undefined ? undefined : oneOf(value.onUndecided, ['pass', 'inconclusive'], [...path, 'onUndecided'], report);
    const errorLimit = optional('consecutiveErrorLimit', values/* parseConsecutiveErrorLimit */.Pk);
    const historySeconds = optional('history', values/* parseAnalysisHistory */.u1);
    let metrics = [];
    if (value.template !== undefined) {
        if (value.metrics === undefined)
            metrics = templateMetricsOf(value, report, files, dialect);
        else
            report([...path, 'template'], 'give the metrics inline (`metrics:`) or from a file (`template:`), not both');
    }
    else if (value.metrics !== undefined) {
        if (value.args !== undefined)
            report([...path, 'args'], 'args fill the {{args.<name>}} of a template file; inline metrics take none. Fix: move the metrics into a file named by `template:`, or remove args');
        try {
            metrics = validateMetrics(fillArgs(value.metrics, NO_ARGS), '', dialect);
        }
        catch (error) {
            const message = (0,errors/* errorMessage */.gJ)(error).replace(/^: /, '');
            const index = /^metrics\[(\d+)\]/.exec(message)?.[1];
            report(index === undefined ? [...path, 'metrics'] : [...path, 'metrics', Number(index)], message.replace(/^metrics\[\d+\] ?/, ''));
        }
    }
    const selector = (key) => {
        const text = value[key];
        if (typeof text !== 'string' || text.trim() === '') {
            const whose = { canarySelector: "new version's", baselineSelector: "baseline's", historySelector: "primary's (where the history is read)" }[key];
            const input = { canarySelector: 'canary-selector', baselineSelector: 'baseline-selector', historySelector: 'history-selector' }[key];
            report([...path, key], `${show(text)} is not a label selector: give the ${whose} label matchers, e.g. version="v2" (or the action input ${input})`);
            return [];
        }
        try {
            const matchers = parseSelector(text, key, { slotPlaceholders: withSlots });
            dialect.checkSelector(matchers, key);
            return matchers;
        }
        catch (error) {
            report([...path, key], (0,errors/* errorMessage */.gJ)(error));
            return [];
        }
    };
    return {
        source: source ?? prometheusSettings(''),
        metrics,
        intervalSeconds: intervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
        alpha,
        onNoData,
        ...(onUndecided === undefined ? {} : { onUndecided }),
        ...(errorLimit === undefined ? {} : { consecutiveErrorLimit: errorLimit }),
        ...(historySeconds === undefined ? {} : { historySeconds }),
        ...(value.historySelector === undefined ? {} : { historySelector: selector('historySelector') }),
        canary: selector('canarySelector'),
        baseline: selector('baselineSelector'),
    };
}
/**
 * Where the analysis reads its metrics: `source: {<type>: {…}}` (source-settings.ts), or
 * `prometheus: <URL>`, the short form of `source: {prometheus: {url}}`. Exactly one of the two.
 */
function sourceOf(value, report) {
    if (value.source !== undefined && value.prometheus !== undefined) {
        report(['analysis', 'source'], 'give the metric source once: `source:` or `prometheus:` (its short form for a Prometheus URL), not both');
        return undefined;
    }
    if (value.source !== undefined) {
        try {
            return parseSourceSettings(value.source, 'analysis.source');
        }
        catch (error) {
            report(['analysis', 'source'], (0,errors/* errorMessage */.gJ)(error).replace(/^analysis\.source(: |\.)?/, ''));
            return undefined;
        }
    }
    const prometheus = value.prometheus;
    if (typeof prometheus !== 'string' || !/^https?:\/\/\S+$/.test(prometheus)) {
        report(['analysis', 'prometheus'], prometheus === undefined ? `name the metric source: \`prometheus: <URL>\`, or \`source:\` with one of ${SOURCE_TYPES.join(', ')} (docs/analysis.md, "Metric sources")` : `${show(prometheus)} is not an http(s) URL of a Prometheus server`);
        return undefined;
    }
    // Credentials in the URL are registered (and so masked) before anything can print the plan.
    (0,core_secrets/* splitUrlCredentials */.CN)(prometheus);
    return prometheusSettings(prometheus);
}
/** The metrics of `analysis.template` filled with `analysis.args`; a problem is reported at the arg, or at the template. */
function templateMetricsOf(value, report, files, dialect) {
    const path = ['analysis'];
    if (typeof value.template !== 'string' || value.template.trim() === '') {
        report([...path, 'template'], `${show(value.template)} is not a file path: name a template file relative to the workspace, e.g. \`template: .github/analysis/http.yml\``);
        return [];
    }
    const args = value.args ?? {};
    if (!(0,objects/* isRecord */.u)(args)) {
        report([...path, 'args'], `${show(args)} is not a mapping of argument names to values, e.g. \`args: {service: shop}\``);
        return [];
    }
    try {
        return renderAnalysisTemplate(readAnalysisTemplate(value.template, files.workspace), args, 'analysis.args', dialect);
    }
    catch (error) {
        if (!(error instanceof AnalysisTemplateError))
            throw error;
        const { givenArg, missingArg } = error.problem;
        report(givenArg !== undefined ? [...path, 'args', givenArg] : missingArg !== undefined && value.args !== undefined ? [...path, 'args'] : [...path, 'template'], error.message);
        return [];
    }
}
function stepOf(item, path, report) {
    const keys = (0,objects/* isRecord */.u)(item) ? Object.keys(item) : [];
    if (!(0,objects/* isRecord */.u)(item) || keys.length !== 1 || !STEP_KINDS.includes(keys[0])) {
        report(path, `expected one of ${STEP_KINDS.map((k) => `\`${k}:\``).join(', ')}, got ${show(item)}`);
        return undefined;
    }
    const kind = keys[0];
    const value = item[kind];
    const at = [...path, kind];
    switch (kind) {
        case 'setWeight': {
            const weight = parsed(value, values/* parseWeight */.qE, at, report);
            return weight === undefined ? undefined : { kind, weight };
        }
        case 'pause': {
            const duration = (0,objects/* isRecord */.u)(value) ? value.duration : value;
            if (duration === undefined || duration === null)
                return { kind };
            const seconds = parsed(duration, values/* parsePauseDuration */.aL, (0,objects/* isRecord */.u)(value) ? [...at, 'duration'] : at, report);
            return seconds === undefined ? undefined : { kind, durationSeconds: seconds };
        }
        case 'analysis': {
            const block = (0,objects/* isRecord */.u)(value) ? value : { duration: value };
            const seconds = parsed(block.duration, values/* parseAnalysisDuration */.Mi, (0,objects/* isRecord */.u)(value) ? [...at, 'duration'] : at, report);
            const interval = block.interval === undefined ? undefined : parsed(block.interval, values/* parseAnalysisInterval */.B5, [...at, 'interval'], report);
            if (seconds === undefined || (block.interval !== undefined && interval === undefined))
                return undefined;
            return { kind, durationSeconds: seconds, intervalSeconds: interval };
        }
        case 'setHeaderRoute': {
            const name = routeNameOf(value, STEP_FIELDS.setHeaderRoute, at, report);
            if (name === undefined)
                return undefined;
            const route = value.match === undefined ? null : matchOf(value.match, [...at, 'match'], report);
            return route === undefined ? undefined : { kind, name, route };
        }
        case 'preview': {
            if (value === null || value === true || ((0,objects/* isRecord */.u)(value) && Object.keys(value).length === 0))
                return { kind, route: DEFAULT_PREVIEW_ROUTE };
            if (!(0,objects/* isRecord */.u)(value) || unknownKeys(value, STEP_FIELDS.preview, at, report) || value.match === undefined) {
                return void report(at, `${show(value)} is not a preview route: write \`preview: {}\` for the default header ${DEFAULT_PREVIEW_ROUTE.name}: ${DEFAULT_PREVIEW_ROUTE.value}, or \`preview: {match: [{headerName: x-preview, headerValue: {exact: 'on'}}]}\``);
            }
            const route = matchOf(value.match, [...at, 'match'], report);
            return route === undefined || route === null ? undefined : { kind, route };
        }
        case 'setMirrorRoute': {
            const name = routeNameOf(value, STEP_FIELDS.setMirrorRoute, at, report);
            if (name === undefined)
                return undefined;
            const block = value;
            if (block.match !== undefined)
                return void report([...at, 'match'], "Slipway's routers mirror a share of all requests: leave out `match` (Argo's request criteria)");
            // Argo's setMirrorRoute with only a name removes the route.
            const percentage = block.percentage === undefined ? 0 : parsed(block.percentage, values/* parseWeight */.qE, [...at, 'percentage'], report);
            return percentage === undefined ? undefined : { kind, name, percentage };
        }
        case 'smokeCheck': {
            const block = (0,objects/* isRecord */.u)(value) ? value : { url: value };
            if (typeof block.url !== 'string' || !/^https?:\/\/\S+$/.test(block.url))
                return void report((0,objects/* isRecord */.u)(value) ? [...at, 'url'] : at, `${show(block.url)} is not an http(s) URL`);
            const expectStatus = block.expectStatus ?? 200;
            if (typeof expectStatus !== 'number' || !Number.isInteger(expectStatus) || expectStatus < 100 || expectStatus > 599)
                return void report([...at, 'expectStatus'], `${show(expectStatus)} is not an HTTP status (100–599)`);
            const timeoutSeconds = block.timeout === undefined ? 10 : parsed(block.timeout, (v) => (0,values/* parseDuration */.E9)(v, SMOKE_CHECK_TIMEOUT), [...at, 'timeout'], report);
            if (timeoutSeconds === undefined)
                return undefined;
            const headers = block.headers ?? {};
            if (!(0,objects/* isRecord */.u)(headers) || Object.values(headers).some((v) => typeof v !== 'string'))
                return void report([...at, 'headers'], 'expected a mapping of header names to string values');
            return { kind, url: block.url, expectStatus, headers: headers, timeoutSeconds };
        }
        default:
            if (value !== null && value !== true && !((0,objects/* isRecord */.u)(value) && Object.keys(value).length === 0))
                return void report(at, 'takes no settings: write `- switch: {}`');
            return { kind: 'switch' };
    }
}
/**
 * The `name` of an Argo Rollouts route step (`setHeaderRoute`, `setMirrorRoute`): the route the
 * step sets or removes, as Argo's `managedRoutes` name it. Reported, with the fields it takes, when
 * missing; a step in the shape Slipway used before Argo's gets the fix spelled out.
 */
function routeNameOf(value, keys, path, report) {
    const kind = path[path.length - 1];
    if ((0,objects/* isRecord */.u)(value) && kind === 'setHeaderRoute' && typeof value.value === 'string') {
        return void report(path, `${show(value)} is the old shape: write Argo Rollouts' \`setHeaderRoute: {name: canary-header, match: [{headerName: ${String(value.name)}, headerValue: {exact: ${value.value}}}]}\` (docs/migrating-from-argo-rollouts.md)`);
    }
    if (!(0,objects/* isRecord */.u)(value) || typeof value.name !== 'string' || value.name.trim() === '') {
        return void report(path, `${show(value)} has no route name: write e.g. \`${kind}: {name: ${kind === 'setHeaderRoute' ? 'canary-header, match: [{headerName: x-canary, headerValue: {exact: always}}]' : 'mirror, percentage: 10'}}\`; with the name alone the step removes the route`);
    }
    return unknownKeys(value, keys, path, report) ? undefined : value.name;
}
/**
 * Argo Rollouts' `match` of a header route: one `{headerName, headerValue: {exact}}` — or, as
 * Slipway's routers also route on cookies, `{cookieName, cookieValue: {exact}}`. An empty list
 * removes the route (null).
 */
function matchOf(value, path, report) {
    const example = '[{headerName: x-canary, headerValue: {exact: always}}]';
    if (!Array.isArray(value))
        return void report(path, `${show(value)} is not a list of matches: write e.g. \`match: ${example}\``);
    if (value.length === 0)
        return null;
    if (value.length > 1)
        return void report(path, `${value.length} matches: Slipway's routers route on one header or cookie; give one`);
    const [entry] = value;
    const at = [...path, 0];
    if (!(0,objects/* isRecord */.u)(entry))
        return void report(at, `${show(entry)} is not a match: write e.g. \`${example.slice(1, -1)}\``);
    const kind = entry.cookieName !== undefined ? 'cookie' : 'header';
    const [nameKey, valueKey] = kind === 'cookie' ? ['cookieName', 'cookieValue'] : ['headerName', 'headerValue'];
    if (unknownKeys(entry, [nameKey, valueKey], at, report))
        return undefined;
    const name = entry[nameKey];
    if (typeof name !== 'string' || name === '')
        return void report([...at, nameKey], `${show(name)} is not a ${kind} name`);
    const matchValue = entry[valueKey];
    if (!(0,objects/* isRecord */.u)(matchValue) || typeof matchValue.exact !== 'string') {
        const other = (0,objects/* isRecord */.u)(matchValue) && (matchValue.prefix !== undefined || matchValue.regex !== undefined);
        return void report([...at, valueKey], other ? "Slipway's routers match exact values only: write `{exact: <value>}` (prefix and regex are not supported)" : `${show(matchValue)} is not a value to match: write \`{exact: always}\` (values are strings; quote them)`);
    }
    if (unknownKeys(matchValue, ['exact'], [...at, valueKey], report))
        return undefined;
    return { name, value: matchValue.exact, ...(kind === 'cookie' ? { kind } : {}) };
}
/**
 * The timed steps one job runs — every pause and analysis between two open-ended pauses — must end
 * within a job's 6 hours, or the runner stops the job mid-rollout. An analysis counts for its whole
 * duration: it may run that long.
 */
function checkJobLength(steps, report) {
    let first = 0;
    let seconds = 0;
    steps.forEach((step, index) => {
        if (step.kind === 'pause' && step.durationSeconds === undefined) {
            first = index + 1;
            seconds = 0;
            return;
        }
        const before = seconds;
        if (step.kind === 'pause' || step.kind === 'analysis')
            seconds += step.durationSeconds;
        if (before <= values/* JOB_TIME_LIMIT_SECONDS */.Kf && seconds > values/* JOB_TIME_LIMIT_SECONDS */.Kf) {
            report(['steps', index, step.kind], `steps[${first}] to steps[${index}] wait ${(0,values/* formatDuration */.a3)(seconds)} in one job, longer than the 6h a GitHub-hosted job runs (jobs.<id>.timeout-minutes, 360 minutes). Fix: put an open-ended \`pause: {}\` before this step; a later run of the rollout resumes there`);
        }
    });
}
/** Checks a step against the strategy and, when its timing is known, an analysis step against the plan's `analysis:`. */
function checkStepFits(step, strategy, analysis, path, report, timingKnown) {
    const at = [...path, step.kind];
    if (step.kind === 'analysis' && !analysis)
        report(at, 'an analysis step needs the plan\'s `analysis:` block (prometheus and metrics)');
    if (step.kind === 'analysis' && analysis && timingKnown) {
        const timing = { durationSeconds: step.durationSeconds, intervalSeconds: step.intervalSeconds ?? analysis.intervalSeconds, historySeconds: analysis.historySeconds ?? loop_DEFAULT_HISTORY_SECONDS };
        parsed(timing, values/* checkAnalysisTiming */.rG, at, report);
    }
    if (strategy === 'canary' && (step.kind === 'switch' || step.kind === 'preview'))
        report(at, `\`${step.kind}\` belongs to strategy blue-green; a canary shifts traffic with setWeight`);
    if (strategy === 'blue-green' && step.kind === 'setWeight')
        report(at, 'a blue-green plan moves traffic at once with `switch: {}`, not setWeight (use strategy: canary for weighted steps)');
}
function oneOf(value, choices, path, report) {
    if (typeof value === 'string' && choices.includes(value))
        return value;
    report(path, `${show(value)} is not one of ${choices.join(', ')}`);
    return undefined;
}
/** Reports every field not `allowed`; whether there was one. */
function unknownKeys(value, allowed, path, report) {
    const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
    for (const key of unknown)
        report([...path, key], `unknown field; expected one of ${allowed.join(', ')}`);
    return unknown.length > 0;
}
/** `parse(value)`; undefined when it throws a ValueError, which is reported at `path` in the plan's words. */
function parsed(value, parse, path, report) {
    try {
        return parse(value);
    }
    catch (error) {
        if (!(error instanceof values/* ValueError */.Qp))
            throw error;
        report(path, valueProblem(error));
        return undefined;
    }
}
/** A ValueError in the plan's words: `[field ]<value> is not <expected>. Fix: <fix>`. */
function valueProblem(error) {
    return `${error.field ? `${error.field} ` : ''}${show(error.value)} is not ${error.expected}${error.fix ? `. Fix: ${error.fix}` : ''}`;
}
function show(value) {
    if (value === undefined)
        return 'nothing';
    // A plain string reads best bare; anything else (and a blank string, which would vanish) is quoted.
    if (typeof value === 'string' && value.trim() !== '')
        return (0,core_secrets/* redact */.E$)(value.length > 60 ? `${value.slice(0, 57)}…` : value);
    return (0,core_secrets/* quote */.hD)(value, 57);
}

// EXTERNAL MODULE: ./src/core/ledger/open.ts
var ledger_open = __webpack_require__(6705);
;// CONCATENATED MODULE: ./src/core/rollback/target.ts



/** Rolling back is not possible or not allowed; the message says why and what to do. */
class target_RollbackRefusedError extends (/* unused pure expression or super */ null && (SlipwayError)) {
    name = 'RollbackRefusedError';
}
/** Parses the `to` input: `previous` (default), a deployment id, or `sha256:<64 hex>`. */
function parseRollbackTo(value, input = 'to') {
    const text = (value ?? '').trim();
    if (text === '' || text === 'previous')
        return { kind: 'previous' };
    if (/^\d+$/.test(text) && Number(text) > 0)
        return { kind: 'deployment', id: Number(text) };
    const digest = /^(?:.*@)?(sha256:[0-9a-f]{64})$/.exec(text);
    if (digest)
        return { kind: 'digest', digest: digest[1] };
    throw new InputError(input, text, '`previous`, a deployment id (e.g. 1234) or a digest `sha256:<64 hex>`', 'see the Deployments page or `slipway history` for ids and digests');
}
/** A deployment Slipway made that shipped an artifact and succeeded without being rolled back since. */
function isGood(deployment) {
    // `inactive` is what GitHub makes of a success that a newer success superseded: still good.
    return Boolean(deployment.payload?.artifact) && wentLive(deployment.latestStatus?.state);
}
/**
 * Decides what a rollback in `environment` does, reading the ledger only (nothing is changed).
 * `previous` follows the bad deployment's `previousGood` lineage (a constant number of requests)
 * and scans the history only when the lineage is broken. Refuses with a RollbackRefusedError when
 * there is no good version, or when a passed deployment is marked irreversible and `force` is off.
 */
async function target_decideRollback(ledger, environment, to, options = {}) {
    const logger = options.logger ?? silentLogger;
    let bad = options.bad ?? null;
    let target;
    let passed;
    /** Where the deployments read end, when they did not reach the target (`to: <id>` far back). */
    let unread = null;
    let complete = true;
    if (to.kind === 'previous') {
        ({ bad, target, passed } = await previousGood(ledger, environment, bad, logger));
        if (bad && !options.bad && bad.task === 'deploy:rollback' && bad.latestStatus?.state === 'success')
            return { already: bad };
    }
    else {
        ({ bad, target, passed, complete } = to.kind === 'deployment' ? await chosenTarget(ledger, environment, to.id, bad) : await newestOfDigest(ledger, environment, to.digest, bad));
        if (bad && !target) {
            throw new target_RollbackRefusedError(`Cannot roll back ${environment} to ${to.kind === 'digest' ? to.digest : to.id}: the ledger shows no successful deployment of that digest there. Only a version that once succeeded in ${environment} can be restored.`);
        }
        if (bad && target && (target.id === bad.id || sameArtifact(target, bad))) {
            // The newest deployment ships the target's artifact: nothing to do when it stands.
            if (target.id !== bad.id && !bad.latestStatus)
                bad = { ...bad, latestStatus: await ledger.latestStatus(bad.id) };
            if (target.id === bad.id || bad.latestStatus?.state === 'success')
                return { already: bad };
        }
        if (bad && target && !complete)
            unread = { edge: passed.at(-1) ?? bad, target };
    }
    if (!bad) {
        throw new target_RollbackRefusedError(`Nothing to roll back in ${environment}: the ledger has no Slipway deployment there (see \`slipway history --environment ${environment}\`).`);
    }
    if (!target && !options.allowNoTarget) {
        throw new target_RollbackRefusedError(`No good version to roll back to in ${environment}: no deployment before #${bad.id} succeeded there. Deploy a fixed version instead.`);
    }
    const blocker = [bad, ...passed].find((d) => d.payload?.irreversible) ?? (unread && (await irreversibleBeyond(ledger, environment, unread.edge, unread.target, logger)));
    if (blocker && !options.force) {
        throw new target_RollbackRefusedError(`Refusing to roll back ${environment} past deployment #${blocker.id} (${blocker.payload?.artifact?.ref ?? blocker.sha}): its payload marks it irreversible ` +
            `(for example a contract-phase schema migration), so the older version may not work with what it changed. Roll forward with a fix, or set \`force: true\` if the older version is known to be safe.`);
    }
    if (blocker)
        logger.warning(`Rolling back past irreversible deployment #${blocker.id} because force is set.`);
    return { bad, target, passed, ...(complete ? {} : { complete }) };
}
/**
 * Walks the history newest first, reading payloads only: the bad deployment is the given one,
 * else the newest Slipway deployment whatever its state (a canary still in progress, one an
 * analysis failed, or a promoted version found bad later); the target is the deployment its
 * `previousGood` names, or that one's own previousGood when it did not stand. On an intact lineage
 * this costs one page and the latest status of the target: the deployments on the way are judged
 * by their payloads. A pointer that leads nowhere (a foreign or deleted deployment) turns the walk
 * into a scan for the first good one. A newest deployment that is a finished rollback means there
 * is nothing left to do (re-runs converge).
 */
async function previousGood(ledger, environment, given, logger) {
    let bad = given;
    const passed = [];
    let wanted = given?.payload?.previousGood;
    let scan = false;
    if (given && wanted === null)
        return { bad, target: null, passed };
    for await (const deployment of ledger.history(environment, { statuses: false })) {
        if (!bad) {
            bad = deployment;
            if (bad.task === 'deploy:rollback') {
                bad = { ...bad, latestStatus: await ledger.latestStatus(bad.id) };
                if (bad.latestStatus?.state === 'success')
                    return { bad, target: null, passed };
            }
            wanted = bad.payload?.previousGood;
            if (wanted === null)
                break;
            continue;
        }
        if (deployment.id >= bad.id)
            continue;
        if (typeof wanted !== 'number')
            scan = true;
        else if (!scan && deployment.id < wanted) {
            logger.info(`The lineage of deployment #${bad.id} is broken (deployment #${wanted} is foreign or deleted); scanning the history of ${environment}.`);
            scan = true;
        }
        if (scan || deployment.id === wanted) {
            const withStatus = { ...deployment, latestStatus: await ledger.latestStatus(deployment.id) };
            if (isGood(withStatus))
                return { bad, target: withStatus, passed };
        }
        passed.push(deployment);
        if (!scan && deployment.id === wanted) {
            wanted = deployment.payload?.previousGood;
            if (wanted === null)
                break;
        }
    }
    return { bad, target: null, passed };
}
/**
 * `to: <id>`: the target read by id (its deployment and latest status), and the newest page of the
 * environment (payloads only) for the bad deployment — the given one, else the newest Slipway
 * deployment whatever its state, as for `previous` — and the deployments in between that it shows.
 * Three requests however far back the target is; `complete` says whether the page reached it.
 */
async function chosenTarget(ledger, environment, id, given) {
    const target = await chosenDeployment(ledger, environment, id);
    let bad = given;
    const passed = [];
    let complete = false;
    for await (const deployment of ledger.history(environment, { statuses: false, pages: 1 })) {
        if (!bad)
            bad = deployment;
        else if (deployment.id <= target.id) {
            complete = true;
            break;
        }
        else if (deployment.id < bad.id)
            passed.push(deployment);
    }
    return { bad, target, passed, complete: complete || bad?.id === target.id };
}
/**
 * `to: sha256:…`: the newest deployment of the digest that was not rolled back (a later
 * `rollbackOf` names it) and whose latest status is success or inactive. Reads pages of payloads
 * back to it, and the status of each candidate (usually one): a page per 100 deployments, plus one.
 */
async function newestOfDigest(ledger, environment, digest, given) {
    let bad = given;
    const passed = [];
    const rolledBack = new Set();
    for await (const deployment of ledger.history(environment, { statuses: false })) {
        // A rollback is always newer than what it rolls back: reading newest first sees it first.
        if (deployment.payload?.rollbackOf !== undefined)
            rolledBack.add(deployment.payload.rollbackOf);
        if (!bad)
            bad = deployment;
        else if (deployment.id < bad.id) {
            if (deployment.payload?.artifact?.digest === digest && !rolledBack.has(deployment.id)) {
                const withStatus = { ...deployment, latestStatus: await ledger.latestStatus(deployment.id) };
                if (isGood(withStatus))
                    return { bad, target: withStatus, passed, complete: true };
            }
            passed.push(deployment);
        }
    }
    return { bad, target: null, passed, complete: true };
}
/**
 * The newest irreversible deployment between `target` and `edge` (both exclusive), which the
 * decision did not read: `edge`'s `lastIrreversible` pointer says, at the cost of reading that one
 * deployment when it blocks. A payload from before the pointer existed costs a walk of the pages
 * back to the target (payloads only).
 */
async function irreversibleBeyond(ledger, environment, edge, target, logger) {
    const pointer = edge.payload?.lastIrreversible;
    if (pointer === null || (typeof pointer === 'number' && pointer <= target.id))
        return null;
    if (typeof pointer === 'number') {
        // Deleted since: still named, so the refusal says which one it was.
        return (await ledger.getDeployment(pointer)) ?? { ...edge, id: pointer, sha: 'deleted since', payload: null, latestStatus: null };
    }
    logger.info(`Deployment #${edge.id} predates the lastIrreversible pointer; reading the history of ${environment} back to #${target.id} for irreversible deployments.`);
    for await (const deployment of ledger.history(environment, { statuses: false })) {
        if (deployment.id <= target.id)
            break;
        if (deployment.id < edge.id && deployment.payload?.irreversible)
            return deployment;
    }
    return null;
}
async function chosenDeployment(ledger, environment, id) {
    const deployment = await ledger.getDeployment(id);
    if (!deployment)
        throw new target_RollbackRefusedError(`Cannot roll back to deployment ${id}: it does not exist in this repository.`);
    if (deployment.environment !== environment)
        throw new target_RollbackRefusedError(`Cannot roll back ${environment} to deployment ${id}: it was a deployment to ${deployment.environment}.`);
    if (!deployment.payload?.artifact)
        throw new target_RollbackRefusedError(`Cannot roll back to deployment ${id}: Slipway did not make it, so the ledger does not know its artifact.`);
    if (!isGood(deployment)) {
        throw new target_RollbackRefusedError(`Cannot roll back to deployment ${id}: its latest status is ${deployment.latestStatus?.state ?? 'none'}, not success; only a version that succeeded and was not rolled back can be restored.`);
    }
    return deployment;
}
function sameArtifact(a, b) {
    return Boolean(a.payload?.artifact && a.payload.artifact.digest === b.payload?.artifact?.digest);
}

;// CONCATENATED MODULE: ./src/core/artifact/auth.ts

/** Parses the first challenge of a `WWW-Authenticate` header; undefined for schemes we do not speak. */
function auth_parseChallenge(header) {
    if (!header)
        return undefined;
    const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
    if (!match)
        return undefined;
    const scheme = match[1].toLowerCase();
    if (scheme !== 'basic' && scheme !== 'bearer')
        return undefined;
    const params = {};
    const pair = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
    for (let m = pair.exec(match[2]); m; m = pair.exec(match[2]))
        params[m[1].toLowerCase()] = (m[2] ?? m[3]).replace(/\\(.)/g, '$1');
    return { scheme, params };
}
/** The `Authorization` value for basic credentials. */
function auth_basicAuthorization(credentials) {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}
/** The scope string of the token flow: `repository:<name>:pull` or `…:pull,push`. */
function auth_repositoryScope(repository, push) {
    return `repository:${repository}:${push ? 'pull,push' : 'pull'}`;
}
/**
 * Fetches a bearer token from the challenge's realm for `scope` (the challenge's own scope is
 * merged in). `registryUrl` is the base URL of the registry that sent the challenge: it decides
 * whether the realm may receive the credentials (see the module comment). Errors say what the
 * token service answered, never the credentials.
 */
async function auth_fetchToken(challenge, scope, credentials, registryUrl, fetchImpl) {
    const realm = challenge.params.realm;
    if (!realm)
        throw new SlipwayError('The registry asked for a bearer token but named no realm in its WWW-Authenticate header.');
    const url = realmUrl(realm, registryUrl, credentials !== undefined);
    if (challenge.params.service)
        url.searchParams.set('service', challenge.params.service);
    const scopes = new Set([scope, ...(challenge.params.scope ? challenge.params.scope.split(' ') : [])]);
    for (const s of scopes)
        url.searchParams.append('scope', s);
    let response;
    if (credentials?.identityToken) {
        // The OAuth2 refresh-token grant of the token spec: the scopes go space-separated in the form.
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'slipway', scope: [...scopes].join(' ') });
        if (challenge.params.service)
            form.set('service', challenge.params.service);
        url.search = '';
        response = await fetchImpl(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    }
    else {
        if (credentials)
            url.searchParams.set('account', credentials.username);
        const headers = credentials ? { authorization: auth_basicAuthorization(credentials) } : {};
        response = await fetchImpl(url, { headers });
    }
    const text = await response.text();
    if (response.status === 401)
        throw new auth_RegistryAuthError(401, `the token service ${url.origin} rejected the credentials`);
    if (response.status === 403)
        throw new auth_RegistryAuthError(403, `the token service ${url.origin} denied access to ${[...scopes].join(' ')}`);
    if (!response.ok)
        throw new SlipwayError(`The token service ${url.origin} answered ${response.status} for scope ${scope}.`);
    let body;
    try {
        body = JSON.parse(text);
    }
    catch {
        throw new SlipwayError(`The token service ${url.origin} answered with something that is not JSON.`);
    }
    const token = body.token ?? body.access_token;
    if (!token)
        throw new SlipwayError(`The token service ${url.origin} answered without a token.`);
    const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60) * 1000;
    return { token, expiresAt: Date.now() + lifetimeMs, lifetimeMs };
}
/**
 * The realm as a URL, once it is known to be one the request may go to: http or https without user
 * info, and, when credentials go along, https or plain http on the host name of a plain-http
 * registry. The port may differ (a token service beside a local registry); the host name may
 * differ over https only.
 */
function realmUrl(realm, registryUrl, withCredentials) {
    const registry = new URL(registryUrl);
    let url;
    try {
        url = new URL(realm);
    }
    catch {
        // The realm is the registry's text, not ours: quoted short, as any registry answer is.
        throw new SlipwayError(`The registry ${registry.host} named the token realm ${JSON.stringify(realm.slice(0, 100))}, which is not a URL, so no token can be asked for. Fix: have the registry name an https realm (distribution's auth.token.realm).`);
    }
    // Shown without user info or query: only what identifies where the request would go.
    const shown = `${url.protocol}//${url.host}${url.pathname}`;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new SlipwayError(`The registry ${registry.host} named the token realm ${shown}, which is neither https nor http, so no token was asked for. Fix: have the registry name an https realm (distribution's auth.token.realm).`);
    }
    if (url.username || url.password) {
        // fetch refuses such a URL; and credentials of the registry's choosing are not ours to send.
        throw new SlipwayError(`The registry ${registry.host} named the token realm ${shown} with user info in its URL, so no token was asked for. Fix: have the registry name a realm URL without user info.`);
    }
    if (!withCredentials || url.protocol === 'https:')
        return url;
    let why;
    if (registry.protocol !== 'http:')
        why = 'plain http, while the registry itself is reached over https';
    else if (url.hostname !== registry.hostname)
        why = `plain http to another host than the registry's (${registry.hostname})`;
    else
        return url;
    throw new SlipwayError(`The registry ${registry.host} named the token realm ${shown}, which would receive the registry credentials over ${why}; Slipway sends registry credentials to a token realm only over https, or over http on the host of a plain-http registry, so it sent nothing. ` +
        `Fix: have the registry name an https realm (distribution's auth.token.realm), or leave the registry credentials empty if the registry allows anonymous access.`);
}
/** A 401 or 403 from a registry or its token service; the message says what to fix. */
class auth_RegistryAuthError extends errors/* SlipwayError */.GQ {
    status;
    name = 'RegistryAuthError';
    constructor(status, detail) {
        super(detail);
        this.status = status;
    }
}

// EXTERNAL MODULE: ./src/core/retry.ts
var retry = __webpack_require__(7253);
// EXTERNAL MODULE: ./src/core/artifact/reference.ts
var reference = __webpack_require__(3823);
;// CONCATENATED MODULE: ./src/core/artifact/http.ts





const DEFAULT_HINTS = {
    credentials: 'give a username and password (or token) that the registry accepts',
    permission: 'grant the credentials access to the repository (for ghcr.io with GITHUB_TOKEN: `permissions: packages: write`)',
};
/** An HTTP client bound to one registry, with auth and retries. */
class http_RegistryHttp {
    registry;
    baseUrl;
    credentials;
    logger;
    /** The patience of a replayable request, and of a restarted upload (blobs.ts). */
    retryPolicy;
    clock;
    hints;
    challenge;
    tokens = new Map();
    constructor(options) {
        this.registry = options.registry;
        this.baseUrl = options.baseUrl ?? registryBaseUrl(options.registry);
        this.credentials = options.credentials;
        this.logger = options.logger ?? silentLogger;
        // A registry that says when to come back (429/503 Retry-After) is obeyed, up to a minute.
        this.retryPolicy = { attempts: options.attempts ?? 6, firstDelayMs: options.retryDelayMs ?? 250, multiplier: 2, maxDelayMs: 8000, retryAfterLimitMs: 60_000 };
        this.clock = options.clock;
        this.hints = { ...DEFAULT_HINTS, ...options.hints };
    }
    /** The absolute URL of a path below `/v2/<repository>/` (or `url` itself when absolute). */
    url(repository, path) {
        return /^https?:\/\//.test(path) ? path : new URL(path, `${this.baseUrl}/v2/${repository}/`).toString();
    }
    /** Sends a request, authenticating as challenged and retrying what can be retried. 401/403 throw. */
    async send(request) {
        // A streamed body is sent once: its caller restarts the whole upload instead (blobs.ts).
        const policy = typeof request.body === 'function' ? { ...this.retryPolicy, attempts: 1 } : this.retryPolicy;
        return withRetry(() => this.authenticated(request), {
            policy,
            clock: this.clock,
            classify: (error) => (http_isConnectionError(error) ? {} : undefined),
            retryResult: (response) => (isRetryableStatus(response.status) ? { retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) } : undefined),
            onRetry: async ({ error, result, attempt, attempts, delayMs }) => {
                await result?.body?.cancel();
                const what = result ? String(result.status) : connectionErrorText(error);
                this.logger.debug(`${request.method} ${this.describe(request)}: ${what}, retrying in ${delayMs} ms (attempt ${attempt + 1}/${attempts})`);
            },
        });
    }
    async authenticated(request) {
        const origin = new URL(this.url(request.repository, request.path)).origin;
        if (origin !== new URL(this.baseUrl).origin) {
            // An upload location on another origin (a storage service the registry hands the upload
            // to) authorizes by its URL: the registry's credentials and tokens are never sent there and
            // its challenges are not answered, as docker's client does. fetch likewise drops them on a
            // redirect to another origin.
            const response = await this.once(request, undefined);
            if (response.status !== 401 && response.status !== 403)
                return response;
            await response.body?.cancel();
            throw new RegistryAuthError(response.status, `${request.method} ${this.describe(request)} answered ${response.status}: the registry ${this.registry} handed out this location on another origin, where Slipway sends none of the registry's credentials. Fix: have the registry hand out upload locations on its own origin, or ones that carry their own authorization.`);
        }
        let response = await this.once(request, await this.authorization(request, false));
        if (response.status === 401) {
            const challenge = parseChallenge(response.headers.get('www-authenticate'));
            const insufficientScope = /insufficient_scope/.test(response.headers.get('www-authenticate') ?? '');
            await response.body?.cancel();
            if (!challenge || insufficientScope)
                throw this.authError(request, insufficientScope ? 403 : 401);
            this.challenge = challenge;
            if (challenge.scheme === 'basic' && !this.credentials)
                throw this.authError(request, 401);
            const authorization = await this.authorization(request, true);
            if (typeof request.body === 'function') {
                // A streamed body may be partly spent (a token expired mid-upload): with the fresh token
                // in hand, the caller restarts the whole upload rather than resend a slice.
                throw new http_TokenRefreshedError(`${request.method} ${this.describe(request)} needed a fresh token.`);
            }
            response = await this.once(request, authorization);
            if (response.status === 401) {
                const denied = /insufficient_scope/.test(response.headers.get('www-authenticate') ?? '');
                await response.body?.cancel();
                throw this.authError(request, denied ? 403 : 401);
            }
        }
        if (response.status === 403) {
            await response.body?.cancel();
            throw this.authError(request, 403);
        }
        return response;
    }
    async authorization(request, refresh) {
        if (!this.challenge)
            return undefined;
        if (this.challenge.scheme === 'basic')
            return this.credentials ? basicAuthorization(this.credentials) : undefined;
        const scope = repositoryScope(request.repository, request.push ?? false);
        let token = refresh ? undefined : this.tokens.get(scope);
        // Renewed ahead of expiry (with half its lifetime, at most 30 s, to spare) so that a long
        // chunked upload never has a streamed request rejected halfway.
        if (token && token.expiresAt - Date.now() < Math.min(30_000, token.lifetimeMs / 2))
            token = undefined;
        if (!token) {
            try {
                token = await fetchToken(this.challenge, scope, this.credentials, this.baseUrl, fetch);
            }
            catch (error) {
                if (error instanceof RegistryAuthError)
                    throw this.authError(request, error.status, error.message);
                throw error;
            }
            this.tokens.set(scope, token);
        }
        return `Bearer ${token.token}`;
    }
    async once(request, authorization) {
        const headers = { ...request.headers };
        if (authorization)
            headers.authorization = authorization;
        const body = typeof request.body === 'function' ? request.body() : request.body;
        const init = { method: request.method, headers, redirect: 'follow' };
        if (body !== undefined) {
            init.body = body;
            init.duplex = 'half';
        }
        const response = await fetch(this.url(request.repository, request.path), init);
        this.logger.debug(`${request.method} ${this.describe(request)} -> ${response.status}`);
        return response;
    }
    describe(request) {
        // Upload locations carry opaque state in their query: keep logs short and free of it.
        return this.url(request.repository, request.path).replace(/\?.*$/, '');
    }
    authError(request, status, detail) {
        const what = `${request.push ? 'push to' : 'pull from'} ${this.registry}/${request.repository}`;
        if (status === 403) {
            // Denied to anonymous access, the fix is credentials, not more permission for them.
            const fix = this.credentials ? this.hints.permission : this.hints.credentials;
            return new RegistryAuthError(403, `The registry denied the ${what}${this.credentials ? '' : ' without credentials'} (403: no permission${detail ? `; ${detail}` : ''}). Fix: ${fix}.`);
        }
        const reason = this.credentials ? 'rejected the credentials' : 'requires credentials';
        return new RegistryAuthError(401, `The registry ${reason} for the ${what} (401${detail ? `; ${detail}` : ''}). Fix: ${this.hints.credentials}.`);
    }
}
/** The longest excerpt of a registry's error texts that a message quotes. */
const ERROR_EXCERPT_CHARS = 200;
/**
 * Throws a SlipwayError describing an unexpected answer: the status and the registry's error codes
 * and messages, cut to a short excerpt (a registry's text is not ours to repeat at length, and
 * may echo what it was sent). Request headers are never quoted.
 */
async function http_unexpected(response, what) {
    let errors = [];
    try {
        const body = JSON.parse(await response.text()).errors;
        if (Array.isArray(body))
            errors = body.filter((e) => typeof e === 'object' && e !== null);
    }
    catch {
        // not a registry error body
    }
    const detail = excerpt(errors.map((e) => `${e.code}: ${e.message}`).join('; '), ERROR_EXCERPT_CHARS);
    const codes = errors.map((e) => e.code ?? '');
    throw new http_UnexpectedResponseError(response.status, codes, `${what} failed: the registry answered ${response.status}${detail ? ` (${detail})` : ''}.`);
}
/** `text` on one line, cut to `max` characters (an ellipsis marks the cut). */
function excerpt(text, max) {
    const line = text.replace(/\s+/g, ' ').trim();
    return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
/** A registry answer the client did not expect; `status` tells callers whether to restart. */
class http_UnexpectedResponseError extends errors/* SlipwayError */.GQ {
    status;
    codes;
    name = 'UnexpectedResponseError';
    constructor(status, 
    /** The registry's error codes (e.g. BLOB_UPLOAD_UNKNOWN). */
    codes, message) {
        super(message);
        this.status = status;
        this.codes = codes;
    }
}
/**
 * A streamed request met an expired token: a fresh one is now cached, and the caller restarts with
 * the whole body (a streamed body cannot be sent again from where it stood).
 */
class http_TokenRefreshedError extends (/* unused pure expression or super */ null && (SlipwayError)) {
    name = 'TokenRefreshedError';
}
/** Whether an error is a dropped, refused or timed-out connection (worth retrying): see TRANSIENT_NETWORK_CODES. */
function http_isConnectionError(error) {
    return !(error instanceof SlipwayError) && isTransientNetworkError(error);
}
function connectionErrorText(error) {
    const cause = error.cause;
    return [errorText(error), transientNetworkCode(error), cause?.message].filter(Boolean).join(': ');
}
function errorText(error) {
    return String(error.message ?? error);
}
/** Waits `ms` milliseconds. */
function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

;// CONCATENATED MODULE: ./src/core/artifact/blobs.ts




/** The registry's blob endpoints. */
class blobs_Blobs {
    http;
    chunkSize;
    constructor(http, options = {}) {
        this.http = http;
        this.chunkSize = options.chunkSize ?? 64 * 1024 * 1024;
    }
    /** Whether the repository has the blob (HEAD). */
    async exists(repository, digest) {
        const response = await this.http.send({ method: 'HEAD', repository, path: `blobs/${digest}` });
        if (response.status === 200)
            return true;
        if (response.status === 404)
            return false;
        return unexpected(response, `Checking blob ${digest} in ${repository}`);
    }
    /**
     * Mounts a blob from another repository of the same registry: no bytes move. Returns the upload
     * location when the registry declined (then the blob must be uploaded), undefined when mounted.
     */
    async mount(repository, digest, fromRepository) {
        const query = new URLSearchParams({ mount: digest, from: fromRepository });
        const response = await this.http.send({ method: 'POST', repository, path: `blobs/uploads/?${query}`, push: true });
        if (response.status === 201)
            return undefined;
        if (response.status === 202)
            return this.location(response, repository);
        return unexpected(response, `Mounting blob ${digest} from ${fromRepository} into ${repository}`);
    }
    /**
     * Uploads a blob streamed from `source` (monolithic up to the chunk size, chunked above). A
     * failed attempt (dropped connection, 5xx, an upload session the registry forgot after a
     * restart) starts over with a new session; the blob is checked first in case the last attempt
     * completed unseen. The registry verifies the digest on the final PUT.
     */
    async upload(repository, digest, size, source, location) {
        await withRetry(async (attempt) => {
            if (attempt > 1 && (await this.existsAfterFailure(repository, digest)))
                return;
            const sourceFailure = {};
            const watchedSource = () => watched(source, sourceFailure);
            try {
                const start = location ?? (await this.startUpload(repository));
                location = undefined;
                if (size <= this.chunkSize)
                    await this.putMonolithic(repository, start, digest, size, watchedSource);
                else
                    await this.putChunked(repository, start, digest, size, watchedSource);
            }
            catch (error) {
                // Bytes that failed their digest check (a source registry serving the wrong bytes) are
                // refused at once, with that check's message: reading them again would not change them.
                throw sourceFailure.error instanceof SlipwayError ? sourceFailure.error : error;
            }
        }, { policy: this.http.retryPolicy, clock: this.http.clock, classify: (error) => (isRestartable(error) ? {} : undefined) });
    }
    /** Streams a blob, verifying at the end that the bytes hash to `digest` (and have `size`). */
    async *read(repository, digest, size) {
        const response = await this.http.send({ method: 'GET', repository, path: `blobs/${digest}` });
        if (response.status === 404)
            throw new SlipwayError(`Blob ${digest} is missing from ${this.http.registry}/${repository}.`);
        if (response.status !== 200 || !response.body) {
            await unexpected(response, `Reading blob ${digest}`);
            return;
        }
        const hash = createHash('sha256');
        let received = 0;
        for await (const chunk of response.body) {
            hash.update(chunk);
            received += chunk.length;
            yield chunk;
        }
        const actual = `sha256:${hash.digest('hex')}`;
        if (actual !== digest || (size !== undefined && received !== size)) {
            throw new SlipwayError(`Blob ${digest} from ${this.http.registry}/${repository} failed verification: received ${received} bytes hashing to ${actual}; they are refused. ` +
                `Fix: the registry (or a proxy or cache in front of it) serves corrupt content for ${digest}: repair or re-push it there.`);
        }
    }
    /** A small blob (a config) read whole and verified. */
    async readAll(repository, digest) {
        const chunks = [];
        for await (const chunk of this.read(repository, digest))
            chunks.push(chunk);
        return Buffer.concat(chunks);
    }
    async existsAfterFailure(repository, digest) {
        try {
            return await this.exists(repository, digest);
        }
        catch (error) {
            if (isRestartable(error))
                return false;
            throw error;
        }
    }
    async startUpload(repository) {
        const response = await this.http.send({ method: 'POST', repository, path: 'blobs/uploads/', push: true });
        if (response.status !== 202)
            return unexpected(response, `Starting an upload to ${repository}`);
        return this.location(response, repository);
    }
    async putMonolithic(repository, location, digest, size, source) {
        const response = await this.http.send({
            method: 'PUT',
            repository,
            path: withDigest(location, digest),
            push: true,
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
            body: size === 0 ? Buffer.alloc(0) : source,
        });
        if (response.status !== 201)
            return unexpected(response, `Uploading blob ${digest} to ${repository}`);
        await response.body?.cancel();
    }
    async putChunked(repository, location, digest, size, source) {
        const iterator = source()[Symbol.asyncIterator]();
        const carry = {};
        for (let offset = 0; offset < size; offset += this.chunkSize) {
            const length = Math.min(this.chunkSize, size - offset);
            const response = await this.http.send({
                method: 'PATCH',
                repository,
                path: location,
                push: true,
                headers: { 'content-type': 'application/octet-stream', 'content-length': String(length), 'content-range': `${offset}-${offset + length - 1}` },
                body: () => slice(iterator, carry, length),
            });
            if (response.status !== 202)
                return unexpected(response, `Uploading chunk ${offset}-${offset + length - 1} of blob ${digest} to ${repository}`);
            location = this.location(response, repository);
        }
        const response = await this.http.send({ method: 'PUT', repository, path: withDigest(location, digest), push: true, headers: { 'content-length': '0' }, body: Buffer.alloc(0) });
        if (response.status !== 201)
            return unexpected(response, `Completing the upload of blob ${digest} to ${repository}`);
        await response.body?.cancel();
    }
    location(response, repository) {
        const location = response.headers.get('location');
        if (!location)
            throw new SlipwayError(`The registry started an upload to ${repository} without a Location header.`);
        void response.body?.cancel();
        return new URL(location, this.http.baseUrl).toString();
    }
}
/** The source's bytes, keeping the error it ends with: fetch reports that error only as the cause of "fetch failed". */
async function* watched(source, failure) {
    try {
        yield* source();
    }
    catch (error) {
        failure.error = error;
        throw error;
    }
}
/** The next `length` bytes of a shared iterator, keeping what overshoots for the next slice. */
async function* slice(iterator, carry, length) {
    let sent = 0;
    while (sent < length) {
        let chunk = carry.rest;
        carry.rest = undefined;
        if (!chunk) {
            const next = await iterator.next();
            if (next.done)
                throw new SlipwayError(`The blob source ended ${length - sent} bytes early.`);
            chunk = next.value;
        }
        const take = Math.min(chunk.length, length - sent);
        if (take < chunk.length)
            carry.rest = chunk.subarray(take);
        sent += take;
        yield chunk.subarray(0, take);
    }
}
function withDigest(location, digest) {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    return url.toString();
}
/** Failures after which a new upload session can succeed. */
function isRestartable(error) {
    // A token that expired mid-upload (a fresh one is cached now) needs the whole body sent again.
    if (isConnectionError(error) || error instanceof TokenRefreshedError)
        return true;
    // A lost or invalidated session (a restarted registry forgets its upload state secret), a range
    // it did not expect, or a failing registry. Not DIGEST_INVALID: sending the same bytes again
    // cannot help.
    if (!(error instanceof UnexpectedResponseError))
        return false;
    return error.status >= 500 || error.status === 416 || error.codes.some((c) => ['BLOB_UPLOAD_UNKNOWN', 'BLOB_UPLOAD_INVALID'].includes(c));
}

;// CONCATENATED MODULE: ./src/core/artifact/manifests.ts




// Manifests over the distribution API: resolve a tag (HEAD, all four manifest media types in
// Accept), GET and PUT by digest or tag, and the tag list. The bytes are kept exactly as
// received: a manifest's digest is the sha256 of its bytes, so it is never re-serialised.
// Answers are checked, not trusted: a manifest read by digest must hash to it, carry one of the
// four manifest media types (the body's `mediaType` agreeing with Content-Type) and have that
// type's shape; anything else is an InvalidManifestError naming the registry and the reference.
/** The media types Slipway reads and writes. */
const MediaTypes = {
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    ociConfig: 'application/vnd.oci.image.config.v1+json',
    ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    dockerConfig: 'application/vnd.docker.container.image.v1+json',
    dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
};
const MANIFEST_TYPES = [MediaTypes.ociManifest, MediaTypes.ociIndex, MediaTypes.dockerManifest, MediaTypes.dockerList];
const ACCEPT = MANIFEST_TYPES.join(', ');
/** A registry answered 200 with something that is not the manifest asked for. */
class manifests_InvalidManifestError extends (/* unused pure expression or super */ null && (SlipwayError)) {
    name = 'InvalidManifestError';
}
/** Whether a media type is an index (OCI index or Docker manifest list). */
function isIndex(mediaType) {
    return mediaType === MediaTypes.ociIndex || mediaType === MediaTypes.dockerList;
}
/** The `sha256:` digest of some bytes. */
function sha256Digest(bytes) {
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
/** The registry's manifest endpoints. */
class manifests_Manifests {
    http;
    constructor(http) {
        this.http = http;
    }
    /** Resolves a tag or digest to its digest, media type and size; null when absent. */
    async resolve(repository, reference) {
        const response = await this.http.send({ method: 'HEAD', repository, path: `manifests/${reference}`, headers: { accept: ACCEPT } });
        if (response.status === 404)
            return null;
        if (response.status !== 200)
            return unexpected(response, `Resolving ${repository}:${reference}`);
        const digest = response.headers.get('docker-content-digest');
        const mediaType = baseType(response.headers.get('content-type'));
        if (digest && isDigest(reference) && digest !== reference) {
            throw new manifests_InvalidManifestError(`${this.http.registry}/${repository}@${reference} answered a HEAD with the digest ${digest}: expected the digest asked for. The registry is not serving that artifact faithfully; check what answers at ${this.http.baseUrl}.`);
        }
        // Registries should send the digest and the type; when one does not, the body is the only truth.
        if (!digest || !isDigest(digest) || !MANIFEST_TYPES.includes(mediaType)) {
            const manifest = await this.get(repository, reference);
            return manifest && { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size };
        }
        return { digest, mediaType, size: Number(response.headers.get('content-length') ?? 0) };
    }
    /** Reads a manifest; when `reference` is a digest the bytes are verified against it. Null when absent. */
    async get(repository, reference) {
        const response = await this.http.send({ method: 'GET', repository, path: `manifests/${reference}`, headers: { accept: ACCEPT } });
        if (response.status === 404)
            return null;
        if (response.status !== 200)
            return unexpected(response, `Reading manifest ${repository}:${reference}`);
        const bytes = Buffer.from(await response.arrayBuffer());
        const digest = sha256Digest(bytes);
        const what = `Manifest ${reference} of ${this.http.registry}/${repository}`;
        if (isDigest(reference) && digest !== reference) {
            throw new manifests_InvalidManifestError(`${what} failed verification: its bytes hash to ${digest}, expected the digest asked for. The registry is not serving that artifact faithfully.`);
        }
        let json;
        try {
            json = JSON.parse(bytes.toString('utf8'));
        }
        catch {
            throw new manifests_InvalidManifestError(`${what} is not JSON (Content-Type ${response.headers.get('content-type') ?? 'none'}): expected one of ${MANIFEST_TYPES.join(', ')}.`);
        }
        const mediaType = checkManifest(json, baseType(response.headers.get('content-type')), what);
        return { digest, mediaType, size: bytes.length, bytes, json: json };
    }
    /** Writes manifest bytes under a digest or tag; verifies the registry computed the same digest. */
    async put(repository, reference, bytes, mediaType) {
        const response = await this.http.send({ method: 'PUT', repository, path: `manifests/${reference}`, push: true, headers: { 'content-type': mediaType }, body: bytes });
        if (response.status !== 201)
            return unexpected(response, `Writing manifest ${repository}:${reference}`);
        await response.body?.cancel();
        const expected = sha256Digest(bytes);
        const answered = response.headers.get('docker-content-digest');
        if (answered && answered !== expected)
            throw new SlipwayError(`The registry stored manifest ${repository}:${reference} as ${answered}, expected ${expected}.`);
        return expected;
    }
    /** The repository's tags ([] when the repository does not exist). */
    async tags(repository) {
        const response = await this.http.send({ method: 'GET', repository, path: 'tags/list' });
        if (response.status === 404)
            return [];
        if (response.status !== 200)
            return unexpected(response, `Listing the tags of ${repository}`);
        return (await response.json()).tags ?? [];
    }
}
/** A media type without its parameters (`; charset=…`), lower-cased; '' when absent. */
function baseType(header) {
    return (header ?? '').split(';')[0].trim().toLowerCase();
}
/**
 * The media type of a manifest body, checked: the body's `mediaType` (or else the Content-Type,
 * or else its shape, as OCI manifests may omit the field) must be one of the four manifest types,
 * agree with the Content-Type when that names one, and the body must have that type's shape.
 */
function checkManifest(json, contentType, what) {
    const body = (typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {});
    const declared = typeof body.mediaType === 'string' ? body.mediaType : undefined;
    const mediaType = declared ?? (MANIFEST_TYPES.includes(contentType) ? contentType : Array.isArray(body.manifests) ? MediaTypes.ociIndex : MediaTypes.ociManifest);
    const problem = !MANIFEST_TYPES.includes(mediaType)
        ? `its media type is ${mediaType}`
        : declared && MANIFEST_TYPES.includes(contentType) && contentType !== declared
            ? `its body says ${declared} but Content-Type says ${contentType}`
            : body.schemaVersion !== 2
                ? `its schemaVersion is ${JSON.stringify(body.schemaVersion) ?? 'missing'}`
                : isIndex(mediaType)
                    ? !descriptors(body.manifests) && 'its `manifests` is not a list of descriptors'
                    : !(descriptors([body.config]) && descriptors(body.layers)) && 'its `config` and `layers` are not descriptors';
    if (problem) {
        throw new manifests_InvalidManifestError(`${what} is not a valid manifest: ${problem}; expected schemaVersion 2 and one of ${MANIFEST_TYPES.join(', ')} with its descriptors. Check what answers at that registry.`);
    }
    return mediaType;
}
/** Whether `value` is a list of content descriptors (media type, digest, size). */
function descriptors(value) {
    return (Array.isArray(value) &&
        value.every((d) => typeof d === 'object' && d !== null && typeof d.mediaType === 'string' && typeof d.digest === 'string' && isDigest(d.digest) && Number.isInteger(d.size) && d.size >= 0));
}
/** The blobs and child manifests a manifest refers to, children first for an index. */
function references(manifest) {
    return { blobs: [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])], children: manifest.manifests ?? [] };
}

;// CONCATENATED MODULE: ./src/core/artifact/client.ts



/** An OCI distribution client for one registry (one set of credentials): blobs and manifests. */
class client_RegistryClient {
    http;
    blobs;
    manifests;
    constructor(options) {
        this.http = new RegistryHttp(options);
        this.blobs = new Blobs(this.http, options);
        this.manifests = new Manifests(this.http);
    }
    /** Host[:port] of the registry. */
    get registry() {
        return this.http.registry;
    }
}

;// CONCATENATED MODULE: ./src/core/rollback/artifact.ts







/**
 * Refuses (RollbackRefusedError) when the registry says the artifact `ref` (`name@sha256:…`) is
 * gone or answers something that is not that manifest; warns when it cannot be read. One HEAD, or
 * one GET when the HEAD does not carry the digest and media type. Nothing is changed either way.
 */
async function artifact_ensureArtifactExists(ref, environment, access, logger) {
    const { registry, repository, digest } = parsePinnedReference('artifact', ref);
    const client = new RegistryClient({
        registry,
        credentials: access.credentials,
        attempts: access.attempts ?? 2,
        ...(access.credentialsHint ? { hints: { credentials: access.credentialsHint } } : {}),
    });
    let found;
    try {
        found = (await client.manifests.resolve(repository, digest)) !== null;
    }
    catch (error) {
        if (error instanceof InvalidManifestError) {
            throw new RollbackRefusedError(`Cannot roll back ${environment} to ${ref}: ${error.message} Nothing was recorded and traffic was not moved.`);
        }
        if (!(error instanceof RegistryAuthError || error instanceof UnexpectedResponseError || isConnectionError(error)))
            throw error;
        logger.warning(`Could not check that ${ref} still exists in ${registry} (${errorMessage(error)}); rolling back without that check.`);
        return;
    }
    if (!found) {
        throw new RollbackRefusedError(`Cannot roll back ${environment} to ${ref}: ${registry} answers 404 for ${repository}@${digest}, so the artifact was deleted from the registry and nothing could run it. ` +
            'Nothing was recorded and traffic was not moved. Fix: push that artifact again (the same digest, e.g. by promoting it from another environment), or roll back to another deployment with `to: <id>`.');
    }
}

;// CONCATENATED MODULE: ./src/core/deploy/types.ts
/**
 * The deploy step's vocabulary (docs/rollout.md, "Slots and the deploy step"): before any traffic
 * moves, the new version is started in the canary slot by a provider, then a readiness check must
 * pass. One file per provider (command.ts, kubernetes.ts), made by createDeployer (index.ts).
 */
/** Why a deploy stopped: the provider failed, or the version never became ready. */
class types_DeployError extends Error {
    reason;
    name = 'DeployError';
    constructor(reason, message) {
        super(message);
        this.reason = reason;
    }
}

;// CONCATENATED MODULE: ./src/core/deploy/command.ts


/**
 * The variables a deploy command gets, besides the allow-listed environment and the names the
 * plan's `deploy.env` lists (docs/security.md): what to start, and where.
 */
function deployEnvironment(target) {
    return {
        SLIPWAY_IMAGE_REF: target.imageRef,
        SLIPWAY_DIGEST: target.digest,
        SLIPWAY_SLOT: target.slot.name,
        SLIPWAY_SLOT_ADDRESS: target.slot.address ?? '',
        SLIPWAY_ENVIRONMENT: target.environment,
    };
}
/**
 * `deploy: {run: [argv…]}`: runs the user's command without a shell, with only the environment it
 * needs. A non-zero exit (or the time limit) is a failed deploy; the message ends with its output.
 */
class command_CommandDeployer {
    spec;
    type = 'command';
    constructor(spec) {
        this.spec = spec;
    }
    async deploy(target) {
        const result = await runCommand(this.spec.run, { env: deployEnvironment(target), passEnv: this.spec.env, timeoutMs: this.spec.timeoutSeconds * 1000 });
        if (result.code === 0)
            return;
        const output = tail([result.stdout, result.stderr].map((s) => s.trim()).filter(Boolean).join('\n'), 10);
        const exit = result.code === -1 ? 'could not run or was stopped after its timeout' : `exited with ${result.code}`;
        throw new DeployError('failed', `the deploy command ${this.spec.run[0]} ${exit}${output ? `: ${output}` : ''}`);
    }
}

;// CONCATENATED MODULE: ./src/core/deploy/kubernetes.ts


/** Variables kubectl needs to find its cluster, passed through besides the allow-list. */
const KUBECTL_ENV = (/* unused pure expression or super */ null && (['KUBECONFIG']));
/** The Deployment a slot's version runs in: `{slot}` in the plan's name replaced by the slot's name. */
function slotDeploymentName(spec, slot) {
    return spec.deployment.replaceAll('{slot}', slot);
}
/** The two kubectl command lines of a Kubernetes deploy into `target.slot`: set the image, wait for the rollout. */
function kubectlDeployCommands(spec, target) {
    const deployment = `deployment/${slotDeploymentName(spec, target.slot.name)}`;
    const scope = [...(spec.context ? ['--context', spec.context] : []), ...(spec.namespace ? ['-n', spec.namespace] : [])];
    return [
        ['kubectl', 'set', 'image', deployment, `${spec.container}=${target.imageRef}`, ...scope],
        ['kubectl', 'rollout', 'status', deployment, `--timeout=${spec.timeoutSeconds}s`, ...scope],
    ];
}
/**
 * `deploy: {kubernetes: {deployment, container, namespace, timeout}}`: `kubectl set image` (a
 * no-op when the image is already set, so a re-run converges), then `kubectl rollout status`,
 * which waits until the new pods are ready or the timeout passes.
 */
class kubernetes_KubernetesDeployer {
    spec;
    type = 'kubernetes';
    constructor(spec) {
        this.spec = spec;
    }
    async deploy(target) {
        const [setImage, rolloutStatus] = kubectlDeployCommands(this.spec, target);
        const set = await runCommand(setImage, { passEnv: KUBECTL_ENV });
        if (set.code !== 0)
            throw new DeployError('failed', `${setImage.join(' ')} exited with ${set.code}: ${tail(set.stderr || set.stdout)}`);
        // kubectl's own --timeout bounds the wait; the runner's only catches a kubectl that hangs past it.
        const status = await runCommand(rolloutStatus, { passEnv: KUBECTL_ENV, timeoutMs: (this.spec.timeoutSeconds + 30) * 1000 });
        if (status.code !== 0) {
            throw new DeployError('not-ready', `${rolloutStatus.join(' ')} exited with ${status.code}: ${tail(status.stderr || status.stdout)}`);
        }
    }
}

;// CONCATENATED MODULE: ./src/core/deploy/index.ts








/** The deployer of a plan's `deploy:` provider. */
function createDeployer(spec) {
    switch (spec.provider) {
        case 'command':
            return new CommandDeployer(spec);
        case 'kubernetes':
            return new KubernetesDeployer(spec);
    }
}
/**
 * The whole deploy step: the provider starts the version in the slot, then the ready URL (if any)
 * must answer 2xx in time. Throws DeployError ('failed' or 'not-ready'); resolves with what the
 * readiness check saw. Nothing here touches traffic.
 */
async function deploy_deployAndWait(deploy, target, deployer = createDeployer(deploy.spec)) {
    await deployer.deploy(target);
    if (!deploy.ready)
        return `${deployer.type} deploy finished`;
    const url = readyUrlFor(deploy.ready.url, target.slot);
    const result = await waitUntilReady(url, deploy.ready.timeoutSeconds);
    if (!result.ready)
        throw new DeployError('not-ready', `slot ${target.slot.name} never became ready: ${result.detail}`);
    return result.detail;
}

// EXTERNAL MODULE: ./src/core/traffic/registry.ts + 7 modules
var registry = __webpack_require__(1974);
;// CONCATENATED MODULE: ./src/core/rollback/slots.ts




/**
 * Whether the target's slot still runs the target, by the ledger alone: it records a slot, and no
 * deployment after it put another artifact there (nor one that records no slot, which may have).
 * When the decision did not read every deployment in between, the answer is no.
 */
function slotRestore(plan, decision) {
    const { target } = decision;
    const slot = target?.payload?.slot;
    if (!target || !slot || decision.complete === false)
        return { kind: 'redeploy' };
    const digest = target.payload?.artifact?.digest;
    const overwritten = [decision.bad, ...decision.passed].some((later) => later.id > target.id && later.payload?.artifact?.digest !== digest && (later.payload?.slot === slot || later.payload?.slot === undefined));
    return overwritten ? { kind: 'redeploy' } : { kind: 'instant', slot: slotNamed(plan, slot, `Deployment #${target.id}`) };
}
/**
 * Puts the target back in service (see slotRestore) and returns the slot that serves it. A
 * redeploy goes into the slot that takes no traffic now; when traffic is split (a canary of the
 * bad version), it is first all sent to the slot the bad version is not in.
 */
async function slots_restoreInSlots(decision, effects, environment, logger) {
    const { plan } = effects;
    const make = effects.makeRouter ?? createRouter;
    const routerServing = (slot) => make(plan.router.provider, slotRouterSettings(plan, otherSlot(plan, slot).name));
    const sendAllTo = async (slot) => {
        const router = routerServing(slot);
        const state = await router.abort();
        if (state.canaryWeight !== 0)
            throw new SlipwayError(`The ${router.type} router still sends ${state.canaryWeight}% away from slot ${slot.name} after the switch; the rollback stopped before recording anything.`);
    };
    const restore = slotRestore(plan, decision);
    if (restore.kind === 'instant') {
        await sendAllTo(restore.slot);
        logger.info(`Slot ${restore.slot.name} still runs deployment #${decision.target?.id}: all traffic is back there, nothing was deployed.`);
        return restore.slot;
    }
    const target = decision.target;
    const artifact = target?.payload?.artifact;
    if (!target || !artifact)
        throw new SlipwayError('The rollback needs a good version to deploy again, and there is none.');
    if (!plan.deploy)
        throw new SlipwayError(`Deployment #${target.id}'s slot no longer runs it, and the plan has no \`deploy:\` to start it again.`);
    const serving = await servingSlot(plan, routerServing(plan.slots[0]), decision.bad, sendAllTo);
    const idle = otherSlot(plan, serving);
    logger.info(`No slot still runs deployment #${target.id}: deploying ${artifact.ref} again into slot ${idle.name} (slot ${serving.name} keeps the traffic meanwhile).`);
    await deployAndWait(plan.deploy, { imageRef: artifact.ref, digest: artifact.digest, slot: idle, environment }, effects.deployer);
    await sendAllTo(idle);
    logger.info(`All traffic is on slot ${idle.name}, which runs ${artifact.ref} again.`);
    return idle;
}
/** The slot taking all traffic now; a split is first ended by sending all traffic off the bad deployment's slot. */
async function servingSlot(plan, firstStable, bad, sendAllTo) {
    const [first, second] = plan.slots;
    const state = await firstStable.describe();
    if (!state.reachable)
        throw new SlipwayError(`The ${firstStable.type} router cannot be reached; the rollback changed nothing.`);
    if (state.canaryWeight === 0)
        return first;
    if (state.canaryWeight === 100)
        return second;
    if (!bad.payload?.slot)
        throw new SlipwayError(`Traffic is split between slots ${first.name} and ${second.name}, and deployment #${bad.id} records no slot; the rollback changed nothing. Fix: send all traffic to one slot first.`);
    const away = otherSlot(plan, slotNamed(plan, bad.payload.slot, `Deployment #${bad.id}`));
    await sendAllTo(away);
    return away;
}

;// CONCATENATED MODULE: ./src/core/rollback/execute.ts




const OUTPUT_TAIL = 2000;
/**
 * Carries out a decided rollback, effects first so the ledger only ever records what happened:
 * the target's artifact checked in its registry (with `effects.registry`), traffic back to stable (checked by reading it back) and/or the deploy command; then the bad
 * deployment is marked `failure` with the reason, and a `deploy:rollback` deployment of the target
 * with `rollbackOf` is recorded and set `success`, so the environment shows the good version active.
 */
async function execute_executeRollback(ledger, decision, request, effects, logger = silentLogger) {
    const { bad, target } = decision;
    const imageRef = target?.payload?.artifact?.ref;
    if (imageRef && effects.registry)
        await ensureArtifactExists(imageRef, request.environment, effects.registry, logger);
    let slot = request.slot;
    if (effects.slots && target) {
        slot = (await restoreInSlots(decision, effects.slots, request.environment, logger)).name;
    }
    else if (effects.router) {
        const state = await effects.router.abort();
        if (state.canaryWeight !== 0) {
            throw new SlipwayError(`The ${effects.router.type} router still sends ${state.canaryWeight}% to the canary after abort; the rollback stopped before recording anything.`);
        }
        logger.info(`Traffic is back on the stable version (${effects.router.type}: stable ${state.stableWeight}%, canary 0%).`);
    }
    if (effects.deployCommand && !effects.slots) {
        if (!imageRef || !effects.commandRunner)
            throw new SlipwayError('The deploy command needs a good version to redeploy, and there is none.');
        logger.info(`Running the deploy command with SLIPWAY_IMAGE_REF=${imageRef}.`);
        const result = await effects.commandRunner.run(effects.deployCommand, {
            SLIPWAY_IMAGE_REF: imageRef,
            SLIPWAY_ENVIRONMENT: request.environment,
            SLIPWAY_ROLLBACK_OF: String(bad.id),
        });
        if (result.output.trim())
            logger.info(result.output.trimEnd());
        if (result.exitCode !== 0) {
            throw new SlipwayError(`The deploy command exited with ${result.exitCode}; nothing was recorded in the ledger. Its output ended with:\n${result.output.slice(-OUTPUT_TAIL)}`);
        }
    }
    if (bad.latestStatus?.state !== 'failure') {
        await ledger.setStatus(bad.id, { state: 'failure', description: `rolled back: ${request.reason}` });
    }
    if (!target?.payload?.artifact)
        return { rolledBackDeploymentId: bad.id, target: null };
    const rollback = await ledger.createDeployment({
        environment: request.environment,
        ref: target.sha,
        task: 'deploy:rollback',
        artifact: target.payload.artifact,
        strategy: 'rollback',
        rollbackOf: bad.id,
        // The target is the last good version again, and `bad` the newest deployment: saves the
        // ledger its own look-up of both pointers.
        previousGood: target.id,
        // With slots: where the restored version serves from, so the next rollout picks the other one.
        slot,
        lastIrreversible: bad.payload?.irreversible ? bad.id : bad.payload?.lastIrreversible,
        description: `Roll back #${bad.id} to #${target.id}`,
        productionEnvironment: target.productionEnvironment,
    });
    await ledger.setStatus(rollback.id, {
        state: 'success',
        description: `rolled back #${bad.id} to #${target.id}: ${request.reason}`,
        environmentUrl: request.environmentUrl ?? (target.latestStatus?.environmentUrl || undefined),
    });
    logger.info(`Recorded rollback deployment #${rollback.id}: ${request.environment} runs ${target.payload.artifact.ref} again (#${bad.id} marked failure).`);
    return { imageRef: target.payload.artifact.ref, deploymentId: rollback.id, rolledBackDeploymentId: bad.id, target, slot };
}

;// CONCATENATED MODULE: ./src/core/rollback/command.ts

/**
 * Runs the command with /bin/sh -c (the workflow author wrote a shell line), with the allow-listed
 * environment, the names in `passEnv` and `env` (docs/security.md); default timeout 15 minutes.
 */
function shellCommandRunner(options = {}) {
    return {
        async run(command, env) {
            const result = await runCommand(['/bin/sh', '-c', command], { env, passEnv: options.passEnv, timeoutMs: options.timeoutMs ?? 15 * 60_000 });
            return { exitCode: result.code, output: [result.stdout, tail(result.stderr, 20)].filter((s) => s.trim()).join('\n') };
        },
    };
}

;// CONCATENATED MODULE: ./src/core/rollback/abort.ts



/** The one status an abort records (see abortAndRecord). */
const ABORTED_STATE = 'error';
/**
 * Sends all traffic back to stable, then records the truth on the deployment. The ledger never
 * depends on the router: the status is written in a `finally`, also when the router cannot be
 * reached — saying where traffic was last seen — and a ledger failure is logged, never thrown
 * over the router's outcome. The router's error, if any, is returned for the caller to rethrow.
 *
 * The status is always `error`, whether traffic went back or not: an abort is a stop by something
 * other than the judgment — a failed step, a failed or cancelled job, an error. `failure` is kept
 * for a rollout the judgment rolled back (executeRollback), so that a deployment's state says
 * whether its version was found bad (docs/reliability.md, "What a failed or cancelled job leaves").
 */
async function abort_abortAndRecord(router, record, logger = silentLogger) {
    const outcome = { trafficBack: false, canaryWeight: record.lastSeenWeight };
    try {
        const state = await router.abort();
        Object.assign(outcome, { trafficBack: true, canaryWeight: state.canaryWeight });
    }
    catch (error) {
        outcome.routerError = error;
        logger.error(`Could not send traffic back to stable (${router.type}): ${errorMessage(error)}`);
    }
    finally {
        outcome.recorded = await recordAbort(record, outcome, logger);
    }
    return outcome;
}
async function recordAbort(record, outcome, logger) {
    const { ledger, deploymentId } = record;
    if (!ledger || deploymentId === undefined)
        return undefined;
    try {
        const lastSeen = record.lastSeenWeight === undefined ? 'unknown' : `canary ${record.lastSeenWeight}%`;
        const state = ABORTED_STATE;
        // The router's own error is logged; the status keeps to where traffic is (140 characters).
        const traffic = outcome.trafficBack ? 'traffic back on stable' : `traffic NOT moved back, last seen at ${lastSeen}`;
        const status = { state, description: `${record.reason}; ${traffic}${record.detail ? `: ${record.detail}` : ''}` };
        if (record.onlyIfOpen) {
            if (!(await closeIfOpen(ledger, deploymentId, status)).closed)
                return undefined;
        }
        else {
            await ledger.setStatus(deploymentId, status);
        }
        logger.info(`Deployment #${deploymentId} marked ${state}.`);
        return state;
    }
    catch (error) {
        logger.warning(`Could not record the stop on deployment #${deploymentId}: ${errorMessage(error)}`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/core/rollback/index.ts






;// CONCATENATED MODULE: ./src/core/notify/payload.ts
// The bodies a webhook receives, pure functions of the event: Slack's incoming-webhook message
// (`text` as the notification's fallback, `blocks` as what the channel shows) and Slipway's own
// JSON for anything else. Secrets are taken out by the sender (webhook.ts), not here.
/** The `schema` of the JSON body; a consumer checks it before reading the fields. */
const NOTIFY_SCHEMA = 'slipway/notify/v1';
/** A section's text is cut by Slack at 3000 characters; a long reason is cut well before. */
const REASON_LIMIT = 1500;
const HEADLINES = {
    started: { emoji: ':rocket:', verb: 'Rollout started' },
    paused: { emoji: ':double_vertical_bar:', verb: 'Rollout paused' },
    promoted: { emoji: ':white_check_mark:', verb: 'Promoted' },
    'rolled-back': { emoji: ':rewind:', verb: 'Rolled back' },
};
/** `Promoted app@sha256:1111… in production: all 4 steps passed` */
function summaryOf(event) {
    const restored = event.restored ? ` (restored ${shortRef(event.restored)})` : '';
    return `${HEADLINES[event.event].verb} ${shortRef(event.artifact)} in ${event.environment}${restored}: ${event.reason}`;
}
/** The body for `format`: a Slack message or Slipway's JSON. */
function payload_notificationBody(format, event, at) {
    return format === 'slack' ? slackNotification(event) : jsonNotification(event, at);
}
/** Slipway's JSON body. */
function jsonNotification(event, at) {
    return { schema: NOTIFY_SCHEMA, ...event, summary: summaryOf(event), at: at.toISOString() };
}
/**
 * A Slack message: the headline (what, which artifact, where), the reason, and a context line of
 * links to the run, the deployment and the environment.
 */
function slackNotification(event) {
    const { emoji, verb } = HEADLINES[event.event];
    const restored = event.restored ? `, restoring \`${payload_escape(shortRef(event.restored))}\`` : '';
    const headline = `${emoji} *${verb}* \`${payload_escape(shortRef(event.artifact))}\` in *${payload_escape(event.environment)}*${restored}`;
    const reason = event.reason.length > REASON_LIMIT ? `${event.reason.slice(0, REASON_LIMIT)}…` : event.reason;
    const links = [
        event.runUrl && payload_link(event.runUrl, 'Workflow run'),
        event.deploymentsUrl && payload_link(event.deploymentsUrl, event.deploymentId === undefined ? 'Deployments' : `Deployment #${event.deploymentId}`),
        event.environmentUrl && payload_link(event.environmentUrl, 'Environment'),
    ].filter((item) => typeof item === 'string');
    const blocks = [
        { type: 'section', text: { type: 'mrkdwn', text: headline } },
        { type: 'section', text: { type: 'mrkdwn', text: `*Reason:* ${payload_escape(reason)}` } },
    ];
    if (links.length > 0)
        blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] });
    return { text: `${emoji} ${summaryOf(event)}`, blocks };
}
/** `app@sha256:111111111111…`: a digest reference with its digest cut to 12 hex digits. */
function shortRef(ref) {
    return ref.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, '@sha256:$1…');
}
/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
function payload_escape(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function payload_link(url, label) {
    // A `|` or `>` in the URL would end the link early; encoded, the URL still works.
    return `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${label}>`;
}

;// CONCATENATED MODULE: ./src/core/notify/webhook.ts






/** A webhook answers within seconds or it is down: a rollout never waits long on one. */
const NOTIFY_TIMEOUT_MS = 5_000;
/**
 * One more try, a second later, after a refused connection or a 5xx/429; a post that timed out is
 * not repeated (the webhook may have taken it, and a channel would show it twice).
 */
const NOTIFY_RETRY = { attempts: 2, firstDelayMs: 1_000, multiplier: 1, maxDelayMs: 1_000 };
/** A Notifier posting to `settings.url` in `settings.format`. */
function webhook_webhookNotifier(settings, options = {}) {
    const logger = options.logger ?? silentLogger;
    return {
        async notify(event) {
            const result = await postNotification(settings, { ...options.links, ...definedOnly(event) }, options);
            if (result.status === 'posted')
                logger.info(`Posted ${event.event} to the ${describeWebhook(settings.url)}.`);
            if (result.status === 'failed')
                logger.warning(`The ${event.event} notification was not posted: ${result.detail}. The rollout goes on; check notify.url (or the notify-url input).`);
            return result;
        },
    };
}
/**
 * POSTs `event` to the webhook as JSON, every secret in it masked; never throws. Skipped when the
 * settings' `events` leave it out.
 */
async function postNotification(settings, event, options = {}) {
    if (!settings.events.includes(event.event))
        return { status: 'skipped', detail: `${event.event} is not in notify.events` };
    const clock = options.clock ?? systemClock;
    const timeoutMs = options.timeoutMs ?? NOTIFY_TIMEOUT_MS;
    const webhook = describeWebhook(settings.url);
    // The reason may quote a server's error text: no secret leaves for the webhook either.
    const body = JSON.stringify(secrets.redactDeep(notificationBody(settings.format, event, clock.now())));
    try {
        const response = await withRetry(async () => fetch(settings.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'slipway', ...settings.headers },
            body,
            signal: AbortSignal.timeout(timeoutMs),
            // Header values are secrets: they go to the URL given, never where it redirects.
            redirect: 'manual',
        }), {
            policy: NOTIFY_RETRY,
            classify: (error) => (isTransientNetworkError(error) ? {} : undefined),
            retryResult: (response) => (isRetryableStatus(response.status) ? {} : undefined),
            onRetry: async ({ result }) => void (await result?.arrayBuffer().catch(() => undefined)),
            clock,
        });
        const text = await response.text().catch(() => '');
        if (response.ok)
            return { status: 'posted' };
        const excerpt = redact(text).replace(/\s+/g, ' ').trim().slice(0, 200);
        const redirected = response.status >= 300 && response.status < 400 ? ' (a redirect: give the URL it points to; redirects are not followed)' : '';
        return { status: 'failed', detail: `the ${webhook} answered HTTP ${response.status}${redirected}${excerpt ? `: ${excerpt}` : ''}` };
    }
    catch (error) {
        const timedOut = error.name === 'TimeoutError';
        const cause = timedOut ? `no answer within ${timeoutMs / 1000}s` : (transientNetworkCode(error) ?? errorMessage(error));
        return { status: 'failed', detail: `the ${webhook} could not be reached (${redact(cause)})` };
    }
}
/** `notify webhook at hooks.slack.com`: the host only, since the rest of the URL is the secret. */
function describeWebhook(url) {
    const host = webhookHost(url);
    return host ? `notify webhook at ${host}` : 'notify webhook';
}
/** A webhook URL's host, the one part of it that may be shown (Slack's path is the secret); undefined when it is no URL. */
function webhookHost(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return undefined;
    }
}
/** `event` without its undefined fields, so they do not hide the notifier's links. */
function definedOnly(event) {
    return Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined));
}

;// CONCATENATED MODULE: ./src/core/notify/index.ts
/**
 * Notifications (docs/notifications.md): a rollout's events — started, paused, promoted, rolled
 * back — posted to a webhook as a Slack message or Slipway's JSON. A failed post is a warning,
 * never a failed rollout.
 */





;// CONCATENATED MODULE: ./src/core/plan/liveness.ts




// Two runs driving one environment would fight over its router: which rollout is live, and what a
// second one does about it (docs/reliability.md, "Two rollouts in one environment").
/**
 * Most time between two statuses of a live rollout: the heartbeat another run checks. A rollout
 * silent for three heartbeats (15 minutes) is taken for dead — its runner lost — and superseded.
 */
const liveness_HEARTBEAT_MS = (/* unused pure expression or super */ null && (5 * 60_000));
/**
 * Whether an open deployment belongs to a run that is live and is not this one: its last status (or,
 * with none yet, its creation) is younger than three heartbeats, and is not a deliberate pause.
 */
function liveElsewhere(deployment, identity) {
    if (!deployment.payload)
        return undefined;
    const status = deployment.latestStatus;
    if (status && (!isOpen(status.state) || isPaused(status.description)))
        return undefined;
    if (isOurs(deployment, identity))
        return undefined;
    const ageMs = (identity.clock ?? systemClock).now().getTime() - Date.parse(status?.createdAt ?? deployment.createdAt);
    if (!(ageMs < staleAfterMs(identity)))
        return undefined;
    const run = status?.logUrl || `the run that wrote it (${deployment.payload.source?.workflow ?? 'unknown workflow'}, run ${deployment.payload.source?.runId ?? '?'})`;
    return { ageMs, run, said: status ? `"${status.description}"` : 'just created' };
}
/** A rollout stopped on purpose (an open-ended pause, a policy of pause) waits for a later run: nobody drives it. */
function isPaused(description) {
    const point = parseResumePoint(description);
    return point?.phase === 'step' && point.paused;
}
/** Written by this run (a re-run attempt resuming it): its statuses carry our page, its payload our run id. */
function isOurs(deployment, identity) {
    const status = deployment.latestStatus;
    if (status)
        return identity.runUrl !== undefined && status.logUrl === identity.runUrl;
    return identity.runId !== undefined && deployment.payload?.source?.runId === identity.runId;
}
function staleAfterMs(identity) {
    return 3 * (identity.heartbeatMs ?? liveness_HEARTBEAT_MS);
}
function anotherRunError(environment, deployment, live, identity, lead) {
    return new SlipwayError(`${lead}: deployment #${deployment.id} of ${deployment.payload?.artifact?.ref ?? deployment.sha} was last heard from ${Math.max(0, Math.round(live.ageMs / 1000))} s ago (${live.said}), driven by ${live.run}. ` +
        `Two rollouts would fight over the router, so this one changed nothing. Fix: serialise the rollouts of an environment with \`concurrency: {group: deploy-${environment}, cancel-in-progress: false}\` on the job, or wait for that run; a rollout whose runner was lost is superseded once it has been silent for ${Math.round(staleAfterMs(identity) / 60_000)} minutes.`);
}
/** Refuses, before anything is written, while the environment's newest deployment is driven by another live run. */
function liveness_refuseWhileAnotherRunDrives(environment, latest, identity) {
    const live = liveElsewhere(latest, identity);
    if (live)
        throw anotherRunError(environment, latest, live, identity, `Another rollout is live in ${environment}`);
}
/**
 * Two runs that looked at the environment at the same moment both saw it free and both created a
 * deployment. Only the elder goes on: the run whose deployment has, just below it, one that another
 * live run created marks its own `error` ("not started") and refuses — before any traffic moves.
 * Costs two requests (the first page, without statuses, and one status).
 */
async function liveness_stepBackIfRaced(ledger, environment, ours, identity) {
    let elder;
    for await (const deployment of ledger.history(environment, { statuses: false, pages: 1 })) {
        if (deployment.id < ours.id) {
            elder = deployment;
            break;
        }
    }
    if (!elder)
        return;
    const live = liveElsewhere({ ...elder, latestStatus: await ledger.latestStatus(elder.id) }, identity);
    if (!live)
        return;
    await ledger.setStatus(ours.id, { state: 'error', description: `not started: deployment #${elder.id} was started at the same time by another run` });
    throw anotherRunError(environment, elder, live, identity, `Another rollout started in ${environment} at the same time`);
}

;// CONCATENATED MODULE: ./src/core/plan/recorder.ts





/**
 * Tries at the final `success` (each also retried by the GitHub client) before the run says it
 * could not record it: three, 5 s then 10 s apart.
 */
const FINAL_STATUS_RETRY = { attempts: 3, firstDelayMs: 5_000, multiplier: 2, maxDelayMs: 10_000 };
/** The deployment statuses, progress table and step records of one rollout run. */
class recorder_RolloutRecorder {
    options;
    /** The table handed to `onProgress`: one object, updated in place, for the whole run. */
    progress;
    weight;
    index = 0;
    deploymentId;
    heartbeat;
    constructor(options) {
        this.options = options;
        const { plan } = options;
        this.progress = {
            environment: options.environment,
            imageRef: options.imageRef,
            strategy: plan.strategy,
            steps: plan.steps.map((step, index) => ({ index, label: stepLabel(step), state: 'pending' })),
            reports: [],
        };
    }
    /** An earlier run already promoted the artifact: every step reads done. */
    allStepsDone() {
        this.progress.steps.forEach((record) => (record.state = 'done'));
    }
    /**
     * The run drives `deploymentId` from step `startIndex` on: the steps before it read done, and
     * from now on every status is a heartbeat, written again through a long pause or analysis so
     * another run can tell this one alive from one whose runner was lost.
     */
    open(deploymentId, startIndex) {
        this.deploymentId = deploymentId;
        this.progress.deploymentId = deploymentId;
        this.progress.steps.slice(0, startIndex).forEach((record) => (record.state = 'done'));
        this.heartbeat = startHeartbeat(this.options, deploymentId);
    }
    /** The canary's share where the run stands: what each status names, and what an abort last saw (undefined before the router was read). */
    get canaryWeight() {
        return this.weight;
    }
    /** The router now sends `canaryWeight` percent to the new version. */
    trafficAt(canaryWeight) {
        this.weight = canaryWeight;
    }
    /** Step `index` begins: it reads running, and the statuses from now on name it. Returns its label. */
    startStep(index) {
        this.index = index;
        this.step.state = 'running';
        return this.step.label;
    }
    /** Writes where the run stands, at the current step: `canary 25% · step 3/6 · <note>`. */
    async status(note) {
        await this.writeInProgress(formatResumePoint({ ...this.stepPoint(), paused: false }, note));
    }
    /** Hands the progress table to `onProgress`. */
    async publish() {
        await this.options.onProgress?.(this.progress);
    }
    /** The current step's analysis ended with `report`: its verdict, score and first reason go in the table. */
    analysed(report) {
        this.progress.reports.push({ stepIndex: this.index, report });
        Object.assign(this.step, { verdict: report.verdict, score: report.score, note: report.reasons[0] });
    }
    /** A note on the current step in the table (what its smoke check saw). */
    note(text) {
        this.step.note = text;
    }
    /** The current step ran (whether it passed or not): the table shows the weight it left. */
    stepRan() {
        this.step.canaryWeight = this.canaryWeight;
    }
    /** The current step passed. */
    async stepDone() {
        this.step.state = 'done';
        await this.publish();
    }
    /** The current step failed; what follows (a rollback) is the engine's. */
    stepFailed() {
        this.step.state = 'failed';
    }
    /**
     * The run stops at the current step on purpose and waits for a later run: with a reason (a
     * policy of pause) or without (an open-ended pause, "paused until the next run").
     */
    async pause(reason) {
        this.step.state = 'paused';
        await this.writeInProgress(formatResumePoint({ ...this.stepPoint(), paused: true }, reason));
    }
    /**
     * The deploy step runs (before any traffic moves): written as is, not a resume point, so a run
     * that stops here starts again from the deploy, which converges.
     */
    async deploying(note) {
        await this.writeInProgress(note);
    }
    /** The run stops before any traffic moved (a deploy that failed or never became ready): the final status says so. */
    async stoppedBeforeTraffic(state, description) {
        const deploymentId = this.opened();
        await this.stopHeartbeat();
        await this.options.ledger.setStatus(deploymentId, { state, description, environmentUrl: this.options.environmentUrl });
    }
    /** Every step passed and the router is about to promote: a run that stops from here on promotes again. */
    async promoting() {
        await this.writeInProgress(formatResumePoint({ phase: 'promoting', total: this.options.plan.steps.length }));
    }
    /** No heartbeat after this; resolves once the one in flight, if any, has landed (before a final status). */
    async stopHeartbeat() {
        await this.heartbeat?.stop();
    }
    /** Writes the final `success` (default `promoted · <strategy> · N/N steps`), retried; when GitHub still refuses, says so without touching traffic. */
    async promoted(description) {
        const { plan, ledger, clock, logger, imageRef } = this.options;
        const deploymentId = this.opened();
        await this.stopHeartbeat();
        const success = { state: 'success', description: description ?? `promoted · ${plan.strategy} · ${plan.steps.length}/${plan.steps.length} steps`, environmentUrl: this.options.environmentUrl };
        try {
            await withRetry(() => ledger.setStatus(deploymentId, success), {
                policy: FINAL_STATUS_RETRY,
                // Every refusal is worth another try: the traffic is already moved, only the record is missing.
                classify: () => ({}),
                onRetry: ({ error }) => logger.warning(`Recording success on deployment #${deploymentId} failed (${errorMessage(error)}); trying again.`),
                clock,
            });
        }
        catch (error) {
            throw new SlipwayError(`${imageRef} is promoted: all traffic is on it, and it stays there. Recording success on deployment #${deploymentId} failed ${FINAL_STATUS_RETRY.attempts} times (${errorMessage(error)}). ` +
                'Fix: run the rollout again once GitHub accepts writes; it resumes at the promotion and records success without moving traffic.');
        }
    }
    /** The run ends: the result goes in the table, which is published and logged, and becomes the outcome. */
    async finish(result, deploymentId, reason, extra = {}) {
        Object.assign(this.progress, { result, reason });
        await this.publish();
        this.options.logger.info(`Rollout of ${this.options.imageRef} to ${this.options.environment}: ${result} (${reason}).`);
        return { ...this.progress, result, deploymentId, reason, ...extra };
    }
    get step() {
        return this.progress.steps[this.index];
    }
    stepPoint() {
        if (this.weight === undefined)
            throw new Error('unreachable: a step runs only once traffic was read');
        return { phase: 'step', strategy: this.options.plan.strategy, step: this.index + 1, total: this.options.plan.steps.length, canaryWeight: this.weight };
    }
    async writeInProgress(description) {
        if (!this.heartbeat)
            throw new Error('unreachable: a status is written only once the deployment exists');
        await this.heartbeat.status({ state: 'in_progress', description, environmentUrl: this.options.environmentUrl });
    }
    opened() {
        if (this.deploymentId === undefined)
            throw new Error('unreachable: the deployment exists before it is promoted');
        return this.deploymentId;
    }
}
function startHeartbeat(options, deploymentId) {
    const { ledger, logger } = options;
    const every = options.heartbeatMs ?? HEARTBEAT_MS;
    let last;
    let lastAt = Date.now();
    let stopped = false;
    // One write at a time, in order: a heartbeat can never land after the status that ends the run.
    let queue = Promise.resolve();
    const write = (request) => {
        const written = queue.then(() => ledger.setStatus(deploymentId, request));
        queue = written.catch(() => undefined);
        return written;
    };
    const timer = setInterval(() => {
        if (stopped || !last || Date.now() - lastAt < every)
            return;
        lastAt = Date.now();
        write(last).catch((error) => logger.warning(`Heartbeat on deployment #${deploymentId} failed: ${errorMessage(error)}`));
    }, Math.min(every, 60_000));
    timer.unref?.();
    return {
        async status(request) {
            last = request;
            lastAt = Date.now();
            await write(request);
        },
        async stop() {
            stopped = true;
            clearInterval(timer);
            await queue;
        },
    };
}

// EXTERNAL MODULE: ./src/core/traffic/spec-router.ts
var spec_router = __webpack_require__(5022);
;// CONCATENATED MODULE: ./src/core/plan/steps.ts


/** The traffic the steps before `index` leave behind (weight 0, no routes, no mirror at the start). */
function steps_expectedTrafficBefore(steps, index) {
    const expected = { canaryWeight: 0, headerRoute: null, mirrorPercentage: 0 };
    for (const step of steps.slice(0, index)) {
        if (step.kind === 'setWeight')
            expected.canaryWeight = step.weight;
        if (step.kind === 'switch')
            expected.canaryWeight = 100;
        if (step.kind === 'setHeaderRoute' || step.kind === 'preview')
            expected.headerRoute = step.route;
        if (step.kind === 'setMirrorRoute')
            expected.mirrorPercentage = step.percentage;
    }
    return expected;
}
/** Applies a traffic step through the router; a capability the provider lacks is a clear error. */
async function applyTrafficStep(router, step) {
    switch (step.kind) {
        case 'setWeight':
            return router.setCanaryWeight(step.weight);
        case 'switch':
            return router.setCanaryWeight(100);
        case 'setHeaderRoute':
        case 'preview':
            if (!router.setHeaderRoute)
                throw new errors/* SlipwayError */.GQ(cannotRoute(router, step.kind));
            return router.setHeaderRoute(step.route);
        case 'setMirrorRoute':
            if (!router.setMirror)
                throw new errors/* SlipwayError */.GQ(cannotMirror(router));
            return router.setMirror(step.percentage);
    }
}
const cannotRoute = (router, kind) => `The ${router.type} router cannot route by header, so the plan's \`${kind}\` step cannot run; remove it or use a provider with header routes.`;
const cannotMirror = (router) => `The ${router.type} router cannot mirror traffic, so the plan's \`setMirrorRoute\` step cannot run; remove it or use a provider that mirrors (nginx).`;
/**
 * Checks, before anything is written, that the router can take every traffic step of the plan: a
 * route or mirror step needs the capability, and each set of header routes the steps put in force
 * must be one the provider can express (HAProxy's one ACL header, nginx's header names, one route
 * per ingress-nginx canary…). A plan that would fail at step 4 for its router fails now instead.
 */
function steps_checkPlanFitsRouter(steps, router) {
    const problems = [];
    let routes = [];
    steps.forEach((step, index) => {
        const where = `plan${step.line === undefined ? '' : ` line ${step.line}`}: steps[${index}].${step.kind}`;
        if (step.kind === 'setHeaderRoute' || step.kind === 'preview') {
            if (!router.setHeaderRoute)
                return void problems.push(`${where}: ${cannotRoute(router, step.kind)}`);
            routes = routesAfter(routes, step.route);
            try {
                router.checkHeaderRoutes?.(routes);
            }
            catch (error) {
                problems.push(`${where}: ${errorMessage(error)}`);
            }
        }
        if (step.kind === 'setMirrorRoute' && !router.setMirror)
            problems.push(`${where}: ${cannotMirror(router)}`);
    });
    if (problems.length > 0)
        throw new SlipwayError(`The plan does not fit the ${router.type} router; nothing was changed.\n${problems.join('\n')}`);
}
/** Brings the router to `expected` (a resumed or restarted run), changing only what differs. */
async function steps_convergeTraffic(router, expected) {
    let state = await router.describe();
    if (!state.reachable)
        throw new SlipwayError(`The ${router.type} router cannot be reached, so the rollout did not start or resume; nothing was changed.`);
    const changed = [];
    if (state.canaryWeight !== expected.canaryWeight) {
        changed.push(`canary weight ${state.canaryWeight}% → ${expected.canaryWeight}%`);
        state = await router.setCanaryWeight(expected.canaryWeight);
    }
    const route = expected.headerRoute;
    const hasRoute = route ? state.headerRoutes.some((r) => r.name === route.name && r.value === route.value) : state.headerRoutes.length === 0;
    if (!hasRoute && router.setHeaderRoute) {
        changed.push(route ? `header route ${route.name}: ${route.value}` : 'header routes cleared');
        state = await router.setHeaderRoute(route);
    }
    if (state.mirrorPercentage !== expected.mirrorPercentage && router.setMirror) {
        changed.push(`mirror ${state.mirrorPercentage}% → ${expected.mirrorPercentage}%`);
        state = await router.setMirror(expected.mirrorPercentage);
    }
    return { state, changed };
}

;// CONCATENATED MODULE: ./src/core/plan/slot-rollout.ts






/**
 * The slot choice from the last good deployment: its recorded slot is stable, the other takes the
 * new version. A last good deployment from before slots (no slot recorded) is in `servingSlot`,
 * the slot that takes all traffic now; none at all is a first release, into the first slot.
 */
function chooseSlots(plan, lastGood, servingSlot) {
    const slots = plan.slots;
    if (!slots)
        throw new Error('unreachable: slots are chosen only for a plan with slots');
    if (!lastGood) {
        return { canary: slots[0], stable: slots[1], firstRelease: true, reason: `first release: no good version yet, so slot ${slots[0].name} takes all traffic once ready` };
    }
    const recorded = lastGood.payload?.slot;
    const name = recorded ?? servingSlot;
    if (name === undefined) {
        throw new SlipwayError(`The last good deployment #${lastGood.id} records no slot (it predates slots), and the router splits traffic between the slots, so which one runs it is unknown; nothing was changed. ` +
            'Fix: send all traffic to the slot that runs it (canary-step with weight 0 or 100), then run the rollout again.');
    }
    const stable = slotNamed(plan, name, `The last good deployment #${lastGood.id}`);
    const canary = otherSlot(plan, stable);
    const how = recorded ? 'as the ledger records' : 'which takes all traffic (the deployment predates slots)';
    return { canary, stable, firstRelease: false, reason: `slot ${canary.name} takes the new version: slot ${stable.name} holds the last good version (#${lastGood.id}), ${how}` };
}
/** The choice a deployment recorded (a resumed rollout): its slot is the canary. */
function slot_rollout_recordedSlots(plan, deployment) {
    const canary = slotNamed(plan, deployment.payload?.slot ?? '', `Deployment #${deployment.id}`);
    const firstRelease = deployment.payload?.previousGood === null;
    return { canary, stable: otherSlot(plan, canary), firstRelease, reason: `slot ${canary.name}, as deployment #${deployment.id} records${firstRelease ? ' (first release)' : ''}` };
}
/**
 * The choice for a new deployment: reads the last good deployment (or `previousGood`, when the
 * caller knows it) and, only for one from before slots, the router to see which slot serves.
 */
async function slot_rollout_pickSlots(plan, ledger, environment, router, previousGood) {
    const lastGood = previousGood === null ? null : previousGood !== undefined ? await ledger.getDeployment(previousGood) : await ledger.lastGood(environment);
    if (!lastGood || lastGood.payload?.slot)
        return chooseSlots(plan, lastGood);
    return chooseSlots(plan, lastGood, await slot_rollout_servingSlot(plan, router));
}
/** The slot taking all traffic through `router` (made with the plan's settings: the first slot stable); undefined when split. */
async function slot_rollout_servingSlot(plan, router) {
    const state = await router.describe();
    if (!state.reachable)
        throw new SlipwayError(`The ${router.type} router cannot be reached, so the rollout did not start; nothing was changed.`);
    if (state.canaryWeight === 0)
        return plan.slots[0].name;
    if (state.canaryWeight === 100)
        return plan.slots[1].name;
    return undefined;
}
/** The router with the new version in `choice.canary`: the plan's own (first slot stable) when it is the second slot, else one made turned the other way. */
function slot_rollout_routerForSlots(plan, choice, planRouter, makeRouter = createRouter) {
    if (choice.canary.name === plan.slots[1].name)
        return planRouter;
    return makeRouter(plan.router.provider, slotRouterSettings(plan, choice.canary.name));
}
/** The analysis block with {{canarySlot}} and {{stableSlot}} in its selectors replaced by the slots' names. */
function analysisForSlots(analysis, slots) {
    return {
        ...analysis,
        canary: fillSlotPlaceholders(analysis.canary, slots),
        baseline: fillSlotPlaceholders(analysis.baseline, slots),
        ...(analysis.historySelector ? { historySelector: fillSlotPlaceholders(analysis.historySelector, slots) } : {}),
    };
}
/** The analysis runner of a rollout into `choice.canary`: its selectors follow the slots (docs/analysis.md). */
function slot_rollout_analysisInSlots(runner, choice) {
    if (!runner)
        return undefined;
    const slots = { canarySlot: choice.canary.name, stableSlot: choice.stable.name };
    return { run: (request) => runner.run({ ...request, analysis: analysisForSlots(request.analysis, slots) }) };
}
/**
 * The deploy step, before any traffic moves: traffic first kept off the canary slot (on a first
 * release nothing serves yet, so nothing is touched), then the version started there and checked
 * ready. A deploy that fails is recorded `error` (the rollout stopped for something other than a
 * judgment of the version); one that never becomes ready `failure` (the version did not come up,
 * as a failed smoke check); both say that no traffic moved, and throw.
 */
async function slot_rollout_runDeployStep(context) {
    const { plan, choice, artifact, environment, router, recorder, logger } = context;
    const slot = choice.canary;
    if (!choice.firstRelease) {
        const converged = await convergeTraffic(router, expectedTrafficBefore(plan.steps, 0));
        if (converged.changed.length > 0)
            logger.info(`Traffic kept off slot ${slot.name} before the deploy: ${converged.changed.join(', ')}.`);
    }
    const deploy = plan.deploy;
    logger.info(`Deploying ${artifact.ref} into slot ${slot.name} (${deploy.spec.provider}).`);
    await recorder.deploying(`deploying into slot ${slot.name} · ${artifact.ref}`);
    try {
        const ready = await deployAndWait(deploy, { imageRef: artifact.ref, digest: artifact.digest, slot, environment }, context.deployer);
        logger.info(`Slot ${slot.name} runs ${artifact.ref}: ${ready}.`);
    }
    catch (error) {
        if (!(error instanceof DeployError))
            throw error;
        const state = error.reason === 'not-ready' ? 'failure' : 'error';
        const what = error.reason === 'not-ready' ? `slot ${slot.name} never became ready` : `deploy into slot ${slot.name} failed`;
        await recorder.stoppedBeforeTraffic(state, `${what}; no traffic moved: ${errorMessage(error)}`);
        throw new SlipwayError(`The rollout of ${artifact.ref} to ${environment} stopped before any traffic moved: ${errorMessage(error)}. The deployment is recorded ${state}; traffic stays on ${choice.firstRelease ? 'what it was' : `slot ${choice.stable.name}`}. Fix the deploy and run the rollout again.`);
    }
}

;// CONCATENATED MODULE: ./src/core/plan/step-handlers.ts

const CONTINUE = { next: 'continue' };
/** setWeight, switch, setHeaderRoute, preview and setMirrorRoute: the router changes, then the status says so. */
async function moveTraffic(step, { router, recorder, label }) {
    const state = await applyTrafficStep(router, step);
    recorder.trafficAt(state.canaryWeight);
    await recorder.status(label);
    return CONTINUE;
}
/** A timed pause waits on the clock; an open-ended one ends the run for a later one to go on. */
async function pause(step, { plan, index, label, recorder, clock }) {
    if (step.durationSeconds === undefined)
        return { next: 'pause', reason: `open-ended pause at step ${index + 1}/${plan.steps.length}; run the rollout again to continue` };
    await recorder.status(label);
    await recorder.publish();
    await clock.sleep(step.durationSeconds * 1000);
    return CONTINUE;
}
/** Judges the canary; a fail follows onFailure, an inconclusive verdict onInconclusive. */
async function analyse(step, { plan, index, label, recorder, analysis }) {
    if (!analysis || !plan.analysis)
        throw new Error("an analysis step needs the plan's analysis block and an analysis runner");
    await recorder.status(`${label} running`);
    await recorder.publish();
    const report = await analysis.run({ analysis: plan.analysis, step, stepIndex: index });
    recorder.analysed(report);
    const summary = `analysis ${report.verdict} (score ${Math.round(report.score)})`;
    if (report.verdict === 'fail')
        return { next: 'stop', policy: plan.onFailure, reason: `${summary}: ${report.reasons[0] ?? 'the canary is worse than the baseline'}` };
    if (report.verdict === 'inconclusive')
        return { next: 'stop', policy: plan.onInconclusive, reason: `${summary}: ${report.reasons[0] ?? 'not enough data'}` };
    await recorder.status(summary);
    return CONTINUE;
}
/** One GET; a failure follows onFailure. */
async function smokeCheck(step, { plan, recorder, smokeCheck: check }) {
    const result = await check(step);
    recorder.note(result.detail);
    if (!result.ok)
        return { next: 'stop', policy: plan.onFailure, reason: `smoke check failed: ${result.detail}` };
    await recorder.status('smoke check passed');
    return CONTINUE;
}
/** The handler of each step kind. */
const stepHandlers = {
    setWeight: moveTraffic,
    switch: moveTraffic,
    setHeaderRoute: moveTraffic,
    preview: moveTraffic,
    setMirrorRoute: moveTraffic,
    pause,
    analysis: analyse,
    smokeCheck,
};
/** Runs `step` through the handler of its kind. */
function step_handlers_runStep(step, context) {
    // TypeScript cannot tie `step.kind` to the handler it selects; StepHandlers above makes sure each kind's handler takes that kind.
    const handler = stepHandlers[step.kind];
    return handler(step, context);
}

;// CONCATENATED MODULE: ./src/core/plan/engine.ts














/**
 * Runs a plan end to end: creates (or resumes) the deployment, runs every step, records each as
 * the deployment's in_progress status ("canary 25% · step 3/6 · setWeight 25%"), and ends promoted,
 * rolled back (a failed analysis or smoke check under onFailure: rollback) or paused (an open-ended
 * pause, or a policy of pause). A re-run converges: it resumes from the recorded step with the
 * router brought back to where that step left it, and a promoted artifact is left as it is.
 * Each step is run by the handler of its kind (step-handlers.ts); everything the run writes goes
 * through one RolloutRecorder (recorder.ts). The start and each ending are posted to the notifier
 * (docs/notifications.md).
 */
async function runRollout(request, deps) {
    const { plan, environment, artifact } = request;
    const total = plan.steps.length;
    const logger = deps.logger ?? silentLogger;
    const clock = deps.clock ?? systemClock;
    const recorder = new RolloutRecorder({ plan, environment, imageRef: artifact.ref, environmentUrl: request.environmentUrl, ledger: deps.ledger, logger, clock, heartbeatMs: deps.heartbeatMs, onProgress: deps.onProgress });
    const notifier = deps.notifier ?? (plan.notify && webhookNotifier(plan.notify, { logger, clock, links: { runUrl: deps.runUrl } }));
    checkPlanFitsRouter(plan.steps, deps.router);
    const start = await startOrResume(request, deps, logger);
    if ('promoted' in start) {
        recorder.allStepsDone();
        return recorder.finish('promoted', start.promoted.id, `deployment #${start.promoted.id} already promoted ${artifact.ref}; nothing to do`);
    }
    const { deployment, startIndex, slots } = start;
    const router = slots ? routerForSlots(plan, slots, deps.router, deps.makeRouter) : deps.router;
    const analysis = slots ? analysisInSlots(deps.analysis, slots) : deps.analysis;
    if (slots)
        logger.info(`Plan: ${describeSlots(plan)}. This release: ${slots.reason}.`);
    recorder.open(deployment.id, startIndex);
    await announce('started', startIndex === 0 ? `${plan.strategy} rollout, ${total} steps` : `resumed at step ${startIndex + 1}/${total}`);
    let index = startIndex;
    try {
        // A re-run that stopped before the first step deploys again: the deploy converges.
        if (slots && startIndex === 0)
            await runDeployStep({ plan, choice: slots, artifact, environment, router, recorder, logger, deployer: deps.deployer });
        deps.onDeployment?.(deployment.id);
        return slots?.firstRelease ? await firstRelease(slots) : await drive();
    }
    finally {
        await recorder.stopHeartbeat();
    }
    /**
     * An environment's first release with slots: no stable version to compare with, so no steps run;
     * once the deploy is ready the new version takes all traffic (as Argo Rollouts does with a first rollout).
     */
    async function firstRelease(choice) {
        await orStop(async () => {
            if (startIndex < total) {
                const state = await router.setCanaryWeight(100);
                recorder.trafficAt(state.canaryWeight);
            }
            await promote();
        });
        recorder.allStepsDone();
        await recorder.promoted(`promoted · first release · all traffic on slot ${choice.canary.name}`);
        return end('promoted', `first release: slot ${choice.canary.name} takes all traffic (no stable version to analyse against, so the steps did not run)`);
    }
    /** Runs the steps from `index` on, then promotes; a stop or an error on the way ends it early. */
    async function drive() {
        // A pause or a stop ends the run before the promotion, with its own outcome.
        const endedEarly = await orStop(async () => {
            // A run that stopped during the promotion promotes again; no step runs and no traffic moves back.
            if (startIndex < total) {
                const converged = await convergeTraffic(router, expectedTrafficBefore(plan.steps, startIndex));
                if (converged.changed.length > 0)
                    logger.info(`Traffic brought to where step ${startIndex} left it: ${converged.changed.join(', ')}.`);
                recorder.trafficAt(converged.state.canaryWeight);
            }
            for (; index < total; index++) {
                const step = plan.steps[index];
                const label = recorder.startStep(index);
                logger.info(`Step ${index + 1}/${total}: ${label}`);
                const outcome = await runStep(step, { plan, index, label, recorder, router, analysis, clock, smokeCheck: deps.smokeCheck ?? httpSmokeCheck });
                if (outcome.next === 'pause') {
                    await recorder.pause();
                    return end('paused', outcome.reason);
                }
                recorder.stepRan();
                if (outcome.next === 'stop')
                    return await stopAt(index, outcome.policy, outcome.reason);
                await recorder.stepDone();
            }
            await promote();
            return undefined;
        });
        if (endedEarly)
            return endedEarly;
        // All traffic is on the new version now: a ledger failure from here on never moves it back.
        await recorder.promoted();
        return end('promoted', `all ${total} steps passed`);
    }
    /** A step failed under `policy`: pause there for a later run, or roll back (pausing when a rollback is refused). */
    async function stopAt(at, policy, reason) {
        if (policy === 'pause') {
            await recorder.pause(reason);
            return end('paused', `${reason}; paused at step ${at + 1}/${total} (a later run repeats this step)`);
        }
        recorder.stepFailed();
        await recorder.stopHeartbeat();
        let decision;
        try {
            decision = await decideRollback(deps.ledger, environment, { kind: 'previous' }, { bad: deployment, allowNoTarget: true, logger });
        }
        catch (refused) {
            if (!(refused instanceof RollbackRefusedError))
                throw refused;
            await recorder.pause('cannot roll back automatically');
            return end('paused', `${reason}; ${refused.message}`);
        }
        if ('already' in decision)
            throw new Error('unreachable: a rollout always names its bad deployment');
        const outcome = await executeRollback(deps.ledger, decision, { environment, reason, slot: slots?.stable.name }, { router }, logger);
        return end('rolled-back', reason, { rollbackDeploymentId: outcome.deploymentId }, outcome.imageRef);
    }
    /** The run ends with `result`: recorded, then announced. */
    async function end(result, reason, extra = {}, restored) {
        const outcome = await recorder.finish(result, deployment.id, reason, extra);
        await announce(result, reason, restored);
        return outcome;
    }
    /** Posts `event` about this run's deployment (when the plan or the caller asks for notifications). */
    async function announce(event, reason, restored) {
        const posted = notifier?.notify({ event, environment, artifact: artifact.ref, restored, deploymentId: deployment.id, reason, runUrl: deps.runUrl, environmentUrl: request.environmentUrl });
        // A Notifier never throws; one handed in that does still only costs a warning.
        await posted?.catch((error) => logger.warning(`The ${event} notification failed: ${errorMessage(error)}`));
    }
    /** An error stopped the run: traffic back on stable, and the deployment says where it stopped and why. */
    /** All traffic to the new version, the rollout recorded as promoting first. */
    async function promote() {
        await recorder.promoting();
        await router.promote();
        deps.onPromoted?.();
    }
    /** Runs `work`; an error on the way stops the rollout where it is (stopOnError) and is thrown on. */
    async function orStop(work) {
        try {
            return await work();
        }
        catch (error) {
            await stopOnError(index, error);
            throw error;
        }
    }
    async function stopOnError(at, error) {
        const position = Math.min(at + 1, total);
        logger.error(`The rollout stopped at step ${position}/${total}: ${errorMessage(error)}`);
        await recorder.stopHeartbeat();
        const aborted = await abortAndRecord(router, { ledger: deps.ledger, deploymentId: deployment.id, reason: `stopped at step ${position}/${total}`, detail: errorMessage(error), lastSeenWeight: recorder.canaryWeight }, logger);
        if (aborted.trafficBack)
            logger.info('Traffic is back on the stable version.');
        // Traffic went back as a rollback does: whoever watches the channel hears of it with the error.
        if (aborted.trafficBack)
            await announce('rolled-back', `the rollout stopped at step ${position}/${total}: ${errorMessage(error)}`);
    }
}
/** Finds where this run starts: a new deployment, a resumable one, or an artifact already promoted. */
async function startOrResume(request, deps, logger) {
    const { plan, environment, artifact } = request;
    const { ledger } = deps;
    const latest = await newest(ledger, environment);
    const state = latest?.latestStatus?.state;
    const open = isOpen(state);
    if (latest && open)
        refuseWhileAnotherRunDrives(environment, latest, deps);
    // The deployment this one replaces as "last good", when the ledger's own lineage would name the wrong one.
    let previousGood;
    if (latest && latest.payload?.artifact?.digest === artifact.digest) {
        if (state === 'success' && ranAPlan(latest))
            return { promoted: latest };
        if (state === 'success') {
            // promote-artifact (state: success) or record-deployment said this artifact runs here, but no
            // plan moved traffic to it: run the plan now. Rolling back must not "restore" this same artifact,
            // so the new deployment replaces what that one replaced.
            logger.info(`Deployment #${latest.id} records ${artifact.ref} as ${latest.task} success, but no rollout moved traffic to it; running the plan.`);
            previousGood = latest.payload.previousGood ?? null;
        }
        else if (open && plan.slots && !latest.payload.slot) {
            logger.warning(`Deployment #${latest.id} of ${artifact.ref} is open but records no slot (it predates the plan's slots); marking it error and starting again.`);
            await ledger.setStatus(latest.id, { state: 'error', description: `superseded: the plan now deploys into slots` });
        }
        else if (open) {
            const slots = plan.slots ? recordedSlots(plan, latest) : undefined;
            const point = parseResumePoint(latest.latestStatus?.description ?? '');
            const samePlan = !request.planDigest || latest.payload.planDigest === request.planDigest;
            if (point && samePlan && point.total === plan.steps.length) {
                // A recorded step runs again, unless it was a pause: that one has been waited out.
                const recorded = point.phase === 'promoting' ? plan.steps.length : point.step - 1;
                const startIndex = recorded === plan.steps.length || plan.steps[recorded].kind !== 'pause' ? recorded : recorded + 1;
                logger.info(`Resuming deployment #${latest.id} at step ${startIndex + 1}/${plan.steps.length} (recorded: "${latest.latestStatus?.description}").`);
                return { deployment: latest, startIndex, slots };
            }
            logger.warning(`Deployment #${latest.id} of ${artifact.ref} is open but ${point ? 'its plan changed' : 'records no step'}; running the plan again from step 1.`);
            return { deployment: latest, startIndex: 0, slots };
        }
    }
    else if (latest && open && latest.payload) {
        logger.warning(`Deployment #${latest.id} (${latest.payload.artifact?.ref ?? latest.sha}) was left open by an earlier run; marking it error, superseded by this rollout.`);
        await ledger.setStatus(latest.id, { state: 'error', description: `superseded by a rollout of ${artifact.ref}` });
    }
    const slots = plan.slots ? await pickSlots(plan, ledger, environment, deps.router, previousGood) : undefined;
    // The slots' router read once before anything is written: a slot the router does not know (a
    // server missing from the HAProxy backend) is refused with no deployment created.
    if (slots)
        await routerForSlots(plan, slots, deps.router, deps.makeRouter).describe();
    const deployment = await ledger.createDeployment({
        environment,
        ref: request.ref,
        task: 'deploy',
        artifact,
        strategy: plan.strategy,
        planDigest: request.planDigest,
        irreversible: request.irreversible,
        previousGood,
        slot: slots?.canary.name,
        description: `${plan.strategy} rollout of ${artifact.ref}${slots ? ` into slot ${slots.canary.name}` : ''}`,
    });
    logger.info(`Created deployment #${deployment.id} of ${artifact.ref} in ${environment}.`);
    await stepBackIfRaced(ledger, environment, deployment, deps);
    return { deployment, startIndex: 0, slots };
}
/**
 * Whether traffic was moved to a deployment's artifact: a rollout ran its plan, or a rollback sent
 * traffic back to it — not only recorded by promote-artifact or record-deployment.
 */
function ranAPlan(deployment) {
    return deployment.task === 'deploy:rollback' || (deployment.task === 'deploy' && deployment.payload?.strategy !== undefined);
}
/** The newest Slipway deployment in the environment (the first history item: one page read). */
async function newest(ledger, environment) {
    for await (const deployment of ledger.history(environment))
        return deployment;
    return null;
}

;// CONCATENATED MODULE: ./src/core/plan/describe.ts
/** A step in words, for logs, status descriptions and the PR comment: `setWeight 25%`, `analysis 2m`. */
function describe_stepLabel(step) {
    switch (step.kind) {
        case 'setWeight':
            return `setWeight ${step.weight}%`;
        case 'pause':
            return step.durationSeconds === undefined ? 'pause (until the next run)' : `pause ${formatDuration(step.durationSeconds)}`;
        case 'analysis':
            return `analysis ${formatDuration(step.durationSeconds)}`;
        case 'setHeaderRoute':
            return step.route ? `header route ${step.name} (${step.route.name}: ${step.route.value})` : `header route ${step.name} removed`;
        case 'setMirrorRoute':
            return step.percentage === 0 ? `mirror route ${step.name} removed` : `mirror route ${step.name} ${step.percentage}%`;
        case 'preview':
            return `preview (${step.route.name}: ${step.route.value})`;
        case 'smokeCheck':
            return `smoke check ${step.url}`;
        case 'switch':
            return 'switch';
    }
}
/** `90s`, `2m`, `1h`, `1m30s`. */
function formatDuration(seconds) {
    if (seconds < 60)
        return `${seconds}s`;
    if (seconds % 3600 === 0)
        return `${seconds / 3600}h`;
    if (seconds % 60 === 0)
        return `${seconds / 60}m`;
    return `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}
/**
 * The plan's slots and deploy in words, for a dry run and the log (empty without slots):
 * `slots blue (server blue, 127.0.0.1:8081) and green (…); deploy: run ./deploy.sh, ready when http://{address}/healthz answers 2xx within 60s`.
 */
function describe_describeSlots(plan) {
    if (!plan.slots || !plan.deploy)
        return '';
    const slot = (s) => `${s.name} (${[s.server && `server ${s.server}`, s.address, s.service && `service ${s.service}`].filter(Boolean).join(', ') || 'no settings'})`;
    const { spec, ready } = plan.deploy;
    const how = spec.provider === 'command' ? `run ${spec.run.join(' ')}` : `kubectl set image deployment/${spec.deployment} ${spec.container}=<image>${spec.namespace ? ` -n ${spec.namespace}` : ''}, rollout status within ${formatDuration(spec.timeoutSeconds)}`;
    const readiness = ready ? `, ready when ${ready.url} answers 2xx within ${formatDuration(ready.timeoutSeconds)}` : '';
    return `slots ${slot(plan.slots[0])} and ${slot(plan.slots[1])}; deploy: ${how}${readiness}; the first release goes into ${plan.slots[0].name}`;
}

;// CONCATENATED MODULE: ./src/core/plan/dry-run.ts






// `slipway plan check`'s dry run: what a rollout of the plan will do, step by step, in words — read
// from the validated plan alone, nothing reached. Router settings and URLs go through redact(), as
// everything Slipway prints.
/** The dry run of a validated plan, one line each: the set-up, then every step, then the end. */
function dryRun(plan) {
    const lines = [
        `A failed analysis or smoke check: ${policy(plan.onFailure)}; an inconclusive analysis: ${policy(plan.onInconclusive)}.`,
        `Router: ${plan.router.provider} (${settingsText(plan.router.settings)}).`,
    ];
    const slots = describe_describeSlots(plan);
    if (slots)
        lines.push(`Slots: ${slots}.`);
    if (plan.analysis) {
        const a = plan.analysis;
        const metrics = a.metrics.map((m) => `${m.name} (${m.kind === 'rate' && m.latency ? 'latency' : m.kind}${m.critical ? ', critical' : ''}${m.muted ? ', muted' : ''})`).join(', ');
        const history = a.historySeconds === 0 ? 'no history' : `the baseline's last ${formatDuration(a.historySeconds ?? loop_DEFAULT_HISTORY_SECONDS)} read first${a.historySelector ? ` from ${template_renderSelector(a.historySelector)}` : ''}`;
        lines.push(`Analysis: ${(0,core_secrets/* redact */.E$)(describeSource(a.source))}, every ${formatDuration(a.intervalSeconds)}${a.source.delaySeconds ? ` (each read ${formatDuration(a.source.delaySeconds)} after it ends)` : ''}, α ${a.alpha ?? 0.01}; canary ${template_renderSelector(a.canary)} against baseline ${template_renderSelector(a.baseline)}; ${history}; metrics ${metrics}.`);
    }
    if (plan.notify)
        lines.push(`Notify: ${plan.notify.format} to ${webhookHost(plan.notify.url) ?? 'the webhook'} on ${plan.notify.events.join(', ')}.`);
    lines.push('Steps:');
    plan.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${describe_stepLabel(step)}${step.line ? ` (line ${step.line})` : ''}: ${whatItDoes(step, plan, i)}`));
    lines.push(`Then: the new version is promoted (all traffic, the deployment marked success${plan.slots ? ', its slot stable from now on' : ''}).`);
    return lines;
}
function whatItDoes(step, plan, index) {
    switch (step.kind) {
        case 'setWeight':
            return `the new version gets ${step.weight}% of the traffic, the stable one ${100 - step.weight}%.`;
        case 'pause':
            return step.durationSeconds === undefined
                ? `the job ends here with traffic as it is and the deployment waiting; the next run resumes at step ${index + 2 > plan.steps.length ? 'the promotion' : index + 2}.`
                : `waits ${formatDuration(step.durationSeconds)} with traffic as it is.`;
        case 'analysis': {
            // A plan with analysis steps has an analysis block (validate.ts).
            const interval = step.intervalSeconds ?? plan.analysis.intervalSeconds;
            return `judges the new version against the baseline every ${formatDuration(interval)} for up to ${formatDuration(step.durationSeconds)}, stopping as soon as it is decided; fail: ${policy(plan.onFailure)}; inconclusive: ${policy(plan.onInconclusive)}.`;
        }
        case 'setHeaderRoute':
            return step.route ? `requests whose ${step.route.kind ?? 'header'} ${step.route.name} is ${step.route.value} go to the new version.` : 'the header route is removed.';
        case 'setMirrorRoute':
            return step.percentage === 0 ? 'mirroring stops.' : `${step.percentage}% of the requests are copied to the new version; the answers still come from the stable one.`;
        case 'preview':
            return `the new version answers requests whose ${step.route.kind ?? 'header'} ${step.route.name} is ${step.route.value}; everyone else stays on the stable one.`;
        case 'smokeCheck':
            return `GET ${(0,core_secrets/* redact */.E$)(step.url)} must answer ${step.expectStatus} within ${formatDuration(step.timeoutSeconds)}; otherwise: ${policy(plan.onFailure)}.`;
        case 'switch':
            return 'all traffic goes to the new version at once; the old one keeps running for an instant switch back.';
    }
}
function policy(p) {
    return p === 'rollback' ? 'roll back (traffic back to the stable version)' : 'pause (traffic held, the deployment waiting for a person)';
}
/** Router settings as `key value` pairs; nested values as compact JSON. */
function settingsText(settings) {
    return (0,core_secrets/* redact */.E$)(Object.entries(settings)
        .map(([key, value]) => `${key} ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`)
        .join(', '));
}

;// CONCATENATED MODULE: ./src/core/plan/analysis-runner.ts





/**
 * The plan's analysis steps over the analysis loop: the plan's metrics, selectors, interval,
 * alpha, onNoData, consecutive error limit and baseline history against `source`. `onResult` sees
 * each full result (series for charts).
 */
function loopAnalysisRunner(options) {
    return {
        async run(request) {
            const { analysis, step } = request;
            const unfilled = slotPlaceholdersIn([...analysis.canary, ...analysis.baseline, ...(analysis.historySelector ?? [])]);
            // Queried as they stand, the placeholders would match no series: the analysis would judge no data.
            if (unfilled.size > 0)
                throw new SlipwayError(`The analysis selectors still hold ${[...unfilled].map((p) => `{{${p}}}`).join(' and ')}: only a rollout with slots fills them (analysisInSlots, slot-rollout.ts).`);
            const result = await runAnalysis({
                source: options.source,
                metrics: analysis.metrics,
                canary: analysis.canary,
                baseline: analysis.baseline,
                durationSeconds: step.durationSeconds,
                intervalSeconds: step.intervalSeconds ?? analysis.intervalSeconds,
                readDelaySeconds: analysis.source.delaySeconds,
                consecutiveErrorLimit: analysis.consecutiveErrorLimit,
                historySeconds: analysis.historySeconds,
                historySelector: analysis.historySelector,
                config: { ...(analysis.alpha === undefined ? {} : { alpha: analysis.alpha }), ...(analysis.onNoData ? { onNoData: analysis.onNoData } : {}), ...(analysis.onUndecided ? { onUndecided: analysis.onUndecided } : {}) },
                judge,
                clock: options.clock,
                logger: options.logger ?? silentLogger,
            });
            options.onResult?.(request, result);
            return result.report;
        },
    };
}

;// CONCATENATED MODULE: ./src/core/analysis/traffic.ts

/**
 * The service's recent traffic from a rate metric's two queries (one range query each). From a
 * cumulative counter: how much it grew between its first and last sample in the window, over the
 * time between them — a counter younger than the window counts from its first sample. From an
 * interval source: the sum of its buckets, over the time they cover. Undefined when a count is
 * missing, reset or did not move: the forecast then says nothing rather than something wrong.
 */
async function traffic_measureTraffic(source, metric, window) {
    const range = { start: new Date(window.now.getTime() - window.windowSeconds * 1000), end: window.now, stepSeconds: window.intervalSeconds };
    const growth = async (field) => {
        const query = (source.dialect ?? promqlDialect).render(metric[field], window, `metric "${metric.name}" field ${field}`);
        const samples = (await source.queryRange(query, range)).filter((s) => Number.isFinite(s.value));
        if (source.counts === 'interval') {
            return samples.length > 0 ? { by: samples.reduce((sum, s) => sum + s.value, 0), seconds: samples.length * window.intervalSeconds } : undefined;
        }
        const [first, last] = [samples[0], samples.at(-1)];
        return first && last && last.time > first.time ? { by: last.value - first.value, seconds: last.time - first.time } : undefined;
    };
    const [errors, requests] = await Promise.all([growth('errors'), growth('requests')]);
    if (!errors || !requests || !(requests.by > 0 && errors.by >= 0 && errors.by <= requests.by))
        return undefined;
    return { requestsPerSecond: requests.by / requests.seconds, errorRate: errors.by / requests.by };
}
/** A continuous metric's values on the stable version over the window, one per interval (missing ones left out). */
async function traffic_readStableValues(source, metric, window) {
    const query = (source.dialect ?? promqlDialect).render(metric.query, window, `metric "${metric.name}" field query`);
    const samples = await source.queryRange(query, { start: new Date(window.now.getTime() - window.windowSeconds * 1000), end: window.now, stepSeconds: window.intervalSeconds });
    return samples.map((s) => s.value).filter((v) => Number.isFinite(v));
}

// EXTERNAL MODULE: ./src/core/judge/classify.ts + 3 modules
var classify = __webpack_require__(4889);
// EXTERNAL MODULE: ./src/core/judge/detectable.ts
var detectable = __webpack_require__(8740);
;// CONCATENATED MODULE: ./src/core/plan/forecast.ts









/** Forecasts every analysis step's detectable ratio for each counted rate metric of the plan. */
function forecastAnalyses(plan, traffic) {
    const analysis = plan.analysis;
    if (!analysis)
        return [];
    const alpha = analysis.alpha ?? values/* DEFAULT_ALPHA */.pO;
    const rateMetrics = analysis.metrics.filter((m) => m.kind === 'rate' && !m.muted);
    const forecasts = [];
    plan.steps.forEach((step, index) => {
        if (step.kind !== 'analysis')
            return;
        const intervalSeconds = step.intervalSeconds ?? analysis.intervalSeconds;
        const intervals = loop_plannedIntervalsOf(step.durationSeconds, intervalSeconds);
        const canaryWeight = steps_expectedTrafficBefore(plan.steps, index).canaryWeight;
        const perInterval = traffic.requestsPerSecond * intervalSeconds;
        const canary = (perInterval * canaryWeight) / 100;
        const baseline = analysis.historySelector ? canary : (perInterval * (100 - canaryWeight)) / 100;
        // I = p · Σ cᵢbᵢ/(cᵢ + bᵢ) (judge/detectable.ts), the same every interval here.
        const information = canary > 0 && baseline > 0 ? traffic.errorRate * intervals * ((canary * baseline) / (canary + baseline)) : 0;
        const exposure = { information, overdispersion: 1 };
        forecasts.push({
            step: index + 1,
            line: step.line,
            label: describe_stepLabel(step),
            canaryWeight,
            metrics: rateMetrics.map((metric) => {
                const detect = metric.detect ?? values/* DEFAULT_DETECT_RATIO */.gJ;
                return {
                    metric: metric.name,
                    detect,
                    detectable: (0,detectable/* detectableRatio */.jf)(exposure, alpha, metric.direction),
                    trafficNeeded: (0,detectable/* exposureNeeded */.Hn)(exposure, alpha, metric.direction, detect),
                };
            }),
        });
    });
    return forecasts;
}
/** The sentences a forecast deserves: one per metric of a step that cannot catch its `detect` ratio. */
function forecastWarnings(forecasts, traffic) {
    const service = `${formatNumber(traffic.requestsPerSecond)} req/s at ${formatNumber(traffic.errorRate * 100)}% errors`;
    return forecasts.flatMap((forecast) => forecast.metrics
        .filter((m) => m.detectable > m.detect)
        .map((m) => {
        const where = `step ${forecast.step}${forecast.line === undefined ? '' : ` (line ${forecast.line})`}, ${forecast.label} at canary ${forecast.canaryWeight}%`;
        const can = Number.isFinite(m.detectable) ? `only a ${formatNumber(m.detectable)}× regression` : 'no regression up to 64× (too few canary requests or errors)';
        // Past half the traffic a higher weight leaves the baseline less, and shows no more.
        const how = forecast.canaryWeight < 50 ? 'a longer analysis or a higher weight' : 'a longer analysis';
        const more = Number.isFinite(m.trafficNeeded) ? `; catching ${formatNumber(m.detect)}× takes about ${formatNumber(Math.ceil(m.trafficNeeded * 10) / 10)}× the canary traffic (${how})` : '';
        return `${where}: with ${service}, metric '${m.metric}' can catch ${can}, not its detect ${formatNumber(m.detect)}×${more}. An undecided analysis then ends inconclusive, not promoted.`;
    }));
}
/**
 * The forecast of a plan against the traffic each counted rate metric measured on the stable
 * version over the history window (an hour when history is off), before any traffic moves: two
 * range queries per metric. A metric whose traffic cannot be measured gets a line saying so.
 */
async function forecastFromSource(plan, source, now) {
    const analysis = plan.analysis;
    const result = { lines: [], warnings: [] };
    if (!analysis)
        return result;
    const windowSeconds = analysis.historySeconds === 0 ? 3600 : (analysis.historySeconds ?? DEFAULT_HISTORY_SECONDS);
    const window = { selector: analysis.historySelector ?? analysis.baseline, canary: analysis.canary, baseline: analysis.baseline, intervalSeconds: analysis.intervalSeconds, windowSeconds, now };
    for (const metric of analysis.metrics.filter((m) => m.kind === 'rate' && !m.muted)) {
        let traffic;
        try {
            traffic = await measureTraffic(source, metric, window);
        }
        catch (error) {
            result.lines.push(`metric '${metric.name}': no forecast, its traffic could not be read (${errorMessage(error)})`);
            continue;
        }
        if (!traffic) {
            result.lines.push(`metric '${metric.name}': no forecast, its counters did not grow over the last ${windowSeconds} s`);
            continue;
        }
        const forecasts = forecastAnalyses({ ...plan, analysis: { ...analysis, metrics: [metric] } }, traffic);
        for (const forecast of forecasts) {
            const [m] = forecast.metrics;
            const can = Number.isFinite(m.detectable) ? `${formatNumber(m.detectable)}×` : 'nothing';
            result.lines.push(`step ${forecast.step}, ${forecast.label} at canary ${forecast.canaryWeight}%: metric '${m.metric}' can catch ${can} (detect ${formatNumber(m.detect)}×) with ${formatNumber(traffic.requestsPerSecond)} req/s at ${formatNumber(traffic.errorRate * 100)}% errors`);
        }
        result.warnings.push(...forecastWarnings(forecasts, traffic));
    }
    for (const metric of analysis.metrics.filter((m) => m.kind === 'continuous' && !m.muted)) {
        result.lines.push(...(await forecastShift(plan, analysis, metric, source, window)));
    }
    return result;
}
/** A continuous metric's detectable shift per analysis step, from the spread of the stable version's recent values. */
async function forecastShift(plan, analysis, metric, source, window) {
    let values;
    try {
        values = await readStableValues(source, metric, window);
    }
    catch (error) {
        return [`metric '${metric.name}': no forecast, its values could not be read (${errorMessage(error)})`];
    }
    if (values.length < 3)
        return [`metric '${metric.name}': no forecast, fewer than 3 values over the last ${window.windowSeconds} s`];
    const alpha = analysis.alpha ?? DEFAULT_ALPHA;
    const falls = metric.direction === 'decrease';
    const allowed = (falls ? metric.allowedDecrease : metric.allowedIncrease) ?? metricDefaults.allowedPercent;
    return plan.steps.flatMap((step, index) => {
        if (step.kind !== 'analysis')
            return [];
        const intervals = plannedIntervalsOf(step.durationSeconds, step.intervalSeconds ?? analysis.intervalSeconds);
        const shift = detectableShift(intervals, sortedCopy(values), alpha, metric.direction, allowed);
        const can = shift === null ? 'no shift (the stable version’s values do not vary)' : `a ${formatNumber(shift)}% ${falls ? 'fall' : 'rise'}`;
        return [`step ${index + 1}, ${stepLabel(step)} at canary ${expectedTrafficBefore(plan.steps, index).canaryWeight}%: metric '${metric.name}' can catch ${can} (allowed ${formatNumber(allowed)}%) with ${intervals} values per arm`];
    });
}
function formatNumber(value) {
    return String(Number(value.toPrecision(3)));
}

;// CONCATENATED MODULE: ./src/core/plan/index.ts

















/**
 * Parses and validates a plan's YAML text; `source` names it in errors (a file name, or "plan").
 * An `analysis.template` is read now, relative to `files.workspace` (default the working directory).
 */
function loadPlan(text, source = 'plan', overrides = {}, files = {}) {
    return validatePlan(parseLocatedYaml(text, source), source, overrides, files);
}
/**
 * `sha256:<hex>` of the plan text and of the metrics its analysis resolved to, recorded in the
 * deployment so a resumed run can tell the plan changed — an `analysis.template` file edited
 * between two runs included.
 */
function planDigest(text, plan) {
    const hash = createHash('sha256').update(text);
    if (plan?.analysis)
        hash.update(`\n${JSON.stringify(plan.analysis.metrics)}`);
    return `sha256:${hash.digest('hex')}`;
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


/***/ }),

/***/ 1076:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   loadYaml: () => (/* binding */ loadYaml)
/* harmony export */ });
/* unused harmony exports MAX_YAML_BYTES, MAX_YAML_NODES */
/* harmony import */ var js_yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3243);

// The one YAML loader for text a user or a pull request wrote (plans, `router`, `metrics`).
// js-yaml resolves an alias to the same object, so loading a 450-byte alias bomb is cheap — the
// harm comes later, when validation or a message walks the value and visits every alias again
// (billions of nodes). The expanded size is counted once here, with each shared node counted at
// its full size but computed only once, and a value that expands past the limit is refused.
/** Longest YAML text accepted: far above any plan, far below what could hurt. */
const MAX_YAML_BYTES = 1024 * 1024;
/** Most nodes a document may expand to, aliases counted in full. */
const MAX_YAML_NODES = 100_000;
/**
 * Parses one YAML document. Throws js-yaml's YAMLException for a syntax error, and for text over
 * MAX_YAML_BYTES, a recursive alias, or aliases expanding past MAX_YAML_NODES — each caller turns
 * it into its own error naming the input.
 */
function loadYaml(text, options = {}) {
    if (Buffer.byteLength(text) > MAX_YAML_BYTES) {
        throw new js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].YAMLException */ .Ay.YAMLException(`the text is ${Buffer.byteLength(text)} bytes, more than the ${MAX_YAML_BYTES} accepted`);
    }
    const value = js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].load */ .Ay.load(text, options);
    expandedSize(value, new Map(), new Set());
    return value;
}
function expandedSize(value, sizes, open) {
    if (value === null || typeof value !== 'object')
        return 1;
    const known = sizes.get(value);
    if (known !== undefined)
        return known;
    if (open.has(value))
        throw new js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].YAMLException */ .Ay.YAMLException('an alias refers to a node that contains it (a recursive alias); write the value out instead');
    open.add(value);
    let size = 1;
    for (const child of Object.values(value)) {
        size += expandedSize(child, sizes, open);
        if (size > MAX_YAML_NODES) {
            throw new js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].YAMLException */ .Ay.YAMLException(`aliases expand it to more than ${MAX_YAML_NODES} values (an alias bomb?); write the values out, or use fewer aliases`);
        }
    }
    open.delete(value);
    sizes.set(value, size);
    return size;
}


/***/ })

};
