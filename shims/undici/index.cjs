// Slipway's bundles carry no copy of undici (docs/architecture.md, "Fast start"): loading it took
// half of every action's start. The toolkit imports it for two things: @actions/http-client's
// ProxyAgent, made only when HTTP(S)_PROXY is set, and @actions/github's fetch, which Octokit
// requests go through (only the attest step uses it). Both are served by Node's own fetch, which
// is undici too and, on Node 24 with NODE_USE_ENV_PROXY=1, honours HTTP(S)_PROXY and NO_PROXY for
// every request Slipway makes (docs/architecture.md, "Fast start").

/** Stands for undici's ProxyAgent: Node's fetch reaches the proxy itself (NODE_USE_ENV_PROXY=1). */
class ProxyAgent {
  constructor(options) {
    this.options = options ?? {};
  }
}

/** undici's fetch: Node's own, without a ProxyAgent stand-in as its dispatcher. */
function fetchWithoutStandIn(input, init) {
  if (init && init.dispatcher instanceof ProxyAgent) {
    const { dispatcher: _proxy, ...rest } = init;
    return globalThis.fetch(input, rest);
  }
  return globalThis.fetch(input, init);
}

module.exports = { ProxyAgent, fetch: fetchWithoutStandIn };
