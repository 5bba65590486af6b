import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { commands } from '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/main.js';
import { createGitHubClient, GitHubLedger } from '../../src/core/ledger/index.js';
import { RecordingLogger } from '../../src/core/log.js';
import { loadPlan, planDigest, runRollout, type RolloutOutcome } from '../../src/core/plan/index.js';
import type { TrafficRouter } from '../../src/core/traffic/types.js';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { expectNoContractViolations } from '../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../support/ledger-history.js';
import { artifact, SHA, startRolloutBed, type RolloutBed } from '../integration/rollout/environment.js';
import { measure } from '../integration/traffic/stack.js';
import { startGitHubFront, type GitHubFront } from './helpers/github-front.js';
import { spyRouter } from './helpers/router-spy.js';

// Fault injection, GitHub side (issue 13.8): the API fails in the middle of a rollout — server
// errors, a revoked token, a secondary rate limit, a validation refusal, a create answered 502
// after it was applied — and on an environment with 10,000 deployments. Each test ends with what a
// user would check: the deployment's last status, and the canary's share measured through HAProxy.
const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

const STATUSES = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
const isStatusWrite = (method: string, path: string) => method === 'POST' && /\/deployments\/\d+\/statuses$/.test(path);

let bed: RolloutBed;
let front: GitHubFront;
let environments = 0;

const STEPS = '  - setWeight: 20\n  - setWeight: 50\n  - setWeight: 80\n';

/** A ledger over `baseUrl` (the simulator or the front), with test-speed back-offs. */
function ledger(baseUrl: string, logger = new RecordingLogger(), runId = 88): GitHubLedger {
  const client = createGitHubClient({ baseUrl, token: bed.sim.token, logger, retryBaseMs: 5, writeSpacingMs: 0 });
  return new GitHubLedger({
    client,
    owner: bed.sim.owner,
    repo: bed.sim.repo,
    source: { sha: SHA, ref: 'refs/heads/main', runId, runAttempt: 1, actor: 'octocat', workflow: 'deploy' },
    runUrl: runUrlOf(runId),
    logger,
    retryBaseMs: 5,
  });
}

const runUrlOf = (runId: number) => `https://github.com/${bed.sim.owner}/${bed.sim.repo}/actions/runs/${runId}`;

function environmentWithV1(): { environment: string; v1: number } {
  const environment = `github-fault-${++environments}`;
  const [v1] = new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
  return { environment, v1 };
}

/** Runs the three-step canary of v2; `afterFirstStep` breaks GitHub once the canary has 20%. */
async function rollout(environment: string, options: { baseUrl?: string; afterFirstStep?: () => void; router?: TrafficRouter } = {}): Promise<RolloutOutcome> {
  const text = `strategy: canary\nrouter: ${bed.routerYaml}\nsteps:\n${STEPS}`;
  const router =
    options.router ??
    spyRouter(bed.router(), {
      after: (call) => {
        if (call.op === 'setCanaryWeight' && call.arg === 20 && call.ok) options.afterFirstStep?.();
      },
    });
  const logger = new RecordingLogger();
  return runRollout({ plan: loadPlan(text, 'plan.yml'), planDigest: planDigest(text), environment, artifact: artifact(2), ref: SHA }, { ledger: ledger(options.baseUrl ?? bed.sim.url, logger), router, logger, runUrl: runUrlOf(88), runId: 88 });
}

/** The deployments of an environment in the simulator, oldest first, with their states. */
function deploymentsOf(environment: string) {
  return [...bed.sim.state.deployments.values()].filter((d) => d.environment === environment).map((d) => ({ id: d.id, states: d.statuses.map((s) => s.state), latest: d.statuses.at(-1) }));
}

/** The canary's share of the answers (either version) to 1,000 requests through HAProxy, percent. */
async function canaryShare(): Promise<number> {
  const { byVersion } = (await measure(bed.haproxy.url, 'v2', 1000)).report;
  const v1 = byVersion.v1 ?? 0;
  const v2 = byVersion.v2 ?? 0;
  expect(v1 + v2).toBeGreaterThan(900);
  return (100 * v2) / (v1 + v2);
}

/** The steps (1-based) the deployment's in_progress statuses recorded, each once. */
function stepsRecorded(id: number): number[] {
  const steps = bed.sim.state.deployments.get(id)!.statuses.map((s) => /step (\d+)\/3/.exec(s.description)?.[1]).filter((n): n is string => n !== undefined);
  return [...new Set(steps.map(Number))].sort();
}

/** What GitHub holds for the rollout's deployment (the newest of the environment). */
function rolloutDeployment(environment: string) {
  const all = deploymentsOf(environment);
  expect(all).toHaveLength(2);
  return all[1];
}

describeIf('fault injection: GitHub', () => {
  beforeAll(async () => {
    bed = await startRolloutBed({ prometheus: false });
    front = await startGitHubFront(bed.sim.url);
  }, 60_000);
  afterAll(async () => {
    await front?.close();
    await bed?.stop();
  });
  afterEach(async () => {
    front.clear();
    expectNoContractViolations(bed.sim);
    await bed.router().abort();
  });

  test('GitHub 5xx mid-rollout: a short outage (two 502s) is retried, every step is recorded and the rollout promotes', async () => {
    const { environment } = environmentWithV1();
    const outcome = await rollout(environment, { afterFirstStep: () => bed.sim.injectFault({ route: STATUSES, kind: 'status', status: 502, times: 2 }) });
    expect(outcome.result).toBe('promoted');
    const deployment = rolloutDeployment(environment);
    expect(deployment.id).toBe(outcome.deploymentId);
    expect(deployment.latest).toMatchObject({ state: 'success', description: 'promoted · canary · 3/3 steps' });
    expect(stepsRecorded(deployment.id)).toEqual([1, 2, 3]);
    expect(await canaryShare()).toBe(100);
  });

  test('GitHub 5xx mid-rollout: an outage that outlasts the retries puts traffic back on stable (measured) and marks the deployment error with the reason', async () => {
    const { environment } = environmentWithV1();
    // GitHub answers 503 to every status write until the rollout gives up and aborts.
    const router = spyRouter(bed.router(), {
      after: (call) => {
        if (call.op === 'setCanaryWeight' && call.arg === 20) front.override({ match: isStatusWrite, status: 503, body: { message: 'Service Unavailable', status: '503' } });
      },
      before: (call) => void (call.op === 'abort' && front.clear()),
    });
    await expect(rollout(environment, { baseUrl: front.url, router })).rejects.toThrow(/GitHub answered 503/);
    const deployment = rolloutDeployment(environment);
    expect(deployment.states).not.toContain('success');
    expect(deployment.latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 1\/3\b.*503/) });
    // Retried, but boundedly: the first try and three retries.
    expect(front.log.filter((r) => r.status === 503).length).toBeLessThanOrEqual(4);
    expect(await canaryShare()).toBe(0);
  });

  test('GitHub 401 mid-rollout: with the token revoked, traffic goes back on stable, the run fails naming the bad credentials without retrying, and the next run with a valid token resumes the same deployment to a truthful end', async () => {
    const { environment } = environmentWithV1();
    await expect(rollout(environment, { baseUrl: front.url, afterFirstStep: () => front.revoke() })).rejects.toThrow(/401.*Bad credentials/);
    expect(await canaryShare()).toBe(0);
    // 401 is not worth retrying: one refused step status, one refused error status.
    expect(front.log.filter((r) => r.status === 401)).toHaveLength(2);
    const left = rolloutDeployment(environment);
    expect(left.states).not.toContain('success');

    // A new token: the next run picks the open deployment up again and ends it truthfully.
    front.clear();
    const next = await rollout(environment);
    expect(next.result).toBe('promoted');
    expect(next.deploymentId).toBe(left.id);
    expect(rolloutDeployment(environment).latest).toMatchObject({ state: 'success' });
    expect(await canaryShare()).toBe(100);
  });

  test('GitHub 403 secondary rate limit mid-rollout: the writes wait out retry-after, every step is recorded and the rollout promotes', async () => {
    const { environment } = environmentWithV1();
    const outcome = await rollout(environment, { afterFirstStep: () => bed.sim.injectFault({ route: STATUSES, kind: 'status', status: 403, retryAfter: 1, times: 2 }) });
    expect(outcome.result).toBe('promoted');
    const deployment = rolloutDeployment(environment);
    expect(deployment.latest).toMatchObject({ state: 'success', description: 'promoted · canary · 3/3 steps' });
    expect(stepsRecorded(deployment.id)).toEqual([1, 2, 3]);
    expect(bed.sim.requestLog.filter((r) => r.status === 403)).toHaveLength(2);
    expect(await canaryShare()).toBe(100);
  });

  test('GitHub 403 secondary rate limit mid-rollout: a limit that outlasts the retries puts traffic back on stable (measured) and marks the deployment error', async () => {
    const { environment } = environmentWithV1();
    const limited = {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403',
    };
    const router = spyRouter(bed.router(), {
      after: (call) => {
        if (call.op === 'setCanaryWeight' && call.arg === 20) front.override({ match: isStatusWrite, status: 403, body: limited, headers: { 'retry-after': '1' } });
      },
      before: (call) => void (call.op === 'abort' && front.clear()),
    });
    await expect(rollout(environment, { baseUrl: front.url, router })).rejects.toThrow(/secondary rate limit/);
    const deployment = rolloutDeployment(environment);
    expect(deployment.states).not.toContain('success');
    expect(deployment.latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 1\/3\b.*403/) });
    expect(front.log.filter((r) => r.status === 403).length).toBeLessThanOrEqual(4);
    expect(await canaryShare()).toBe(0);
  });

  test('GitHub 422 mid-rollout: a refused status write is not retried; traffic goes back on stable (measured) and the deployment is marked error with GitHub’s reason', async () => {
    const { environment } = environmentWithV1();
    const refusal = {
      message: 'Validation Failed',
      errors: [{ resource: 'DeploymentStatus', code: 'custom', field: 'state', message: 'state is not included in the list' }],
      documentation_url: 'https://docs.github.com/rest/deployments/statuses#create-a-deployment-status',
      status: '422',
    };
    await expect(
      rollout(environment, { baseUrl: front.url, afterFirstStep: () => front.override({ match: isStatusWrite, status: 422, body: refusal, times: 1 }) }),
    ).rejects.toThrow(/422/);
    expect(front.log.filter((r) => r.status === 422)).toHaveLength(1);
    const deployment = rolloutDeployment(environment);
    expect(deployment.states).not.toContain('success');
    expect(deployment.latest).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 1\/3\b.*422/) });
    expect(await canaryShare()).toBe(0);
  });

  test('retried create: a 502 after the deployment was created yields exactly one deployment, which the rollout takes to success', async () => {
    const { environment } = environmentWithV1();
    bed.sim.resetCounts();
    bed.sim.injectFault({ route: 'POST /repos/{owner}/{repo}/deployments', kind: 'status', status: 502, afterApply: true });
    const outcome = await rollout(environment);
    expect(outcome.result).toBe('promoted');
    expect(bed.sim.requests('POST /repos/{owner}/{repo}/deployments')).toBe(1);
    const deployment = rolloutDeployment(environment);
    expect(deployment.id).toBe(outcome.deploymentId);
    expect(deployment.latest).toMatchObject({ state: 'success' });
    expect(await canaryShare()).toBe(100);
  });

  test('racing rollouts: two runs that both find the environment free each create a deployment; the younger marks its own "not started" and moves no traffic, the elder promotes', async () => {
    const { environment } = environmentWithV1();
    // Both runs read the environment before either creates: each waits at the create for the other.
    let arrived = 0;
    let release!: () => void;
    const bothChecked = new Promise<void>((resolve) => (release = resolve));
    const run = (runId: number) => {
      const logger = new RecordingLogger();
      const racer = ledger(bed.sim.url, logger, runId);
      const create = racer.createDeployment.bind(racer);
      racer.createDeployment = async (request) => {
        if (++arrived === 2) release();
        await bothChecked;
        return create(request);
      };
      const router = spyRouter(bed.router());
      const text = `strategy: canary\nrouter: ${bed.routerYaml}\nsteps:\n${STEPS}`;
      const outcome = runRollout(
        { plan: loadPlan(text, 'plan.yml'), planDigest: planDigest(text), environment, artifact: artifact(runId === 101 ? 2 : 3), ref: SHA },
        { ledger: racer, router, logger, runUrl: runUrlOf(runId), runId },
      );
      return { outcome, router };
    };
    const first = run(101);
    const second = run(102);
    const settled = await Promise.allSettled([first.outcome, second.outcome]);

    const created = deploymentsOf(environment).slice(1);
    expect(created).toHaveLength(2);
    const [elder, younger] = created;
    const elderRun = bed.sim.state.deployments.get(elder.id)!.payload as { source: { runId: number } };
    const [winner, loser] = elderRun.source.runId === 101 ? [0, 1] : [1, 0];
    expect(settled[winner]).toMatchObject({ status: 'fulfilled', value: { result: 'promoted', deploymentId: elder.id } });
    expect(settled[loser]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringMatching(new RegExp(`^Another rollout started in ${environment} at the same time: deployment #${elder.id} .*concurrency:`)) }) });
    expect(younger.latest).toMatchObject({ state: 'error', description: `not started: deployment #${elder.id} was started at the same time by another run` });
    expect(younger.states).toEqual(['error']);
    expect(elder.latest).toMatchObject({ state: 'success' });
    // The younger never touched the router; the elder's artifact takes all traffic (measured).
    expect([first, second][loser].router.calls.filter((c) => c.op !== 'describe')).toEqual([]);
    expect(await canaryShare()).toBe(100);
  });

  test('a 10,000-deployment ledger: a rollout, last good and `slipway history` give the right answers within bounded requests', async () => {
    const environment = `github-fault-${++environments}`;
    const history = new HistoryBuilder(bed.sim, environment);
    history.add(9_998, { digest: artifact(1).digest });
    const [bad] = history.add(1, { digest: artifact(3).digest, states: ['in_progress', 'failure'] });
    bed.sim.resetCounts();
    const outcome = await rollout(environment);
    expect(outcome.result).toBe('promoted');
    expect(bed.sim.requests()).toBeLessThanOrEqual(25);
    const all = deploymentsOf(environment);
    expect(all).toHaveLength(10_000);
    expect(all.at(-1)).toMatchObject({ id: outcome.deploymentId, latest: { state: 'success' } });
    expect(bed.sim.state.deployments.get(outcome.deploymentId)?.payload).toMatchObject({ previousGood: history.ids[9_997] });
    expect(bad).toBeLessThan(outcome.deploymentId);
    expect(await canaryShare()).toBe(100);

    bed.sim.resetCounts();
    expect((await ledger(bed.sim.url).lastGood(environment))?.id).toBe(outcome.deploymentId);
    expect(bed.sim.requests()).toBeLessThanOrEqual(3);

    bed.sim.resetCounts();
    let out = '';
    let err = '';
    const code = await runCli(['history', '--environment', environment, '--limit', '3', '--repo', `${bed.sim.owner}/${bed.sim.repo}`, '--api-url', bed.sim.url], commands, {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      env: { GITHUB_TOKEN: bed.sim.token },
    });
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const rows = out.split('\n').filter((line) => line.startsWith('#'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(new RegExp(`^#${outcome.deploymentId}\\s.*sha256:222222222222….*success`));
    expect(rows[1]).toMatch(new RegExp(`^#${bad}\\s.*sha256:333333333333….*failure`));
    // Superseded by the rollout: GitHub marked it inactive (auto_inactive).
    expect(rows[2]).toMatch(/sha256:111111111111….*inactive/);
    // One page of deployments and the latest status of the three shown.
    expect(bed.sim.requests()).toBeLessThanOrEqual(4);
  }, 120_000);
});
