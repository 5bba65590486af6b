import { errorMessage, SlipwayError } from '../errors.js';
import type { RepositoryHandle } from './client.js';
import { sleep } from './http.js';
import { sha256Digest } from './manifests.js';

// Tag policy. Version tags (semver-like `v1.2.3`, `1.2`, commit shas) name one build forever: an
// existing version tag that names another digest is an error, never overwritten. Every other tag
// (`latest`, `staging`, `production`, …) is a pointer that may move.
//
// Writing. The distribution API has no conditional write: a PUT of a tag replaces whatever it
// named. So each tag is checked again just before its write (the plan was made before the upload,
// possibly minutes earlier), and the written tags are read back after a pause longer than a rival
// takes from its check to its write. A rival that passed its check before our write has written
// by then, and the digest the tag names is the winner's (Fischer's timing-based mutual exclusion).
// Version tags are settled first, so a run that loses one has moved no pointer tag. Version tags
// that name this build stay when a later step fails: they are true, and a re-run skips them.
// Pointer tags move all or nothing: when one fails, those this run moved are put back.

const VERSION = /^v?\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/;
const COMMIT = /^(sha-)?[0-9a-f]{7,40}$/;

/** The least pause between writing tags and reading them back, in ms (longer when the writes were slow). */
export const TAG_SETTLE_MS = 1000;

/** Whether a tag is a version tag (immutable) rather than a pointer tag. */
export function isVersionTag(tag: string): boolean {
  return VERSION.test(tag) || COMMIT.test(tag);
}

/** A tag that names another digest than this run's: an existing version tag, or a race lost to another run. */
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
        `Tag '${tag}' of ${nameOf(target)} already names ${current.digest}, not ${digest}; version tags are immutable. ` +
          `Fix: give a new version in \`${input}\` (or build the commit that produced ${current.digest}); only pointer tags such as \`latest\` or \`production\` move.`,
      );
    }
    toWrite.push(tag);
  }
  return toWrite;
}

/**
 * Points tags at manifest bytes already stored by digest (written last: a tag never names a
 * partial image), then reads them back: version tags first, then pointer tags, all or nothing.
 * Throws a TagConflictError naming the winning digest when another run wrote a tag meanwhile.
 */
export async function writeTags(target: RepositoryHandle, tags: string[], manifest: Buffer, mediaType: string, input: string): Promise<void> {
  const digest = sha256Digest(manifest);
  await claimVersionTags(target, tags.filter(isVersionTag), { digest, manifest, mediaType }, input);
  await movePointerTags(target, tags.filter((tag) => !isVersionTag(tag)), { digest, manifest, mediaType });
}

/** What a fetch-level failure was: "fetch failed" says nothing without its cause (ECONNREFUSED, …). */
export function failureText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const detail = cause?.code ?? cause?.message;
  const text = errorMessage(error).replace(/\.$/, '');
  return detail && !text.includes(detail) ? `${text} (${detail})` : text;
}

interface TagTarget {
  digest: string;
  manifest: Buffer;
  mediaType: string;
}

/** A pointer tag this run moved, and what it named before (null: it did not exist). */
interface Moved {
  tag: string;
  previous: string | null;
}

async function claimVersionTags(target: RepositoryHandle, tags: string[], image: TagTarget, input: string): Promise<void> {
  const written: string[] = [];
  const slowestMs = await writeUnlessNamed(target, tags, image, {
    beforeWrite: (tag, current) => {
      if (current !== null) throw lostRace(target, tag, image.digest, current, input);
    },
    afterWrite: (tag) => void written.push(tag),
    failure: (tag, error) => {
      if (error instanceof TagConflictError) return error;
      const kept = written.length > 0 ? ` The version tags written before it name this build and stay (a re-run skips them): ${written.join(', ')}.` : '';
      return new SlipwayError(`Writing tag '${tag}' of ${nameOf(target)} failed: ${failureText(error)}.${kept} No pointer tag was moved. Fix: re-run once the registry answers.`);
    },
  });
  if (written.length === 0) return;
  await settle(slowestMs);
  for (const tag of written) {
    const now = await readBack(target, tag, 'No pointer tag was moved.');
    if (now !== image.digest) throw lostRace(target, tag, image.digest, now, input);
  }
}

async function movePointerTags(target: RepositoryHandle, tags: string[], image: TagTarget): Promise<void> {
  const moved: Moved[] = [];
  const slowestMs = await writeUnlessNamed(target, tags, image, {
    // Listed before the write: a write whose answer was lost may still have landed.
    beforeWrite: (tag, previous) => void moved.push({ tag, previous }),
    failure: async (tag, error) => {
      const restored = await putBack(target, moved, image);
      return new SlipwayError(`Moving tag '${tag}' of ${nameOf(target)} to ${image.digest} failed: ${failureText(error)}. ${restored} Fix: re-run once the registry answers.`);
    },
  });
  if (moved.length === 0) return;
  await settle(slowestMs);
  for (const { tag } of moved) {
    const now = await readBack(target, tag, `The pointer tags this run moved were left as they are: ${moved.map((m) => m.tag).join(', ')}.`);
    if (now === image.digest) continue;
    const restored = await putBack(target, moved.filter((m) => m.tag !== tag), image);
    throw new TagConflictError(
      `Tag '${tag}' of ${nameOf(target)} names ${now ?? 'nothing'}, not ${image.digest}: another run moved it at the same time and won. ${restored} ` +
        'Fix: serialise the runs that move these tags with `concurrency:` in the workflow, then re-run this one if its image should be the one they name.',
    );
  }
}

/** What a caller of writeUnlessNamed does around each write. */
interface WriteSteps {
  /** Just before the write, with the digest the tag names then (null: none); may refuse by throwing. */
  beforeWrite(tag: string, current: string | null): void;
  /** Once the registry accepted the write. */
  afterWrite?(tag: string): void;
  /** The error to throw for what failed while checking or writing `tag`; the tags after it are not tried. */
  failure(tag: string, error: unknown): Error | Promise<Error>;
}

/**
 * Points each tag that does not name this build yet at it, in order, checking the tag again just
 * before its write. Returns the slowest check-to-write seen, in ms, for settle().
 */
async function writeUnlessNamed(target: RepositoryHandle, tags: string[], image: TagTarget, steps: WriteSteps): Promise<number> {
  let slowestMs = 0;
  for (const tag of tags) {
    try {
      const started = Date.now();
      const current = await currentDigest(target, tag);
      if (current === image.digest) continue;
      steps.beforeWrite(tag, current);
      await target.client.manifests.put(target.repository, tag, image.manifest, image.mediaType);
      steps.afterWrite?.(tag);
      slowestMs = Math.max(slowestMs, Date.now() - started);
    } catch (error) {
      throw await steps.failure(tag, error);
    }
  }
  return slowestMs;
}

/**
 * Puts the moved tags back where they were, where they still name this run's digest (a tag a
 * rival has moved since is the rival's). Returns the sentence the error carries.
 */
async function putBack(target: RepositoryHandle, moved: Moved[], image: TagTarget): Promise<string> {
  const report: string[] = [];
  for (const { tag, previous } of moved) {
    try {
      if ((await currentDigest(target, tag)) !== image.digest) continue;
      if (previous === null) {
        report.push(`${tag} (${await removeTag(target, tag, image.digest)})`);
        continue;
      }
      const before = await target.client.manifests.get(target.repository, previous);
      if (!before) throw new SlipwayError(`${previous} is no longer in the repository`);
      await target.client.manifests.put(target.repository, tag, before.bytes, before.mediaType);
      report.push(`${tag} (back to ${previous})`);
    } catch (error) {
      report.push(`${tag} (still names ${image.digest}: putting it back to ${previous ?? 'nothing'} failed: ${failureText(error)}; put it back by hand)`);
    }
  }
  return report.length > 0 ? `The pointer tags this run had moved: ${report.join(', ')}.` : 'No other pointer tag had been moved.';
}

/**
 * Deletes a tag this run created. The OCI distribution spec (1.1, end-9) deletes a tag by
 * `DELETE /v2/<name>/manifests/<tag>`; registries that predate it refuse (distribution 2.8 answers
 * 400), and the tag is left.
 */
async function removeTag(target: RepositoryHandle, tag: string, digest: string): Promise<string> {
  const response = await target.client.http.send({ method: 'DELETE', repository: target.repository, path: `manifests/${tag}`, push: true });
  await response.body?.cancel();
  if (response.status === 202) return 'removed: it did not exist before';
  return `left on ${digest}: it did not exist before, and the registry does not delete tags (DELETE answered ${response.status})`;
}

/** A tag's digest after the pause; a registry that stopped answering leaves the outcome unknown, and the error says so. */
async function readBack(target: RepositoryHandle, tag: string, state: string): Promise<string | null> {
  try {
    return await currentDigest(target, tag);
  } catch (error) {
    throw new SlipwayError(
      `Reading back tag '${tag}' of ${nameOf(target)} failed: ${failureText(error)}; it was written, but whether another run overwrote it is unknown. ${state} ` +
        'Fix: re-run once the registry answers: it checks every tag again.',
    );
  }
}

async function currentDigest(target: RepositoryHandle, tag: string): Promise<string | null> {
  return (await target.client.manifests.resolve(target.repository, tag))?.digest ?? null;
}

/** Waits before reading back: at least TAG_SETTLE_MS, and four times the slowest check-to-write seen (a slow registry is slow for rivals too). */
function settle(slowestMs: number): Promise<void> {
  return sleep(Math.max(TAG_SETTLE_MS, 4 * slowestMs));
}

function lostRace(target: RepositoryHandle, tag: string, ours: string, winner: string | null, input: string): TagConflictError {
  return new TagConflictError(
    `Tag '${tag}' of ${nameOf(target)} names ${winner ?? 'nothing'}, not ${ours}: another run wrote it at the same time and won; version tags are immutable, so it stays. ` +
      `Fix: give this build a new version in \`${input}\`, and serialise the runs that write this tag with \`concurrency:\` in the workflow.`,
  );
}

function nameOf(target: RepositoryHandle): string {
  return `${target.client.registry}/${target.repository}`;
}
