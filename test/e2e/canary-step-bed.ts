import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, runActionStep, type ActionRunOptions } from '../support/action-runner.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';
import { measure, startStack, type TrafficStack } from '../integration/traffic/stack.js';

/** What the canary-step end-to-end tests share: a router in front of v1 (blue) and v2 (green), the simulator, the bundle. */
export interface CanaryStepBed {
  readonly sim: GitHubSimulator;
  readonly stack: TrafficStack;
  /** The `router` input (JSON settings of the provider). */
  readonly router: string;
  /** The deployment each test starts with (in_progress). */
  readonly deploymentId: number;
  /** Runs one step of the bundled action in this test's job (its own RUNNER_TEMP). */
  step(inputs: Record<string, string>, extra?: Omit<ActionRunOptions, 'inputs' | 'env'>): ReturnType<typeof runActionStep>;
  /** The deployment's latest status in the simulator. */
  latestStatus(): ReturnType<GitHubSimulator['state']['latest']>;
  /** The canary's measured share of 1,000 requests, in percent. */
  share(): Promise<number>;
}

/**
 * Registers the hooks that start the bed once per file and give every test a fresh job: its own
 * RUNNER_TEMP, a new in_progress deployment, traffic on stable and reset request counts.
 */
export function useCanaryStepBed(provider: 'haproxy' | 'nginx', options: { runId: string; sha: string; inputs?: Record<string, string> }): CanaryStepBed {
  let sim: GitHubSimulator;
  let stack: TrafficStack;
  let bundle: string;
  let router: string;
  let jobTemp: string;
  let deploymentId: number;

  beforeAll(async () => {
    // One at a time, so afterAll can stop whatever started even when a later start fails.
    stack = await startStack(provider);
    sim = await startGitHubSimulator();
    bundle = await buildBundle('canary-step');
    router = JSON.stringify(stack.settings({ stable: 'blue', canary: 'green' }));
  });
  afterAll(async () => {
    await Promise.all([sim?.close(), stack?.stop()]);
  });
  beforeEach(async () => {
    jobTemp = mkdtempSync(join(tmpdir(), 'slipway-job-'));
    [deploymentId] = sim.seedDeployments(1, { environment: 'production', sha: options.sha, states: ['in_progress'] });
    await stack.router({ stable: 'blue', canary: 'green' }).abort();
    sim.resetCounts();
  });
  afterEach(() => {
    if (jobTemp) rmSync(jobTemp, { recursive: true, force: true });
    expectNoContractViolations(sim);
  });

  return {
    get sim() { return sim; },
    get stack() { return stack; },
    get router() { return router; },
    get deploymentId() { return deploymentId; },
    step: (inputs, extra = {}) =>
      runActionStep(bundle, {
        ...extra,
        inputs: { provider, router, token: sim.token, ...options.inputs, ...inputs },
        env: { GITHUB_REPOSITORY: `${sim.owner}/${sim.repo}`, GITHUB_API_URL: sim.url, GITHUB_RUN_ID: options.runId, GITHUB_SHA: options.sha, RUNNER_TEMP: jobTemp },
      }),
    latestStatus: () => sim.state.latest(sim.state.deployments.get(deploymentId)!),
    share: async () => (await measure(stack.url, 'v2', 1000)).share,
  };
}
