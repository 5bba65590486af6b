import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHubClient, GitHubLedger } from '../../src/core/ledger/index.js';
import { startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../support/ledger-history.js';
import { RouterDouble } from '../unit/core/plan/doubles.js';
import { clearStepEnvironment, runRolloutMain, runRolloutPost } from './helpers/rollout-action.js';

// The rollout action's post step after a job that stopped late (issue 13.2): once all traffic is on
// the new version, no failure after it — GitHub refusing the final status, the job then ending —
// moves traffic back; and the post step of a job stopped mid-rollout sends traffic back even
// when GitHub cannot be read.

const PLAN = 'strategy: canary\nrouter: {provider: double}\nsteps:\n  - setWeight: 50\n';
const STATUSES = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';

let sim: GitHubSimulator;
let dir: string;
let count = 0;

/** The action's ledger at test speed (the runner's run 900). */
function fastLedger(): GitHubLedger {
  const client = createGitHubClient({ baseUrl: sim.url, token: sim.token, retryBaseMs: 1, writeSpacingMs: 0 });
  const source = { sha: 'c'.repeat(40), ref: 'refs/heads/main', runId: 900, runAttempt: 1, actor: 'octocat', workflow: 'deploy' };
  return new GitHubLedger({ client, owner: sim.owner, repo: sim.repo, source, runUrl: `https://github.com/${sim.owner}/${sim.repo}/actions/runs/900`, retryBaseMs: 1 });
}

const statesOf = (id: number) => sim.state.deployments.get(id)!.statuses.map((s) => s.state);
const latestOf = (id: number) => sim.state.deployments.get(id)!.statuses.at(-1);

function environmentWithV1(): string {
  const environment = `post-step-${++count}`;
  new HistoryBuilder(sim, environment).add(1, { digest: `sha256:${'1'.repeat(64)}` });
  return environment;
}

beforeAll(async () => {
  sim = await startGitHubSimulator();
  dir = mkdtempSync(join(tmpdir(), 'slipway-post-steps-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  sim.clearFaults();
  clearStepEnvironment();
});

describe('the rollout post step', () => {
  test('GitHub refusing the final success: the job fails saying traffic stays on the new version, and the post step records success without moving traffic back', async () => {
    const environment = environmentWithV1();
    sim.injectFault({ route: STATUSES, kind: 'status', status: 502, body: { state: 'success' }, times: 1000 });
    const router = new RouterDouble();
    const main = await runRolloutMain(sim, dir, PLAN, environment, { makeRouter: () => router, ledger: fastLedger() });
    expect(main.error?.message).toMatch(/^app@sha256:2{64} is promoted: all traffic is on it, and it stays there\. Recording success on deployment #\d+ failed 3 times/);
    const id = Number(main.state['deployment-id']);
    expect(main.state).toMatchObject({ promoted: 'true' });
    expect(latestOf(id)).toMatchObject({ state: 'in_progress', description: expect.stringMatching(/^promoting/) });
    expect(router.calls.at(-1)).toBe('promote');

    // The job ends; by the post step GitHub takes writes again.
    sim.clearFaults();
    const post = await runRolloutPost(sim, dir, PLAN, environment, main.state, { makeRouter: () => router, ledger: fastLedger() });
    expect(post.error).toBeUndefined();
    expect(router.calls.at(-1)).toBe('promote');
    expect(router.calls).not.toContain('abort');
    expect(latestOf(id)).toMatchObject({ state: 'success', description: 'promoted · canary · recorded by the post step' });
  });

  test('GitHub refusing every write to the end: the post step still never moves traffic back, and says how to record the success', async () => {
    const environment = environmentWithV1();
    sim.injectFault({ route: STATUSES, kind: 'status', status: 502, body: { state: 'success' }, times: 1000 });
    const router = new RouterDouble();
    const main = await runRolloutMain(sim, dir, PLAN, environment, { makeRouter: () => router, ledger: fastLedger() });
    const post = await runRolloutPost(sim, dir, PLAN, environment, main.state, { makeRouter: () => router, ledger: fastLedger() });
    expect(post.error).toBeUndefined();
    expect(router.calls).not.toContain('abort');
    expect(statesOf(Number(main.state['deployment-id']))).not.toContain('success');
  });

  test('a job stopped mid-rollout while GitHub cannot be read: the post step sends traffic back to stable all the same', async () => {
    const environment = environmentWithV1();
    const router = new RouterDouble();
    // The main step was cancelled after step 1 (its state says so); GitHub now answers 503 to every read.
    const main = await runRolloutMain(sim, dir, 'strategy: canary\nrouter: {provider: double}\nsteps:\n  - setWeight: 50\n  - pause: {}\n', environment, { makeRouter: () => router, ledger: fastLedger() });
    expect(main.error).toBeUndefined();
    const id = Number(main.state['deployment-id']);
    sim.injectFault({ method: 'GET', kind: 'status', status: 503, times: 1000 });
    const post = await runRolloutPost(sim, dir, PLAN, environment, { 'deployment-id': String(id) }, { makeRouter: () => router, ledger: fastLedger() });
    expect(post.error).toBeUndefined();
    expect(router.calls.at(-1)).toBe('abort');
    expect((await router.describe()).canaryWeight).toBe(0);
  });
});
