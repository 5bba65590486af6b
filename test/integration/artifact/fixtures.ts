import { createCipheriv, createHash } from 'node:crypto';
import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RegistryClient, RepositoryHandle } from '../../../src/core/artifact/client.js';
import { MediaTypes, sha256Digest } from '../../../src/core/artifact/manifests.js';
import { pushImage } from '../../../src/core/artifact/push.js';

// Test fixtures for the artifact tests: directory trees written in a chosen order with chosen
// mtimes and modes, and large pseudo-random blobs generated as streams (never held in memory).

/** Writes `files` (path → content) under `root` in the given order, with `mtime` and file `mode`. */
export function writeTree(root: string, files: Record<string, string>, options: { order?: 'forward' | 'reverse'; mtime: number; mode?: number; execs?: string[] }): void {
  const paths = Object.keys(files);
  if (options.order === 'reverse') paths.reverse();
  for (const path of paths) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, files[path]);
    chmodSync(file, options.execs?.includes(path) ? 0o775 : options.mode ?? 0o644);
    utimesSync(file, options.mtime, options.mtime);
  }
}

/** `size` pseudo-random bytes from `seed`, streamed in 1 MiB chunks (AES-CTR over zeros). */
export async function* seededBytes(seed: string, size: number): AsyncGenerator<Buffer> {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = size; left > 0; left -= zeros.length) yield cipher.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
}

/** The sha256 digest of a seeded blob, computed by streaming it once. */
export async function seededDigest(seed: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of seededBytes(seed, size)) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

/** Pushes an image with one seeded layer of `size` bytes (and tags); returns its digest. */
export async function pushSeededImage(target: RepositoryHandle, seed: string, size: number, tags: string[] = []): Promise<string> {
  const layerDigest = await seededDigest(seed, size);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layerDigest] }, config: { Labels: { seed } } }));
  const configDescriptor = { mediaType: MediaTypes.ociConfig, digest: sha256Digest(config), size: config.length };
  const layerDescriptor = { mediaType: MediaTypes.ociLayerGzip, digest: layerDigest, size };
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: configDescriptor, layers: [layerDescriptor] }));
  const result = await pushImage(
    target,
    {
      manifest,
      mediaType: MediaTypes.ociManifest,
      blobs: [
        { descriptor: configDescriptor, source: async function* () { yield config; } },
        { descriptor: layerDescriptor, source: () => seededBytes(seed, size) },
      ],
    },
    { tags, tagsInput: 'tags' },
  );
  return result.digest;
}

/** Each tag of the repository, and whether it names a manifest whose blobs are all present. */
export async function tagsAreWhole(client: RegistryClient, repository: string): Promise<{ tag: string; whole: boolean }[]> {
  const result = [];
  for (const tag of await client.manifests.tags(repository)) {
    const manifest = await client.manifests.get(repository, tag);
    const blobs = [manifest!.json.config!, ...manifest!.json.layers!];
    const present = await Promise.all(blobs.map((b) => client.blobs.exists(repository, b.digest)));
    result.push({ tag, whole: present.every(Boolean) });
  }
  return result;
}

/** Resolves once `condition` holds (polled every 5 ms); fails after a minute naming `what`. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
