// Traffic routers, per provider: how long a weight change takes to be in force (median and p95
// over 100 changes, while 400 req/s flow through the proxy, with the requests lost), and how
// exact the split is at 1%, 5% and 50% (4,000 requests each through the real proxy).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter } from '../src/core/traffic/registry.js';
import type { TrafficRouter } from '../src/core/traffic/types.js';
import { startApp } from '../testkit/bed/app.js';
import { findBinary } from '../testkit/bed/binaries.js';
import { startHaproxy } from '../testkit/bed/haproxy.js';
import { startLoad } from '../testkit/bed/load.js';
import { startNginx } from '../testkit/bed/nginx.js';
import { printTable } from './table.js';

const CHANGES = 100;
const SPLIT_REQUESTS = 4000;

interface Proxy {
  provider: string;
  url?: string;
  router: TrafficRouter;
  stop(): Promise<void>;
}

export default async function trafficBench(): Promise<void> {
  const apps = [await startApp({ version: 'v1' }), await startApp({ version: 'v2' })];
  const [stable, canary] = apps.map((a) => a.address);
  const proxies: (() => Promise<Proxy>)[] = [];
  if (findBinary('haproxy')) {
    proxies.push(async () => {
      const haproxy = await startHaproxy({ blue: stable, green: canary });
      return { provider: 'haproxy', url: haproxy.url, router: createRouter('haproxy', haproxy.routerSettings('blue', 'green')), stop: haproxy.stop };
    });
  }
  if (findBinary('nginx')) {
    proxies.push(async () => {
      const nginx = await startNginx({ stable, canary });
      return { provider: 'nginx', url: nginx.url, router: createRouter('nginx', nginx.routerSettings), stop: nginx.stop };
    });
  }
  proxies.push(async () => {
    // The command provider's own cost: a shell script that records the weight in a file.
    const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-command-'));
    const script = join(dir, 'set-weight.sh');
    writeFileSync(script, `#!/bin/sh\necho "$SLIPWAY_CANARY_WEIGHT" > "${dir}/weight"\n`);
    chmodSync(script, 0o755);
    return { provider: 'command (shell script)', router: createRouter('command', { run: script }), stop: async () => rmSync(dir, { recursive: true, force: true }) };
  });

  const timing: (string | number)[][] = [];
  const accuracy: (string | number)[][] = [];
  try {
    for (const start of proxies) {
      const proxy = await start();
      try {
        timing.push(await timeChanges(proxy));
        if (proxy.url) for (const weight of [1, 5, 50]) accuracy.push(await measureSplit(proxy, weight));
      } finally {
        await proxy.router.abort().catch(() => undefined);
        await proxy.stop();
      }
    }
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
  }
  printTable(
    `Time to apply a weight change (${CHANGES} changes alternating 10% and 20%, under 400 req/s through the proxy)`,
    ['provider', 'median ms', 'p95 ms', 'max ms', 'requests sent', 'requests failed', 'connection retries'],
    timing,
  );
  printTable(`Split accuracy (${SPLIT_REQUESTS} requests per weight at 800 req/s, keep-alive)`, ['provider', 'target %', 'measured %', 'error (points)', 'requests'], accuracy);
}

async function timeChanges(proxy: Proxy): Promise<(string | number)[]> {
  const load = proxy.url ? startLoad({ url: proxy.url, rate: 400 }) : undefined;
  const times: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const started = performance.now();
    await proxy.router.setCanaryWeight(i % 2 === 0 ? 10 : 20);
    times.push(performance.now() - started);
  }
  const report = await load?.stop();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return [proxy.provider, at(0.5), at(0.95), times[times.length - 1], report?.sent ?? '—', report ? report.failures.length : '—', report?.connectionRetries ?? '—'];
}

async function measureSplit(proxy: Proxy, weight: number): Promise<(string | number)[]> {
  await proxy.router.setCanaryWeight(weight);
  const report = await startLoad({ url: proxy.url ?? '', rate: 800, maxRequests: SPLIT_REQUESTS }).done;
  const answered = (report.byVersion.v1 ?? 0) + (report.byVersion.v2 ?? 0);
  const share = (100 * (report.byVersion.v2 ?? 0)) / answered;
  return [proxy.provider, weight, share, Math.abs(share - weight), answered];
}
