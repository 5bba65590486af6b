import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, runActionStep } from '../support/action-runner.js';
import type { ActionRunOptions } from '../support/action-runner.js';
import { expectNoContractViolations, startGitHubSimulator } from '../../testkit/github-sim/index.js';
import type { GitHubSimulator } from '../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../support/ledger-history.js';

// The bundled record-deployment action, run as the runner runs it (INPUT_*, GITHUB_* variables,
// output/state/summary files), main step and post step, against the GitHub simulator.

const SHA = 'c'.repeat(40);
const PR_HEAD = 'd'.repeat(40);
const RUN_ID = 777;
const ARTIFACT = `app@sha256:${'e'.repeat(64)}`;
const CREATE = 'POST /repos/{owner}/{repo}/deployments';
const STATUS = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';

let sim: GitHubSimulator;
let bundle: string;
let workDir: string;
let environment: string;
let count = 0;

beforeAll(async () => {
  [sim, bundle] = await Promise.all([startGitHubSimulator(), buildBundle('record-deployment')]);
  workDir = mkdtempSync(join(tmpdir(), 'slipway-record-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(workDir, { recursive: true, force: true });
});
beforeEach(() => {
  environment = `review-${++count}`;
  sim.setPermissions({ deployments: 'write' });
  sim.resetCounts();
});
afterEach(() => expectNoContractViolations(sim));

function step(inputs: Record<string, string>, extra: Omit<ActionRunOptions, 'inputs'> = {}) {
  return runActionStep(bundle, {
    ...extra,
    inputs: { token: sim.token, ...inputs },
    env: {
      GITHUB_REPOSITORY: `${sim.owner}/${sim.repo}`,
      GITHUB_API_URL: sim.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: String(RUN_ID),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SHA: SHA,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKFLOW: 'deploy',
      GITHUB_JOB: 'deploy',
      ...extra.env,
    },
  });
}

describe('record-deployment, main and post step', () => {
  test('start creates an in-progress deployment with outputs and a summary; the post step closes it as failure when the job never recorded an outcome', async () => {
    const history = new HistoryBuilder(sim, environment);
    const [previous] = history.add(1);
    const started = await step({ environment, 'image-ref': ARTIFACT, 'environment-url': 'https://review.example.com', description: 'canary 5%' });
    expect(started.exitCode).toBe(0);
    const id = Number(started.outputs['deployment-id']);
    expect(sim.state.deployments.get(id)?.sha).toBe(SHA);
    expect(started.outputs['previous-deployment-id']).toBe(String(previous));
    expect(Number(started.outputs['status-id'])).toBeGreaterThan(0);
    expect(sim.state.latest(sim.state.deployments.get(id)!)?.state).toBe('in_progress');
    expect(started.summary).toContain(`[#${id}](https://github.com/${sim.owner}/${sim.repo}/deployments/${environment})`);
    expect(started.summary).toContain(`https://github.com/${sim.owner}/${sim.repo}/actions/runs/${RUN_ID}`);
    expect(started.summary).toContain('https://review.example.com');
    expect(started.summary).toContain(ARTIFACT);

    const closed = await step({ environment }, { state: started.state });
    expect(closed.exitCode).toBe(0);
    expect(sim.state.latest(sim.state.deployments.get(id)!)?.state).toBe('failure');
    expect(closed.stdout).toContain(`Deployment ${id} was left in_progress when the job ended; marked it failure.`);
  });

  test('a later success step is left alone by the post step', async () => {
    const started = await step({ environment });
    const id = started.outputs['deployment-id'];
    sim.resetCounts();
    const finished = await step({ environment, state: 'success', 'deployment-id': id });
    expect(finished.exitCode).toBe(0);
    expect(sim.requests(STATUS)).toBe(1);
    expect(finished.summary).toContain('`success`');
    const post = await step({ environment }, { state: started.state });
    expect(post.exitCode).toBe(0);
    expect(sim.requests(STATUS)).toBe(1);
    expect(sim.state.latest(sim.state.deployments.get(Number(id))!)?.state).toBe('success');
  });

  test('when starting fails after the deployment was created, the post step closes it as error', async () => {
    sim.injectFault({ route: STATUS, kind: 'status', status: 422 });
    const started = await step({ environment });
    expect(started.exitCode).toBe(1);
    const id = Number(started.state['open-deployment-id']);
    expect(sim.state.latest(sim.state.deployments.get(id)!)).toBeUndefined();
    const closed = await step({ environment }, { state: started.state });
    expect(closed.exitCode).toBe(0);
    expect(sim.state.latest(sim.state.deployments.get(id)!)?.state).toBe('error');
  });

  test('on a pull_request event the deployment is made for the PR head sha, so it shows on the pull request', async () => {
    const event = join(workDir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 12, head: { sha: PR_HEAD } } }));
    const started = await step({ environment }, { env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_REF: 'refs/pull/12/merge' } });
    expect(started.exitCode).toBe(0);
    expect(sim.state.deployments.get(Number(started.outputs['deployment-id']))?.sha).toBe(PR_HEAD);
  });

  test('warns, with the fix, when the job also made GitHub record its own deployment', async () => {
    sim.createJobDeployment({ environment, sha: SHA, runId: RUN_ID });
    const started = await step({ environment });
    expect(started.exitCode).toBe(0);
    expect(started.stdout).toMatch(new RegExp(`::warning::GitHub also recorded deployment #\\d+ in ${environment}.*environment: \\{name: ${environment}, deployment: false\\}`));
  });

  test('a token without deployments: write fails naming `permissions: deployments: write`', async () => {
    sim.setPermissions({ deployments: 'read' });
    const started = await step({ environment });
    expect(started.exitCode).toBe(1);
    expect(started.stdout).toContain('permissions: deployments: write');
  });

  test.each([
    ['an unknown state', { state: 'deployed' }, "Input 'state' has the value \"deployed\""],
    ['an update without deployment-id', { state: 'success' }, "Input 'deployment-id' is missing"],
    ['an artifact pinned by tag', { 'image-ref': 'app:1.2.3' }, "Input 'image-ref' has the value \"app:1.2.3\""],
    ['an invalid environment URL', { 'environment-url': 'review.example.com' }, "Input 'environment-url' has the value \"review.example.com\""],
    ['a start without environment', { environment: '' }, "Input 'environment' is missing"],
  ])('%s fails naming the input and creates nothing', async (_what, inputs, message) => {
    const run = await step({ environment, ...inputs });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(message);
    expect(sim.requests(CREATE)).toBe(0);
    expect(sim.requests(undefined, 'POST')).toBe(0);
    expect(run.state['open-deployment-id']).toBeUndefined();
  });
});
