import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RegistryClient } from '../../src/core/artifact/client.js';
import { promote, type PromoteRequest } from '../../src/core/artifact/promote.js';
import { TagConflictError } from '../../src/core/artifact/tags.js';
import { serverAvailable } from '../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../testkit/bed/registry.js';
import { pushSeededImage, tagsAreWhole, until } from '../integration/artifact/fixtures.js';
import { MemoryLedger } from '../integration/artifact/memory-ledger.js';
import { startRegistryProxy, type ProxiedRequest, type RegistryProxy } from './registry-proxy.js';

// Registry faults as a user meets them: racing runs, a registry that dies mid-push or
// mid-promotion, a registry serving bytes that do not match their digest, and a tag write that
// fails half-way through a pointer move. Each test asserts the state left behind.

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const LAYER = 48 * 1024 * 1024;

/** A PUT of the tag `tag` (not a digest) in any repository. */
const isTagWrite = (request: ProxiedRequest, tag: string) => request.method === 'PUT' && request.path.endsWith(`/manifests/${tag}`);

/** A promise that resolves once it has been awaited `parties` times: both racers are at the line. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const open = new Promise<void>((resolve) => (release = resolve));
  return () => {
    if (++arrived === parties) release();
    return open;
  };
}

/** Flips the first byte of a body: same size, different digest. */
const corrupt = (body: Buffer) => {
  const copy = Buffer.from(body);
  copy[0] ^= 1;
  return copy;
};

describeIf('registry faults', () => {
  let registry: RegistryServer;
  let proxy: RegistryProxy;
  let direct: RegistryClient;
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startRegistryProxy(registry.host);
    direct = new RegistryClient({ registry: registry.host });
  });
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
  });
  const viaProxy = () => new RegistryClient({ registry: proxy.host, attempts: 3, retryDelayMs: 10 });

  /** A ledger where staging ran `refs` successfully (oldest first) and production has a protection rule. */
  const ledgerWith = async (...refs: string[]) => {
    const ledger = new MemoryLedger().addEnvironment('staging').addEnvironment('production', ['required_reviewers']);
    for (const ref of refs) await ledger.seed('staging', ref, 'success', 'c'.repeat(40));
    return ledger;
  };
  const promotion = (ledger: MemoryLedger, imageRef: string, extra: Partial<PromoteRequest>): PromoteRequest => ({
    ledger,
    fromEnvironment: 'staging',
    toEnvironment: 'production',
    imageRef,
    targetTags: ['production'],
    requireProtection: true,
    clientFor: () => viaProxy(),
    ...extra,
  });

  test('racing tag writes: two builds push different images to v1.2.3 at once; one succeeds, the other fails naming the winning digest, and the tag names the winner', async () => {
    // Both pushes pass every check, then the proxy holds each tag write until the other has
    // caught up: the two writes land together, as in two jobs started by the same event.
    const atTheLine = barrier(2);
    proxy.decide = async (request) => {
      if (isTagWrite(request, 'v1.2.3')) await atTheLine();
      return undefined;
    };
    try {
      const outcomes = await Promise.allSettled(['racer-a', 'racer-b'].map((seed) => pushSeededImage({ client: viaProxy(), repository: 'race/app' }, seed, 64 * 1024, ['v1.2.3'])));
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const winner = (won[0] as PromiseFulfilledResult<string>).value;
      const error = (lost[0] as PromiseRejectedResult).reason as Error;
      expect(error).toBeInstanceOf(TagConflictError);
      expect(error.message).toMatch(new RegExp(`^Tag 'v1\\.2\\.3' of ${proxy.host}/race/app names ${winner}, not sha256:[0-9a-f]{64}: another run wrote it at the same time and won`));
      expect(error.message).toContain('Fix: give this build a new version in `tags`, and serialise the runs that write this tag with `concurrency:` in the workflow.');
      expect((await direct.manifests.resolve('race/app', 'v1.2.3'))?.digest).toBe(winner);
    } finally {
      proxy.decide = () => undefined;
    }
  });

  test('racing tag writes: two promotions of different digests to the same version tag; one succeeds, the loser fails naming the winner and its deployment is marked error', async () => {
    const refs = [];
    for (const seed of ['promo-a', 'promo-b']) refs.push(`${proxy.host}/race/staging@${await pushSeededImage({ client: direct, repository: 'race/staging' }, seed, 1024)}`);
    const atTheLine = barrier(2);
    proxy.decide = async (request) => {
      if (isTagWrite(request, '2.0.0')) await atTheLine();
      return undefined;
    };
    try {
      const ledger = await ledgerWith(...refs);
      const target = { registry: proxy.host, repository: 'race/production' };
      const outcomes = await Promise.allSettled(refs.map((ref) => promote(promotion(ledger, ref, { targetImage: target, targetTags: ['2.0.0'] }))));
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const winner = (won[0] as PromiseFulfilledResult<{ digest: string }>).value.digest;
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(TagConflictError);
      expect(((lost[0] as PromiseRejectedResult).reason as Error).message).toContain(`names ${winner}, not `);
      expect((await direct.manifests.resolve('race/production', '2.0.0'))?.digest).toBe(winner);
      const recorded = ledger.deployments.filter((d) => d.environment === 'production');
      expect(recorded.map((d) => [d.payload?.artifact?.digest === winner, d.latestStatus?.state]).sort()).toEqual([
        [false, 'error'],
        [true, 'success'],
      ]);
    } finally {
      proxy.decide = () => undefined;
    }
  });

  test('registry killed mid-push: the push fails saying the registry stopped answering, no tag is written, and a re-run after the restart ends with the same digest and its tags', async () => {
    const crashing = await startRegistry();
    try {
      const impatient = new RegistryClient({ registry: crashing.host, chunkSize: 4 * 1024 * 1024, attempts: 2, retryDelayMs: 50 });
      const push = pushSeededImage({ client: impatient, repository: 'crash/again' }, 'again', LAYER, ['v2', 'latest']);
      await until(() => crashing.requests().filter((r) => r.method === 'PATCH').length >= 1, 'the upload to be under way');
      await crashing.kill();
      await expect(push).rejects.toThrow(
        new RegExp(`^Pushing ${crashing.host}/crash/again@sha256:[0-9a-f]{64} failed: the registry stopped answering \\(.*ECONNREFUSED.*\\) and did not come back within the retries\\. No tag was written\\. Fix: re-run once the registry answers`),
      );
      await crashing.restart();

      const client = new RegistryClient({ registry: crashing.host, chunkSize: 4 * 1024 * 1024 });
      expect(await client.manifests.tags('crash/again')).toEqual([]);
      const digest = await pushSeededImage({ client, repository: 'crash/again' }, 'again', LAYER, ['v2', 'latest']);
      expect(await tagsAreWhole(client, 'crash/again')).toEqual([
        { tag: 'latest', whole: true },
        { tag: 'v2', whole: true },
      ]);
      expect((await client.manifests.resolve('crash/again', 'v2'))?.digest).toBe(digest);
    } finally {
      await crashing.stop();
    }
  });

  test('registry killed mid-promotion: the promotion fails, production still names the old image and the ledger records nothing; after the restart a re-run moves the tag and records success', async () => {
    const crashing = await startRegistry();
    try {
      const target = { registry: crashing.host, repository: 'shop/live' };
      const targetClient = (attempts?: number) => new RegistryClient({ registry: crashing.host, chunkSize: 4 * 1024 * 1024, attempts, retryDelayMs: 50 });
      const old = await pushSeededImage({ client: targetClient(), repository: 'shop/live' }, 'old-live', 1024, ['production']);
      const ref = `${registry.host}/shop/staging@${await pushSeededImage({ client: direct, repository: 'shop/staging' }, 'next-live', LAYER)}`;
      const ledger = await ledgerWith(ref);
      const before = ledger.deployments.length;
      const impatient = targetClient(2);
      const run = promote(promotion(ledger, ref, { targetImage: target, clientFor: (host) => (host === crashing.host ? impatient : direct) }));
      await until(() => crashing.requests().filter((r) => r.method === 'PATCH').length >= 1, 'the copy to be under way');
      await crashing.kill();
      await expect(run).rejects.toThrow(new RegExp(`^Copying ${ref.replace(/[.]/g, '\\.')} to ${crashing.host}/shop/live failed: the registry stopped answering .* No tag was written\\.`));
      await crashing.restart();

      const client = targetClient();
      expect((await client.manifests.resolve('shop/live', 'production'))?.digest).toBe(old);
      expect(ledger.deployments).toHaveLength(before);
      const again = await promote(promotion(ledger, ref, { targetImage: target, clientFor: (host) => (host === crashing.host ? client : direct) }));
      expect((await client.manifests.resolve('shop/live', 'production'))?.digest).toBe(again.digest);
      expect(ledger.deployments[0]).toMatchObject({ id: again.deploymentId, environment: 'production', latestStatus: { state: 'success' } });
      expect(await tagsAreWhole(client, 'shop/live')).toEqual([{ tag: 'production', whole: true }]);
    } finally {
      await crashing.stop();
    }
  });

  test.each([
    ['manifest', (request: ProxiedRequest) => request.method === 'GET' && /\/manifests\/sha256:/.test(request.path), /failed verification: its bytes hash to sha256:[0-9a-f]{64}/],
    ['blob', (request: ProxiedRequest) => request.method === 'GET' && request.path.includes('/blobs/'), /^Blob sha256:[0-9a-f]{64} from .* failed verification: received \d+ bytes hashing to sha256:[0-9a-f]{64}; they are refused\. Fix: /],
  ])('client-side digest mismatch: a source registry serving a %s whose bytes do not match its digest is refused; the target gets no image, no tag, and the ledger no deployment', async (what, served, message) => {
    const ref = `${proxy.host}/mismatch/staging@${await pushSeededImage({ client: direct, repository: 'mismatch/staging' }, `mismatch-${what}`, 64 * 1024)}`;
    const digest = ref.split('@')[1];
    const other = await startRegistry();
    try {
      const otherClient = new RegistryClient({ registry: other.host });
      const ledger = await ledgerWith(ref);
      const before = ledger.deployments.length;
      proxy.decide = (request) => (served(request) ? { rewriteBody: corrupt } : undefined);
      await expect(promote(promotion(ledger, ref, { targetImage: { registry: other.host, repository: 'mismatch/live' }, clientFor: (host) => (host === other.host ? otherClient : viaProxy()) }))).rejects.toThrow(message);
      expect(await otherClient.manifests.resolve('mismatch/live', digest)).toBeNull();
      expect(await otherClient.manifests.tags('mismatch/live')).toEqual([]);
      expect(ledger.deployments).toHaveLength(before);
    } finally {
      proxy.decide = () => undefined;
      await other.stop();
    }
  });

  test('pointer tags all-or-nothing: when the third tag write fails, the tags already moved are put back (a new one is left, since this registry cannot delete a tag) and the error names each', async () => {
    const old = await pushSeededImage({ client: direct, repository: 'pointers/live' }, 'pointers-old', 1024, ['production', 'stable']);
    const ref = `${proxy.host}/pointers/staging@${await pushSeededImage({ client: direct, repository: 'pointers/staging' }, 'pointers-new', 1024)}`;
    const next = ref.split('@')[1];
    const ledger = await ledgerWith(ref);
    // `stable` never gets written: every attempt meets a registry that is down for it.
    proxy.decide = (request) => (isTagWrite(request, 'stable') ? { status: 503 } : undefined);
    try {
      const run = promote(promotion(ledger, ref, { targetImage: { registry: proxy.host, repository: 'pointers/live' }, targetTags: ['edge', 'production', 'stable'] }));
      await expect(run).rejects.toThrow(
        `Moving tag 'stable' of ${proxy.host}/pointers/live to ${next} failed: Writing manifest pointers/live:stable failed: the registry answered 503 (UNAVAILABLE: injected by the test proxy). ` +
          `The pointer tags this run had moved: edge (left on ${next}: it did not exist before, and the registry does not delete tags (DELETE answered 400)), production (back to ${old}). ` +
          'Fix: re-run once the registry answers.',
      );
    } finally {
      proxy.decide = () => undefined;
    }
    expect((await direct.manifests.resolve('pointers/live', 'production'))?.digest).toBe(old);
    expect((await direct.manifests.resolve('pointers/live', 'stable'))?.digest).toBe(old);
    expect(ledger.deployments[0]).toMatchObject({ environment: 'production', latestStatus: { state: 'error' } });

    const again = await promote(promotion(ledger, ref, { targetImage: { registry: proxy.host, repository: 'pointers/live' }, targetTags: ['edge', 'production', 'stable'] }));
    for (const tag of ['edge', 'production', 'stable']) expect((await direct.manifests.resolve('pointers/live', tag))?.digest).toBe(again.digest);
  });
});
