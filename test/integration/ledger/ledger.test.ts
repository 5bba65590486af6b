import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { GitHubLedger, createGitHubClient } from '../../../src/core/ledger/index.js';
import type { SourceInfo } from '../../../src/core/ledger/index.js';
import { RecordingLogger } from '../../../src/core/log.js';
import { expectNoContractViolations, startGitHubSimulator } from '../../../testkit/github-sim/index.js';
import type { GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../../support/ledger-history.js';

// The ledger against the GitHub simulator: what it writes, what it reads back, what each
// operation costs in requests, and how it behaves when GitHub fails or refuses.

const SHA = 'b'.repeat(40);
const RUN_ID = 4242;
const source: SourceInfo = { sha: SHA, ref: 'refs/heads/main', runId: RUN_ID, runAttempt: 1, actor: 'octocat', workflow: 'deploy' };
const DEPLOYMENTS = 'GET /repos/{owner}/{repo}/deployments';
const CREATE = 'POST /repos/{owner}/{repo}/deployments';
const STATUSES = '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses';

let sim: GitHubSimulator;
let logger: RecordingLogger;
let ledger: GitHubLedger;
let env = 0;
let environment: string;

function ledgerFor(s: GitHubSimulator, log: RecordingLogger): GitHubLedger {
  const client = createGitHubClient({ baseUrl: s.url, token: s.token, logger: log, retryBaseMs: 5, writeSpacingMs: 0 });
  const runUrl = `https://github.com/${s.owner}/${s.repo}/actions/runs/${RUN_ID}`;
  return new GitHubLedger({ client, owner: s.owner, repo: s.repo, source, runUrl, logger: log, retryBaseMs: 5 });
}

beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  // A fresh environment per test: histories do not leak between tests.
  environment = `staging-${++env}`;
  logger = new RecordingLogger();
  ledger = ledgerFor(sim, logger);
  sim.resetCounts();
  sim.setPermissions({ deployments: 'write' });
});
afterEach(() => {
  expectNoContractViolations(sim);
});

describe('creating and starting a deployment', () => {
  test('records a slipway/v1 payload pointing at the last good deployment, with GitHub gates off by default', async () => {
    const history = new HistoryBuilder(sim, environment);
    history.add(3);
    sim.resetCounts();
    const artifact = { ref: `app@sha256:${'c'.repeat(64)}`, digest: `sha256:${'c'.repeat(64)}` };
    const created = await ledger.createDeployment({ environment, ref: SHA, artifact, strategy: 'canary' });
    await ledger.setStatus(created.id, { state: 'in_progress', description: 'canary 5% · step 1/6' });

    expect(created.payload).toMatchObject({ schema: 'slipway/v1', artifact, strategy: 'canary', previousGood: history.ids[2], source });
    const stored = sim.state.deployments.get(created.id)!;
    expect(stored.task).toBe('deploy');
    expect(stored.production).toBe(false);
    const body = sim.requestLog.find((r) => r.method === 'POST' && r.route === '/repos/{owner}/{repo}/deployments');
    expect(body?.status).toBe(201);
    expect(sim.requests()).toBeLessThanOrEqual(4);
  });

  test('sends required_contexts [] and auto_merge false, so failing commit statuses and a stale branch do not block it', async () => {
    sim.addCommitStatus(SHA, 'ci/lint', 'failure');
    const created = await ledger.createDeployment({ environment, ref: SHA });
    expect(created.id).toBeGreaterThan(0);
    await expect(ledger.createDeployment({ environment, ref: SHA, requiredContexts: ['ci/lint'] })).rejects.toThrow(/409.*required-contexts/s);
  });

  test('a 202 (GitHub merged the default branch instead) is an error, not a deployment', async () => {
    sim.setBranch('feature-x', SHA);
    sim.setBranchBehind('feature-x');
    await expect(ledger.createDeployment({ environment, ref: 'feature-x', autoMerge: true })).rejects.toThrow(
      'GitHub merged the default branch instead of creating a deployment',
    );
    expect([...sim.state.deployments.values()].filter((d) => d.environment === environment)).toHaveLength(0);
  });

  test('production_environment follows GitHub: true only for an environment named production unless given', async () => {
    const production = await ledger.createDeployment({ environment: 'production', ref: SHA });
    const other = await ledger.createDeployment({ environment, ref: SHA, productionEnvironment: true });
    expect(production.productionEnvironment).toBe(true);
    expect(other.productionEnvironment).toBe(true);
  });

  test('warns with the fix when GitHub made its own deployment for this job', async () => {
    const jobDeployment = sim.createJobDeployment({ environment, sha: SHA, runId: RUN_ID });
    await ledger.createDeployment({ environment, ref: SHA });
    const warning = logger.at('warning').join('\n');
    expect(warning).toContain(`#${jobDeployment}`);
    expect(warning).toContain(`environment: {name: ${environment}, deployment: false}`);
  });

  test('does not warn about the GitHub-made deployment of an earlier run, which that run\'s own deployment followed', async () => {
    sim.createJobDeployment({ environment, sha: SHA, runId: RUN_ID - 1 });
    await ledger.createDeployment({ environment, ref: SHA });
    logger.lines.length = 0;
    await ledger.createDeployment({ environment, ref: SHA });
    expect(logger.at('warning')).toEqual([]);
  });

  test('does not warn about a GitHub-made deployment of another commit', async () => {
    sim.createJobDeployment({ environment, sha: 'c'.repeat(40), runId: RUN_ID });
    await ledger.createDeployment({ environment, ref: SHA });
    expect(logger.at('warning')).toEqual([]);
  });
});

describe('statuses', () => {
  test('a status update is one request, with the run URL as log_url and the description cut to 140 characters', async () => {
    const created = await ledger.createDeployment({ environment, ref: SHA });
    sim.resetCounts();
    const long = `canary 25% · ${'x'.repeat(200)}`;
    const statusId = await ledger.setStatus(created.id, { state: 'in_progress', description: long, environmentUrl: 'https://staging.example.com' });
    expect(sim.requests()).toBe(1);
    const read = await ledger.getDeployment(created.id);
    expect(read?.latestStatus).toMatchObject({
      id: statusId,
      state: 'in_progress',
      logUrl: `https://github.com/${sim.owner}/${sim.repo}/actions/runs/${RUN_ID}`,
      environmentUrl: 'https://staging.example.com',
    });
    expect([...read!.latestStatus!.description]).toHaveLength(140);
    expect(read!.latestStatus!.description.endsWith('…')).toBe(true);
  });

  test('auto-inactive as GitHub defines it: a success retires the earlier success unless asked not to', async () => {
    const first = await ledger.createDeployment({ environment, ref: SHA });
    await ledger.setStatus(first.id, { state: 'success' });
    const second = await ledger.createDeployment({ environment, ref: SHA });
    await ledger.setStatus(second.id, { state: 'success', autoInactive: false });
    expect((await ledger.getDeployment(first.id))?.latestStatus?.state).toBe('success');
    const third = await ledger.createDeployment({ environment, ref: SHA });
    await ledger.setStatus(third.id, { state: 'success' });
    expect((await ledger.getDeployment(first.id))?.latestStatus?.state).toBe('inactive');
    expect((await ledger.getDeployment(second.id))?.latestStatus?.state).toBe('inactive');
  });

  test('a status for a deployment that does not exist names deployment-id', async () => {
    await expect(ledger.setStatus(999_999_999, { state: 'success' })).rejects.toThrow(/Deployment 999999999 does not exist.*deployment-id/);
  });
});

describe('history', () => {
  test('reads every page past the first 100, newest first, skipping foreign deployments and saying so once', async () => {
    const history = new HistoryBuilder(sim, environment);
    history.add(60);
    history.add(5, { foreign: true });
    history.add(50);
    const seen: number[] = [];
    for await (const deployment of ledger.history(environment)) seen.push(deployment.id);
    const slipway = history.ids.slice(0, 60).concat(history.ids.slice(65));
    expect(seen).toEqual([...slipway].reverse());
    expect(sim.requests(DEPLOYMENTS)).toBe(2);
    expect(logger.at('info').filter((m) => m.includes('Slipway did not create'))).toHaveLength(1);
  });

  test('with since, stops at the first deployment created before it', async () => {
    const history = new HistoryBuilder(sim, environment);
    history.add(3, { createdAt: new Date(Date.now() - 3_600_000) });
    const since = new Date(Date.now() - 60_000);
    const created = await ledger.createDeployment({ environment, ref: SHA });
    const seen: number[] = [];
    for await (const deployment of ledger.history(environment, { since })) seen.push(deployment.id);
    expect(seen).toEqual([created.id]);
  });

  test('current is the newest deployment whose latest status is success', async () => {
    const history = new HistoryBuilder(sim, environment);
    const [good] = history.add(1);
    history.add(1, { states: ['in_progress', 'failure'] });
    expect((await ledger.current(environment))?.id).toBe(good);
  });
});

describe('last good', () => {
  test.each([10, 1_000, 10_000])('costs at most 3 requests with a history of %i deployments', async (length) => {
    const history = new HistoryBuilder(sim, environment);
    history.add(length - 2);
    history.add(2, { states: ['in_progress', 'failure'] });
    sim.resetCounts();
    const good = await ledger.lastGood(environment);
    expect(good?.id).toBe(history.ids[length - 3]);
    expect(sim.requests()).toBeLessThanOrEqual(3);
  });

  test('skips the newest deployments when they failed', async () => {
    const history = new HistoryBuilder(sim, environment);
    const [good] = history.add(1);
    history.add(3, { states: ['in_progress', 'error'] });
    expect((await ledger.lastGood(environment))?.id).toBe(good);
  });

  test('skips a deployment that was rolled back by a later rollback deployment', async () => {
    const history = new HistoryBuilder(sim, environment);
    const [first, second] = history.add(2);
    history.add(1, { task: 'deploy:rollback', rollbackOf: second, states: ['in_progress', 'failure'] });
    expect((await ledger.lastGood(environment))?.id).toBe(first);
  });

  test('a successful rollback deployment is itself the last good one', async () => {
    const history = new HistoryBuilder(sim, environment);
    const [, second] = history.add(2);
    const [rollback] = history.add(1, { task: 'deploy:rollback', rollbackOf: second });
    expect((await ledger.lastGood(environment))?.id).toBe(rollback);
  });

  test('skips a deployment whose success was followed by a failure', async () => {
    const history = new HistoryBuilder(sim, environment);
    const [first, second] = history.add(2);
    sim.addDeploymentStatus(second, 'failure');
    expect((await ledger.lastGood(environment))?.id).toBe(first);
  });

  test('a deployment retired as inactive by a later success is still good once that later one is rolled back', async () => {
    const first = await ledger.createDeployment({ environment, ref: SHA });
    await ledger.setStatus(first.id, { state: 'success' });
    const second = await ledger.createDeployment({ environment, ref: SHA });
    await ledger.setStatus(second.id, { state: 'success' });
    await ledger.setStatus(second.id, { state: 'failure', description: 'analysis failed after promotion' });
    expect((await ledger.getDeployment(first.id))?.latestStatus?.state).toBe('inactive');
    expect((await ledger.lastGood(environment))?.id).toBe(first.id);
    const rollback = await ledger.createDeployment({ environment, ref: SHA, task: 'deploy:rollback', rollbackOf: second.id });
    expect(rollback.payload?.previousGood).toBe(first.id);
  });

  test('skips foreign deployments on top of the history', async () => {
    const history = new HistoryBuilder(sim, environment);
    const [good] = history.add(1);
    history.add(4, { foreign: true });
    sim.resetCounts();
    expect((await ledger.lastGood(environment))?.id).toBe(good);
    expect(sim.requests()).toBeLessThanOrEqual(3);
  });

  test('falls back to a scan when the lineage points at a deleted deployment', async () => {
    const history = new HistoryBuilder(sim, environment);
    const [oldest, deleted] = history.add(2);
    history.add(1, { states: ['in_progress', 'failure'] });
    sim.deleteDeploymentDirect(deleted);
    expect((await ledger.lastGood(environment))?.id).toBe(oldest);
  });

  test('never answers with a deployment of another environment, even when a lineage points there', async () => {
    const elsewhere = new HistoryBuilder(sim, `${environment}-other`);
    const [foreignGood] = elsewhere.add(1);
    const history = new HistoryBuilder(sim, environment);
    history.lastGood = foreignGood; // a lineage pointer out of the environment
    history.add(1, { states: ['in_progress', 'failure'] });
    expect(await ledger.lastGood(environment)).toBeNull();
  });

  test('falls back to a scan when payloads carry no lineage, past the first page', async () => {
    const history = new HistoryBuilder(sim, environment);
    const [good] = history.add(1, { withoutLineage: true });
    history.add(100, { states: ['in_progress', 'failure'], withoutLineage: true });
    expect((await ledger.lastGood(environment))?.id).toBe(good);
  });

  test('is null when nothing ever succeeded, and a new deployment then records previousGood null', async () => {
    const history = new HistoryBuilder(sim, environment);
    history.add(2, { states: ['in_progress', 'failure'] });
    expect(await ledger.lastGood(environment)).toBeNull();
    const created = await ledger.createDeployment({ environment, ref: SHA });
    expect(created.payload?.previousGood).toBeNull();
  });

  test('findSuccessfulByDigest finds the newest good deployment of a digest and ignores rolled-back ones', async () => {
    const digest = `sha256:${'d'.repeat(64)}`;
    const history = new HistoryBuilder(sim, environment);
    const [good] = history.add(1, { digest });
    const [rolledBack] = history.add(1, { digest });
    history.add(1, { task: 'deploy:rollback', rollbackOf: rolledBack });
    expect((await ledger.findSuccessfulByDigest(environment, digest))?.id).toBe(good);
    expect(await ledger.findSuccessfulByDigest(environment, `sha256:${'e'.repeat(64)}`)).toBeNull();
  });
});

describe('environments', () => {
  test('reads the protection rules of an environment, and null for one that does not exist', async () => {
    sim.setEnvironment(environment, { waitTimer: 5, reviewers: [{ type: 'User', id: 1 }] });
    const info = await ledger.getEnvironment(environment);
    expect(info?.name).toBe(environment);
    expect([...(info?.protectionRules ?? [])].sort()).toEqual(['required_reviewers', 'wait_timer']);
    expect(await ledger.getEnvironment(`${environment}-missing`)).toBeNull();
  });
});

describe('when GitHub fails or refuses', () => {
  function deploymentsIn(name: string) {
    return [...sim.state.deployments.values()].filter((d) => d.environment === name);
  }

  test.each([
    ['a 502 after the deployment was created', { kind: 'status' as const, status: 502, afterApply: true }],
    ['a dropped connection after the deployment was created', { kind: 'drop' as const, afterApply: true }],
    ['a secondary rate limit (403, retry-after) after the deployment was created', { kind: 'status' as const, status: 403, retryAfter: 1, afterApply: true }],
    ['a secondary rate limit (429) before anything was created', { kind: 'status' as const, status: 429, retryAfter: 1 }],
    ['a 503 before anything was created', { kind: 'status' as const, status: 503 }],
  ])('a create retried after %s leaves exactly one deployment', async (_what, fault) => {
    sim.injectFault({ route: CREATE, ...fault });
    const created = await ledger.createDeployment({ environment, ref: SHA });
    expect(deploymentsIn(environment).map((d) => d.id)).toEqual([created.id]);
  });

  test('reads and status updates are retried on 5xx', async () => {
    const created = await ledger.createDeployment({ environment, ref: SHA });
    sim.injectFault({ route: `POST ${STATUSES}`, kind: 'status', status: 500 });
    sim.injectFault({ route: DEPLOYMENTS, kind: 'status', status: 502, times: 2 });
    await ledger.setStatus(created.id, { state: 'success' });
    expect((await ledger.lastGood(environment))?.id).toBe(created.id);
  });

  test('a token without deployments: write gets an error naming `permissions: deployments: write`, and nothing is created', async () => {
    sim.setPermissions({ deployments: 'read' });
    await expect(ledger.createDeployment({ environment, ref: SHA })).rejects.toThrow('`permissions: deployments: write`');
    expect(sim.requests(CREATE)).toBe(1);
    expect(deploymentsIn(environment)).toHaveLength(0);
  });

  test('an exhausted hourly rate limit fails at once with GitHub\'s message instead of waiting for the reset', async () => {
    const limited = await startGitHubSimulator({ rateLimit: 1 });
    try {
      const limitedLedger = ledgerFor(limited, new RecordingLogger());
      await limitedLedger.lastGood(environment);
      await expect(limitedLedger.lastGood(environment)).rejects.toThrow(/403: API rate limit exceeded/);
      expectNoContractViolations(limited);
    } finally {
      await limited.close();
    }
  });

  test('a repository the token cannot see fails saying so', async () => {
    const client = createGitHubClient({ baseUrl: sim.url, token: sim.token, retryBaseMs: 5, writeSpacingMs: 0 });
    const elsewhere = new GitHubLedger({ client, owner: sim.owner, repo: 'not-this-one', source, runUrl: 'https://github.com/x/y/actions/runs/1' });
    await expect(elsewhere.lastGood(environment)).rejects.toThrow(/404.*Check the repository name/);
  });

  test('a token that cannot read deployments gets an error naming `permissions: deployments: read`', async () => {
    sim.setPermissions({ deployments: 'none' });
    await expect(ledger.lastGood(environment)).rejects.toThrow('`permissions: deployments: read`');
  });
});
