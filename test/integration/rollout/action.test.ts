import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { shareBetween } from '../../../testkit/bed/load.js';
import { buildBundle, runActionStep } from '../../support/action-runner.js';
import { expectNoContractViolations } from '../../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../../support/ledger-history.js';
import { startLatencyBed } from '../../support/latency-bed.js';
import { artifact, SHA, startRolloutBed, type RolloutBed } from './environment.js';

// The root `rollout` action as the runner runs it (the bundle, INPUT_* and GITHUB_* variables),
// against HAProxy and the GitHub simulator: its outputs, and its post step after a cancelled job.
const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

let bed: RolloutBed;
let bundle: string;
let count = 0;

function runEnv(): Record<string, string> {
  return {
    GITHUB_REPOSITORY: `${bed.sim.owner}/${bed.sim.repo}`,
    GITHUB_API_URL: bed.sim.url,
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: '900',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'deploy',
  };
}

function inputs(environment: string, steps: string, strategy = 'canary'): Record<string, string> {
  return { plan: `strategy: ${strategy}\nrouter: ${bed.routerYaml}\nsteps:\n${steps}`, environment, 'image-ref': artifact(2).ref, token: bed.sim.token, 'pr-comment': 'false' };
}

describeIf('the rollout action', () => {
  beforeAll(async () => {
    [bed, bundle] = await Promise.all([startRolloutBed({ prometheus: false }), buildBundle('rollout')]);
  }, 300_000);
  afterAll(async () => {
    await bed?.stop();
  });

  test('runs the plan and outputs promoted, the deployment and the artifact, with a progress table in the job summary', async () => {
    const environment = `staging-${++count}`;
    new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
    const run = await runActionStep(bundle, { inputs: inputs(environment, '  - setWeight: 30\n  - setWeight: 60\n'), env: runEnv() });
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(run.outputs.result).toBe('promoted');
    expect(run.outputs['image-ref']).toBe(artifact(2).ref);
    expect(bed.sim.state.deployments.get(Number(run.outputs['deployment-id']))?.environment).toBe(environment);
    expect(run.summary).toContain(`### Slipway rollout to \`${environment}\`: ✅ promoted`);
    expect(run.summary).toContain('| 2 | setWeight 60% | ✅ done | 60% |  |');
    expect(run.state.finished).toBe('true');
    expect((await bed.router().describe()).canaryWeight).toBe(100);
    await bed.router().abort();
    expectNoContractViolations(bed.sim);
  });

  test('an open-ended pause ends the run paused; the next run resumes after it and promotes', async () => {
    const environment = `production-${++count}`;
    new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
    const steps = '  - setWeight: 25\n  - pause: {}\n  - setWeight: 75\n';
    const first = await runActionStep(bundle, { inputs: inputs(environment, steps), env: runEnv() });
    expect(first.outputs.result).toBe('paused');
    expect((await bed.router().describe()).canaryWeight).toBe(25);
    // The post step of a paused run leaves the canary where it is (it waits for approval).
    const post = await runActionStep(bundle, { inputs: inputs(environment, steps), env: runEnv(), state: first.state });
    expect(post.exitCode).toBe(0);
    expect((await bed.router().describe()).canaryWeight).toBe(25);

    const second = await runActionStep(bundle, { inputs: inputs(environment, steps), env: { ...runEnv(), GITHUB_RUN_ID: '901' } });
    expect(second.outputs).toMatchObject({ result: 'promoted', 'deployment-id': first.outputs['deployment-id'] });
    expect(second.stdout).toContain(`Resuming deployment #${first.outputs['deployment-id']} at step 3/3 (recorded: "canary 25% · step 2/3 · paused until the next run").`);
    expect((await bed.router().describe()).canaryWeight).toBe(100);
    await bed.router().abort();
  });

  test('a blue-green plan previews by header, smoke-checks through the proxy, then switches at once (measured)', async () => {
    const environment = `production-${++count}`;
    new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
    const steps = `  - preview: {match: [{headerName: x-canary, headerValue: {exact: preview}}]}\n  - smokeCheck: {url: '${bed.haproxy.url}', headers: {x-canary: preview}}\n  - switch: {}\n`;
    // The smoke check is one GET: at the bed's 2% error rate it would fail one run in fifty.
    bed.green.configure({ errorRate: 0 });
    const { result, report } = await bed
      .underLoad(200, async (load) => {
        const run = await runActionStep(bundle, { inputs: inputs(environment, steps, 'blue-green'), env: runEnv() });
        const doneAt = load.now();
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return { run, doneAt };
      })
      .finally(() => bed.green.configure({ errorRate: 0.02 }));
    expect(result.run.outputs.result).toBe('promoted');
    expect(bed.green.seen.headerRouted).toBeGreaterThan(0);
    expect(shareBetween(report.samples, 'v2', result.doneAt, report.durationMs).share).toBe(100);
    expect(report.failures.filter((f) => f.status !== 500)).toEqual([]);
    await bed.router().abort();
  }, 60_000);

  test('on a pull request, pr-comment keeps one sticky comment with the progress table, and deploys the PR head sha', async () => {
    const environment = `review-${++count}`;
    const head = 'e'.repeat(40);
    bed.sim.addPullRequest(31, head);
    const eventDir = mkdtempSync(join(tmpdir(), 'slipway-event-'));
    writeFileSync(join(eventDir, 'event.json'), JSON.stringify({ pull_request: { number: 31, head: { sha: head } } }));
    const env = { ...runEnv(), GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(eventDir, 'event.json') };
    const run = await runActionStep(bundle, { inputs: { ...inputs(environment, '  - setWeight: 50\n'), 'pr-comment': 'true', 'environment-url': 'https://review.example.com' }, env });
    rmSync(eventDir, { recursive: true, force: true });
    expect(run.outputs.result).toBe('promoted');
    const comments = [...bed.sim.state.comments.values()].filter((c) => c.issueNumber === 31);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(`<!-- slipway:${environment} -->`);
    expect(comments[0].body).toContain('✅ promoted');
    expect(comments[0].body).toContain('[view deployment](https://review.example.com)');
    const deployment = await bed.ledger().getDeployment(Number(run.outputs['deployment-id']));
    expect(deployment).toMatchObject({ sha: head, latestStatus: { state: 'success', environmentUrl: 'https://review.example.com' } });
    await bed.router().abort();
  });

  test('a bad plan fails the step with the line and field, and creates nothing', async () => {
    const environment = `staging-${++count}`;
    bed.sim.resetCounts();
    const run = await runActionStep(bundle, { inputs: inputs(environment, '  - setWeight: 30\n  - setWeight: 150\n'), env: runEnv() });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error::input 'plan' line 5: steps[1].setWeight: 150 is not a whole number from 0 to 100. Fix: 0 sends the canary nothing and 100 sends it everything");
    expect(bed.sim.requests()).toBe(0);
  });

  test('an unreachable Prometheus fails the step before any traffic moves or deployment is made', async () => {
    const environment = `staging-${++count}`;
    bed.sim.resetCounts();
    const analysis = `analysis:\n  prometheus: http://127.0.0.1:1\n  canarySelector: 'version="v2"'\n  baselineSelector: 'version="v1"'\n  metrics: [{name: errors, kind: rate, errors: 'sum(e{{{selector}}})', requests: 'sum(r{{{selector}}})'}]\n`;
    const planInputs = inputs(environment, '  - setWeight: 30\n  - analysis: {duration: 1m}\n');
    const run = await runActionStep(bundle, { inputs: { ...planInputs, plan: planInputs.plan.replace('steps:', `${analysis}steps:`) }, env: runEnv() });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*127\.0\.0\.1:1/);
    expect(bed.sim.requests(undefined, 'POST')).toBe(0);
    expect((await bed.router().describe()).canaryWeight).toBe(0);
  });

  test('a latency threshold between two bucket bounds fails the step before any traffic moves or deployment is made', async () => {
    const environment = `staging-${++count}`;
    const latency = await startLatencyBed([{ version: 'lat-v1', slowShare: 0.2 }], 100);
    try {
      await latency.prometheus.waitForSeries('http_request_duration_seconds_bucket{version="lat-v1"}');
      bed.sim.resetCounts();
      const analysis = `analysis:\n  prometheus: ${latency.prometheus.url}\n  canarySelector: 'version="lat-v2"'\n  baselineSelector: 'version="lat-v1"'\n  metrics: [{name: slow, kind: latency, histogram: http_request_duration_seconds, slowerThan: 250ms}]\n`;
      const planInputs = inputs(environment, '  - setWeight: 30\n  - analysis: {duration: 1m}\n');
      const run = await runActionStep(bundle, { inputs: { ...planInputs, plan: planInputs.plan.replace('steps:', `${analysis}steps:`) }, env: runEnv() });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain('slowerThan 250ms lies between the bucket bounds 200ms and 300ms of histogram http_request_duration_seconds for the baseline (version="lat-v1")');
      expect(bed.sim.requests(undefined, 'POST')).toBe(0);
      expect((await bed.router().describe()).canaryWeight).toBe(0);
    } finally {
      await latency.stop();
    }
  });

  test('a job cancelled mid-rollout is put back on stable by the post step, and its deployment marked error', async () => {
    const environment = `production-${++count}`;
    new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
    const { result, report } = await bed.underLoad(200, async (load) => {
      // The runner kills the main step while it waits in the pause (as a cancelled job does).
      const main = await runActionStep(bundle, { inputs: inputs(environment, '  - setWeight: 30\n  - pause: {duration: 5m}\n  - setWeight: 60\n'), env: runEnv(), killAfter: { text: 'Step 2/3: pause', delayMs: 3500 } });
      const during = (await bed.router().describe()).canaryWeight;
      const killedAt = load.now();
      const post = await runActionStep(bundle, { inputs: inputs(environment, '  - setWeight: 30\n  - pause: {duration: 5m}\n  - setWeight: 60\n'), env: runEnv(), state: main.state });
      const backAt = load.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { main, post, during, killedAt, backAt };
    });
    expect(result.main.exitCode).not.toBe(0);
    expect(result.during).toBe(30);
    expect(shareBetween(report.samples, 'v2', result.killedAt - 3000, result.killedAt).share).toBeGreaterThan(20);
    expect(result.post.exitCode).toBe(0);
    expect(result.post.stdout).toContain('The job stopped mid-rollout: traffic is back on the stable version (haproxy: canary 0%).');
    // Measured: after the post step nothing reaches the canary, and no request failed.
    expect(shareBetween(report.samples, 'v2', result.backAt + 100, report.durationMs).share).toBe(0);
    expect(report.failures.filter((f) => f.status !== 500)).toEqual([]);
    const deployment = await bed.ledger().getDeployment(Number(result.main.state['deployment-id']));
    expect(deployment?.environment).toBe(environment);
    expect(deployment?.latestStatus).toMatchObject({ state: 'error', description: expect.stringContaining('the job stopped mid-rollout (canary 30% · step 2/3 · pause 5m)') });
  }, 60_000);
});
