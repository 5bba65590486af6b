import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusSource } from '../core/metrics/prometheus.js';
import { findBinary, installCommand } from './binaries.js';
import { freePort } from './ports.js';

/** What to start: the scrape targets (`host:port`, scraped at /metrics) and how often. */
export interface PrometheusLaunchOptions {
  targets: string[];
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
  const binary = findBinary('prometheus');
  if (!binary) throw new Error(`prometheus is not installed: ${installCommand('prometheus')}`);
  const dir = mkdtempSync(join(tmpdir(), 'slipway-prometheus-'));
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const targets = options.targets.map((t) => `'${t}'`).join(', ');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: {scrape_interval: ${interval}, evaluation_interval: ${interval}}\n` +
      `scrape_configs:\n  - job_name: app\n    scrape_interval: ${interval}\n    scrape_timeout: ${interval}\n    static_configs:\n      - targets: [${targets}]\n`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const stop = once(() => stopChild(child).finally(() => rmSync(dir, { recursive: true, force: true })));
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, options.readyTimeoutMs ?? 20_000, () => `prometheus did not become ready on ${url}: ${log}`, child);
  } catch (error) {
    await stop();
    throw error;
  }
  const source = new PrometheusSource({ url, retries: 0, timeoutMs: 2000 });
  return {
    url,
    port,
    stop,
    waitForSeries: (query, timeoutMs = 20_000) =>
      waitFor(async () => !Number.isNaN(await source.queryInstant(`count(${query})`)), timeoutMs, () => `no series for ${query} within ${timeoutMs} ms`, child),
  };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, message: () => string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${message()} (prometheus exited with ${child.exitCode})`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(message());
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
