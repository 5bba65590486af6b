export const id = 351;
export const ids = [351];
export const modules = {

/***/ 8351:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   prepareAdoption: () => (/* binding */ prepareAdoption)
/* harmony export */ });
/* harmony import */ var _process_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1707);
/* harmony import */ var _haproxy_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8136);
/* harmony import */ var _nginx_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8809);
/* harmony import */ var _registry_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1974);
/* harmony import */ var _spec_router_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5022);





/**
 * The first step for the router of `settings` (the `router:` YAML, `ssh:` included), validated and
 * with its host opened (nothing contacted yet): check the host, then `run()`. For nginx, run writes
 * the first routing include file (all traffic on stable) unless Slipway's is already there, then
 * runs the configuration test; for haproxy, it checks through the runtime API that the backend and
 * both servers exist, and says what to add to haproxy.cfg when they do not. Other providers need
 * no first step.
 */
function prepareAdoption(provider, settings, options = {}) {
    const parts = (0,_registry_js__WEBPACK_IMPORTED_MODULE_3__/* .routerSettingsParts */ .LH)(provider, settings);
    const place = { remote: parts.ssh !== undefined };
    if (parts.provider === 'nginx') {
        const nginx = (0,_nginx_js__WEBPACK_IMPORTED_MODULE_2__/* .nginxSettings */ .mV)(parts.settings, place);
        const host = (0,_registry_js__WEBPACK_IMPORTED_MODULE_3__/* .routerHost */ .wQ)(parts.ssh, options);
        return { run: () => adoptNginx(nginx, host) };
    }
    if (parts.provider === 'haproxy') {
        const haproxy = (0,_haproxy_js__WEBPACK_IMPORTED_MODULE_1__/* .haproxySettings */ .xp)(parts.settings, place);
        const host = (0,_registry_js__WEBPACK_IMPORTED_MODULE_3__/* .routerHost */ .wQ)(parts.ssh, options);
        return { run: () => adoptHaproxy(haproxy, host) };
    }
    return { run: async () => ({ ready: true, lines: [`The ${parts.provider} provider needs no first step: its first canary step creates what it routes with.`] }) };
}
async function adoptNginx(settings, host) {
    const { file, stable, name } = settings;
    const on = host.remote ? ` on ${host.where}` : '';
    const lines = [];
    const existing = await host.readFile(file);
    if (existing === undefined) {
        await host.writeFile(file, (0,_nginx_js__WEBPACK_IMPORTED_MODULE_2__/* .renderNginxInclude */ .jX)(settings, _spec_router_js__WEBPACK_IMPORTED_MODULE_4__/* .STABLE_ONLY */ .fF));
        lines.push(`Wrote ${file}${on}: all traffic on the stable version ${stable}.`);
    }
    else {
        // A file Slipway wrote is left as it is: a rollout may be under way.
        const spec = (0,_nginx_js__WEBPACK_IMPORTED_MODULE_2__/* .parseNginxInclude */ .or)(existing, file, settings);
        lines.push(`${file}${on} is Slipway's already (canary ${spec.canaryWeight}%); left as it is.`);
    }
    const config = settings.config === undefined ? undefined : await host.readFile(settings.config);
    if (config === undefined || !config.includes(file)) {
        lines.push(`Next, in ${settings.config ?? 'nginx.conf'}: add \`include ${file};\` inside \`http { }\`, route with \`proxy_pass http://$${name}_upstream;\` in the location, then test and reload (nginx -t && nginx -s reload).`);
    }
    const test = await host.run(settings.test);
    if (test.code !== 0) {
        lines.push(`${settings.test.join(' ')} fails${on} (exit ${test.code}):\n${(0,_process_index_js__WEBPACK_IMPORTED_MODULE_0__/* .tail */ .RT)(test.stderr + test.stdout)}`);
        return { ready: false, lines };
    }
    lines.push(`${settings.test.join(' ')} passes${on}.`);
    return { ready: config?.includes(file) ?? true, lines };
}
async function adoptHaproxy(settings, host) {
    const { backend, stable, canary } = settings;
    const router = new _haproxy_js__WEBPACK_IMPORTED_MODULE_1__/* .HaproxyRouter */ .$C(settings, host);
    const servers = await router.backendServers();
    const line = (server, weight) => `    server ${server} <address of ${server}> weight ${weight}`;
    if (!servers) {
        return {
            ready: false,
            lines: [`HAProxy has no backend '${backend}'. Add it to haproxy.cfg and reload HAProxy:`, '', `backend ${backend}`, '    balance roundrobin', line(stable, 100), line(canary, 0)],
        };
    }
    const missing = [stable, canary].filter((server) => !servers.has(server));
    if (missing.length > 0) {
        const present = [...servers.keys()].join(', ') || 'none';
        return {
            ready: false,
            lines: [`Backend '${backend}' has the servers ${present}, not ${missing.map((s) => `'${s}'`).join(' nor ')}. Add to \`backend ${backend}\` in haproxy.cfg and reload HAProxy:`, '', ...missing.map((server) => line(server, server === stable ? 100 : 0))],
        };
    }
    return { ready: true, lines: [`Backend '${backend}' has '${stable}' (weight ${servers.get(stable)}) and '${canary}' (weight ${servers.get(canary)}): Slipway can drive it.`] };
}


/***/ })

};
