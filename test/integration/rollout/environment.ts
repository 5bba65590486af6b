// The real servers the rollout and rollback integration tests share: two versions of the test-bed
// app behind HAProxy (blue = stable v1, green = canary v2), Prometheus scraping both every second,
// and the GitHub simulator; plus a ledger and a rollout helper over them, and the hooks of the tests
// that share them.
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { createGitHubClient, GitHubLedger } from '../../../src/core/ledger/index.js';
import type { ArtifactInfo } from '../../../src/core/ledger/types.js';
import { RecordingLogger, silentLogger, type Logger } from '../../../src/core/log.js';
import { HaproxyRouter, haproxySettings } from '../../../src/core/traffic/haproxy.js';
import { startApp, type RunningApp } from '../../../testkit/bed/app.js';
import { startHaproxy, type RunningHaproxy } from '../../../testkit/bed/haproxy.js';
import { startLoad, type LoadReport } from '../../../testkit/bed/load.js';
import { startPrometheus, type RunningPrometheus } from '../../../testkit/bed/prometheus.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';

export const SHA = 'c'.repeat(40);

/** `app@sha256:<n repeated>` (the form test/support/ledger-history.ts seeds): a distinct artifact per number. */
export function artifact(n: number): ArtifactInfo {
  const digest = `sha256:${String(n).repeat(64).slice(0, 64)}`;
  return { ref: `app@${digest}`, digest };
}

/** The plan's rate metric: the demo's, 5xx over all requests per version, critical. */
export const ERROR_RATE_METRIC = `
    - name: error-rate
      kind: rate
      errors: 'sum(http_requests_total{{{selector}}, code=~"5.."}) or vector(0)'
      requests: 'sum(http_requests_total{{{selector}}})'
      allowedIncrease: 200
      critical: true`;

/** The ledger over the GitHub simulator as workflow run `runId` of commit SHA would write it (fast retries). */
export function simulatorLedger(sim: GitHubSimulator, { runId = 77, logger = silentLogger }: { runId?: number; logger?: Logger } = {}): GitHubLedger {
  const client = createGitHubClient({ baseUrl: sim.url, token: sim.token, logger, retryBaseMs: 5, writeSpacingMs: 0 });
  const source = { sha: SHA, ref: 'refs/heads/main', runId, runAttempt: 1, actor: 'octocat', workflow: 'deploy' };
  return new GitHubLedger({ client, owner: sim.owner, repo: sim.repo, source, runUrl: `https://github.com/${sim.owner}/${sim.repo}/actions/runs/${runId}`, logger });
}

export interface RolloutBed {
  sim: GitHubSimulator;
  blue: RunningApp;
  green: RunningApp;
  haproxy: RunningHaproxy;
  prometheus?: RunningPrometheus;
  /** The haproxy router settings from blue (stable) to green (canary), with `provider`. */
  routerYaml: string;
  router(): HaproxyRouter;
  ledger(logger?: RecordingLogger): GitHubLedger;
  /** Sends `rate` req/s through HAProxy while `during` runs; returns the load report too. */
  underLoad<T>(rate: number, during: (load: { now(): number }) => Promise<T>): Promise<{ result: T; report: LoadReport }>;
  stop(): Promise<void>;
}

/** Starts the bed; Prometheus only when asked (rollback tests need none). */
export async function startRolloutBed(options: { prometheus: boolean }): Promise<RolloutBed> {
  const sim = await startGitHubSimulator();
  const blue = await startApp({ version: 'v1', errorRate: 0.02 });
  const green = await startApp({ version: 'v2', errorRate: 0.02 });
  const haproxy = await startHaproxy({ blue: blue.address, green: green.address });
  const prometheus = options.prometheus ? await startPrometheus({ targets: [blue.address, green.address] }) : undefined;
  const settings = { provider: 'haproxy', ...haproxy.routerSettings('blue', 'green') };
  return {
    sim,
    blue,
    green,
    haproxy,
    prometheus,
    routerYaml: JSON.stringify(settings),
    router: () => new HaproxyRouter(haproxySettings(haproxy.routerSettings('blue', 'green'))),
    ledger: (logger = new RecordingLogger()) => simulatorLedger(sim, { logger }),
    async underLoad(rate, during) {
      const load = startLoad({ url: haproxy.url, rate, connections: 8 });
      try {
        const result = await during(load);
        return { result, report: await load.stop() };
      } catch (error) {
        await load.stop();
        throw error;
      }
    },
    async stop() {
      await prometheus?.stop();
      await haproxy.stop();
      await blue.stop();
      await green.stop();
      await sim.close();
    },
  };
}

/**
 * Registers the hooks of a describe block whose tests share one bed: it starts before them
 * (`started` gets it, for the file's helpers), stops after them, and after each test the
 * simulator's contract checks must hold and the split is aborted, so the next test starts with all
 * traffic on stable.
 */
export function useRolloutBed(options: { prometheus: boolean }, started: (bed: RolloutBed) => void | Promise<void>): void {
  let bed: RolloutBed;
  beforeAll(async () => {
    bed = await startRolloutBed(options);
    await started(bed);
  }, 60_000);
  afterAll(async () => {
    await bed?.stop();
  });
  afterEach(async () => {
    expectNoContractViolations(bed.sim);
    await bed.router().abort();
  });
}
