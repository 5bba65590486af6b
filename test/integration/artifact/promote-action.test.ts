import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';
import { buildBundle, runActionStep } from '../../support/action-runner.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { pushSeededImage } from './fixtures.js';

// The bundled promote-artifact action against the GitHub simulator (the ledger) and the real
// registry.

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const BUILT_FROM = 'b'.repeat(40);
const CREATE = 'POST /repos/{owner}/{repo}/deployments';

describeIf('promote-artifact (the bundled action) with the GitHub simulator and the real registry', () => {
  let sim: GitHubSimulator;
  let registry: RegistryServer;
  let bundle: string;
  let client: RegistryClient;
  let stagingRef: string;
  let stagingDeployment: number;
  beforeAll(async () => {
    // The bundle first: if it fails to build, no server has been started that afterAll would miss.
    bundle = await buildBundle('promote-artifact');
    [sim, registry] = await Promise.all([startGitHubSimulator(), startRegistry()]);
    client = new RegistryClient({ registry: registry.host });
    stagingRef = `${registry.host}/acme/shop@${await pushSeededImage({ client, repository: 'acme/shop' }, 'promote-action', 1024 * 1024, [BUILT_FROM])}`;
    sim.setEnvironment('staging');
    sim.setEnvironment('production', { reviewers: [{ type: 'User', id: 1 }] });
    sim.setEnvironment('unprotected');
    const payload = {
      schema: 'slipway/v1',
      artifact: { ref: stagingRef, digest: stagingRef.split('@')[1] },
      source: { sha: BUILT_FROM, ref: 'refs/heads/main', runId: 41, runAttempt: 1, actor: 'octocat', workflow: 'deploy' },
    };
    [stagingDeployment] = sim.seedDeployments(1, { environment: 'staging', sha: BUILT_FROM, payload, states: ['success'] });
  });
  afterAll(async () => {
    await Promise.all([sim?.close(), registry?.stop()]);
  });
  beforeEach(async () => {
    sim.setPermissions({ deployments: 'write' });
    sim.resetCounts();
    await registry.clearRequests();
  });
  afterEach(() => expectNoContractViolations(sim));

  const step = (inputs: Record<string, string>, state?: Record<string, string>) =>
    runActionStep(bundle, {
      state,
      inputs: { token: sim.token, 'from-environment': 'staging', ...inputs },
      env: { GITHUB_REPOSITORY: `${sim.owner}/${sim.repo}`, GITHUB_API_URL: sim.url, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '42', GITHUB_SHA: 'c'.repeat(40), GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push' },
    });
  const registryWrites = async () => (await registry.settledRequests()).filter((r) => !['GET', 'HEAD'].includes(r.method));

  test('promotes the last good staging image to production: mounted, tagged, recorded as deploy:promote', async () => {
    const result = await step({ 'to-environment': 'production', 'target-image': `${registry.host}/acme/shop-prod`, 'target-tags': 'production' });
    expect(result.stdout).not.toContain('::error::');
    expect(result.exitCode).toBe(0);
    const digest = stagingRef.split('@')[1];
    expect(result.outputs).toMatchObject({ digest, 'image-ref': `${registry.host}/acme/shop-prod@${digest}` });
    const deployment = sim.state.deployments.get(Number(result.outputs['deployment-id']))!;
    expect(deployment).toMatchObject({ environment: 'production', task: 'deploy:promote', sha: BUILT_FROM });
    expect(deployment.payload).toMatchObject({ schema: 'slipway/v1', artifact: { ref: result.outputs['image-ref'], digest }, promotedFrom: { environment: 'staging', deploymentId: stagingDeployment } });
    expect(deployment.statuses.at(-1)?.state).toBe('success');
    expect((await client.manifests.resolve('acme/shop-prod', 'production'))?.digest).toBe(digest);
    expect((await registry.settledRequests()).filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(result.summary).toContain('Promoted staging → production');
  });

  test.each([
    [{ 'to-environment': 'prodution' }, /::error::Input 'to-environment' has the value "prodution": expected an environment that exists in the repository/],
    [{ 'to-environment': 'unprotected', 'require-protection': 'true' }, /::error::Input 'to-environment' has the value "unprotected": expected an environment with a protection rule/],
    [{ 'to-environment': 'production', 'image-ref': `127.0.0.1:1/acme/shop:${BUILT_FROM}` }, /::error::Input 'image-ref' .* expected a reference pinned by digest/],
    [{ 'to-environment': 'production', 'image-ref': `127.0.0.1:1/acme/shop@sha256:${'1'.repeat(64)}` }, /::error::sha256:1{64} was never deployed successfully to staging/],
  ])('refuses %j with a clear error; no deployment is created and nothing is written to the registry', async (inputs, message) => {
    const result = await step({ 'target-tags': 'production', ...inputs });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(sim.requests(CREATE)).toBe(0);
    expect(await registryWrites()).toEqual([]);
  });

  test('state: queued, then a job that fails before the canary: the post step closes the queued deployment as error', async () => {
    const inputs = { 'to-environment': 'unprotected', 'target-image': `${registry.host}/acme/shop-queued`, state: 'queued' };
    const main = await step(inputs);
    expect(main.exitCode).toBe(0);
    const id = Number(main.outputs['deployment-id']);
    expect(sim.state.deployments.get(id)!.statuses.at(-1)?.state).toBe('queued');
    // The runner starts the post step only when the job failed or was cancelled (post-if).
    const post = await step(inputs, main.state);
    expect(post.exitCode).toBe(0);
    expect(sim.state.deployments.get(id)!.statuses.at(-1)).toMatchObject({ state: 'error', description: 'the job ended (failed or cancelled) before the promotion to unprotected was finished' });
    // A deployment someone finished is never overwritten.
    const again = await step(inputs, main.state);
    expect(again.stdout).toContain(`Deployment #${id} ended error; nothing to close.`);
  });

  test('a token without deployments: write fails naming the permission, and no pointer tag moves', async () => {
    sim.setPermissions({ deployments: 'read' });
    const result = await step({ 'to-environment': 'production', 'target-image': `${registry.host}/acme/shop-denied`, 'target-tags': 'production' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::.*deployments: write/);
    expect(await client.manifests.tags('acme/shop-denied')).toEqual([]);
  });
});
