import { InputError } from '../errors.js';

// Image names and references (distribution/reference grammar, simplified to what OCI registries
// accept): `registry/repository[:tag][@sha256:<64 hex>]`. The only reference that moves between
// stages is the one pinned by digest (docs/artifacts.md).

/** A repository in a registry, e.g. {registry: 'ghcr.io', repository: 'acme/shop'}. */
export interface ImageName {
  /** Host[:port] as written; `docker.io` when the name had none. */
  registry: string;
  repository: string;
}

/** An image name with an optional tag and/or digest. */
export interface ImageReference extends ImageName {
  tag?: string;
  digest?: string;
}

/** A reference pinned by digest: the only kind promoted between environments. */
export interface PinnedReference extends ImageName {
  digest: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

/** Whether `value` is a `sha256:<64 lowercase hex>` digest. */
export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Whether `value` is a valid tag (OCI: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`). */
export function isTag(value: string): boolean {
  return TAG.test(value);
}

/** Parses `registry/repo[:tag][@digest]`; errors name `input` and show the expected form. */
export function parseImageReference(input: string, value: string): ImageReference {
  const expected = '`registry/repository`, optionally with `:tag` or `@sha256:<64 hex>`';
  let rest = value.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw new InputError(input, value, 'a digest of the form `sha256:<64 lowercase hex>` after `@`', 'copy the digest from the build output (`digest` or `image-ref`)');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isTag(tag)) throw new InputError(input, value, 'a tag of letters, digits, `_`, `.` and `-` (at most 128, not starting with `.` or `-`)');
  }
  const name = splitName(input, value, rest, expected);
  return { ...name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Parses a bare image name (`registry/repository`), refusing a tag or digest. */
export function parseImageName(input: string, value: string): ImageName {
  const ref = parseImageReference(input, value);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new InputError(input, value, 'an image name without tag or digest (`registry/repository`)', 'give tags in `tags:` / `target-tags:` and leave them out of the name');
  }
  return { registry: ref.registry, repository: ref.repository };
}

/** Parses a reference that must be pinned by digest; a tag alone is refused (tags are never trusted after the build). */
export function parsePinnedReference(input: string, value: string): PinnedReference {
  const ref = parseImageReference(input, value);
  if (ref.digest === undefined) {
    throw new InputError(
      input,
      value,
      'a reference pinned by digest (`registry/repository@sha256:<64 hex>`), not a tag',
      'use the `image-ref` output of build-immutable-image (tags can move; Slipway only promotes digests)',
    );
  }
  return { registry: ref.registry, repository: ref.repository, digest: ref.digest };
}

/** `registry/repository[:tag][@digest]` as text. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The base URL of a registry's API: http for loopback hosts (as docker does), https otherwise. */
export function registryBaseUrl(registry: string): string {
  if (registry === 'docker.io') return 'https://registry-1.docker.io';
  const host = registry.replace(/:\d+$/, '');
  const loopback = host === 'localhost' || /^127\./.test(host) || host === '[::1]';
  return `${loopback ? 'http' : 'https'}://${registry}`;
}

function splitName(input: string, value: string, name: string, expected: string): ImageName {
  const parts = name.split('/');
  let registry = 'docker.io';
  // The first component is a registry when it looks like a host (docker's rule): has a dot or a
  // port, or is localhost.
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost' || parts[0].startsWith('['))) {
    registry = parts.shift()!;
    if (!HOST.test(registry)) throw new InputError(input, value, `${expected}; \`${registry}\` is not a valid registry host`);
  }
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) {
    throw new InputError(input, value, `${expected}; repository components are lowercase letters, digits and single separators (\`.\`, \`_\`, \`__\`, \`-\`)`);
  }
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  return { registry, repository: parts.join('/') };
}
