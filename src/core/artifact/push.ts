import { silentLogger, type Logger } from '../log.js';
import type { BlobSource } from './blobs.js';
import type { RepositoryHandle } from './client.js';
import { isConnectionError } from './http.js';
import { isIndex, references, sha256Digest, type Descriptor } from './manifests.js';
import { failureText, planTags, writeTags } from './tags.js';
import { SlipwayError } from '../errors.js';

// Pushing and copying images in the one order that keeps a registry consistent at every instant:
// blobs first, then child manifests, then the manifest by digest, and tags last. A push cut short
// leaves unreferenced blobs at worst, never a tag naming an image with missing parts.

/** A blob to put in place: mounted from `mountFrom` (same registry) when possible, else uploaded from `source`. */
export interface BlobToPush {
  descriptor: Descriptor;
  source: BlobSource;
  /** A repository of the same registry that has the blob. */
  mountFrom?: string;
}

/** What happened to the blobs of a push or copy. */
export interface TransferStats {
  uploadedBlobs: number;
  uploadedBytes: number;
  mountedBlobs: number;
  /** Blobs the target already had. */
  presentBlobs: number;
}

/** Result of `pushImage`. */
export interface PushResult {
  digest: string;
  /** Tags that now name the digest (all that were asked for). */
  tags: string[];
  /** True when the manifest was already in the repository (a rebuild of the same inputs). */
  reused: boolean;
  stats: TransferStats;
}

/** Puts a blob in the target: skipped when present, mounted when possible, else streamed up. */
export async function transferBlob(target: RepositoryHandle, blob: BlobToPush, stats: TransferStats, logger: Logger = silentLogger): Promise<void> {
  const { digest, size } = blob.descriptor;
  const blobs = target.client.blobs;
  if (await blobs.exists(target.repository, digest)) {
    stats.presentBlobs++;
    return;
  }
  let location: string | undefined;
  if (blob.mountFrom) {
    location = await blobs.mount(target.repository, digest, blob.mountFrom);
    if (location === undefined) {
      logger.debug(`mounted ${digest} from ${blob.mountFrom}`);
      stats.mountedBlobs++;
      return;
    }
  }
  logger.debug(`uploading ${digest} (${size} bytes)`);
  await blobs.upload(target.repository, digest, size, blob.source, location);
  stats.uploadedBlobs++;
  stats.uploadedBytes += size;
}

/** A fresh stats record. */
export function emptyStats(): TransferStats {
  return { uploadedBlobs: 0, uploadedBytes: 0, mountedBlobs: 0, presentBlobs: 0 };
}

/**
 * Pushes an image built locally: checks the tags (a version tag naming another digest fails before
 * anything is written), puts the blobs, the manifest by digest, then the tags.
 */
export async function pushImage(
  target: RepositoryHandle,
  image: { manifest: Buffer; mediaType: string; blobs: BlobToPush[] },
  options: { tags: string[]; tagsInput: string; logger?: Logger },
): Promise<PushResult> {
  const logger = options.logger ?? silentLogger;
  const digest = sha256Digest(image.manifest);
  const stats = emptyStats();
  let toTag: string[];
  let reused: boolean;
  try {
    toTag = await planTags(target, options.tags, digest, options.tagsInput);
    reused = (await target.client.manifests.resolve(target.repository, digest)) !== null;
    if (!reused) {
      for (const blob of image.blobs) await transferBlob(target, blob, stats, logger);
      await target.client.manifests.put(target.repository, digest, image.manifest, image.mediaType);
    }
  } catch (error) {
    throw unreachableRegistry(error, `Pushing ${target.client.registry}/${target.repository}@${digest}`);
  }
  await writeTags(target, toTag, image.manifest, image.mediaType, options.tagsInput);
  return { digest, tags: options.tags, reused, stats };
}

/**
 * A registry that stopped answering (connections refused or dropped past the retries), said
 * plainly: fetch reports it only as "fetch failed". `what` names the push or copy, before any tag.
 * Any other error is returned as it is.
 */
export function unreachableRegistry(error: unknown, what: string): unknown {
  if (!isConnectionError(error)) return error;
  return new SlipwayError(
    `${what} failed: the registry stopped answering (${failureText(error)}) and did not come back within the retries. No tag was written. ` +
      'Fix: re-run once the registry answers; what was uploaded is kept, and the re-run ends with the same digest.',
  );
}

/**
 * Copies the image `digest` (an index with every child manifest, or one image) from `source` to
 * `target`: blobs by mount within one registry, streamed and verified across registries; then the
 * manifests by digest, byte for byte. Tags are the caller's (written after). Returns the manifest.
 */
export async function copyImage(source: RepositoryHandle, target: RepositoryHandle, digest: string, stats: TransferStats, logger: Logger = silentLogger): Promise<{ bytes: Buffer; mediaType: string }> {
  const manifest = await source.client.manifests.get(source.repository, digest);
  if (!manifest) throw new SlipwayError(`${source.client.registry}/${source.repository}@${digest} is not in the registry.`);
  if (await target.client.manifests.resolve(target.repository, digest)) return manifest;
  const sameRegistry = source.client.registry === target.client.registry;
  const { blobs, children } = references(manifest.json);
  if (isIndex(manifest.mediaType)) {
    for (const child of children) await copyImage(source, target, child.digest, stats, logger);
  }
  for (const descriptor of blobs) {
    await transferBlob(
      target,
      {
        descriptor,
        source: () => source.client.blobs.read(source.repository, descriptor.digest, descriptor.size),
        mountFrom: sameRegistry && source.repository !== target.repository ? source.repository : undefined,
      },
      stats,
      logger,
    );
  }
  await target.client.manifests.put(target.repository, digest, manifest.bytes, manifest.mediaType);
  return manifest;
}
