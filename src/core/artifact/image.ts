import { InputError } from '../errors.js';
import { MediaTypes, type Descriptor } from './manifests.js';

// The OCI image config and manifest of a packaged image, as pure functions of their inputs. The
// JSON is built with a fixed key order (and sorted labels) so the same inputs give the same bytes.

/** os/architecture[/variant], e.g. linux/amd64. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The parts of an OCI image config Slipway reads and writes; the rest of a base config is kept as is. */
export interface ImageConfigJson {
  created?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: { Labels?: Record<string, string> | null; [key: string]: unknown };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
  [key: string]: unknown;
}

/** Parses `os/arch[/variant]` (e.g. `linux/arm64/v8`); errors name `input`. */
export function parsePlatform(input: string, value: string): Platform {
  const [os, architecture, variant, ...rest] = value.split('/');
  if (!os || !architecture || rest.length > 0) throw new InputError(input, value, '`os/architecture[/variant]`, e.g. `linux/amd64`');
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** `os/arch[/variant]` as text. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The OCI labels of an image built from a commit (`org.opencontainers.image.*`). */
export function sourceLabels(source: { revision: string; url?: string; created: string }): Record<string, string> {
  return {
    'org.opencontainers.image.created': source.created,
    'org.opencontainers.image.revision': source.revision,
    ...(source.url ? { 'org.opencontainers.image.source': source.url } : {}),
  };
}

/** An RFC 3339 time (UTC, whole seconds) of seconds since the epoch. */
export function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The config of an image: the base config (or a fresh one) plus one layer, the labels and the creation time. */
export function imageConfig(options: { base?: ImageConfigJson; platform: Platform; created: string; labels: Record<string, string>; diffId: string; comment: string }): Buffer {
  const base = options.base;
  const labels = { ...(base?.config?.Labels ?? {}), ...options.labels };
  const sortedLabels = Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]]));
  const config: ImageConfigJson = {
    ...(base ?? {}),
    created: options.created,
    architecture: base?.architecture ?? options.platform.architecture,
    os: base?.os ?? options.platform.os,
    ...(base?.variant ?? options.platform.variant ? { variant: base?.variant ?? options.platform.variant } : {}),
    config: { ...(base?.config ?? {}), Labels: sortedLabels },
    rootfs: { type: 'layers', diff_ids: [...(base?.rootfs.diff_ids ?? []), options.diffId] },
    history: [...(base?.history ?? []), { created: options.created, created_by: options.comment }],
  };
  return Buffer.from(JSON.stringify(config));
}

/** An OCI image manifest over a config and layers. */
export function imageManifest(config: Descriptor, layers: Descriptor[]): Buffer {
  const strip = (d: Descriptor): Descriptor => ({ mediaType: d.mediaType, digest: d.digest, size: d.size });
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: strip(config), layers: layers.map(strip) }));
}

/** The OCI media type of a (possibly Docker) layer: the bytes, hence the digest, are the same. */
export function ociLayerMediaType(mediaType: string): string {
  return mediaType === MediaTypes.dockerLayerGzip ? MediaTypes.ociLayerGzip : mediaType;
}
