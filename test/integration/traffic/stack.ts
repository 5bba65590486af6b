import { startApp, type RunningApp } from '../../../testkit/bed/app.js';
import { startHaproxy } from '../../../testkit/bed/haproxy.js';
import { startLoad, type LoadReport } from '../../../testkit/bed/load.js';
import { startNginx } from '../../../testkit/bed/nginx.js';
import { createRouter } from '../../../src/core/traffic/registry.js';
import type { TrafficRouter } from '../../../src/core/traffic/types.js';

/** Which slot plays stable and which canary in a rollout. */
export type Roles = { stable: 'blue' | 'green'; canary: 'blue' | 'green' };

/** Two versions of the app behind a real proxy, and a way to make routers for it. */
export interface TrafficStack {
  provider: 'haproxy' | 'nginx';
  url: string;
  apps: Record<'blue' | 'green', RunningApp>;
  /** The router settings for a rollout with these roles. */
  settings(roles: Roles): Record<string, unknown>;
  router(roles: Roles): TrafficRouter;
  /** Replaces the app in a slot by a new version on the same port (a deploy into the idle slot). */
  redeploy(slot: 'blue' | 'green', version: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts blue (v1) and green (v2) and the proxy in front of them, all traffic on blue. */
export async function startStack(provider: 'haproxy' | 'nginx'): Promise<TrafficStack> {
  const apps = { blue: await startApp({ version: 'v1' }), green: await startApp({ version: 'v2' }) };
  const address = (slot: 'blue' | 'green') => apps[slot].address;
  let url: string;
  let settings: (roles: Roles) => Record<string, unknown>;
  let stopProxy: () => Promise<void>;
  if (provider === 'haproxy') {
    const haproxy = await startHaproxy({ blue: address('blue'), green: address('green') });
    url = haproxy.url;
    settings = (roles) => haproxy.routerSettings(roles.stable, roles.canary);
    stopProxy = haproxy.stop;
  } else {
    const nginx = await startNginx({ stable: address('blue'), canary: address('green') });
    url = nginx.url;
    settings = (roles) => ({ ...nginx.routerSettings, stable: address(roles.stable), canary: address(roles.canary) });
    stopProxy = nginx.stop;
  }
  return {
    provider,
    url,
    apps,
    settings,
    router: (roles) => createRouter(provider, settings(roles)),
    async redeploy(slot, version) {
      const port = apps[slot].port;
      await apps[slot].stop();
      apps[slot] = await startApp({ version, port });
    },
    async stop() {
      await stopProxy();
      await Promise.all(Object.values(apps).map((a) => a.stop()));
    },
  };
}

/** Sends `count` requests at 400/s and returns the share (percent) `version` answered, and the report. */
export async function measure(url: string, version: string, count = 1000, headers?: Record<string, string>): Promise<{ share: number; report: LoadReport }> {
  const report = await startLoad({ url, rate: 400, maxRequests: count, headers }).done;
  return { share: (100 * (report.byVersion[version] ?? 0)) / report.sent, report };
}
