import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';
import { startRegistryProxy, type ProxyFault, type RegistryProxy } from '../../faults/registry-proxy.js';
import { pushSeededImage } from './fixtures.js';

// The faulty proxy in front of the real registry answers the next requests with a chosen failure
// (a 5xx, a 429, or a connection dropped without an answer) and forwards the rest.

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
type Fault = 503 | 429 | 'drop' | 'retry-after-1';

describeIf('retries on 5xx, 429 and dropped connections', () => {
  let registry: RegistryServer;
  let proxy: RegistryProxy;
  let host: string;
  const faults: Fault[] = [];
  let faulted = 0;
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startRegistryProxy(registry.host);
    proxy.decide = (): ProxyFault | undefined => {
      const fault = faults.shift();
      if (fault === undefined) return undefined;
      faulted++;
      if (fault === 'drop') return 'drop';
      return fault === 'retry-after-1' ? { status: 429, retryAfter: '1' } : { status: fault };
    };
    host = proxy.host;
  });
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
  });
  beforeEach(() => {
    faults.length = 0;
    faulted = 0;
  });

  const client = (attempts = 6) => new RegistryClient({ registry: host, attempts, retryDelayMs: 10 });

  test.each<[string, Fault[]]>([
    ['two 503s', [503, 503]],
    ['a 429', [429]],
    ['two dropped connections', ['drop', 'drop']],
  ])('a tag resolves after %s', async (name, injected) => {
    const repository = `retry/${name.replace(/\W+/g, '-')}`;
    const digest = await pushSeededImage({ client: client(), repository }, name, 1024, ['v1']);
    faults.push(...injected);
    const resolved = await client().manifests.resolve(repository, 'v1');
    expect(faulted).toBe(injected.length);
    expect(resolved?.digest).toBe(digest);
  });

  test('a 429 with Retry-After is retried no sooner than the registry asked', async () => {
    const digest = await pushSeededImage({ client: client(), repository: 'retry/after' }, 'retry-after', 1024, ['v1']);
    faults.push('retry-after-1');
    const started = Date.now();
    expect((await client().manifests.resolve('retry/after', 'v1'))?.digest).toBe(digest);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  test('a push whose requests keep failing at first completes, blobs and tags', async () => {
    faults.push(503, 'drop', 503, 'drop');
    const digest = await pushSeededImage({ client: client(), repository: 'retry/push' }, 'flaky-push', 256 * 1024, ['v1']);
    expect(faulted).toBe(4);
    expect((await client().manifests.resolve('retry/push', 'v1'))?.digest).toBe(digest);
  });

  test('when the failures outlast the attempts the error says what the registry answered', async () => {
    faults.push(503, 503, 503);
    await expect(client(3).manifests.resolve('retry/push', 'v1')).rejects.toThrow(/Resolving retry\/push:v1 failed: the registry answered 503/);
  });
});
