import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';

/** How the versioned demo app behaves. */
export interface AppOptions {
  /** The version it reports, e.g. v1. */
  version: string;
  /** Share of requests answered 500, from 0 to 1 (default 0). */
  errorRate?: number;
  /** Milliseconds added to every answer (default 0). */
  latencyMs?: number;
  /** Headers whose presence marks a request as header-routed (default ['x-canary']). */
  routeHeaders?: string[];
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
}

/** What the app saw, for tests that check routing by its effect on the servers. */
export interface AppSeen {
  /** Requests answered (mirrored ones included). */
  requests: number;
  /** Requests that carried one of the route headers. */
  headerRouted: number;
  /** Requests marked as mirror copies (header x-slipway-mirror). */
  mirrored: number;
}

/** A running demo app. */
export interface RunningApp {
  version: string;
  port: number;
  /** `127.0.0.1:<port>` (what proxies and Prometheus point at). */
  address: string;
  url: string;
  seen: AppSeen;
  /** Changes behaviour while running (e.g. make the canary fail). */
  configure(options: Partial<Pick<AppOptions, 'errorRate' | 'latencyMs'>>): void;
  /** Clears the `seen` counters (not the Prometheus metrics). */
  resetSeen(): void;
  stop(): Promise<void>;
}

/**
 * Starts the small versioned HTTP app of the test bed: every path but /metrics answers 200 with
 * its version in the body and an `x-version` header (or 500 at the configured error rate, after
 * the configured latency), and /metrics exports `http_requests_total{version,code}` and
 * `http_request_duration_seconds{version}` for Prometheus.
 */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { version } = options;
  let errorRate = options.errorRate ?? 0;
  let latencyMs = options.latencyMs ?? 0;
  const routeHeaders = (options.routeHeaders ?? ['x-canary']).map((h) => h.toLowerCase());
  const seen: AppSeen = { requests: 0, headerRouted: 0, mirrored: 0 };
  const registry = new Registry();
  const requests = new Counter({ name: 'http_requests_total', help: 'Requests answered, by version and status code.', labelNames: ['version', 'code'], registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer, by version.',
    labelNames: ['version'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
      return;
    }
    const started = process.hrtime.bigint();
    seen.requests++;
    if (routeHeaders.some((h) => req.headers[h] !== undefined)) seen.headerRouted++;
    if (req.headers['x-slipway-mirror'] !== undefined) seen.mirrored++;
    req.resume();
    await new Promise((resolve) => req.on('end', resolve));
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const code = Math.random() < errorRate ? 500 : 200;
    res.writeHead(code, { 'content-type': 'text/plain', 'x-version': version });
    res.end(code === 200 ? `${version}\n` : `${version} failed\n`);
    requests.inc({ version, code: String(code) });
    duration.observe({ version }, Number(process.hrtime.bigint() - started) / 1e9);
  };

  const server = createServer((req, res) => {
    answer(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    version,
    port,
    address: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    seen,
    configure(change) {
      errorRate = change.errorRate ?? errorRate;
      latencyMs = change.latencyMs ?? latencyMs;
    },
    resetSeen() {
      Object.assign(seen, { requests: 0, headerRouted: 0, mirrored: 0 });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
