import { SlipwayError } from '../errors.js';
import type { RepositoryHandle } from './client.js';

// Tag policy. Version tags (semver-like `v1.2.3`, `1.2`, commit shas) name one build forever: an
// existing version tag that names another digest is an error, never overwritten. Every other tag
// (`latest`, `staging`, `production`, …) is a pointer that may move.

const VERSION = /^v?\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/;
const COMMIT = /^(sha-)?[0-9a-f]{7,40}$/;

/** Whether a tag is a version tag (immutable) rather than a pointer tag. */
export function isVersionTag(tag: string): boolean {
  return VERSION.test(tag) || COMMIT.test(tag);
}

/** A version tag that already names another digest. */
export class TagConflictError extends SlipwayError {
  override readonly name = 'TagConflictError';
}

/**
 * Checks tags before anything is written: returns the tags that must be written (missing, or
 * pointers that name something else); throws when a version tag names another digest.
 * `input` is the input the tags came from, for the message.
 */
export async function planTags(target: RepositoryHandle, tags: string[], digest: string, input: string): Promise<string[]> {
  const toWrite: string[] = [];
  for (const tag of tags) {
    const current = await target.client.manifests.resolve(target.repository, tag);
    if (current?.digest === digest) continue;
    if (current && isVersionTag(tag)) {
      throw new TagConflictError(
        `Tag '${tag}' of ${target.client.registry}/${target.repository} already names ${current.digest}, not ${digest}; version tags are immutable. ` +
          `Fix: give a new version in \`${input}\` (or build the commit that produced ${current.digest}); only pointer tags such as \`latest\` or \`production\` move.`,
      );
    }
    toWrite.push(tag);
  }
  return toWrite;
}

/** Points tags at manifest bytes already stored by digest (written last: a tag never names a partial image). */
export async function writeTags(target: RepositoryHandle, tags: string[], manifest: Buffer, mediaType: string): Promise<void> {
  for (const tag of tags) await target.client.manifests.put(target.repository, tag, manifest, mediaType);
}
