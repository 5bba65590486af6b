import { createHash } from 'node:crypto';
import { SlipwayError } from '../errors.js';
import { unexpected, type RegistryHttp } from './http.js';
import { isDigest } from './reference.js';

// Manifests over the distribution API: resolve a tag (HEAD, all four manifest media types in
// Accept), GET and PUT by digest or tag, and the tag list. The bytes are kept exactly as
// received: a manifest's digest is the sha256 of its bytes, so it is never re-serialised.
// Answers are checked, not trusted: a manifest read by digest must hash to it, carry one of the
// four manifest media types (the body's `mediaType` agreeing with Content-Type) and have that
// type's shape; anything else is an InvalidManifestError naming the registry and the reference.

/** The media types Slipway reads and writes. */
export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

const MANIFEST_TYPES: readonly string[] = [MediaTypes.ociManifest, MediaTypes.ociIndex, MediaTypes.dockerManifest, MediaTypes.dockerList];
const ACCEPT = MANIFEST_TYPES.join(', ');

/** A registry answered 200 with something that is not the manifest asked for. */
export class InvalidManifestError extends SlipwayError {
  override readonly name = 'InvalidManifestError';
}

/** A content descriptor (OCI image spec). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

/** The fields of an image manifest or index that the client follows. */
export interface ManifestJson {
  schemaVersion: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

/** What a HEAD tells about a manifest. */
export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

/** A manifest with its exact bytes. */
export interface Manifest extends ManifestHead {
  bytes: Buffer;
  json: ManifestJson;
}

/** Whether a media type is an index (OCI index or Docker manifest list). */
export function isIndex(mediaType: string): boolean {
  return mediaType === MediaTypes.ociIndex || mediaType === MediaTypes.dockerList;
}

/** The `sha256:` digest of some bytes. */
export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The registry's manifest endpoints. */
export class Manifests {
  constructor(private readonly http: RegistryHttp) {}

  /** Resolves a tag or digest to its digest, media type and size; null when absent. */
  async resolve(repository: string, reference: string): Promise<ManifestHead | null> {
    const response = await this.http.send({ method: 'HEAD', repository, path: `manifests/${reference}`, headers: { accept: ACCEPT } });
    if (response.status === 404) return null;
    if (response.status !== 200) return unexpected(response, `Resolving ${repository}:${reference}`);
    const digest = response.headers.get('docker-content-digest');
    const mediaType = baseType(response.headers.get('content-type'));
    if (digest && isDigest(reference) && digest !== reference) {
      throw new InvalidManifestError(`${this.http.registry}/${repository}@${reference} answered a HEAD with the digest ${digest}: expected the digest asked for. The registry is not serving that artifact faithfully; check what answers at ${this.http.baseUrl}.`);
    }
    // Registries should send the digest and the type; when one does not, the body is the only truth.
    if (!digest || !isDigest(digest) || !MANIFEST_TYPES.includes(mediaType)) {
      const manifest = await this.get(repository, reference);
      return manifest && { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size };
    }
    return { digest, mediaType, size: Number(response.headers.get('content-length') ?? 0) };
  }

  /** Reads a manifest; when `reference` is a digest the bytes are verified against it. Null when absent. */
  async get(repository: string, reference: string): Promise<Manifest | null> {
    const response = await this.http.send({ method: 'GET', repository, path: `manifests/${reference}`, headers: { accept: ACCEPT } });
    if (response.status === 404) return null;
    if (response.status !== 200) return unexpected(response, `Reading manifest ${repository}:${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(bytes);
    const what = `Manifest ${reference} of ${this.http.registry}/${repository}`;
    if (isDigest(reference) && digest !== reference) {
      throw new InvalidManifestError(`${what} failed verification: its bytes hash to ${digest}, expected the digest asked for. The registry is not serving that artifact faithfully.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new InvalidManifestError(`${what} is not JSON (Content-Type ${response.headers.get('content-type') ?? 'none'}): expected one of ${MANIFEST_TYPES.join(', ')}.`);
    }
    const mediaType = checkManifest(json, baseType(response.headers.get('content-type')), what);
    return { digest, mediaType, size: bytes.length, bytes, json: json as ManifestJson };
  }

  /** Writes manifest bytes under a digest or tag; verifies the registry computed the same digest. */
  async put(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const response = await this.http.send({ method: 'PUT', repository, path: `manifests/${reference}`, push: true, headers: { 'content-type': mediaType }, body: bytes });
    if (response.status !== 201) return unexpected(response, `Writing manifest ${repository}:${reference}`);
    await response.body?.cancel();
    const expected = sha256Digest(bytes);
    const answered = response.headers.get('docker-content-digest');
    if (answered && answered !== expected) throw new SlipwayError(`The registry stored manifest ${repository}:${reference} as ${answered}, expected ${expected}.`);
    return expected;
  }

  /** The repository's tags ([] when the repository does not exist). */
  async tags(repository: string): Promise<string[]> {
    const response = await this.http.send({ method: 'GET', repository, path: 'tags/list' });
    if (response.status === 404) return [];
    if (response.status !== 200) return unexpected(response, `Listing the tags of ${repository}`);
    return ((await response.json()) as { tags?: string[] | null }).tags ?? [];
  }
}

/** A media type without its parameters (`; charset=…`), lower-cased; '' when absent. */
function baseType(header: string | null): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * The media type of a manifest body, checked: the body's `mediaType` (or else the Content-Type,
 * or else its shape, as OCI manifests may omit the field) must be one of the four manifest types,
 * agree with the Content-Type when that names one, and the body must have that type's shape.
 */
function checkManifest(json: unknown, contentType: string, what: string): string {
  const body = (typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {}) as Record<string, unknown>;
  const declared = typeof body.mediaType === 'string' ? body.mediaType : undefined;
  const mediaType = declared ?? (MANIFEST_TYPES.includes(contentType) ? contentType : Array.isArray(body.manifests) ? MediaTypes.ociIndex : MediaTypes.ociManifest);
  const problem = !MANIFEST_TYPES.includes(mediaType)
    ? `its media type is ${mediaType}`
    : declared && MANIFEST_TYPES.includes(contentType) && contentType !== declared
      ? `its body says ${declared} but Content-Type says ${contentType}`
      : body.schemaVersion !== 2
        ? `its schemaVersion is ${JSON.stringify(body.schemaVersion) ?? 'missing'}`
        : isIndex(mediaType)
          ? !descriptors(body.manifests) && 'its `manifests` is not a list of descriptors'
          : !(descriptors([body.config]) && descriptors(body.layers)) && 'its `config` and `layers` are not descriptors';
  if (problem) {
    throw new InvalidManifestError(`${what} is not a valid manifest: ${problem}; expected schemaVersion 2 and one of ${MANIFEST_TYPES.join(', ')} with its descriptors. Check what answers at that registry.`);
  }
  return mediaType;
}

/** Whether `value` is a list of content descriptors (media type, digest, size). */
function descriptors(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((d) => typeof d === 'object' && d !== null && typeof d.mediaType === 'string' && typeof d.digest === 'string' && isDigest(d.digest) && Number.isInteger(d.size) && d.size >= 0)
  );
}

/** The blobs and child manifests a manifest refers to, children first for an index. */
export function references(manifest: ManifestJson): { blobs: Descriptor[]; children: Descriptor[] } {
  return { blobs: [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])], children: manifest.manifests ?? [] };
}
