import { startApp, type AppOptions, type RunningApp } from '../../testkit/bed/app.js';
import { startLoad, type LoadRun } from '../../testkit/bed/load.js';
import { startPrometheus, type RunningPrometheus } from '../../testkit/bed/prometheus.js';

// The bed of the analysis tests: app versions under steady load, scraped every second by a real
// Prometheus, ready once every version has a series.

/** The request counters of the test-bed app, as a `rate` metric's queries (errors are the 5xx). */
export const ERROR_RATE_QUERIES = `errors: 'sum(http_requests_total{{{selector}}, code=~"5.."}) or vector(0)'
  requests: 'sum(http_requests_total{{{selector}}})'`;

/** A running bed. */
export interface AnalysisBed {
  apps: RunningApp[];
  prometheus: RunningPrometheus;
  stop(): Promise<void>;
}

/** Starts one app per version, `rate` requests per second to each, and Prometheus scraping them all. */
export async function startAnalysisBed(versions: AppOptions[], rate: number): Promise<AnalysisBed> {
  const apps: RunningApp[] = [];
  const loads: LoadRun[] = [];
  let prometheus: RunningPrometheus | undefined;
  const stop = async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await Promise.all(apps.map((a) => a.stop()));
    await prometheus?.stop();
  };
  try {
    for (const version of versions) apps.push(await startApp(version));
    for (const app of apps) loads.push(startLoad({ url: app.url, rate, connections: 16 }));
    prometheus = await startPrometheus({ targets: apps.map((a) => a.address) });
    for (const app of apps) await prometheus.waitForSeries(`http_requests_total{version="${app.version}"}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { apps, prometheus, stop };
}
