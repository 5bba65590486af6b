export const id = 41;
export const ids = [41];
export const modules = {

/***/ 6041:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SshRouterHosts: () => (/* binding */ SshRouterHosts)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _remote_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5447);
/* harmony import */ var _host_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8327);



/**
 * The SSH side of routers at an edge (an action or the CLI). Hand `routerOptions` to createRouter:
 * a router with `ssh:` gets an SSH transport opened with the given credentials (nothing connects
 * yet). Then `check()` before anything moves: every router host is reached and recognised by its
 * key, and credentials given for a router without `ssh:` are refused. `close()` in a finally.
 */
class SshRouterHosts {
    credentials;
    options;
    // One transport per router host: the routers of one run (a plan's, and the one turned the other way for slots) share it.
    transports = new Map();
    names;
    constructor(credentials, options = {}) {
        this.credentials = credentials;
        this.options = options;
        this.names = options.names ?? { privateKey: _remote_index_js__WEBPACK_IMPORTED_MODULE_1__/* .SSH_PRIVATE_KEY_INPUT */ .Cz, knownHosts: _remote_index_js__WEBPACK_IMPORTED_MODULE_1__/* .SSH_KNOWN_HOSTS_INPUT */ .Y6 };
    }
    /** The options for createRouter. */
    routerOptions = { sshHost: (ssh) => this.open(ssh) };
    /** Whether any credential was given. */
    get given() {
        return Boolean(this.credentials.privateKey?.trim() || this.credentials.knownHosts?.trim());
    }
    open(ssh) {
        const { privateKey, knownHosts } = this.credentials;
        if (!privateKey?.trim()) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(this.names.privateKey, undefined, `the private key that logs in to the router host ${ssh.user}@${ssh.host} (router.ssh is set)`, `give ${this.names.privateKey} and ${this.names.knownHosts}, or remove router.ssh to drive a router on this machine`);
        }
        const key = `${ssh.user}@${ssh.host}:${ssh.port}`;
        let transport = this.transports.get(key);
        if (!transport) {
            transport = (0,_remote_index_js__WEBPACK_IMPORTED_MODULE_1__/* .openSshTransport */ .Ys)({ settings: ssh, privateKey, knownHosts: knownHosts ?? '', tempRoot: this.options.tempRoot, connectTimeoutSeconds: this.options.connectTimeoutSeconds });
            this.transports.set(key, transport);
        }
        return new _host_js__WEBPACK_IMPORTED_MODULE_2__/* .SshRouterHost */ .G(transport);
    }
    /**
     * Before anything moves: each router host opened is reached, recognised by its host key and
     * logged in to (SshError naming what to fix otherwise); credentials given for routers that have
     * no `ssh:` are refused, since the user meant a remote router and would drive a local one.
     */
    async check() {
        if (this.transports.size === 0) {
            if (this.given) {
                throw new _remote_index_js__WEBPACK_IMPORTED_MODULE_1__/* .SshError */ .DZ(`${this.names.privateKey} or ${this.names.knownHosts} is given, but the router settings have no \`ssh:\`: the router would be driven on this machine. Fix: add \`ssh: {host: <router host>, port: 22, user: <account>}\` to the router settings, or remove ${this.names.privateKey} and ${this.names.knownHosts}.`, this.names.privateKey);
            }
            return;
        }
        for (const transport of this.transports.values())
            await transport.check();
    }
    /** Ends every forward and removes every key file; safe to call twice. */
    async close() {
        await Promise.all([...this.transports.values()].map((transport) => transport.close()));
    }
}


/***/ })

};
