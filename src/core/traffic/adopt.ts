import { tail } from '../process/index.js';
import { HaproxyRouter, haproxySettings, type HaproxySettings } from './haproxy.js';
import type { RouterHost } from './host.js';
import { nginxSettings, parseNginxInclude, renderNginxInclude, type NginxSettings } from './nginx.js';
import { routerHost, routerSettingsParts, type RouterOptions } from './registry.js';
import { STABLE_ONLY } from './spec-router.js';

// An existing nginx or HAProxy adopts Slipway in one first step (docs/traffic.md, "Adopting an
// existing proxy"): nginx cannot load a config that includes a file that is not there yet, and a
// HAProxy backend must already hold both servers, since Slipway never edits haproxy.cfg.

/** What the first step did or found, line by line, and whether the router is ready for a rollout. */
export interface AdoptReport {
  ready: boolean;
  lines: string[];
}

/**
 * The first step for the router of `settings` (the `router:` YAML, `ssh:` included), validated and
 * with its host opened (nothing contacted yet): check the host, then `run()`. For nginx, run writes
 * the first routing include file (all traffic on stable) unless Slipway's is already there, then
 * runs the configuration test; for haproxy, it checks through the runtime API that the backend and
 * both servers exist, and says what to add to haproxy.cfg when they do not. Other providers need
 * no first step.
 */
export function prepareAdoption(provider: string | undefined, settings: unknown, options: RouterOptions = {}): { run(): Promise<AdoptReport> } {
  const parts = routerSettingsParts(provider, settings);
  const place = { remote: parts.ssh !== undefined };
  if (parts.provider === 'nginx') {
    const nginx = nginxSettings(parts.settings, place);
    const host = routerHost(parts.ssh, options);
    return { run: () => adoptNginx(nginx, host) };
  }
  if (parts.provider === 'haproxy') {
    const haproxy = haproxySettings(parts.settings, place);
    const host = routerHost(parts.ssh, options);
    return { run: () => adoptHaproxy(haproxy, host) };
  }
  return { run: async () => ({ ready: true, lines: [`The ${parts.provider} provider needs no first step: its first canary step creates what it routes with.`] }) };
}

async function adoptNginx(settings: NginxSettings, host: RouterHost): Promise<AdoptReport> {
  const { file, stable, name } = settings;
  const on = host.remote ? ` on ${host.where}` : '';
  const lines: string[] = [];
  const existing = await host.readFile(file);
  if (existing === undefined) {
    await host.writeFile(file, renderNginxInclude(settings, STABLE_ONLY));
    lines.push(`Wrote ${file}${on}: all traffic on the stable version ${stable}.`);
  } else {
    // A file Slipway wrote is left as it is: a rollout may be under way.
    const spec = parseNginxInclude(existing, file, settings);
    lines.push(`${file}${on} is Slipway's already (canary ${spec.canaryWeight}%); left as it is.`);
  }
  const config = settings.config === undefined ? undefined : await host.readFile(settings.config);
  if (config === undefined || !config.includes(file)) {
    lines.push(
      `Next, in ${settings.config ?? 'nginx.conf'}: add \`include ${file};\` inside \`http { }\`, route with \`proxy_pass http://$${name}_upstream;\` in the location, then test and reload (nginx -t && nginx -s reload).`,
    );
  }
  const test = await host.run(settings.test);
  if (test.code !== 0) {
    lines.push(`${settings.test.join(' ')} fails${on} (exit ${test.code}):\n${tail(test.stderr + test.stdout)}`);
    return { ready: false, lines };
  }
  lines.push(`${settings.test.join(' ')} passes${on}.`);
  return { ready: config?.includes(file) ?? true, lines };
}

async function adoptHaproxy(settings: HaproxySettings, host: RouterHost): Promise<AdoptReport> {
  const { backend, stable, canary } = settings;
  const router = new HaproxyRouter(settings, host);
  const servers = await router.backendServers();
  const line = (server: string, weight: number) => `    server ${server} <address of ${server}> weight ${weight}`;
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
