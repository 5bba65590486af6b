import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaproxy, type RunningHaproxy } from '../testkit/bed/haproxy.js';
import { freePort } from '../testkit/bed/ports.js';
import { startPrometheus, type RunningPrometheus } from '../testkit/bed/prometheus.js';
import { startRegistry, type RegistryServer } from '../testkit/bed/registry.js';
import { startGitHubSimulator, type GitHubSimulator } from '../testkit/github-sim/index.js';
import { stopSlotProcesses } from './slot-processes.js';

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
  /** Where each slot's app answers (HAProxy server `blue` or `green`), whatever runs there. */
  slotAddresses: { blue: string; green: string };
  /** Where the deploy command keeps the slots' process ids and logs. */
  slotDir: string;
  /** Stops every server and slot process; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the registry, the GitHub simulator, Prometheus (scraping both slots every second, their
 * series labelled `slot="blue"` and `slot="green"`) and HAProxy (backend `app`: `blue` at weight
 * 100, `green` at 0). The slots' addresses are fixed up front so that Prometheus and HAProxy know
 * them before anything runs there; the plan's deploy command starts each release in its slot.
 */
export async function startEnvironment(say: (line: string) => void): Promise<DemoEnvironment> {
  const slotDir = mkdtempSync(join(tmpdir(), 'slipway-demo-slots-'));
  const stops: (() => Promise<void>)[] = [
    async () => {
      await stopSlotProcesses(slotDir);
      rmSync(slotDir, { recursive: true, force: true });
    },
  ];
  const stopAll = async () => {
    while (stops.length > 0) await stops.pop()!().catch(() => {});
  };
  try {
    const slotAddresses = { blue: `127.0.0.1:${await freePort()}`, green: `127.0.0.1:${await freePort()}` };
    const [registry, github] = await Promise.all([startRegistry(), startGitHubSimulator({ owner: 'slipway-demo', repo: 'shop' })]);
    stops.push(() => registry.stop(), () => github.close());
    say(`registry    ${registry.url}`);
    say(`GitHub      ${github.url} (simulator, repository ${github.owner}/${github.repo})`);
    const [prometheus, haproxy] = await Promise.all([
      startPrometheus({
        targets: [slotAddresses.blue, slotAddresses.green],
        targetLabels: { [slotAddresses.blue]: { slot: 'blue' }, [slotAddresses.green]: { slot: 'green' } },
        scrapeIntervalSeconds: 1,
      }),
      startHaproxy({ blue: slotAddresses.blue, green: slotAddresses.green, greenWeight: 0 }),
    ]);
    stops.push(() => prometheus.stop(), () => haproxy.stop());
    say(`Prometheus  ${prometheus.url} (scraping both slots every 1 s)`);
    say(`HAProxy     ${haproxy.url} (backend app: servers blue and green)`);
    let stopped: Promise<void> | undefined;
    return { registry, prometheus, haproxy, github, slotAddresses, slotDir, stop: () => (stopped ??= stopAll()) };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
