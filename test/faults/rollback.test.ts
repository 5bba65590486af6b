import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RegistryClient } from '../../src/core/artifact/client.js';
import { createGitHubClient, GitHubLedger, PAYLOAD_SCHEMA, type DeploymentPayload } from '../../src/core/ledger/index.js';
import { RecordingLogger } from '../../src/core/log.js';
import { decideRollback, executeRollback, parseRollbackTo, RollbackRefusedError, type RollbackDecision } from '../../src/core/rollback/index.js';
import type { TrafficRouter, TrafficState } from '../../src/core/traffic/types.js';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../testkit/bed/registry.js';
import { startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../support/ledger-history.js';
import { pushSeededImage } from '../integration/artifact/fixtures.js';

// Rollback faults (issue 13.6): what a rollback costs in GitHub requests on long ledgers (counted
// on the GitHub simulator), and a rollback to an artifact deleted from its registry (a real
// docker-registry), which must be refused before traffic moves or anything is recorded.

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const SHA = 'd'.repeat(40);

let sim: GitHubSimulator;
let environments = 0;

function ledger(logger = new RecordingLogger()): GitHubLedger {
  const client = createGitHubClient({ baseUrl: sim.url, token: sim.token, logger, retryBaseMs: 5, writeSpacingMs: 0 });
  const source = { sha: SHA, ref: 'refs/heads/main', runId: 13, runAttempt: 1, actor: 'octocat', workflow: 'rollback' };
  return new GitHubLedger({ client, owner: sim.owner, repo: sim.repo, source, runUrl: `https://github.com/${sim.owner}/${sim.repo}/actions/runs/13`, logger });
}

async function decide(environment: string, to: string, options: { force?: boolean; logger?: RecordingLogger } = {}): Promise<RollbackDecision> {
  const decision = await decideRollback(ledger(), environment, parseRollbackTo(to), options);
  if ('already' in decision) throw new Error('already rolled back');
  return decision;
}

/** A router that only records that traffic was moved. */
class RouterSpy implements TrafficRouter {
  readonly type = 'spy';
  aborts = 0;
  private readonly state: TrafficState = { provider: 'spy', stableWeight: 100, canaryWeight: 0, headerRoutes: [], mirrorPercentage: 0, reachable: true };
  async describe() { return this.state; }
  async setCanaryWeight() { return this.state; }
  async promote() { return this.state; }
  async abort() {
    this.aborts++;
    return this.state;
  }
}

beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterAll(async () => sim?.close());

describe('long ledgers', () => {
  test('a 1,500-deployment ledger: `to: <id>` 1,500 back decides in 3 requests (was 1,512) and records in 3 writes', async () => {
    const environment = `production-${++environments}`;
    const builder = new HistoryBuilder(sim, environment);
    const [oldest] = builder.add(1, { digest: digest(1) });
    builder.add(1_499, { digest: digest(2) });
    const [bad] = builder.add(1, { digest: digest(3) });
    sim.resetCounts();
    const decision = await decide(environment, String(oldest));
    expect(sim.requests()).toBe(3);
    expect(decision).toMatchObject({ bad: { id: bad }, target: { id: oldest } });
    // The newest page shows 99 of the deployments in between; the rest are undone unread.
    expect(decision.passed).toHaveLength(99);

    sim.resetCounts();
    const outcome = await executeRollback(ledger(), decision, { environment, reason: 'regression' }, {});
    expect(sim.requests(undefined, 'POST')).toBe(3);
    expect(sim.requests()).toBe(3);
    expect(await ledger().getDeployment(outcome.deploymentId!)).toMatchObject({ payload: { rollbackOf: bad, previousGood: oldest, lastIrreversible: null }, latestStatus: { state: 'success' } });
  });

  test('a 1,500-deployment ledger: `to: sha256:…` 1,500 back costs one page per 100 deployments plus 2', async () => {
    const environment = `production-${++environments}`;
    const builder = new HistoryBuilder(sim, environment);
    const [oldest] = builder.add(1, { digest: digest(1) });
    builder.add(1_499, { digest: digest(2) });
    builder.add(1, { digest: digest(3) });
    sim.resetCounts();
    const decision = await decide(environment, digest(1));
    expect(decision.target?.id).toBe(oldest);
    expect(decision.passed).toHaveLength(1_499);
    expect(sim.requests('GET /repos/{owner}/{repo}/deployments')).toBe(16);
    expect(sim.requests()).toBeLessThanOrEqual(16 + 2);
  });

  test('a 1,500-deployment ledger: an irreversible deployment 800 back still blocks `to: <id>`, read through the newest deployment\'s pointer', async () => {
    const environment = `production-${++environments}`;
    const builder = new HistoryBuilder(sim, environment);
    const [oldest] = builder.add(1, { digest: digest(1) });
    builder.add(700, { digest: digest(2) });
    const [migration] = builder.add(1, { digest: digest(4), irreversible: true });
    builder.add(799, { digest: digest(2) });
    sim.resetCounts();
    await expect(decide(environment, String(oldest))).rejects.toThrow(
      new RollbackRefusedError(
        `Refusing to roll back ${environment} past deployment #${migration} (app@${digest(4)}): its payload marks it irreversible (for example a contract-phase schema migration), so the older version may not work with what it changed. Roll forward with a fix, or set \`force: true\` if the older version is known to be safe.`,
      ),
    );
    // 3 to decide, 2 to read the blocking deployment for the message; nothing written.
    expect(sim.requests()).toBe(5);
    expect(sim.requests(undefined, 'POST')).toBe(0);
    expect((await decide(environment, String(oldest), { force: true })).target?.id).toBe(oldest);
  });

  test('a 1,500-deployment ledger from before the pointer: `to: <id>` reads payload pages back to the target, never a status per deployment', async () => {
    const environment = `production-${++environments}`;
    const builder = new HistoryBuilder(sim, environment);
    const [oldest] = builder.add(1, { digest: digest(1), withoutLineage: true });
    builder.add(1_500, { digest: digest(2), withoutLineage: true });
    sim.resetCounts();
    const logger = new RecordingLogger();
    expect((await decide(environment, String(oldest), { logger })).target?.id).toBe(oldest);
    expect(sim.requests('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses')).toBe(1);
    expect(sim.requests()).toBe(2 + 1 + 16);
    expect(logger.at('info').join('\n')).toContain('predates the lastIrreversible pointer');
  });

  test('a 10,000-deployment ledger: `to: <id>` at the oldest still decides in 3 requests', async () => {
    const environment = `production-${++environments}`;
    const builder = new HistoryBuilder(sim, environment);
    const [oldest] = builder.add(1, { digest: digest(1) });
    builder.add(10_000, { digest: digest(2) });
    sim.resetCounts();
    expect((await decide(environment, String(oldest))).target?.id).toBe(oldest);
    expect(sim.requests()).toBe(3);
  }, 60_000);
});

const describeIfRegistry = serverAvailable('docker-registry') ? describe : describe.skip;

describeIfRegistry('rollback target gone', () => {
  let registry: RegistryServer;
  let guarded: RegistryServer;
  beforeAll(async () => {
    [registry, guarded] = await Promise.all([startRegistry(), startRegistry({ users: { ci: 'rollback-s3cret' } })]);
  });
  afterAll(async () => {
    await registry?.stop();
    await guarded?.stop();
  });

  /** v1 (the target) then v2 (the bad one), both succeeded; v1 ships `ref`. */
  function history(ref: string): { environment: string; target: number; bad: number } {
    const environment = `production-${++environments}`;
    const payload = (artifactRef: string, previousGood: number | null): DeploymentPayload => ({
      schema: PAYLOAD_SCHEMA,
      source: { sha: SHA, ref: 'refs/heads/main', runId: 1, runAttempt: 1, actor: 'octocat', workflow: 'deploy' },
      artifact: { ref: artifactRef, digest: artifactRef.split('@')[1] },
      previousGood,
      lastIrreversible: null,
    });
    const [target] = sim.seedDeployments(1, { environment, payload: payload(ref, null), states: ['in_progress', 'success'] });
    const [bad] = sim.seedDeployments(1, { environment, payload: payload(`app@${digest(9)}`, target), states: ['in_progress', 'success'] });
    return { environment, target, bad };
  }

  test('rollback target gone: an artifact deleted from its registry is refused with the fix, before traffic moves or anything is recorded', async () => {
    const client = new RegistryClient({ registry: registry.host });
    const pushed = await pushSeededImage({ client, repository: 'shop/app' }, 'gone', 1024, ['v1']);
    const ref = `${registry.host}/shop/app@${pushed}`;
    const { environment, target, bad } = history(ref);
    const deleted = await fetch(`${registry.url}/v2/shop/app/manifests/${pushed}`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);

    const router = new RouterSpy();
    const decision = await decide(environment, 'previous');
    sim.resetCounts();
    const error = await executeRollback(ledger(), decision, { environment, reason: 'p99 doubled' }, { router, registry: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RollbackRefusedError);
    expect((error as Error).message).toBe(
      `Cannot roll back ${environment} to ${ref}: ${registry.host} answers 404 for shop/app@${pushed}, so the artifact was deleted from the registry and nothing could run it. ` +
        'Nothing was recorded and traffic was not moved. Fix: push that artifact again (the same digest, e.g. by promoting it from another environment), or roll back to another deployment with `to: <id>`.',
    );
    expect(router.aborts).toBe(0);
    expect(sim.requests()).toBe(0);
    expect((await ledger().getDeployment(bad))?.latestStatus?.state).toBe('success');

    // Pushed again (same digest), the same rollback goes through and is recorded.
    expect(await pushSeededImage({ client, repository: 'shop/app' }, 'gone', 1024)).toBe(pushed);
    const outcome = await executeRollback(ledger(), decision, { environment, reason: 'p99 doubled' }, { router, registry: {} });
    expect(router.aborts).toBe(1);
    expect(await ledger().getDeployment(outcome.deploymentId!)).toMatchObject({ payload: { previousGood: target, artifact: { ref } }, latestStatus: { state: 'success' } });
  });

  test('rollback target gone: a registry that refuses anonymous reads is a warning that the artifact was not checked, not a refusal; with credentials a deleted one is refused', async () => {
    const admin = new RegistryClient({ registry: guarded.host, credentials: { username: 'ci', password: 'rollback-s3cret' } });
    const pushed = await pushSeededImage({ client: admin, repository: 'shop/app' }, 'guarded', 1024, ['v1']);
    const ref = `${guarded.host}/shop/app@${pushed}`;

    const first = history(ref);
    const logger = new RecordingLogger();
    const outcome = await executeRollback(ledger(), await decide(first.environment, 'previous'), { environment: first.environment, reason: 'r' }, { registry: {} }, logger);
    expect(outcome.imageRef).toBe(ref);
    expect(logger.at('warning').join('\n')).toContain(`Could not check that ${ref} still exists in ${guarded.host} (The registry requires credentials for the pull from ${guarded.host}/shop/app (401)`);

    const authorization = `Basic ${Buffer.from('ci:rollback-s3cret').toString('base64')}`;
    expect((await fetch(`${guarded.url}/v2/shop/app/manifests/${pushed}`, { method: 'DELETE', headers: { authorization } })).status).toBe(202);
    const second = history(ref);
    sim.resetCounts();
    const refused = executeRollback(ledger(), await decide(second.environment, 'previous'), { environment: second.environment, reason: 'r' }, { registry: { credentials: { username: 'ci', password: 'rollback-s3cret' } } });
    await expect(refused).rejects.toThrow(`Cannot roll back ${second.environment} to ${ref}: ${guarded.host} answers 404 for shop/app@${pushed}`);
    expect(sim.requests(undefined, 'POST')).toBe(0);
  });
});
