import { createHash } from 'node:crypto';
import { SlipwayError } from '../errors.js';
import { withRetry } from '../retry.js';
import { isConnectionError, TokenRefreshedError, unexpected, UnexpectedResponseError, type RegistryHttp } from './http.js';

// Blobs (layers and configs) over the distribution API: HEAD to check, POST+PUT (monolithic) or
// POST+PATCH…+PUT (chunked) to upload, POST ?mount=&from= to mount across repositories, GET to
// read. Bodies are streams: a large layer is never held whole in memory (a chunked upload holds
// nothing either: each PATCH streams its slice of the source).

/** Where a blob's bytes come from; called again for each upload attempt. */
export type BlobSource = () => AsyncIterable<Uint8Array>;

/** Options of `Blobs`. */
export interface BlobOptions {
  /** Blobs larger than this go up in PATCH chunks of this size (default 64 MiB). */
  chunkSize?: number;
}

/** The registry's blob endpoints. */
export class Blobs {
  private readonly chunkSize: number;

  constructor(
    private readonly http: RegistryHttp,
    options: BlobOptions = {},
  ) {
    this.chunkSize = options.chunkSize ?? 64 * 1024 * 1024;
  }

  /** Whether the repository has the blob (HEAD). */
  async exists(repository: string, digest: string): Promise<boolean> {
    const response = await this.http.send({ method: 'HEAD', repository, path: `blobs/${digest}` });
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    return unexpected(response, `Checking blob ${digest} in ${repository}`);
  }

  /**
   * Mounts a blob from another repository of the same registry: no bytes move. Returns the upload
   * location when the registry declined (then the blob must be uploaded), undefined when mounted.
   */
  async mount(repository: string, digest: string, fromRepository: string): Promise<string | undefined> {
    const query = new URLSearchParams({ mount: digest, from: fromRepository });
    const response = await this.http.send({ method: 'POST', repository, path: `blobs/uploads/?${query}`, push: true });
    if (response.status === 201) return undefined;
    if (response.status === 202) return this.location(response, repository);
    return unexpected(response, `Mounting blob ${digest} from ${fromRepository} into ${repository}`);
  }

  /**
   * Uploads a blob streamed from `source` (monolithic up to the chunk size, chunked above). A
   * failed attempt (dropped connection, 5xx, an upload session the registry forgot after a
   * restart) starts over with a new session; the blob is checked first in case the last attempt
   * completed unseen. The registry verifies the digest on the final PUT.
   */
  async upload(repository: string, digest: string, size: number, source: BlobSource, location?: string): Promise<void> {
    await withRetry(
      async (attempt) => {
        if (attempt > 1 && (await this.existsAfterFailure(repository, digest))) return;
        const sourceFailure: { error?: unknown } = {};
        const watchedSource: BlobSource = () => watched(source, sourceFailure);
        try {
          const start = location ?? (await this.startUpload(repository));
          location = undefined;
          if (size <= this.chunkSize) await this.putMonolithic(repository, start, digest, size, watchedSource);
          else await this.putChunked(repository, start, digest, size, watchedSource);
        } catch (error) {
          // Bytes that failed their digest check (a source registry serving the wrong bytes) are
          // refused at once, with that check's message: reading them again would not change them.
          throw sourceFailure.error instanceof SlipwayError ? sourceFailure.error : error;
        }
      },
      { policy: this.http.retryPolicy, clock: this.http.clock, classify: (error) => (isRestartable(error) ? {} : undefined) },
    );
  }

  /** Streams a blob, verifying at the end that the bytes hash to `digest` (and have `size`). */
  async *read(repository: string, digest: string, size?: number): AsyncGenerator<Uint8Array> {
    const response = await this.http.send({ method: 'GET', repository, path: `blobs/${digest}` });
    if (response.status === 404) throw new SlipwayError(`Blob ${digest} is missing from ${this.http.registry}/${repository}.`);
    if (response.status !== 200 || !response.body) {
      await unexpected(response, `Reading blob ${digest}`);
      return;
    }
    const hash = createHash('sha256');
    let received = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
      yield chunk;
    }
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest || (size !== undefined && received !== size)) {
      throw new SlipwayError(
        `Blob ${digest} from ${this.http.registry}/${repository} failed verification: received ${received} bytes hashing to ${actual}; they are refused. ` +
          `Fix: the registry (or a proxy or cache in front of it) serves corrupt content for ${digest}: repair or re-push it there.`,
      );
    }
  }

  /** A small blob (a config) read whole and verified. */
  async readAll(repository: string, digest: string): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.read(repository, digest)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  private async existsAfterFailure(repository: string, digest: string): Promise<boolean> {
    try {
      return await this.exists(repository, digest);
    } catch (error) {
      if (isRestartable(error)) return false;
      throw error;
    }
  }

  private async startUpload(repository: string): Promise<string> {
    const response = await this.http.send({ method: 'POST', repository, path: 'blobs/uploads/', push: true });
    if (response.status !== 202) return unexpected(response, `Starting an upload to ${repository}`);
    return this.location(response, repository);
  }

  private async putMonolithic(repository: string, location: string, digest: string, size: number, source: BlobSource): Promise<void> {
    const response = await this.http.send({
      method: 'PUT',
      repository,
      path: withDigest(location, digest),
      push: true,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: size === 0 ? Buffer.alloc(0) : source,
    });
    if (response.status !== 201) return unexpected(response, `Uploading blob ${digest} to ${repository}`);
    await response.body?.cancel();
  }

  private async putChunked(repository: string, location: string, digest: string, size: number, source: BlobSource): Promise<void> {
    const iterator = source()[Symbol.asyncIterator]();
    const carry: { rest?: Uint8Array } = {};
    for (let offset = 0; offset < size; offset += this.chunkSize) {
      const length = Math.min(this.chunkSize, size - offset);
      const response = await this.http.send({
        method: 'PATCH',
        repository,
        path: location,
        push: true,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(length), 'content-range': `${offset}-${offset + length - 1}` },
        body: () => slice(iterator, carry, length),
      });
      if (response.status !== 202) return unexpected(response, `Uploading chunk ${offset}-${offset + length - 1} of blob ${digest} to ${repository}`);
      location = this.location(response, repository);
    }
    const response = await this.http.send({ method: 'PUT', repository, path: withDigest(location, digest), push: true, headers: { 'content-length': '0' }, body: Buffer.alloc(0) });
    if (response.status !== 201) return unexpected(response, `Completing the upload of blob ${digest} to ${repository}`);
    await response.body?.cancel();
  }

  private location(response: Response, repository: string): string {
    const location = response.headers.get('location');
    if (!location) throw new SlipwayError(`The registry started an upload to ${repository} without a Location header.`);
    void response.body?.cancel();
    return new URL(location, this.http.baseUrl).toString();
  }
}

/** The source's bytes, keeping the error it ends with: fetch reports that error only as the cause of "fetch failed". */
async function* watched(source: BlobSource, failure: { error?: unknown }): AsyncGenerator<Uint8Array> {
  try {
    yield* source();
  } catch (error) {
    failure.error = error;
    throw error;
  }
}

/** The next `length` bytes of a shared iterator, keeping what overshoots for the next slice. */
async function* slice(iterator: AsyncIterator<Uint8Array>, carry: { rest?: Uint8Array }, length: number): AsyncGenerator<Uint8Array> {
  let sent = 0;
  while (sent < length) {
    let chunk = carry.rest;
    carry.rest = undefined;
    if (!chunk) {
      const next = await iterator.next();
      if (next.done) throw new SlipwayError(`The blob source ended ${length - sent} bytes early.`);
      chunk = next.value;
    }
    const take = Math.min(chunk.length, length - sent);
    if (take < chunk.length) carry.rest = chunk.subarray(take);
    sent += take;
    yield chunk.subarray(0, take);
  }
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}

/** Failures after which a new upload session can succeed. */
function isRestartable(error: unknown): boolean {
  // A token that expired mid-upload (a fresh one is cached now) needs the whole body sent again.
  if (isConnectionError(error) || error instanceof TokenRefreshedError) return true;
  // A lost or invalidated session (a restarted registry forgets its upload state secret), a range
  // it did not expect, or a failing registry. Not DIGEST_INVALID: sending the same bytes again
  // cannot help.
  if (!(error instanceof UnexpectedResponseError)) return false;
  return error.status >= 500 || error.status === 416 || error.codes.some((c) => ['BLOB_UPLOAD_UNKNOWN', 'BLOB_UPLOAD_INVALID'].includes(c));
}
