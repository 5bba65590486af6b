import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/core/artifact/client.js';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../testkit/bed/registry.js';
import { writeTree } from '../integration/artifact/fixtures.js';
import { buildBundle, runActionStep } from '../support/action-runner.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';

// The artifact half of a pipeline, as a workflow runs it: build-immutable-image (package builder)
// → record-deployment to staging (start, success) → promote-artifact to production. Three bundles,
// the real registry, the GitHub simulator.

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const SHA = '5e1f'.repeat(10);

describeIf('build once, deploy to staging, promote the same digest to production', () => {
  let sim: GitHubSimulator;
  let registry: RegistryServer;
  let bundles: Record<'build' | 'record' | 'promote', string>;
  let root: string;
  beforeAll(async () => {
    // The bundles first: if one fails to build, no server has been started that afterAll would miss.
    const [build, record, promote] = await Promise.all([buildBundle('build-immutable-image'), buildBundle('record-deployment'), buildBundle('promote-artifact')]);
    bundles = { build, record, promote };
    [sim, registry] = await Promise.all([startGitHubSimulator(), startRegistry()]);
    sim.setEnvironment('staging');
    sim.setEnvironment('production', { reviewers: [{ type: 'User', id: 7 }] });
    root = mkdtempSync(join(tmpdir(), 'slipway-e2e-artifact-'));
    writeTree(join(root, 'dist'), { 'index.html': '<h1>shop</h1>', 'app.js': 'start()' }, { mtime: 5_000 });
  });
  afterAll(async () => {
    await Promise.all([sim?.close(), registry?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  const step = (bundle: string, inputs: Record<string, string>) =>
    runActionStep(bundle, {
      cwd: root,
      inputs: { token: sim.token, ...inputs },
      env: {
        GITHUB_REPOSITORY: `${sim.owner}/${sim.repo}`,
        GITHUB_API_URL: sim.url,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '900',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_SHA: SHA,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_ACTOR: 'octocat',
        GITHUB_WORKFLOW: 'pipeline',
        SOURCE_DATE_EPOCH: '1700000000',
      },
    });

  test('production runs the very digest staging ran, and the ledger says where it came from', async () => {
    const build = await step(bundles.build, { image: `${registry.host}/octo/shop`, builder: 'package', path: 'dist' });
    expect(build.exitCode).toBe(0);
    const imageRef = build.outputs['image-ref'];

    const start = await step(bundles.record, { environment: 'staging', 'image-ref': imageRef });
    expect(start.exitCode).toBe(0);
    const stagingId = start.outputs['deployment-id'];
    expect((await step(bundles.record, { state: 'success', 'deployment-id': stagingId })).exitCode).toBe(0);

    const promoted = await step(bundles.promote, { 'from-environment': 'staging', 'to-environment': 'production', 'target-tags': 'production' });
    expect(promoted.stdout).not.toContain('::error::');
    expect(promoted.outputs).toMatchObject({ 'image-ref': imageRef, digest: build.outputs.digest });
    const production = sim.state.deployments.get(Number(promoted.outputs['deployment-id']))!;
    expect(production).toMatchObject({ environment: 'production', task: 'deploy:promote', sha: SHA });
    expect(production.payload).toMatchObject({ artifact: { ref: imageRef, digest: build.outputs.digest }, promotedFrom: { environment: 'staging', deploymentId: Number(stagingId) } });

    const client = new RegistryClient({ registry: registry.host });
    expect((await client.manifests.resolve('octo/shop', 'production'))?.digest).toBe(build.outputs.digest);
    expect((await client.manifests.resolve('octo/shop', SHA))?.digest).toBe(build.outputs.digest);
    expectNoContractViolations(sim);
  });
});
