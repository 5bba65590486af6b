import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { RegistryAuthError } from '../../../src/core/artifact/auth.js';
import { RecordingLogger } from '../../../src/core/log.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';
import { startTokenServer, type TokenServer } from '../../../testkit/bed/token-server.js';
import { pushSeededImage, seededBytes, seededDigest } from './fixtures.js';

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const hints = { credentials: 'check `registry-username` and `registry-password`', permission: 'grant the user push access' };

describeIf('registry auth: htpasswd basic auth', () => {
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startRegistry({ users: { ci: 's3cret-basic' } });
  });
  afterAll(async () => registry?.stop());

  test('with the right credentials an image is pushed and resolved, and the password is never logged', async () => {
    const logger = new RecordingLogger();
    const client = new RegistryClient({ registry: registry.host, credentials: { username: 'ci', password: 's3cret-basic' }, logger });
    const digest = await pushSeededImage({ client, repository: 'basic/app' }, 'basic', 2048, ['v1']);
    expect((await client.manifests.resolve('basic/app', 'v1'))?.digest).toBe(digest);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toMatch(/s3cret-basic|Y2k6czNjcmV0LWJhc2lj/);
  });

  test('wrong credentials fail with a 401 that says which inputs to fix, and nothing is written', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: { username: 'ci', password: 'wrong' }, hints });
    const error = await pushSeededImage({ client, repository: 'basic/denied' }, 'denied', 2048, ['v1']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect((error as Error).message).toMatch(/rejected the credentials for the pull from 127\.0\.0\.1:\d+\/basic\/denied \(401\)\. Fix: check `registry-username` and `registry-password`/);
    expect((error as Error).message).not.toContain('wrong');
    const admin = new RegistryClient({ registry: registry.host, credentials: { username: 'ci', password: 's3cret-basic' } });
    expect(await admin.manifests.tags('basic/denied')).toEqual([]);
  });

  test('no credentials fail with a 401 that asks for them', async () => {
    const client = new RegistryClient({ registry: registry.host, hints });
    await expect(client.manifests.resolve('basic/app', 'v1')).rejects.toThrow(/requires credentials .* \(401\)\. Fix: check `registry-username`/);
  });
});

describeIf('registry auth: bearer-token challenge flow', () => {
  let tokens: TokenServer;
  let registry: RegistryServer;
  beforeAll(async () => {
    tokens = await startTokenServer({
      users: {
        writer: { password: 'w-pass', access: { '*': ['pull', 'push'] } },
        reader: { password: 'r-pass', access: { '*': ['pull'] } },
        outsider: { password: 'o-pass', access: {} },
      },
      forbidden: ['outsider'],
    });
    registry = await startRegistry({ token: tokens });
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  test('a writer gets tokens from the realm, pushes and reads back; tokens are cached per scope', async () => {
    const logger = new RecordingLogger();
    const client = new RegistryClient({ registry: registry.host, credentials: { username: 'writer', password: 'w-pass' }, logger });
    const digest = await pushSeededImage({ client, repository: 'bearer/app' }, 'bearer', 4096, ['v1']);
    expect((await client.manifests.resolve('bearer/app', 'v1'))?.digest).toBe(digest);
    expect(tokens.issued()).toBeLessThanOrEqual(3);
    expect(JSON.stringify(logger.lines)).not.toMatch(/w-pass|Bearer ey/);
  });

  test('a reader may pull but its push is refused as a permission problem (no push scope), with nothing written', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: { username: 'reader', password: 'r-pass' }, hints });
    expect(await client.manifests.resolve('bearer/app', 'v1')).not.toBeNull();
    await expect(pushSeededImage({ client, repository: 'bearer/readonly' }, 'readonly', 1024, ['v1'])).rejects.toThrow(/denied the push to .*bearer\/readonly \(403: no permission\)\. Fix: grant the user push access/);
    const writer = new RegistryClient({ registry: registry.host, credentials: { username: 'writer', password: 'w-pass' } });
    expect(await writer.manifests.tags('bearer/readonly')).toEqual([]);
  });

  test('anonymous access the token service grants nothing is a 403 whose fix is credentials, not more permission for them', async () => {
    const client = new RegistryClient({ registry: registry.host, hints });
    await expect(pushSeededImage({ client, repository: 'bearer/anonymous' }, 'anonymous', 1024, ['v1'])).rejects.toThrow(/denied the pull from .*bearer\/anonymous without credentials \(403: no permission\)\. Fix: check `registry-username` and `registry-password`/);
  });

  test('a wrong password is a 401 from the token service naming the inputs to fix', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: { username: 'writer', password: 'nope' }, hints });
    await expect(client.manifests.resolve('bearer/app', 'v1')).rejects.toThrow(/rejected the credentials .*\(401; the token service .* rejected the credentials\)\. Fix: check `registry-username`/);
  });

  test('a user the token service turns away gets a 403 naming the permission to grant', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: { username: 'outsider', password: 'o-pass' }, hints });
    await expect(client.manifests.resolve('bearer/app', 'v1')).rejects.toThrow(/\(403: no permission; the token service .* denied access .*\)\. Fix: grant the user push access/);
  });
});

describeIf('registry auth: short-lived bearer tokens', () => {
  let tokens: TokenServer;
  let registry: RegistryServer;
  beforeAll(async () => {
    tokens = await startTokenServer({ users: { writer: { password: 'w-pass', access: { '*': ['pull', 'push'] } } }, ttlSeconds: 4 });
    registry = await startRegistry({ token: tokens });
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  test('a chunked upload that outlasts its token renews the token between chunks and completes', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: { username: 'writer', password: 'w-pass' }, chunkSize: 1024 * 1024 });
    const size = 5 * 1024 * 1024;
    const digest = await seededDigest('slow', size);
    const slowly = async function* () {
      for await (const chunk of seededBytes('slow', size)) {
        await new Promise((resolve) => setTimeout(resolve, 1100));
        yield chunk;
      }
    };
    const started = Date.now();
    await client.blobs.upload('slow/app', digest, size, slowly);
    expect(Date.now() - started).toBeGreaterThan(5000);
    expect(await client.blobs.exists('slow/app', digest)).toBe(true);
    expect(tokens.issued()).toBeGreaterThanOrEqual(2);
    expect((await registry.settledRequests()).filter((r) => r.status === 401 && r.method === 'PATCH')).toEqual([]);
  });
});
