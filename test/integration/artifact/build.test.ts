import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildPackage, type PackageBuild } from '../../../src/core/artifact/build.js';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { rfc3339, sourceLabels } from '../../../src/core/artifact/image.js';
import { TagConflictError } from '../../../src/core/artifact/tags.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';
import { pushSeededImage, writeTree } from './fixtures.js';

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const FILES = { 'index.html': 'v1', 'bin/run': '#!/bin/sh\n', 'static/app.js': 'console.log(1)' };
const EPOCH = 1_700_000_000;

describeIf('the package builder against the real registry', () => {
  let registry: RegistryServer;
  let client: RegistryClient;
  let root: string;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host });
    root = mkdtempSync(join(tmpdir(), 'slipway-build-'));
  });
  afterAll(async () => {
    await registry?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const build = (directory: string, repository: string, extra: Partial<PackageBuild> = {}) =>
    buildPackage({
      target: { client, repository },
      directory,
      platform: { os: 'linux', architecture: 'amd64' },
      sourceDateEpoch: EPOCH,
      created: rfc3339(EPOCH),
      labels: sourceLabels({ revision: 'c0ffee'.repeat(6) + 'c0ff', url: 'https://github.com/acme/shop', created: rfc3339(EPOCH) }),
      tags: ['c0ffeec'],
      workDir: root,
      ...extra,
    });

  test('two copies of a directory (other mtimes, order, umask) build the same digest; the second push is a no-op', async () => {
    writeTree(join(root, 'one'), FILES, { order: 'forward', mtime: 1_000, execs: ['bin/run'] });
    const previous = process.umask(0o027);
    writeTree(join(root, 'two'), FILES, { order: 'reverse', mtime: 2_000_000_000, mode: 0o640, execs: ['bin/run'] });
    process.umask(previous);
    const first = await build(join(root, 'one'), 'same/app');
    await registry.clearRequests();
    const second = await build(join(root, 'two'), 'same/app');
    expect(second.digest).toBe(first.digest);
    expect(first.reused).toBe(false);
    expect(second.reused).toBe(true);
    expect((await registry.settledRequests()).filter((r) => ['PUT', 'PATCH', 'POST'].includes(r.method))).toEqual([]);
  });

  test('one changed byte builds a different digest', async () => {
    writeTree(join(root, 'three'), { ...FILES, 'index.html': 'v2' }, { mtime: 1_000, execs: ['bin/run'] });
    const a = await build(join(root, 'one'), 'diff/app', { tags: [] });
    const b = await build(join(root, 'three'), 'diff/app', { tags: [] });
    expect(b.digest).not.toBe(a.digest);
  });

  test('the config carries the OCI labels and the commit time', async () => {
    const result = await build(join(root, 'one'), 'labels/app', { tags: [] });
    const manifest = await client.manifests.get('labels/app', result.digest);
    const config = JSON.parse((await client.blobs.readAll('labels/app', manifest!.json.config!.digest)).toString());
    expect(config.created).toBe('2023-11-14T22:13:20Z');
    expect(config.config.Labels).toEqual({
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
      'org.opencontainers.image.revision': 'c0ffee'.repeat(6) + 'c0ff',
      'org.opencontainers.image.source': 'https://github.com/acme/shop',
    });
  });

  test('a version tag that names another digest fails, says which digest holds it, and nothing is written', async () => {
    const original = await build(join(root, 'one'), 'immutable/app', { tags: ['v1.0.0'] });
    await registry.clearRequests();
    const error = await build(join(root, 'three'), 'immutable/app', { tags: ['v1.0.0', 'latest'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TagConflictError);
    expect((error as Error).message).toContain(`Tag 'v1.0.0' of ${registry.host}/immutable/app already names ${original.digest}`);
    expect((error as Error).message).toMatch(/Fix: give a new version in `tags`/);
    expect((await registry.settledRequests()).filter((r) => r.method !== 'HEAD' && r.method !== 'GET')).toEqual([]);
    expect((await client.manifests.resolve('immutable/app', 'v1.0.0'))?.digest).toBe(original.digest);
    expect(await client.manifests.tags('immutable/app')).toEqual(['v1.0.0']);
  });

  test('pointer tags move to the new build', async () => {
    await build(join(root, 'one'), 'pointer/app', { tags: ['latest'] });
    const next = await build(join(root, 'three'), 'pointer/app', { tags: ['latest'] });
    expect((await client.manifests.resolve('pointer/app', 'latest'))?.digest).toBe(next.digest);
  });

  test('the pushed layer holds neither .git (with the token actions/checkout keeps there) nor what .slipwayignore excludes', async () => {
    writeTree(join(root, 'checkout'), { ...FILES, '.git/config': '[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n', '.slipwayignore': 'static/\n', 'notes.log': 'x' }, { mtime: 1_000 });
    const result = await build(join(root, 'checkout'), 'clean/app', { tags: [] });
    const manifest = await client.manifests.get('clean/app', result.digest);
    const tar = gunzipSync(await client.blobs.readAll('clean/app', manifest!.json.layers![0].digest)).toString('latin1');
    expect(tar).toContain('app/index.html');
    for (const absent of ['.git', 'AUTHORIZATION', 'static/app.js', '.slipwayignore']) expect({ absent, found: tar.includes(absent) }).toEqual({ absent, found: false });
  });

  test('on a base image the base layers are mounted, not downloaded, and come first', async () => {
    const baseDigest = await pushSeededImage({ client, repository: 'base/runtime' }, 'runtime', 3 * 1024 * 1024);
    await registry.clearRequests();
    const result = await build(join(root, 'one'), 'onbase/app', { base: { handle: { client, repository: 'base/runtime' }, digest: baseDigest }, tags: [] });
    const requests = (await registry.settledRequests());
    expect(requests.filter((r) => r.method === 'GET' && r.uri.includes('/blobs/') && !r.uri.includes('uploads'))).toHaveLength(1); // the base config only
    expect(requests.filter((r) => r.uri.includes('mount=')).map((r) => r.status)).toEqual([201]);
    expect(result.stats).toMatchObject({ mountedBlobs: 1, uploadedBlobs: 2 });
    const base = await client.manifests.get('base/runtime', baseDigest);
    const manifest = await client.manifests.get('onbase/app', result.digest);
    expect(manifest!.json.layers![0].digest).toBe(base!.json.layers![0].digest);
    expect(manifest!.json.layers).toHaveLength(2);
  });
});
