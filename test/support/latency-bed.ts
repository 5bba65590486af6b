import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Histogram, Registry } from 'prom-client';
import { startPrometheus, type RunningPrometheus } from '../../testkit/bed/prometheus.js';

// The bed of the latency tests: versions of a service whose request latencies land in a real
// prom-client histogram, scraped every second by a real Prometheus. The latencies are drawn rather
// than served (a timer observes `rate` of them a second): thousands of requests a second cost the
// two shared cores nothing, and a version's share of slow requests is exactly what it is set to.

/** The bucket bounds of the bed's histogram, seconds (300 ms is one of them; 250 ms is not). */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5];

/** One version of the service. */
export interface LatencyVersion {
  version: string;
  /** Share of requests slower than 300 ms, from 0 to 1. */
  slowShare: number;
}

/** A running bed. */
export interface LatencyBed {
  prometheus: RunningPrometheus;
  stop(): Promise<void>;
}

/**
 * Starts one /metrics server per version, each observing `rate` request latencies a second into
 * `http_request_duration_seconds{version}` (a request is slower than 300 ms with the version's
 * `slowShare`: uniform in 0.3–1 s, else in 10–290 ms), and Prometheus scraping them all; ready once
 * every version has a bucket series.
 */
export async function startLatencyBed(versions: LatencyVersion[], rate: number): Promise<LatencyBed> {
  const registry = new Registry();
  const histogram = new Histogram({ name: 'http_request_duration_seconds', help: 'Time to answer, by version.', labelNames: ['version'], buckets: LATENCY_BUCKETS, registers: [registry] });
  const tickMs = 50;
  const timer = setInterval(() => {
    for (const { version, slowShare } of versions) {
      for (let i = 0; i < (rate * tickMs) / 1000; i++) {
        histogram.observe({ version }, Math.random() < slowShare ? 0.3 + 0.7 * Math.max(Math.random(), 1e-6) : 0.01 + 0.28 * Math.random());
      }
    }
  }, tickMs);
  const server = createServer((_request, res) => {
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  let prometheus: RunningPrometheus | undefined;
  const stop = async () => {
    clearInterval(timer);
    await prometheus?.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  try {
    prometheus = await startPrometheus({ targets: [address] });
    for (const { version } of versions) await prometheus.waitForSeries(`http_request_duration_seconds_bucket{version="${version}"}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { prometheus, stop };
}
