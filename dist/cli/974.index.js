export const id = 974;
export const ids = [974];
export const modules = {

/***/ 8136:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $C: () => (/* binding */ HaproxyRouter),
/* harmony export */   xp: () => (/* binding */ haproxySettings)
/* harmony export */ });
/* unused harmony export parseServersState */
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);
/* harmony import */ var _host_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8327);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4616);
/* harmony import */ var _spec_router_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5022);





const FIELDS = ['socket', 'backend', 'stable', 'canary', 'routeAcl', 'routeHeader', 'timeoutMs'];
/**
 * Validates the haproxy `router:` settings. With `remote` (the router has `ssh:`) the socket is a
 * Unix socket path on the router host: the SSH transport forwards Unix sockets only.
 */
function haproxySettings(raw, { remote = false } = {}) {
    const read = new _settings_js__WEBPACK_IMPORTED_MODULE_3__/* .SettingsReader */ .T('haproxy', raw);
    read.rejectUnknown(FIELDS);
    const settings = {
        socket: read.string('socket'),
        backend: read.haproxyName('backend'),
        stable: read.haproxyName('stable'),
        canary: read.haproxyName('canary'),
        routeAcl: read.optional('routeAcl', (field) => read.haproxyPatternReference(field)),
        routeHeader: read.string('routeHeader', 'x-canary').toLowerCase(),
        timeoutMs: read.integer('timeoutMs', { min: 100, max: 120_000 }, 5000),
    };
    if (remote && !settings.socket.startsWith('/')) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('router.socket', settings.socket, 'with router.ssh, the absolute path of the runtime API Unix socket on the router host', 'e.g. `socket: /run/haproxy/admin.sock` (haproxy.cfg: `stats socket /run/haproxy/admin.sock mode 660 group deploy level admin`)');
    }
    if (settings.stable === settings.canary) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`router.stable and router.canary both name the server '${settings.stable}': they must be two servers of backend '${settings.backend}'.`);
    }
    return settings;
}
/**
 * Drives an existing HAProxy through its runtime API: weights with `set weight` (no reload, so no
 * connection is ever dropped), header routes through the entries of an ACL the user's config uses
 * with `use-server <canary> if <acl>` (it wins at any weight, even 0). Slipway never edits
 * haproxy.cfg. Mirroring is not offered: HAProxy mirrors only through an SPOE agent.
 */
class HaproxyRouter extends _spec_router_js__WEBPACK_IMPORTED_MODULE_4__/* .SpecRouter */ .RB {
    settings;
    host;
    type = 'haproxy';
    constructor(settings, host = _host_js__WEBPACK_IMPORTED_MODULE_2__/* .LOCAL_HOST */ .L) {
        super({ headerRoutes: settings.routeAcl !== undefined, mirror: false });
        this.settings = settings;
        this.host = host;
    }
    /** Server name → weight of every server of the backend; undefined when HAProxy has no such backend. */
    async backendServers() {
        const { backend } = this.settings;
        const answer = await this.command(`show servers state ${backend}`);
        return /Can't find backend/i.test(answer) ? undefined : parseServersState(answer, backend);
    }
    async read() {
        const { backend, stable, canary } = this.settings;
        const weights = parseServersState(await this.command(`show servers state ${backend}`), backend);
        for (const server of [stable, canary]) {
            if (!weights.has(server)) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`HAProxy backend '${backend}' has no server '${server}' (servers: ${[...weights.keys()].join(', ') || 'none'}). Fix: name servers of that backend in router.stable and router.canary, or with slots in each slot's \`server:\`.`);
            }
        }
        const stableWeight = weights.get(stable) ?? 0;
        const canaryWeight = weights.get(canary) ?? 0;
        const total = stableWeight + canaryWeight;
        return {
            canaryWeight: total === 0 ? 0 : Math.round((100 * canaryWeight) / total),
            headerRoutes: this.settings.routeAcl ? await this.readRoutes(this.settings.routeAcl) : [],
            mirrorPercentage: 0,
        };
    }
    async write(next, previous) {
        // Routes are rewritten only when they change: `clear acl` leaves a moment without them.
        const routesChanged = JSON.stringify(next.headerRoutes) !== JSON.stringify(previous.headerRoutes);
        const commands = [
            ...(next.canaryWeight !== previous.canaryWeight ? this.weightCommands(next.canaryWeight, previous.canaryWeight) : []),
            ...(routesChanged ? this.routeCommands(next) : []),
        ];
        const answer = await this.command(commands.join('; '));
        const problem = runtimeError(answer);
        if (problem) {
            // Put back what may already have applied before the failing command.
            await this.command([...this.weightCommands(previous.canaryWeight, next.canaryWeight), ...(routesChanged ? this.routeCommands(previous) : [])].join('; ')).catch(() => '');
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`HAProxy refused the change (${commands.join('; ')}): ${problem}. Traffic was left as it was.`);
        }
    }
    render(spec) {
        return this.routeCommands(spec);
    }
    detail() {
        const { socket, backend, stable, canary } = this.settings;
        return { socket, backend, stableServer: stable, canaryServer: canary, ...(this.host.remote ? { host: this.host.where } : {}) };
    }
    /** Raises first the server gaining weight, so there is never a moment with both at 0. */
    weightCommands(canaryWeight, fromCanaryWeight) {
        const { backend, stable, canary } = this.settings;
        const setCanary = `set weight ${backend}/${canary} ${canaryWeight}`;
        const setStable = `set weight ${backend}/${stable} ${100 - canaryWeight}`;
        return canaryWeight >= fromCanaryWeight ? [setCanary, setStable] : [setStable, setCanary];
    }
    routeCommands(spec) {
        const acl = this.settings.routeAcl;
        if (!acl)
            return [];
        for (const route of spec.headerRoutes) {
            if ((route.kind ?? 'header') !== 'header' || route.name.toLowerCase() !== this.settings.routeHeader) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`The HAProxy route ACL matches the header '${this.settings.routeHeader}', not ${route.kind ?? 'header'} '${route.name}'. Fix: route on '${this.settings.routeHeader}', or set router.routeHeader to the header your haproxy.cfg ACL reads.`);
            }
            checkRuntimeWord(route.value);
        }
        return [`clear acl ${acl}`, ...spec.headerRoutes.map((r) => `add acl ${acl} ${r.value}`)];
    }
    async readRoutes(acl) {
        const answer = await this.command(`show acl ${acl}`);
        const problem = runtimeError(answer);
        if (problem)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`HAProxy cannot list the route ACL '${acl}': ${problem}. Fix: router.routeAcl must be the file your haproxy.cfg ACL loads with -f.`);
        return answer
            .split('\n')
            .map((line) => line.trim().split(/\s+/))
            .filter((parts) => parts.length === 2)
            .map(([, value]) => ({ name: this.settings.routeHeader, value }));
    }
    /** Sends one line of commands (`;`-separated) and returns the whole answer. */
    async command(line) {
        const { socket, timeoutMs } = this.settings;
        // On a router host reached over SSH, the socket is spoken to through a forward of it.
        const target = await this.host.reachSocket(socket);
        const where = this.host.remote ? `${socket} on ${this.host.where}` : socket;
        return new Promise((resolve, reject) => {
            const tcp = /^(.+):(\d+)$/.exec(target);
            const connection = tcp && !target.includes('/') ? (0,node_net__WEBPACK_IMPORTED_MODULE_0__.createConnection)({ host: tcp[1], port: Number(tcp[2]) }) : (0,node_net__WEBPACK_IMPORTED_MODULE_0__.createConnection)({ path: target });
            let answer = '';
            connection.setTimeout(timeoutMs, () => connection.destroy(new Error(`no answer within ${timeoutMs} ms`)));
            connection.on('connect', () => connection.end(`${line}\n`));
            connection.on('data', (d) => (answer += d.toString()));
            connection.on('end', () => resolve(answer));
            connection.on('error', (error) => reject(new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`Cannot reach the HAProxy runtime API at ${where} (${error.code ?? error.message}). Fix: check that HAProxy runs and its global section has \`stats socket ${socket} level admin\`; nothing was changed.`)));
        });
    }
}
/** Server name → user weight, from the answer to `show servers state <backend>`. */
function parseServersState(answer, backend) {
    const problem = runtimeError(answer);
    if (problem)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`HAProxy cannot show backend '${backend}': ${problem}. Fix: set router.backend to a backend of your haproxy.cfg.`);
    const header = answer.split('\n').find((l) => l.startsWith('# be_id'));
    if (!header)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`Unexpected answer from HAProxy to 'show servers state ${backend}': ${answer.slice(0, 200)}`);
    const columns = header.slice(2).split(' ');
    const name = columns.indexOf('srv_name');
    const weight = columns.indexOf('srv_uweight');
    const weights = new Map();
    for (const line of answer.split('\n')) {
        if (line === '' || line.startsWith('#') || /^\d+$/.test(line))
            continue;
        const fields = line.split(' ');
        weights.set(fields[name], Number(fields[weight]));
    }
    return weights;
}
/**
 * Throws unless a route value is one runtime API word: visible ASCII without ';' (ends a
 * command), '\' (an escape) or '<' (a trailing '<<' starts a payload). Settings are checked by
 * their readers; route values come from the step, so they are checked here, before the command
 * line that would carry them is sent.
 */
function checkRuntimeWord(value) {
    if (!/^[!-~]+$/.test(value) || /[;\\<]/.test(value)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`A HAProxy route value must be visible ASCII characters without spaces, ';', '\\' or '<' (got ${JSON.stringify(value)}): the runtime API would read them as command syntax. Fix: route on a plain value such as \`always\`; nothing was changed.`);
    }
}
/** The error text in a runtime API answer, or undefined when it only holds blank lines or data. */
function runtimeError(answer) {
    const known = /(No such|Can't find|Unknown command|can only be|Require|Permission denied|not found|Unknown ACL|invalid|cannot|Missing)/i;
    // Data lines (ACL entries `0x… value`, server rows `3 app …`) are never errors.
    const line = answer.split('\n').find((l) => !/^(0x[0-9a-f]+ |\d|#)/.test(l) && known.test(l));
    return line?.trim().replace(/\.$/, '');
}


/***/ }),

/***/ 8809:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Sx: () => (/* binding */ NginxRouter),
/* harmony export */   jX: () => (/* binding */ renderNginxInclude),
/* harmony export */   mV: () => (/* binding */ nginxSettings),
/* harmony export */   or: () => (/* binding */ parseNginxInclude)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);
/* harmony import */ var _process_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1707);
/* harmony import */ var _host_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8327);
/* harmony import */ var _nginx_workers_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4611);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4616);
/* harmony import */ var _spec_router_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5022);







const FIELDS = ['file', 'stable', 'canary', 'name', 'config', 'nginx', 'test', 'reload', 'keepalive', 'pid'];
/**
 * Validates the nginx `router:` settings. With `remote` (the router has `ssh:`) the paths are on
 * the router host, so nothing here reads them: the pid file's default is found at the first reload.
 */
function nginxSettings(raw, { remote = false } = {}) {
    const read = new _settings_js__WEBPACK_IMPORTED_MODULE_5__/* .SettingsReader */ .T('nginx', raw);
    read.rejectUnknown(FIELDS);
    const config = read.optionalString('config');
    const nginx = read.string('nginx', 'nginx');
    const configArgs = config ? ['-c', config] : [];
    return {
        file: read.string('file'),
        stable: read.address('stable'),
        canary: read.address('canary'),
        name: read.nginxName('name', 'slipway'),
        config,
        nginx,
        test: read.command('test') ?? [nginx, '-t', '-q', ...configArgs],
        reload: read.command('reload') ?? [nginx, '-s', 'reload', ...configArgs],
        keepalive: read.integer('keepalive', { min: 0, max: 10_000 }, 16),
        pid: remote ? read.optionalString('pid') : read.string('pid', (0,_nginx_workers_js__WEBPACK_IMPORTED_MODULE_4__/* .pidFileOf */ .fN)(config && (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(config) ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(config, 'utf8') : undefined)),
    };
}
const STATE_MARK = '# slipway-state: ';
/**
 * The include file for a spec: three upstreams (stable, canary, and the weighted pair, whose
 * smooth weighted round-robin makes the split exact), a `map` choosing the upstream per request
 * (header/cookie routes → canary) into `$<name>_upstream`, and a `split_clients` setting
 * `$<name>_mirror` to "1" for the mirrored share. The spec itself is kept in a comment line, so
 * the file alone says what is in force.
 */
function renderNginxInclude(settings, spec) {
    const { name, stable, canary, keepalive } = settings;
    const keep = keepalive > 0 ? ` keepalive ${keepalive};` : '';
    const weighted = [
        `server ${stable} weight=${Math.max(1, 100 - spec.canaryWeight)}${spec.canaryWeight === 100 ? ' down' : ''};`,
        `server ${canary} weight=${Math.max(1, spec.canaryWeight)}${spec.canaryWeight === 0 ? ' down' : ''};`,
    ];
    const lines = [
        '# Generated by Slipway (traffic provider nginx). Do not edit: every canary step rewrites it.',
        `${STATE_MARK}${JSON.stringify({ weights: { [stable]: 100 - spec.canaryWeight, [canary]: spec.canaryWeight }, headerRoutes: spec.headerRoutes, mirrorPercentage: spec.mirrorPercentage })}`,
        `upstream ${name}_stable { server ${stable};${keep} }`,
        `upstream ${name}_canary { server ${canary};${keep} }`,
        `upstream ${name}_weighted { ${weighted.join(' ')}${keep} }`,
    ];
    spec.headerRoutes.forEach((route, i) => {
        lines.push(`map ${routeVariable(route)} $${name}_route_${i} { default ""; ${quote(route.value)} "1"; }`);
    });
    const routed = spec.headerRoutes.map((_, i) => `$${name}_route_${i}`).join('');
    lines.push(spec.headerRoutes.length > 0
        ? `map "${routed}" $${name}_upstream { default ${name}_weighted; "~1" ${name}_canary; }`
        : `map $host $${name}_upstream { default ${name}_weighted; }`);
    const mirrored = spec.mirrorPercentage > 0 ? ` ${spec.mirrorPercentage === 100 ? '*' : `${spec.mirrorPercentage}%`} "1";` : '';
    lines.push(`split_clients "\${request_id}" $${name}_mirror {${mirrored}${spec.mirrorPercentage === 100 ? '' : ' * "";'} }`);
    return `${lines.join('\n')}\n`;
}
/**
 * The spec recorded in an include file written by renderNginxInclude, seen from `settings`. The
 * file keeps weights per address, so a rollout whose stable is the previous canary (the versions
 * swapped roles after a promotion) reads the weights right.
 */
function parseNginxInclude(text, file, settings) {
    const line = text.split('\n').find((l) => l.startsWith(STATE_MARK));
    if (!line)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`${file} was not generated by Slipway (no '${STATE_MARK.trim()}' line). Fix: point router.file at a file only Slipway writes, and include it in the http block.`);
    const recorded = JSON.parse(line.slice(STATE_MARK.length));
    const stable = recorded.weights[settings.stable] ?? 0;
    const canary = recorded.weights[settings.canary] ?? 0;
    const total = stable + canary;
    const addresses = Object.keys(recorded.weights);
    const drift = addresses.length !== 2 || !addresses.includes(settings.stable) || !addresses.includes(settings.canary);
    return { canaryWeight: total === 0 ? 0 : Math.round((100 * canary) / total), headerRoutes: recorded.headerRoutes, mirrorPercentage: recorded.mirrorPercentage, ...(drift ? { drift } : {}) };
}
function routeVariable(route) {
    if (route.kind === 'cookie') {
        if (!/^[A-Za-z0-9_]+$/.test(route.name))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`nginx can route on cookies named with letters, digits and _ only (got '${route.name}').`);
        return `$cookie_${route.name}`;
    }
    if (!/^[A-Za-z0-9-]+$/.test(route.name))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`A header name has letters, digits and - only (got '${route.name}').`);
    return `$http_${route.name.toLowerCase().replace(/-/g, '_')}`;
}
/**
 * A route value as a quoted map source. Refused: what would end the string or the directive
 * (" ; { } and control characters), $ and \ (nginx gives them a meaning in strings), and a
 * leading ~, which would make the map read the value as a regular expression.
 */
function quote(value) {
    if (value === '' || /["\\$;{}\p{Cc}]/u.test(value) || value.startsWith('~')) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`A route value cannot be empty, start with ~, nor contain " \\ $ ; { } or control characters (got ${JSON.stringify(value)}).`);
    }
    return `"${value}"`;
}
/**
 * Routes through nginx: writes the include file, runs `nginx -t`, then a graceful reload (old
 * workers finish their requests before they exit). If the test or the reload fails, the previous
 * file is put back, so nginx keeps — and a later reload keeps — the routing that was in force.
 * A missing file reads as "everything on stable". On Linux a change returns once the new workers
 * have taken over (see nginx-workers.ts).
 */
class NginxRouter extends _spec_router_js__WEBPACK_IMPORTED_MODULE_6__/* .SpecRouter */ .RB {
    settings;
    host;
    type = 'nginx';
    pid;
    constructor(settings, host = _host_js__WEBPACK_IMPORTED_MODULE_3__/* .LOCAL_HOST */ .L) {
        super({ headerRoutes: true, mirror: true });
        this.settings = settings;
        this.host = host;
    }
    async read() {
        const { file } = this.settings;
        const text = await this.host.readFile(file);
        return text === undefined ? _spec_router_js__WEBPACK_IMPORTED_MODULE_6__/* .STABLE_ONLY */ .fF : parseNginxInclude(text, file, this.settings);
    }
    render(spec) {
        return renderNginxInclude(this.settings, spec);
    }
    async write(next) {
        const { file } = this.settings;
        const host = this.host;
        const on = host.remote ? ` on ${host.where}` : '';
        const previous = await host.readFile(file);
        const restore = () => (previous === undefined ? host.removeFile(file) : host.writeFile(file, previous));
        await host.writeFile(file, this.render(next));
        const test = await host.run(this.settings.test);
        if (test.code !== 0) {
            await restore();
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`nginx rejected the new routing (${this.settings.test.join(' ')} exited ${test.code}${on}):\n${(0,_process_index_js__WEBPACK_IMPORTED_MODULE_2__/* .tail */ .RT)(test.stderr + test.stdout)}\nThe previous ${file} was restored; traffic was not changed.`);
        }
        const pidFile = await this.pidFile();
        const before = await host.nginxWorkers(pidFile);
        const reload = await host.run(this.settings.reload);
        if (reload.code !== 0) {
            await restore();
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .SlipwayError */ .GQ(`nginx did not reload (${this.settings.reload.join(' ')} exited ${reload.code}${on}):\n${(0,_process_index_js__WEBPACK_IMPORTED_MODULE_2__/* .tail */ .RT)(reload.stderr + reload.stdout)}\nThe previous ${file} was restored; traffic was not changed.`);
        }
        // Return only once new requests get the new routing, so a step's share is measured from here.
        if (before.master && before.workers.size > 0)
            await (0,_nginx_workers_js__WEBPACK_IMPORTED_MODULE_4__/* .waitForNewWorkers */ .oO)(async () => (await host.nginxWorkers(pidFile)).workers, before.workers);
    }
    detail() {
        const { file, stable, canary, name } = this.settings;
        return { file, stable, canary, upstreamVariable: `$${name}_upstream`, mirrorVariable: `$${name}_mirror`, ...(this.host.remote ? { host: this.host.where } : {}) };
    }
    /** The pid file: the setting, else the `pid` of config as the host has it, read once. */
    async pidFile() {
        this.pid ??= this.settings.pid ?? (0,_nginx_workers_js__WEBPACK_IMPORTED_MODULE_4__/* .pidFileOf */ .fN)(this.settings.config === undefined ? undefined : await this.host.readFile(this.settings.config));
        return this.pid;
    }
}


/***/ }),

/***/ 1974:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  wQ: () => (/* binding */ routerHost),
  LH: () => (/* binding */ routerSettingsParts)
});

// UNUSED EXPORTS: SSH_PROVIDERS, TRAFFIC_PROVIDERS, createRouter

// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/remote/index.ts + 6 modules
var remote = __webpack_require__(5447);
// EXTERNAL MODULE: ./src/core/process/index.ts + 4 modules
var process = __webpack_require__(1707);
// EXTERNAL MODULE: ./src/core/traffic/host.ts
var traffic_host = __webpack_require__(8327);
// EXTERNAL MODULE: ./src/core/traffic/settings.ts
var traffic_settings = __webpack_require__(4616);
;// CONCATENATED MODULE: ./src/core/traffic/command.ts




const FIELDS = ['run', 'stableVersion', 'canaryVersion', 'timeoutMs', 'env'];
/**
 * Validates the command `router:` settings. With `remote` (the router has `ssh:`) the command runs
 * on the router host, in that account's login environment: `env:` (runner variables) is refused.
 */
function commandSettings(raw, { remote = false } = {}) {
    const read = new traffic_settings/* SettingsReader */.T('command', raw);
    read.rejectUnknown(FIELDS);
    const run = read.command('run');
    if (!run)
        throw new errors/* SlipwayError */.GQ("router.run is missing: expected the command to run, e.g. `run: ./deploy/set-weight.sh`.");
    if (remote && raw.env !== undefined && raw.env !== null) {
        // The runner's variables (often secrets) would have to travel on the remote command line.
        throw new errors/* InputError */.dz('router.env', raw.env, 'no runner variables with router.ssh: the command runs on the router host, in the login environment of router.ssh.user', 'remove router.env and set those variables on the router host (e.g. in the script itself or a file it reads)');
    }
    return {
        run,
        stableVersion: read.string('stableVersion', ''),
        canaryVersion: read.string('canaryVersion', ''),
        timeoutMs: read.integer('timeoutMs', { min: 100, max: 3_600_000 }, 60_000),
        env: read.envNames(),
    };
}
/**
 * The user's own executable moves the traffic. It gets SLIPWAY_ACTION, SLIPWAY_CANARY_WEIGHT,
 * SLIPWAY_STABLE_VERSION and SLIPWAY_CANARY_VERSION, the allow-listed environment and the names in
 * `env:` — never the action's inputs or tokens; exit code 0 means done, anything else is an
 * error (the command is expected to leave traffic as it was). It may print the resulting canary
 * weight (a number, or JSON with `canaryWeight`); for `describe` it must, or the state reads as
 * unreachable.
 */
class CommandRouter {
    settings;
    host;
    type = 'command';
    constructor(settings, host = traffic_host/* LOCAL_HOST */.L) {
        this.settings = settings;
        this.host = host;
    }
    async describe() {
        const weight = await this.run('describe', undefined);
        return weight === undefined ? { ...this.state(0), reachable: false, detail: { ...this.detail(), note: 'the command printed no weight for describe' } } : this.state(weight);
    }
    async setCanaryWeight(percent) {
        const weight = (0,traffic_settings/* checkWeight */.n)(percent);
        return this.state((await this.run('set-weight', weight)) ?? weight);
    }
    async promote() {
        return this.state((await this.run('promote', 100)) ?? 100);
    }
    async abort() {
        return this.state((await this.run('abort', 0)) ?? 0);
    }
    async run(action, weight) {
        const env = {
            SLIPWAY_ACTION: action,
            SLIPWAY_CANARY_WEIGHT: weight === undefined ? '' : String(weight),
            SLIPWAY_STABLE_VERSION: this.settings.stableVersion,
            SLIPWAY_CANARY_VERSION: this.settings.canaryVersion,
        };
        const result = await this.host.run(this.settings.run, { env, passEnv: this.settings.env, timeoutMs: this.settings.timeoutMs });
        if (result.code !== 0) {
            // The outcome leads: a deployment status quoting this is cut at 140 characters.
            const on = this.host.remote ? ` on ${this.host.where}` : '';
            throw new errors/* SlipwayError */.GQ(`The traffic command failed (exit ${result.code}) for ${action}${weight === undefined ? '' : ` ${weight}%`}: \`${this.settings.run.join(' ')}\`${on}:\n${(0,process/* tail */.RT)(result.stderr + result.stdout)}`);
        }
        return parseWeight(result.stdout);
    }
    state(canaryWeight) {
        return { provider: this.type, canaryWeight, stableWeight: 100 - canaryWeight, headerRoutes: [], mirrorPercentage: 0, reachable: true, detail: this.detail() };
    }
    detail() {
        return { command: this.settings.run.join(' '), stableVersion: this.settings.stableVersion, canaryVersion: this.settings.canaryVersion, ...(this.host.remote ? { host: this.host.where } : {}) };
    }
}
/** The weight a command printed on its last line: `25`, or JSON `{"canaryWeight": 25}`. */
function parseWeight(stdout) {
    const last = stdout.trim().split('\n').pop()?.trim() ?? '';
    if (/^\d{1,3}$/.test(last) && Number(last) <= 100)
        return Number(last);
    try {
        const value = JSON.parse(last).canaryWeight;
        return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100 ? value : undefined;
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: ./src/core/traffic/haproxy.ts
var haproxy = __webpack_require__(8136);
// EXTERNAL MODULE: ./src/core/traffic/spec-router.ts
var spec_router = __webpack_require__(5022);
;// CONCATENATED MODULE: ./src/core/traffic/kubernetes/kubectl.ts



/** The kubectl fields of a provider's settings. */
const KUBECTL_FIELDS = ['namespace', 'kubectl', 'context', 'env'];
/** Reads the kubectl fields of a provider's settings. */
function kubectlSettings(read) {
    return {
        namespace: read.kubernetesNamespace('namespace', 'default'),
        kubectl: read.string('kubectl', 'kubectl'),
        context: read.optional('context', (field) => read.kubeconfigContext(field)),
        env: read.envNames(),
    };
}
/** The label Slipway puts on the resources it writes. */
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'slipway' };
/**
 * A router over one Kubernetes resource, applied with `kubectl apply --server-side
 * --field-manager=slipway` (Slipway owns only the fields it sets; an apply either lands whole or
 * not at all, so a failed one leaves traffic as it was). A resource that does not exist yet reads
 * as "everything on stable".
 */
class KubectlRouter extends spec_router/* SpecRouter */.RB {
    kind;
    settings;
    type;
    constructor(kind, settings) {
        super(kind.capabilities);
        this.kind = kind;
        this.settings = settings;
        this.type = kind.type;
    }
    async read() {
        const { kind, name } = this.kind.resource;
        // After `--` kubectl reads every argument as positional, whatever it starts with.
        const result = await this.kubectl(['get', '-o', 'json', '--', kind, name]);
        if (result.code !== 0) {
            if (/NotFound|not found/.test(result.stderr))
                return spec_router/* STABLE_ONLY */.fF;
            throw new errors/* SlipwayError */.GQ(`kubectl could not read ${kind}/${name} in namespace ${this.settings.namespace} (exit ${result.code}):\n${(0,process/* tail */.RT)(result.stderr)}`);
        }
        return this.kind.parse(JSON.parse(result.stdout));
    }
    render(spec) {
        return this.kind.render(spec);
    }
    async write(next) {
        const manifest = this.render(next);
        const result = await this.kubectl(['apply', '--server-side', '--field-manager=slipway', '-f', '-'], JSON.stringify(manifest));
        if (result.code !== 0) {
            const { kind, name } = this.kind.resource;
            throw new errors/* SlipwayError */.GQ(`kubectl apply of ${kind}/${name} failed (exit ${result.code}); traffic was not changed:\n${(0,process/* tail */.RT)(result.stderr)}`);
        }
    }
    detail() {
        return { resource: `${this.kind.resource.kind}/${this.kind.resource.name}`, namespace: this.settings.namespace };
    }
    kubectl(args, input) {
        const { kubectl, namespace, context, env } = this.settings;
        // KUBECONFIG is how azure/k8s-set-context and aws eks update-kubeconfig hand kubectl its cluster.
        return (0,process/* runCommand */.d1)([kubectl, ...(context ? ['--context', context] : []), '--namespace', namespace, ...args], { input, passEnv: ['KUBECONFIG', ...env] });
    }
}
/** The weights of a two-backend list, as the canary's percent of their sum. */
function canaryPercent(stableWeight, canaryWeight) {
    const total = stableWeight + canaryWeight;
    return total === 0 ? 0 : Math.round((100 * canaryWeight) / total);
}

;// CONCATENATED MODULE: ./src/core/traffic/kubernetes/gateway-api.ts



/**
 * HTTPRoute (gateway.networking.k8s.io/v1): one rule per header route (exact header match → the
 * canary service), then the default rule with weighted backendRefs and, for a dark launch, a
 * RequestMirror filter to the canary (`percent` below 100 needs Gateway API v1.2 or later).
 */
function gatewayApiKind(settings) {
    const { name, namespace, gateway, hostnames, stableService, canaryService, port } = settings;
    return {
        type: 'gateway-api',
        capabilities: { headerRoutes: true, mirror: true },
        resource: { kind: 'httproutes.gateway.networking.k8s.io', name },
        render(spec) {
            const routes = spec.headerRoutes.map((route) => ({
                matches: [{ headers: [{ type: 'Exact', name: headerName(route), value: route.value }] }],
                backendRefs: [{ name: canaryService, port }],
            }));
            const main = {
                backendRefs: [
                    { name: stableService, port, weight: 100 - spec.canaryWeight },
                    { name: canaryService, port, weight: spec.canaryWeight },
                ],
            };
            if (spec.mirrorPercentage > 0) {
                main.filters = [{ type: 'RequestMirror', requestMirror: { backendRef: { name: canaryService, port }, ...(spec.mirrorPercentage < 100 ? { percent: spec.mirrorPercentage } : {}) } }];
            }
            return {
                apiVersion: 'gateway.networking.k8s.io/v1',
                kind: 'HTTPRoute',
                metadata: { name, namespace, labels: MANAGED_BY },
                spec: { parentRefs: [{ name: gateway }], ...(hostnames.length > 0 ? { hostnames } : {}), rules: [...routes, main] },
            };
        },
        parse(object) {
            const rules = (object.spec?.rules ?? []);
            const main = rules.find((r) => !r.matches?.some((m) => m.headers));
            const weightOf = (service) => main?.backendRefs.find((b) => b.name === service)?.weight ?? (main?.backendRefs.some((b) => b.name === service) ? 1 : 0);
            const mirror = main?.filters?.find((f) => f.type === 'RequestMirror')?.requestMirror;
            return {
                canaryWeight: canaryPercent(weightOf(stableService), weightOf(canaryService)),
                headerRoutes: rules.flatMap((r) => r.matches?.flatMap((m) => m.headers?.map((h) => ({ name: h.name, value: h.value })) ?? []) ?? []),
                mirrorPercentage: mirror ? (mirror.percent ?? 100) : 0,
            };
        },
    };
}
function headerName(route) {
    if (route.kind === 'cookie')
        throw new errors/* SlipwayError */.GQ('Gateway API HTTPRoute matches headers, not cookies: route on a header (e.g. x-canary) instead.');
    return route.name;
}
/** Validates the gateway-api settings and makes the router. */
function gatewayApiRouter(raw) {
    const read = new traffic_settings/* SettingsReader */.T('gateway-api', raw);
    read.rejectUnknown(['name', 'gateway', 'hostnames', 'stableService', 'canaryService', 'port', ...KUBECTL_FIELDS]);
    const kubectl = kubectlSettings(read);
    const hostnames = raw.hostnames === undefined ? [] : Array.isArray(raw.hostnames) ? raw.hostnames.map(String) : [read.string('hostnames')];
    const settings = {
        name: read.kubernetesName('name'),
        namespace: kubectl.namespace,
        gateway: read.kubernetesName('gateway'),
        hostnames,
        stableService: read.kubernetesServiceName('stableService'),
        canaryService: read.kubernetesServiceName('canaryService'),
        port: read.integer('port', { min: 1, max: 65535 }, 80),
    };
    return new KubectlRouter(gatewayApiKind(settings), kubectl);
}

;// CONCATENATED MODULE: ./src/core/traffic/kubernetes/istio.ts


const PRIMARY = 'slipway-primary';
/**
 * VirtualService (networking.istio.io/v1beta1): an http route per header route (exact header
 * match, or a cookie regex) to the canary host, then the weighted primary route with an optional
 * mirror and mirrorPercentage.
 */
function istioKind(settings) {
    const { name, namespace, hosts, gateways, stableHost, canaryHost } = settings;
    return {
        type: 'istio',
        capabilities: { headerRoutes: true, mirror: true },
        resource: { kind: 'virtualservices.networking.istio.io', name },
        render(spec) {
            const routes = spec.headerRoutes.map((route, i) => ({
                name: `slipway-route-${i}`,
                match: [{ headers: match(route) }],
                route: [{ destination: { host: canaryHost } }],
            }));
            const primary = {
                name: PRIMARY,
                route: [
                    { destination: { host: stableHost }, weight: 100 - spec.canaryWeight },
                    { destination: { host: canaryHost }, weight: spec.canaryWeight },
                ],
            };
            if (spec.mirrorPercentage > 0)
                Object.assign(primary, { mirror: { host: canaryHost }, mirrorPercentage: { value: spec.mirrorPercentage } });
            return {
                apiVersion: 'networking.istio.io/v1beta1',
                kind: 'VirtualService',
                metadata: { name, namespace, labels: MANAGED_BY },
                spec: { hosts, ...(gateways.length > 0 ? { gateways } : {}), http: [...routes, primary] },
            };
        },
        parse(object) {
            const http = (object.spec?.http ?? []);
            const primary = http.find((r) => r.name === PRIMARY) ?? http[http.length - 1];
            const weightOf = (host) => primary?.route.find((d) => d.destination.host === host)?.weight ?? 0;
            return {
                canaryWeight: canaryPercent(weightOf(stableHost), weightOf(canaryHost)),
                headerRoutes: http.filter((r) => r !== primary).flatMap((r) => r.match?.flatMap((m) => Object.entries(m.headers).map(([header, v]) => unmatch(header, v))) ?? []),
                mirrorPercentage: primary?.mirror ? (primary.mirrorPercentage?.value ?? 100) : 0,
            };
        },
    };
}
const COOKIE = /^\^\(\.\*\?;\)\?\(([^=]+)=(.*)\)\(;\.\*\)\?\$$/;
function match(route) {
    if (route.kind === 'cookie')
        return { cookie: { regex: `^(.*?;)?(${route.name}=${route.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(;.*)?$` } };
    return { [route.name.toLowerCase()]: { exact: route.value } };
}
function unmatch(header, value) {
    const cookie = header === 'cookie' && value.regex ? COOKIE.exec(value.regex) : null;
    if (cookie)
        return { name: cookie[1], value: cookie[2].replace(/\\(.)/g, '$1'), kind: 'cookie' };
    return { name: header, value: value.exact ?? value.regex ?? '' };
}
/** Validates the istio settings and makes the router. */
function istioRouter(raw) {
    const read = new traffic_settings/* SettingsReader */.T('istio', raw);
    read.rejectUnknown(['name', 'hosts', 'gateways', 'stableHost', 'canaryHost', ...KUBECTL_FIELDS]);
    const kubectl = kubectlSettings(read);
    const list = (field) => (raw[field] === undefined ? [] : Array.isArray(raw[field]) ? raw[field].map(String) : [read.string(field)]);
    const name = read.kubernetesName('name');
    const hosts = list('hosts');
    return new KubectlRouter(istioKind({ name, namespace: kubectl.namespace, hosts: hosts.length > 0 ? hosts : [name], gateways: list('gateways'), stableHost: read.string('stableHost'), canaryHost: read.string('canaryHost') }), kubectl);
}

;// CONCATENATED MODULE: ./src/core/traffic/kubernetes/smi.ts


/**
 * TrafficSplit (split.smi-spec.io/v1alpha2): the root service split by weight between the stable
 * and canary services. SMI has no header routes nor mirroring in TrafficSplit.
 */
function smiKind(settings) {
    const { name, namespace, service, stableService, canaryService } = settings;
    return {
        type: 'smi',
        capabilities: { headerRoutes: false, mirror: false },
        resource: { kind: 'trafficsplits.split.smi-spec.io', name },
        render(spec) {
            return {
                apiVersion: 'split.smi-spec.io/v1alpha2',
                kind: 'TrafficSplit',
                metadata: { name, namespace, labels: MANAGED_BY },
                spec: {
                    service,
                    backends: [
                        { service: stableService, weight: 100 - spec.canaryWeight },
                        { service: canaryService, weight: spec.canaryWeight },
                    ],
                },
            };
        },
        parse(object) {
            const backends = (object.spec?.backends ?? []);
            const weightOf = (s) => backends.find((b) => b.service === s)?.weight ?? 0;
            return { canaryWeight: canaryPercent(weightOf(stableService), weightOf(canaryService)), headerRoutes: [], mirrorPercentage: 0 };
        },
    };
}
/** Validates the smi settings and makes the router. */
function smiRouter(raw) {
    const read = new traffic_settings/* SettingsReader */.T('smi', raw);
    read.rejectUnknown(['name', 'service', 'stableService', 'canaryService', ...KUBECTL_FIELDS]);
    const kubectl = kubectlSettings(read);
    return new KubectlRouter(smiKind({
        name: read.kubernetesName('name'),
        namespace: kubectl.namespace,
        service: read.kubernetesServiceName('service'),
        stableService: read.kubernetesServiceName('stableService'),
        canaryService: read.kubernetesServiceName('canaryService'),
    }), kubectl);
}

;// CONCATENATED MODULE: ./src/core/traffic/kubernetes/ingress-nginx.ts



const A = 'nginx.ingress.kubernetes.io/';
/**
 * The canary Ingress of ingress-nginx (networking.k8s.io/v1): same host and path as the main
 * Ingress, `canary: "true"`, `canary-weight`, and one header route (`canary-by-header` and
 * `canary-by-header-value`) or cookie route (`canary-by-cookie`, value `always`). The main
 * Ingress stays the user's. ingress-nginx cannot mirror a share to the canary.
 */
function ingressNginxKind(settings) {
    const { name, namespace, host, path, canaryService, port, ingressClassName } = settings;
    return {
        type: 'ingress-nginx',
        capabilities: { headerRoutes: true, mirror: false },
        resource: { kind: 'ingresses.networking.k8s.io', name },
        render(spec) {
            if (spec.headerRoutes.length > 1)
                throw new errors/* SlipwayError */.GQ('ingress-nginx allows one header or cookie route per canary Ingress: clear the route in force first.');
            const annotations = { [`${A}canary`]: 'true', [`${A}canary-weight`]: String(spec.canaryWeight) };
            const route = spec.headerRoutes[0];
            if (route?.kind === 'cookie') {
                if (route.value !== 'always')
                    throw new errors/* SlipwayError */.GQ(`ingress-nginx routes a cookie to the canary only when its value is 'always' (got '${route.value}').`);
                annotations[`${A}canary-by-cookie`] = route.name;
            }
            else if (route) {
                annotations[`${A}canary-by-header`] = route.name;
                annotations[`${A}canary-by-header-value`] = route.value;
            }
            const ingress = {
                apiVersion: 'networking.k8s.io/v1',
                kind: 'Ingress',
                metadata: { name, namespace, labels: MANAGED_BY, annotations },
                spec: {
                    ...(ingressClassName ? { ingressClassName } : {}),
                    rules: [{ host, http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: canaryService, port: { number: port } } } }] } }],
                },
            };
            return ingress;
        },
        parse(object) {
            const annotations = (object.metadata?.annotations ?? {});
            const header = annotations[`${A}canary-by-header`];
            const cookie = annotations[`${A}canary-by-cookie`];
            return {
                canaryWeight: Number(annotations[`${A}canary-weight`] ?? 0),
                headerRoutes: header ? [{ name: header, value: annotations[`${A}canary-by-header-value`] ?? 'always' }] : cookie ? [{ name: cookie, value: 'always', kind: 'cookie' }] : [],
                mirrorPercentage: 0,
            };
        },
    };
}
/** Validates the ingress-nginx settings and makes the router. */
function ingressNginxRouter(raw) {
    const read = new traffic_settings/* SettingsReader */.T('ingress-nginx', raw);
    read.rejectUnknown(['name', 'host', 'path', 'canaryService', 'port', 'ingressClassName', ...KUBECTL_FIELDS]);
    const kubectl = kubectlSettings(read);
    return new KubectlRouter(ingressNginxKind({
        name: read.kubernetesName('name'),
        namespace: kubectl.namespace,
        host: read.string('host'),
        path: read.string('path', '/'),
        canaryService: read.kubernetesServiceName('canaryService'),
        port: read.integer('port', { min: 1, max: 65535 }, 80),
        ingressClassName: read.optional('ingressClassName', (field) => read.kubernetesName(field)),
    }), kubectl);
}

;// CONCATENATED MODULE: ./src/core/traffic/kubernetes/index.ts






// EXTERNAL MODULE: ./src/core/traffic/nginx.ts
var nginx = __webpack_require__(8809);
;// CONCATENATED MODULE: ./src/core/traffic/registry.ts







const FACTORIES = {
    haproxy: (s, host, place) => {
        const settings = (0,haproxy/* haproxySettings */.xp)(s, place);
        return new haproxy/* HaproxyRouter */.$C(settings, host());
    },
    nginx: (s, host, place) => {
        const settings = (0,nginx/* nginxSettings */.mV)(s, place);
        return new nginx/* NginxRouter */.Sx(settings, host());
    },
    'gateway-api': gatewayApiRouter,
    istio: istioRouter,
    smi: smiRouter,
    'ingress-nginx': ingressNginxRouter,
    command: (s, host, place) => {
        const settings = commandSettings(s, place);
        return new CommandRouter(settings, host());
    },
};
/** The provider names the registry knows. */
const TRAFFIC_PROVIDERS = Object.keys(FACTORIES);
/** The providers whose router may live on another machine, reached over SSH (`router.ssh`). */
const SSH_PROVIDERS = ['haproxy', 'nginx', 'command'];
/**
 * Names the provider of `settings` (the `provider` argument, or `provider:` among them, the form of
 * a rollout plan) and validates `ssh:`, which only haproxy, nginx and command accept. Touches nothing.
 */
function routerSettingsParts(provider, settings) {
    if (settings === null || settings === undefined)
        settings = {};
    if (typeof settings !== 'object' || Array.isArray(settings)) {
        throw new errors/* InputError */.dz('router', settings, 'the provider settings as a YAML mapping, e.g. `{socket: /run/haproxy/admin.sock, backend: app, stable: v1, canary: v2}`');
    }
    const { provider: named, ssh, ...rest } = settings;
    const name = provider ?? (typeof named === 'string' ? named : undefined);
    if (named !== undefined && provider !== undefined && named !== provider) {
        throw new errors/* InputError */.dz('router.provider', named, `the same provider as the input \`provider\` (${provider})`, 'drop one of the two');
    }
    if (name === undefined || !FACTORIES[name])
        throw new errors/* InputError */.dz('provider', name, `one of ${TRAFFIC_PROVIDERS.join(', ')}`);
    if (ssh === undefined || ssh === null)
        return { provider: name, settings: rest };
    if (!SSH_PROVIDERS.includes(name)) {
        throw new errors/* InputError */.dz('router.ssh', ssh, `no \`ssh:\` for the ${name} provider: it reaches the cluster's API server through kubectl and the kubeconfig, not a router host (\`ssh:\` is for ${SSH_PROVIDERS.join(', ')})`, `remove router.ssh; point kubectl at the cluster with router.context or KUBECONFIG`);
    }
    return { provider: name, settings: rest, ssh: (0,remote/* parseSshSettings */.$o)(ssh) };
}
/**
 * Makes the router of `provider` from its settings (the `router:` YAML, parsed). The settings may
 * carry the provider themselves as `provider:` (the form of a rollout plan). Unknown providers and
 * bad settings are rejected before anything is touched; settings with `ssh:` need
 * `options.sshHost`, and nothing connects here (the edge checks the host before traffic moves).
 */
function createRouter(provider, settings, options = {}) {
    const parts = routerSettingsParts(provider, settings);
    const { ssh } = parts;
    return FACTORIES[parts.provider](parts.settings, () => routerHost(ssh, options), { remote: ssh !== undefined });
}
/** The host of a router: this machine without `ssh:`, else the one `options.sshHost` opens (refused without it). */
function routerHost(ssh, options) {
    if (ssh === undefined)
        return traffic_host/* LOCAL_HOST */.L;
    if (!options.sshHost) {
        throw new errors/* InputError */.dz(remote/* SSH_PRIVATE_KEY_INPUT */.Cz, undefined, `the private key that logs in to the router host ${ssh.user}@${ssh.host} (router.ssh is set)`, `pass \`${remote/* SSH_PRIVATE_KEY_INPUT */.Cz}: \${{ secrets.ROUTER_SSH_KEY }}\` and \`${remote/* SSH_KNOWN_HOSTS_INPUT */.Y6}\`, or remove router.ssh to drive a router on the runner itself`);
    }
    return options.sshHost(ssh);
}


/***/ }),

/***/ 4616:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   T: () => (/* binding */ SettingsReader),
/* harmony export */   n: () => (/* binding */ checkWeight)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _process_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1707);
/* harmony import */ var _values_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3749);



// HAProxy's configuration manual: proxy, server and ACL names are made of letters, digits, '-',
// '_', '.' and ':'.
const HAPROXY_NAME = {
    pattern: /^[A-Za-z0-9_.:-]+$/,
    expected: "a HAProxy name: letters, digits, '-', '_', '.' and ':' (as in haproxy.cfg)",
    example: 'app',
};
// The runtime API names an ACL or map by `#<id>` (from `show acl`) or by the file it was loaded
// from. The path characters are a conservative set: the runtime API splits words at spaces,
// commands at ';', and reads '\' as an escape and a trailing '<<' as the start of a payload.
const HAPROXY_PATTERN_REFERENCE = {
    pattern: /^(#\d+|[A-Za-z0-9/._+@:,-]+)$/,
    expected: "the file your haproxy.cfg ACL loads with -f (letters, digits and / . _ - + @ : , only) or #<id> from `show acl`",
    example: '/etc/haproxy/canary-routes.acl',
};
// Kubernetes "Object Names and IDs": most kinds (HTTPRoute, VirtualService, TrafficSplit, Ingress,
// Gateway, IngressClass) take a DNS-1123 subdomain, namespaces a DNS-1123 label, Services a
// DNS-1035 label (a leading letter).
const KUBERNETES_NAME = {
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    maxLength: 253,
    expected: "a Kubernetes object name (DNS-1123 subdomain): at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
    example: 'shop',
};
const KUBERNETES_NAMESPACE = {
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    maxLength: 63,
    expected: "a Kubernetes namespace (DNS-1123 label): at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit",
    example: 'production',
};
const KUBERNETES_SERVICE_NAME = {
    pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    maxLength: 63,
    expected: "a Kubernetes Service name (DNS-1035 label): at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit",
    example: 'shop-canary',
};
// Kubeconfig context names are free text (`arn:aws:eks:…`, `gke_project_zone_cluster`); kubectl
// gets them as one argument, so only a leading '-' (a flag) and control characters are refused.
const KUBECONFIG_CONTEXT = {
    pattern: /^[^-\p{Cc}][^\p{Cc}]*$/u,
    expected: "a kubeconfig context name: not starting with '-' (kubectl would read a flag) and without control characters",
    example: 'production',
};
// The generated names are `<name>_stable` (an upstream) and `$<name>_upstream` (a variable);
// nginx variable names are letters, digits and '_'.
const NGINX_NAME = {
    pattern: /^[a-z][a-z0-9_]*$/,
    expected: "lower-case letters, digits and '_', starting with a letter (it prefixes the generated nginx upstream and variable names)",
    example: 'slipway',
};
/**
 * Reads a provider's `router` settings (parsed YAML) field by field. Every error names the field
 * as `router.<field>`, the value, what was expected and the fix, before anything is changed.
 */
class SettingsReader {
    provider;
    settings;
    constructor(provider, settings) {
        this.provider = provider;
        this.settings = settings;
    }
    /** A non-empty string field; required unless `fallback` is given. */
    string(field, fallback) {
        const value = this.settings[field];
        if (value === undefined || value === null || value === '') {
            if (fallback !== undefined)
                return fallback;
            throw this.error(field, value, 'a non-empty string', `add \`${field}:\` to the ${this.provider} router settings`);
        }
        if (typeof value !== 'string' && typeof value !== 'number')
            throw this.error(field, value, 'a string');
        return String(value);
    }
    /** An optional string field. */
    optionalString(field) {
        return this.optional(field, (f) => this.string(f));
    }
    /** `read(field)` when the field is given, undefined when it is absent. */
    optional(field, read) {
        return this.settings[field] === undefined || this.settings[field] === null ? undefined : read(field);
    }
    /** A HAProxy backend or server name (HAProxy's identifier rule), sent on the runtime API. */
    haproxyName(field) {
        return this.matching(field, HAPROXY_NAME);
    }
    /** A HAProxy ACL or map reference (`#<id>` or the file loaded with -f), sent on the runtime API. */
    haproxyPatternReference(field) {
        return this.matching(field, HAPROXY_PATTERN_REFERENCE);
    }
    /** A Kubernetes object name (DNS-1123 subdomain): HTTPRoute, VirtualService, TrafficSplit, Ingress, Gateway, IngressClass. */
    kubernetesName(field) {
        return this.matching(field, KUBERNETES_NAME);
    }
    /** A Kubernetes namespace (DNS-1123 label). */
    kubernetesNamespace(field, fallback) {
        return this.matching(field, KUBERNETES_NAMESPACE, fallback);
    }
    /** A Kubernetes Service name (DNS-1035 label). */
    kubernetesServiceName(field) {
        return this.matching(field, KUBERNETES_SERVICE_NAME);
    }
    /** A kubeconfig context, passed to kubectl as the value of --context. */
    kubeconfigContext(field) {
        return this.matching(field, KUBECONFIG_CONTEXT);
    }
    /** The prefix of generated nginx upstream and variable names. */
    nginxName(field, fallback) {
        return this.matching(field, NGINX_NAME, fallback);
    }
    /** A command line: a string split on spaces, or a list of strings; undefined when absent. */
    command(field) {
        const value = this.settings[field];
        if (value === undefined || value === null)
            return undefined;
        if (typeof value === 'string' && value.trim() !== '')
            return value.trim().split(/\s+/);
        if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
            return value;
        throw this.error(field, value, 'a command (a string, or a list of strings)');
    }
    /** A `host:port` address. */
    address(field) {
        const value = this.string(field);
        if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(value) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(value)) {
            throw this.error(field, value, 'a `host:port` address', `e.g. \`${field}: 127.0.0.1:8080\``);
        }
        return value;
    }
    /** A whole number in [min, max]; `fallback` when absent. */
    integer(field, range, fallback) {
        const value = this.settings[field];
        if (value === undefined || value === null)
            return fallback;
        const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < range.min || n > range.max) {
            throw this.error(field, value, `a whole number from ${range.min} to ${range.max}`);
        }
        return n;
    }
    /** The `env:` list: names of runner variables the provider's commands get besides the allow-list (docs/security.md). */
    envNames(field = 'env') {
        return (0,_process_index_js__WEBPACK_IMPORTED_MODULE_1__/* .parseEnvNames */ .xE)(`router.${field}`, this.settings[field]);
    }
    /** Rejects fields the provider does not know (a typo would otherwise be silently ignored). */
    rejectUnknown(known) {
        for (const field of Object.keys(this.settings)) {
            if (!known.includes(field)) {
                throw this.error(field, this.settings[field], `one of the ${this.provider} settings: ${known.join(', ')}`, 'remove or rename the field');
            }
        }
    }
    /** A string field that matches `grammar`; required unless `fallback` is given. */
    matching(field, grammar, fallback) {
        const value = this.string(field, fallback);
        if (!grammar.pattern.test(value) || value.length > (grammar.maxLength ?? Infinity)) {
            throw this.error(field, value, grammar.expected, `e.g. \`${field}: ${grammar.example}\``);
        }
        return value;
    }
    error(field, value, expected, fix) {
        return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`router.${field}`, value, expected, fix);
    }
}
/**
 * Throws an InputError naming `input` unless `percent` is a weight (values/weight.ts: a whole
 * number from 0 to 100), checked before any change is made.
 */
function checkWeight(percent, input = 'weight') {
    return (0,_values_index_js__WEBPACK_IMPORTED_MODULE_2__/* .parseInput */ .CU)(input, percent, _values_index_js__WEBPACK_IMPORTED_MODULE_2__/* .parseWeight */ .qE);
}


/***/ }),

/***/ 5022:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RB: () => (/* binding */ SpecRouter),
/* harmony export */   fF: () => (/* binding */ STABLE_ONLY)
/* harmony export */ });
/* unused harmony exports routesAfter, sameSpec */
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4616);

/** The spec with everything on stable. */
const STABLE_ONLY = { canaryWeight: 0, headerRoutes: [], mirrorPercentage: 0 };
/**
 * A router built from two provider operations, `read` (the spec in force) and `write` (apply a
 * new spec, leaving the old one in place when it fails). Every operation reads first and writes
 * only what differs, so repeating a call converges without touching the proxy again.
 */
class SpecRouter {
    setHeaderRoute;
    checkHeaderRoutes;
    setMirror;
    constructor(capabilities) {
        if (capabilities.headerRoutes) {
            this.setHeaderRoute = (route) => this.update((spec) => ({ ...spec, headerRoutes: routesAfter(spec.headerRoutes, route) }));
            this.checkHeaderRoutes = (routes) => void this.render({ ...STABLE_ONLY, headerRoutes: routes });
        }
        if (capabilities.mirror) {
            this.setMirror = async (percent) => {
                const mirrorPercentage = (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .checkWeight */ .n)(percent, 'mirror-percentage');
                return this.update((spec) => ({ ...spec, mirrorPercentage }));
            };
        }
    }
    async describe() {
        return this.state(await this.read());
    }
    async setCanaryWeight(percent) {
        const canaryWeight = (0,_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .checkWeight */ .n)(percent);
        return this.update((spec) => ({ ...spec, canaryWeight }));
    }
    promote() {
        return this.update(() => ({ ...STABLE_ONLY, canaryWeight: 100 }));
    }
    abort() {
        return this.update(() => STABLE_ONLY);
    }
    async update(change) {
        const previous = await this.read();
        const { drift, ...current } = previous;
        const next = change(current);
        if (drift || !sameSpec(current, next))
            await this.write(next, previous);
        return this.state(next);
    }
    state(spec) {
        return {
            provider: this.type,
            canaryWeight: spec.canaryWeight,
            stableWeight: 100 - spec.canaryWeight,
            headerRoutes: spec.headerRoutes,
            mirrorPercentage: spec.mirrorPercentage,
            reachable: true,
            detail: this.detail(),
        };
    }
}
/** The routes in force after `route` is set (replacing one on the same header or cookie) or, with null, all are cleared. */
function routesAfter(routes, route) {
    return route ? [...routes.filter((r) => !sameRoute(r, route)), route] : [];
}
function sameRoute(a, b) {
    return a.name.toLowerCase() === b.name.toLowerCase() && (a.kind ?? 'header') === (b.kind ?? 'header');
}
/** Whether two specs route the same way. */
function sameSpec(a, b) {
    return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}
function normalise(spec) {
    const routes = spec.headerRoutes.map((r) => ({ name: r.name.toLowerCase(), value: r.value, kind: r.kind ?? 'header' }));
    routes.sort((x, y) => `${x.kind}:${x.name}`.localeCompare(`${y.kind}:${y.name}`));
    return { canaryWeight: spec.canaryWeight, headerRoutes: routes, mirrorPercentage: spec.mirrorPercentage };
}


/***/ })

};
