import { Random } from '../../bench/judge/random.js';
import type { DatadogSimulator } from './index.js';

/** What one version of a service is like: its share of failed requests and its mean duration, seconds. */
export interface ApmVersion {
  version: string;
  errorRate: number;
  seconds: number;
}

/** Where and how densely the series are written: unix seconds, and requests per 10 s flush. */
export interface ApmWindow {
  fromSeconds: number;
  toSeconds: number;
  perFlush: number;
  seed: number;
}

/**
 * One version's APM-style series of the service `checkout` in the simulator, a point every 10 s
 * (the Datadog Agent's flush interval) from `fromSeconds` to `toSeconds`: trace.http.request.hits,
 * .errors (drawn from `seed`), .duration (the mean, ±25%) and .duration.p95 (about 1.4× the mean).
 */
export function addApmSeries(sim: DatadogSimulator, side: ApmVersion, window: ApmWindow): void {
  const rng = new Random(window.seed);
  const tags = { service: 'checkout', version: side.version, env: 'prod' };
  const hits: [number, number][] = [];
  const errors: [number, number][] = [];
  const duration: [number, number][] = [];
  const p95: [number, number][] = [];
  for (let t = window.fromSeconds - (window.fromSeconds % 10); t < window.toSeconds; t += 10) {
    let failed = 0;
    for (let i = 0; i < window.perFlush; i++) if (rng.next() < side.errorRate) failed++;
    hits.push([t, window.perFlush]);
    errors.push([t, failed]);
    duration.push([t, Math.max(0.001, side.seconds * (1 + 0.25 * rng.normal()))]);
    p95.push([t, side.seconds * 1.4 * (1 + 0.05 * rng.normal())]);
  }
  sim.addSeries({ metric: 'trace.http.request.hits', tags, points: hits });
  sim.addSeries({ metric: 'trace.http.request.errors', tags, points: errors });
  sim.addSeries({ metric: 'trace.http.request.duration', tags, points: duration });
  sim.addSeries({ metric: 'trace.http.request.duration.p95', tags, points: p95 });
}
