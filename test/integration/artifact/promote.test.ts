import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { promote, type PromoteRequest } from '../../../src/core/artifact/promote.js';
import { InputError } from '../../../src/core/errors.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';
import { startTokenServer, type TokenServer } from '../../../testkit/bed/token-server.js';
import { pushSeededImage } from './fixtures.js';
import { MemoryLedger } from './memory-ledger.js';

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const MB = 1024 * 1024;

describeIf('promotion over the real registry (ledger test double)', () => {
  let registry: RegistryServer;
  let client: RegistryClient;
  let bigRef: string;
  let smallRef: string;
  let failedRef: string;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host });
    bigRef = `${registry.host}/shop/staging@${await pushSeededImage({ client, repository: 'shop/staging' }, 'big', 200 * MB, ['4f2a9c1'])}`;
    smallRef = `${registry.host}/shop/staging@${await pushSeededImage({ client, repository: 'shop/staging' }, 'small', MB)}`;
    failedRef = `${registry.host}/shop/staging@${await pushSeededImage({ client, repository: 'shop/staging' }, 'failed', MB)}`;
  });
  afterAll(async () => registry?.stop());

  const ledgerWithHistory = async () => {
    const ledger = new MemoryLedger().addEnvironment('staging').addEnvironment('production', ['required_reviewers']).addEnvironment('sandbox');
    await ledger.seed('staging', bigRef, 'success', 'b'.repeat(40));
    await ledger.seed('staging', failedRef, 'failure');
    return ledger;
  };
  const request = (ledger: MemoryLedger, extra: Partial<PromoteRequest> = {}): PromoteRequest => ({
    ledger,
    fromEnvironment: 'staging',
    toEnvironment: 'production',
    targetImage: { registry: registry.host, repository: 'shop/production' },
    targetTags: ['production'],
    requireProtection: true,
    clientFor: () => client,
    ...extra,
  });
  /** Requests that change the registry. */
  const writes = async () => (await registry.settledRequests()).filter((r) => !['GET', 'HEAD'].includes(r.method));

  test('same-registry promotion of a 200 MB image mounts its layers: no layer bytes are copied', async () => {
    const ledger = await ledgerWithHistory();
    await registry.clearRequests();
    const result = await promote(request(ledger, { imageRef: bigRef }));
    const digest = bigRef.split('@')[1];
    expect(result).toMatchObject({ digest, imageRef: `${registry.host}/shop/production@${digest}`, alreadyCurrent: false });
    expect(result.stats).toMatchObject({ mountedBlobs: 2, uploadedBlobs: 0, uploadedBytes: 0 });
    expect((await registry.settledRequests()).filter((r) => r.method === 'PATCH' || (r.method === 'PUT' && r.uri.includes('/blobs/uploads/')))).toEqual([]);
    expect((await registry.settledRequests()).filter((r) => r.method === 'GET' && r.uri.includes('/blobs/'))).toEqual([]);
    expect((await client.manifests.resolve('shop/production', 'production'))?.digest).toBe(digest);
    const recorded = ledger.deployments[0];
    expect(recorded).toMatchObject({ id: result.deploymentId, environment: 'production', task: 'deploy:promote', sha: 'b'.repeat(40) });
    expect(recorded.payload).toMatchObject({ artifact: { ref: result.imageRef, digest, tags: ['production'] }, promotedFrom: { environment: 'staging', deploymentId: 1 } });
    expect(recorded.latestStatus?.state).toBe('success');
  });

  test('without image-ref the last good deployment of the source environment is promoted; a second run records nothing new', async () => {
    const ledger = await ledgerWithHistory();
    await ledger.seed('staging', smallRef, 'success');
    const first = await promote(request(ledger, { toEnvironment: 'sandbox', targetImage: undefined, targetTags: ['sandbox'], requireProtection: false }));
    expect(first.digest).toBe(smallRef.split('@')[1]);
    expect(first.imageRef).toBe(smallRef);
    const count = ledger.deployments.length;
    const again = await promote(request(ledger, { toEnvironment: 'sandbox', targetImage: undefined, targetTags: ['sandbox'], requireProtection: false }));
    expect(again).toMatchObject({ alreadyCurrent: true, deploymentId: first.deploymentId });
    expect(ledger.deployments).toHaveLength(count);
  });

  test('promotion to another registry streams the blobs there and records the target reference', async () => {
    const other = await startRegistry();
    try {
      const ledger = await ledgerWithHistory();
      await ledger.seed('staging', smallRef, 'success');
      const otherClient = new RegistryClient({ registry: other.host });
      const result = await promote(request(ledger, { imageRef: smallRef, targetImage: { registry: other.host, repository: 'shop/live' }, clientFor: (registry) => (registry === other.host ? otherClient : client) }));
      const digest = smallRef.split('@')[1];
      expect(result.imageRef).toBe(`${other.host}/shop/live@${digest}`);
      expect(result.stats).toMatchObject({ uploadedBlobs: 2, mountedBlobs: 0 });
      expect((await otherClient.manifests.resolve('shop/live', 'production'))?.digest).toBe(digest);
      expect(ledger.deployments[0].payload?.artifact?.ref).toBe(result.imageRef);
    } finally {
      await other.stop();
    }
  });

  describe('bad input: a clear error naming the input and the fix, and nothing written', () => {
    const expectRefusal = async (ledger: MemoryLedger, extra: Partial<PromoteRequest>, message: RegExp) => {
      const before = ledger.deployments.length;
      const tagsBefore = await client.manifests.tags('shop/production');
      await registry.clearRequests();
      await expect(promote(request(ledger, extra))).rejects.toThrow(message);
      expect(await writes()).toEqual([]);
      expect(ledger.deployments).toHaveLength(before);
      expect(await client.manifests.tags('shop/production')).toEqual(tagsBefore);
    };

    test('a tag where a digest is required', async () => {
      await expectRefusal(await ledgerWithHistory(), { imageRef: `${registry.host}/shop/staging:4f2a9c1` }, /Input 'image-ref' .* expected a reference pinned by digest .* Fix: use the `image-ref` output/);
    });

    test('a digest that never succeeded in the source environment', async () => {
      const digest = failedRef.split('@')[1];
      await expectRefusal(await ledgerWithHistory(), { imageRef: failedRef }, new RegExp(`${digest} was never deployed successfully to staging.*Fix: deploy it to staging first`));
    });

    test('an unknown target environment', async () => {
      await expectRefusal(await ledgerWithHistory(), { imageRef: bigRef, toEnvironment: 'prod' }, /Input 'to-environment' has the value "prod": expected an environment that exists .* Fix: create it under Settings → Environments/);
    });

    test('an unknown source environment', async () => {
      await expectRefusal(await ledgerWithHistory(), { imageRef: bigRef, fromEnvironment: 'stagign' }, /Input 'from-environment' has the value "stagign"/);
    });

    test('a target environment without protection rules while protection is required', async () => {
      await expectRefusal(await ledgerWithHistory(), { imageRef: bigRef, toEnvironment: 'sandbox' }, /Input 'to-environment' has the value "sandbox": expected an environment with a protection rule .* Fix: add a rule under Settings → Environments → sandbox, or set `require-protection: false`/);
    });

    test('a digest the ledger knows but the registry does not have', async () => {
      const ledger = await ledgerWithHistory();
      const ghost = `${registry.host}/shop/staging@sha256:${'0'.repeat(64)}`;
      await ledger.seed('staging', ghost, 'success');
      await expectRefusal(ledger, { imageRef: ghost }, /Input 'image-ref' .* expected an image present in its registry/);
    });

    test('a version tag in target-tags that names another digest', async () => {
      const ledger = await ledgerWithHistory();
      await ledger.seed('staging', smallRef, 'success');
      await promote(request(ledger, { imageRef: smallRef, targetTags: ['1.4.0'] }));
      await expectRefusal(ledger, { imageRef: bigRef, targetTags: ['production', '1.4.0'] }, /Tag '1\.4\.0' of .*shop\/production already names sha256:.*Fix: give a new version in `target-tags`/);
    });

    test('nothing deployed yet and no image-ref', async () => {
      const ledger = new MemoryLedger().addEnvironment('staging').addEnvironment('production', ['wait_timer']);
      const error = await promote(request(ledger)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/Input 'image-ref' is missing: .* nothing has been deployed successfully to staging yet/);
    });
  });
});

describeIf('promotion with credentials that may not push to the target', () => {
  let tokens: TokenServer;
  let registry: RegistryServer;
  beforeAll(async () => {
    tokens = await startTokenServer({ users: { ci: { password: 'ci-pass', access: { 'shop/staging': ['pull', 'push'], 'shop/production': ['pull'] } } } });
    registry = await startRegistry({ token: tokens });
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  test('a 403 on the target names the permission to grant; no deployment is recorded and no tag moves', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: { username: 'ci', password: 'ci-pass' }, hints: { permission: 'give the target credentials push access' } });
    const ref = `${registry.host}/shop/staging@${await pushSeededImage({ client, repository: 'shop/staging' }, 'denied-promotion', 4096)}`;
    const ledger = new MemoryLedger().addEnvironment('staging').addEnvironment('production', ['required_reviewers']);
    await ledger.seed('staging', ref, 'success');
    const before = ledger.deployments.length;
    await expect(
      promote({ ledger, fromEnvironment: 'staging', toEnvironment: 'production', imageRef: ref, targetImage: { registry: registry.host, repository: 'shop/production' }, targetTags: ['production'], requireProtection: true, clientFor: () => client }),
    ).rejects.toThrow(/The registry denied the push to .*shop\/production \(403: no permission\)\. Fix: give the target credentials push access/);
    expect(ledger.deployments).toHaveLength(before);
    expect(await client.manifests.tags('shop/production')).toEqual([]);
  });
});
