import { startApp, type RunningApp } from '../testkit/bed/app.js';
import { startHaproxy, type RunningHaproxy } from '../testkit/bed/haproxy.js';
import { freePort } from '../testkit/bed/ports.js';
import { startPrometheus, type RunningPrometheus } from '../testkit/bed/prometheus.js';
import { startRegistry, type RegistryServer } from '../testkit/bed/registry.js';
import { startGitHubSimulator, type GitHubSimulator } from '../testkit/github-sim/index.js';

/** The two HAProxy servers of backend `app`: one serves the stable version, the other the new one. */
export type Slot = 'blue' | 'green';

/** What a release runs: the config the app reads from the artifact. */
export interface ReleaseConfig {
  version: string;
  /** Share of requests the app answers 500 (0–1). */
  errorRate: number;
}

/** Everything the demo runs on this machine, each on a free loopback port. */
export interface DemoEnvironment {
  registry: RegistryServer;
  prometheus: RunningPrometheus;
  haproxy: RunningHaproxy;
  github: GitHubSimulator;
  /** The app instance in each slot, once deployed. */
  apps: Partial<Record<Slot, RunningApp>>;
  /** Replaces whatever runs in `slot` with an app instance of `release` (the slot holds no traffic then). */
  deploy(slot: Slot, release: ReleaseConfig): Promise<RunningApp>;
  /** Stops every server and app; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the registry, the GitHub simulator, Prometheus (scraping both slots every second) and
 * HAProxy (backend `app`: `blue` at weight 100, `green` at 0). The slots' ports are fixed up front
 * so that Prometheus and HAProxy know them before any app runs; a new release is deployed by
 * starting its app on the idle slot's port.
 */
export async function startEnvironment(say: (line: string) => void): Promise<DemoEnvironment> {
  const stops: (() => Promise<void>)[] = [];
  const apps: Partial<Record<Slot, RunningApp>> = {};
  const stopAll = async () => {
    for (const app of Object.values(apps)) await app?.stop();
    while (stops.length > 0) await stops.pop()!().catch(() => {});
  };
  try {
    const ports: Record<Slot, number> = { blue: await freePort(), green: await freePort() };
    const [registry, github] = await Promise.all([startRegistry(), startGitHubSimulator({ owner: 'slipway-demo', repo: 'shop' })]);
    stops.push(() => registry.stop(), () => github.close());
    say(`registry    ${registry.url}`);
    say(`GitHub      ${github.url} (simulator, repository ${github.owner}/${github.repo})`);
    const targets = [`127.0.0.1:${ports.blue}`, `127.0.0.1:${ports.green}`];
    const [prometheus, haproxy] = await Promise.all([startPrometheus({ targets, scrapeIntervalSeconds: 1 }), startHaproxy({ blue: targets[0], green: targets[1], greenWeight: 0 })]);
    stops.push(() => prometheus.stop(), () => haproxy.stop());
    say(`Prometheus  ${prometheus.url} (scraping both slots every 1 s)`);
    say(`HAProxy     ${haproxy.url} (backend app: servers blue and green)`);
    let stopped: Promise<void> | undefined;
    return {
      registry,
      prometheus,
      haproxy,
      github,
      apps,
      async deploy(slot, release) {
        await apps[slot]?.stop();
        apps[slot] = await startApp({ version: release.version, errorRate: release.errorRate, port: ports[slot] });
        return apps[slot]!;
      },
      stop: () => (stopped ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
