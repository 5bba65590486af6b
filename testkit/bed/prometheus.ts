import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrometheusSource } from '../../src/core/metrics/prometheus.js';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { serverDir, startServerProcess } from './process.js';

/** What to start: the scrape targets (`host:port`, scraped at /metrics) and how often. */
export interface PrometheusLaunchOptions {
  targets: string[];
  /** Labels added to every series scraped from a target, by target (e.g. the slot it serves). */
  targetLabels?: Record<string, Record<string, string>>;
  /** Scrape interval in seconds. Default 1. */
  scrapeIntervalSeconds?: number;
  /** Milliseconds to wait for /-/ready. Default 20 000. */
  readyTimeoutMs?: number;
}

/** A running Prometheus of the test bed. */
export interface RunningPrometheus {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Waits until an instant query returns a series (the first scrapes have landed); throws after `timeoutMs` (default 20 s). */
  waitForSeries(query: string, timeoutMs?: number): Promise<void>;
  /** Kills the server and removes its temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the Debian `prometheus` binary on a free loopback port, with its config and TSDB in a
 * temp dir, scraping the given targets every second (never the default port 9090).
 */
export async function startPrometheus(options: PrometheusLaunchOptions): Promise<RunningPrometheus> {
  const binary = requireBinary('prometheus');
  const dir = serverDir('prometheus');
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const staticConfigs = options.targets.map((t) => `      - {targets: ['${t}'], labels: ${JSON.stringify(options.targetLabels?.[t] ?? {})}}\n`).join('');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: {scrape_interval: ${interval}, evaluation_interval: ${interval}}\n` +
      `scrape_configs:\n  - job_name: app\n    scrape_interval: ${interval}\n    scrape_timeout: ${interval}\n    static_configs:\n${staticConfigs}`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'];
  const server = await startServerProcess('prometheus', binary, args, dir, async () => (await fetch(`${url}/-/ready`)).ok, options.readyTimeoutMs);
  const source = new PrometheusSource({ url, retries: 0, timeoutMs: 2000 });
  return {
    url,
    port,
    stop: server.stop,
    async waitForSeries(query, timeoutMs = 20_000) {
      // count(…) makes one series of however many match.
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
        if (server.child.exitCode !== null) throw new Error(`prometheus exited while waiting for ${query}:\n${server.log()}`);
        if (!Number.isNaN(await source.queryInstant(`count(${query})`).catch(() => NaN))) return;
      }
      throw new Error(`no series for ${query} within ${timeoutMs} ms`);
    },
  };
}
