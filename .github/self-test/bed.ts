// The servers self-test.yml runs Slipway's actions against, started on the runner from the test
// kit (testkit/bed/, the same launchers the tests and the demo use): a Docker registry, two
// versions of the small app behind HAProxy (v1 on server `blue`, v2 on `green`), Prometheus
// scraping both, and steady load through HAProxy so the analysis has requests to judge.
//
// Usage: node --import tsx .github/self-test/bed.ts <env-file> (one process, so its pid stops it)
// Writes the servers' addresses to <env-file> as NAME=value lines once everything answers (the
// workflow appends them to $GITHUB_ENV), then keeps serving until SIGTERM or the job ends.
// POST <SELF_TEST_CONTROL>/green?error-rate=0.3 changes the canary's error rate while it runs.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp } from '../../testkit/bed/app.js';
import { startHaproxy } from '../../testkit/bed/haproxy.js';
import { startLoad } from '../../testkit/bed/load.js';
import { startPrometheus } from '../../testkit/bed/prometheus.js';
import { startRegistry } from '../../testkit/bed/registry.js';

const envFile = process.argv[2];
if (!envFile) throw new Error('usage: node --import tsx .github/self-test/bed.ts <env-file>');

// Both versions fail 2% of requests, as the demo's good releases do, so "as good as the baseline"
// is judged on real errors and not on two zeros.
const baselineErrorRate = 0.02;
const registry = await startRegistry();
const stable = await startApp({ version: 'v1', errorRate: baselineErrorRate });
const canary = await startApp({ version: 'v2', errorRate: baselineErrorRate });
const haproxy = await startHaproxy({ blue: stable.address, green: canary.address });
const prometheus = await startPrometheus({ targets: [stable.address, canary.address] });
const load = startLoad({ url: haproxy.url, rate: 200, connections: 32, timeoutMs: 15_000 });
await prometheus.waitForSeries('http_requests_total{version="v1"}');

const control = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://control');
  const errorRate = Number(url.searchParams.get('error-rate'));
  if (req.method !== 'POST' || url.pathname !== '/green' || !(errorRate >= 0 && errorRate <= 1)) {
    res.writeHead(400).end('POST /green?error-rate=<0..1>\n');
    return;
  }
  canary.configure({ errorRate });
  res.writeHead(200).end(`green (v2) now fails ${errorRate * 100}% of requests\n`);
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));

writeFileSync(
  envFile,
  [
    `SELF_TEST_REGISTRY=${registry.host}`,
    `SELF_TEST_HAPROXY_SOCKET=${haproxy.socket}`,
    `SELF_TEST_HAPROXY_URL=${haproxy.url}`,
    `SELF_TEST_PROMETHEUS_URL=${prometheus.url}`,
    `SELF_TEST_CONTROL=http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    '',
  ].join('\n'),
);
console.log(`self-test bed ready: registry ${registry.host}, HAProxy ${haproxy.url} (socket ${haproxy.socket}), Prometheus ${prometheus.url}`);

const stop = async () => {
  control.close();
  const report = await load.stop();
  console.log(`load: ${report.sent} requests, ${report.failures.length} failed, by version ${JSON.stringify(report.byVersion)}`);
  for (const server of [prometheus, haproxy, canary, stable, registry]) await server.stop().catch(() => {});
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
