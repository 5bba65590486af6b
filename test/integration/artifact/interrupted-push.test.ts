import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';
import { pushSeededImage, tagsAreWhole, until } from './fixtures.js';

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const LAYER = 48 * 1024 * 1024;

describeIf('a push interrupted by a registry crash', () => {
  let registry: RegistryServer;
  beforeEach(async () => {
    registry = await startRegistry();
  });
  afterEach(async () => registry?.stop());

  test('the registry is killed mid-upload and restarted: the push retries, completes, and tags come only after every blob', async () => {
    const client = new RegistryClient({ registry: registry.host, chunkSize: 4 * 1024 * 1024, attempts: 8, retryDelayMs: 200 });
    const push = pushSeededImage({ client, repository: 'crash/app' }, 'crash', LAYER, ['v1', 'latest']);
    await until(() => registry.requests().filter((r) => r.method === 'PATCH').length >= 2, 'the upload to be under way');
    await registry.kill();
    await new Promise((resolve) => setTimeout(resolve, 700));
    await registry.restart();
    const digest = await push;

    expect(await tagsAreWhole(client, 'crash/app')).toEqual([{ tag: 'latest', whole: true }, { tag: 'v1', whole: true }]);
    expect((await client.manifests.resolve('crash/app', 'v1'))?.digest).toBe(digest);
    // The log after the restart shows the order: blob completed, manifest by digest, then the tags.
    const writes = (await registry.settledRequests()).filter((r) => r.method === 'PUT' && r.status === 201).map((r) => r.uri.replace(/\?.*$/, '').split('/').slice(-2).join('/'));
    const manifestAt = writes.indexOf(`manifests/${digest}`);
    expect(manifestAt).toBeGreaterThan(0);
    expect(writes.slice(manifestAt + 1)).toEqual(['manifests/v1', 'manifests/latest']);
  });
});
