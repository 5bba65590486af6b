import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { serverAvailable } from '../../../src/testbed/binaries.js';
import { freePort } from '../../../src/testbed/ports.js';
import { startRegistry, type RegistryServer } from '../../../src/testbed/registry.js';
import { pushSeededImage } from './fixtures.js';

// A faulty proxy in front of the real registry: it answers the next requests with a chosen
// failure (a 5xx, a 429, or a connection dropped without an answer) and forwards the rest.

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
type Fault = 503 | 429 | 'drop' | 'retry-after-1';

describeIf('retries on 5xx, 429 and dropped connections', () => {
  let registry: RegistryServer;
  let proxy: Server;
  let host: string;
  const faults: Fault[] = [];
  let faulted = 0;
  beforeAll(async () => {
    registry = await startRegistry();
    const [registryHost, registryPort] = registry.host.split(':');
    proxy = createServer((req, res) => {
      const fault = faults.shift();
      if (fault !== undefined) {
        faulted++;
        req.resume();
        if (fault === 'drop') return req.socket.destroy();
        const [status, retryAfter] = fault === 'retry-after-1' ? [429, '1'] : [fault, '0'];
        return res.writeHead(status, { 'content-type': 'application/json', 'retry-after': retryAfter }).end('{"errors":[{"code":"TOOMANYREQUESTS","message":"try later"}]}');
      }
      const upstream = httpRequest({ host: registryHost, port: Number(registryPort), method: req.method, path: req.url, headers: { ...req.headers, host: registry.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    host = `127.0.0.1:${port}`;
  });
  afterAll(async () => {
    proxy?.closeAllConnections();
    await new Promise((resolve) => proxy?.close(resolve));
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
