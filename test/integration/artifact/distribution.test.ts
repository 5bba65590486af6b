import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { MediaTypes, sha256Digest } from '../../../src/core/artifact/manifests.js';
import { copyImage, emptyStats } from '../../../src/core/artifact/push.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';
import { pushSeededImage, seededBytes, seededDigest } from './fixtures.js';

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;

describeIf('OCI distribution client against the real registry (anonymous)', () => {
  let registry: RegistryServer;
  let client: RegistryClient;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host, chunkSize: 1024 * 1024 });
  });
  afterAll(async () => registry?.stop());

  test('a blob larger than the chunk size goes up in PATCH chunks and reads back verified', async () => {
    const size = 3 * 1024 * 1024 + 123;
    const digest = await seededDigest('chunked', size);
    await registry.clearRequests();
    await client.blobs.upload('chunks/app', digest, size, () => seededBytes('chunked', size));
    const patches = (await registry.settledRequests()).filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(4);
    expect(await client.blobs.exists('chunks/app', digest)).toBe(true);
    let read = 0;
    for await (const chunk of client.blobs.read('chunks/app', digest, size)) read += chunk.length;
    expect(read).toBe(size);
  });

  test('a small blob goes up in one monolithic PUT', async () => {
    const digest = sha256Digest('hello');
    await registry.clearRequests();
    await client.blobs.upload('mono/app', digest, 5, async function* () { yield Buffer.from('hello'); });
    expect((await registry.settledRequests()).map((r) => r.method)).toEqual(['POST', 'PUT']);
    expect((await client.blobs.readAll('mono/app', digest)).toString()).toBe('hello');
  });

  test('an upload whose bytes do not hash to the digest is refused and leaves no blob', async () => {
    const claimed = sha256Digest('something else');
    await expect(client.blobs.upload('mono/app', claimed, 5, async function* () { yield Buffer.from('hello'); })).rejects.toThrow(/DIGEST_INVALID|400/);
    expect(await client.blobs.exists('mono/app', claimed)).toBe(false);
  });

  test('a tag resolves to the digest of the pushed manifest; an unknown tag resolves to null', async () => {
    const target = { client, repository: 'tags/app' };
    const digest = await pushSeededImage(target, 'tagged', 1000, ['v1.0.0', 'latest']);
    expect((await client.manifests.resolve('tags/app', 'v1.0.0'))?.digest).toBe(digest);
    expect((await client.manifests.resolve('tags/app', 'latest'))?.mediaType).toBe(MediaTypes.ociManifest);
    expect(await client.manifests.resolve('tags/app', 'nope')).toBeNull();
    expect((await client.manifests.tags('tags/app')).sort()).toEqual(['latest', 'v1.0.0']);
  });

  test('copying within one registry mounts every blob: no layer bytes are uploaded', async () => {
    const source = { client, repository: 'mount/source' };
    const digest = await pushSeededImage(source, 'mounted', 2 * 1024 * 1024);
    await registry.clearRequests();
    const stats = emptyStats();
    await copyImage(source, { client, repository: 'mount/target' }, digest, stats);
    expect(stats).toMatchObject({ mountedBlobs: 2, uploadedBlobs: 0, uploadedBytes: 0 });
    const requests = (await registry.settledRequests());
    expect(requests.filter((r) => r.method === 'PATCH' || (r.method === 'PUT' && r.uri.includes('/blobs/uploads/')))).toEqual([]);
    expect(requests.filter((r) => r.uri.includes('mount=')).every((r) => r.status === 201)).toBe(true);
    expect((await client.manifests.resolve('mount/target', digest))?.digest).toBe(digest);
  });

  test('copying an index copies every child manifest and its blobs before the index itself', async () => {
    const source = { client, repository: 'index/source' };
    const amd = await pushSeededImage(source, 'amd64', 4096);
    const arm = await pushSeededImage(source, 'arm64', 4096);
    const child = async (digest: string, architecture: string) => ({ mediaType: MediaTypes.ociManifest, digest, size: (await client.manifests.get('index/source', digest))!.size, platform: { os: 'linux', architecture } });
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [await child(amd, 'amd64'), await child(arm, 'arm64')] }));
    const indexDigest = await client.manifests.put('index/source', sha256Digest(index), index, MediaTypes.ociIndex);
    await registry.clearRequests();
    await copyImage(source, { client, repository: 'index/target' }, indexDigest, emptyStats());
    const manifestPuts = (await registry.settledRequests()).filter((r) => r.method === 'PUT' && r.uri.includes('/manifests/')).map((r) => r.uri.split('/').pop());
    expect(manifestPuts).toEqual([amd, arm, indexDigest]);
    expect((await client.manifests.get('index/target', indexDigest))?.mediaType).toBe(MediaTypes.ociIndex);
  });

  test('copying to another registry streams the blobs and verifies them', async () => {
    const other = await startRegistry();
    try {
      const target = { client: new RegistryClient({ registry: other.host, chunkSize: 1024 * 1024 }), repository: 'copied/app' };
      const source = { client, repository: 'cross/source' };
      const digest = await pushSeededImage(source, 'cross', 2 * 1024 * 1024 + 5);
      const stats = emptyStats();
      await copyImage(source, target, digest, stats);
      expect(stats).toMatchObject({ uploadedBlobs: 2, mountedBlobs: 0 });
      expect(stats.uploadedBytes).toBeGreaterThan(2 * 1024 * 1024);
      expect((await target.client.manifests.resolve('copied/app', digest))?.digest).toBe(digest);
      expect(await target.client.blobs.exists('copied/app', await seededDigest('cross', 2 * 1024 * 1024 + 5))).toBe(true);
    } finally {
      await other.stop();
    }
  });
});
