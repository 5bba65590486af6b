import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { serverAvailable } from '../../../src/testbed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../src/testbed/registry.js';
import { pushSeededImage } from './fixtures.js';

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const LAYER = 48 * 1024 * 1024;

/** Every tag of the repository names a manifest whose blobs are all present. */
async function tagsAreWhole(client: RegistryClient, repository: string): Promise<{ tag: string; whole: boolean }[]> {
  const result = [];
  for (const tag of await client.manifests.tags(repository)) {
    const manifest = await client.manifests.get(repository, tag);
    const blobs = [manifest!.json.config!, ...manifest!.json.layers!];
    const present = await Promise.all(blobs.map((b) => client.blobs.exists(repository, b.digest)));
    result.push({ tag, whole: present.every(Boolean) });
  }
  return result;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

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

  test('a push that gives up while the registry is down leaves no tag; running it again completes the image', async () => {
    const impatient = new RegistryClient({ registry: registry.host, chunkSize: 4 * 1024 * 1024, attempts: 2, retryDelayMs: 50 });
    const push = pushSeededImage({ client: impatient, repository: 'crash/again' }, 'again', LAYER, ['v2']);
    await until(() => registry.requests().filter((r) => r.method === 'PATCH').length >= 1, 'the upload to be under way');
    await registry.kill();
    await expect(push).rejects.toThrow();
    await registry.restart();

    const client = new RegistryClient({ registry: registry.host, chunkSize: 4 * 1024 * 1024 });
    expect(await client.manifests.tags('crash/again')).toEqual([]);
    const digest = await pushSeededImage({ client, repository: 'crash/again' }, 'again', LAYER, ['v2']);
    expect(await tagsAreWhole(client, 'crash/again')).toEqual([{ tag: 'v2', whole: true }]);
    expect((await client.manifests.resolve('crash/again', 'v2'))?.digest).toBe(digest);
  });
});
