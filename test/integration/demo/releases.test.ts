import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildRelease, readRelease } from '../../../demo/releases.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;

describeIf('demo releases in the real registry', () => {
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  test('a release is pushed by digest and its config is read back from that digest', async () => {
    const built = await buildRelease(registry.host, { version: 'v7', errorRate: 0.03 }, 1_760_000_000);
    expect(built.artifact.ref).toBe(`${registry.host}/slipway-demo/shop@${built.artifact.digest}`);
    expect(built.artifact.tags).toEqual(['v7']);
    expect(await readRelease(built.artifact)).toEqual({ version: 'v7', errorRate: 0.03 });
  });

  test('the same release and commit time build the same digest; another config builds another', async () => {
    const first = await buildRelease(registry.host, { version: 'v8', errorRate: 0.02 }, 1_760_000_000);
    const again = await buildRelease(registry.host, { version: 'v8', errorRate: 0.02 }, 1_760_000_000);
    const other = await buildRelease(registry.host, { version: 'v9', errorRate: 0.1 }, 1_760_000_000);
    expect(again.artifact.digest).toBe(first.artifact.digest);
    expect(other.artifact.digest).not.toBe(first.artifact.digest);
  });
});
