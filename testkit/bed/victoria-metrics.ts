import { join } from 'node:path';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { serverDir, startServerProcess } from './process.js';

/** A sample to store: a series (name and labels) and its value at a time. */
export interface PushedSample {
  name: string;
  labels: Record<string, string>;
  /** Unix milliseconds. */
  timeMs: number;
  value: number;
}

/** What to start. */
export interface VictoriaMetricsLaunchOptions {
  /** Extra command-line flags, e.g. `-search.latencyOffset=1s`. Default none: the server's defaults. */
  flags?: string[];
  /** Milliseconds to wait for /health. Default 20 000. */
  readyTimeoutMs?: number;
}

/** A running VictoriaMetrics of the test bed. */
export interface RunningVictoriaMetrics {
  /** e.g. http://127.0.0.1:41234 — its Prometheus API is under /api/v1. */
  url: string;
  port: number;
  /**
   * Stores samples with their own timestamps (the Prometheus text import) and makes them
   * searchable at once, so a test writes the minutes it needs instead of waiting for scrapes.
   */
  push(samples: PushedSample[]): Promise<void>;
  /** Kills the server and removes its temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the Debian `victoria-metrics` binary (single-node) on a free loopback port, with its
 * storage in a temp dir (never the default port 8428 nor /var/lib/victoria-metrics).
 */
export async function startVictoriaMetrics(options: VictoriaMetricsLaunchOptions = {}): Promise<RunningVictoriaMetrics> {
  const binary = requireBinary('victoria-metrics');
  const dir = serverDir('victoria-metrics');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Samples up to a year old are kept (retention is in months by default: 1).
  const args = [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${join(dir, 'data')}`, '-retentionPeriod=1', '-loggerLevel=WARN', ...(options.flags ?? [])];
  const server = await startServerProcess('victoria-metrics', binary, args, dir, async () => (await fetch(`${url}/health`)).ok, options.readyTimeoutMs);
  return {
    url,
    port,
    stop: server.stop,
    async push(samples) {
      const body = samples.map((s) => `${s.name}{${Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}} ${s.value} ${Math.round(s.timeMs)}\n`).join('');
      const imported = await fetch(`${url}/api/v1/import/prometheus`, { method: 'POST', body });
      if (!imported.ok) throw new Error(`victoria-metrics refused the import (HTTP ${imported.status}): ${await imported.text()}`);
      // Imported rows sit in memory for up to a second before queries see them.
      const flushed = await fetch(`${url}/internal/force_flush`);
      if (!flushed.ok) throw new Error(`victoria-metrics could not flush (HTTP ${flushed.status}): ${await flushed.text()}`);
    },
  };
}
