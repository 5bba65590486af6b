import { readFile, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { InputError, SlipwayError } from '../errors.js';
import { quote } from '../secrets/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { Credentials } from './auth.js';
import type { RepositoryHandle } from './client.js';
import { formatPlatform, imageConfig, imageManifest, ociLayerMediaType, type ImageConfigJson, type Platform } from './image.js';
import { isIndex, MediaTypes, sha256Digest, type Descriptor } from './manifests.js';
import { packDirectory } from './package.js';
import { emptyStats, pushImage, type BlobToPush, type PushResult } from './push.js';
import { isDigest } from './reference.js';
import { planTags, writeTags } from './tags.js';

// The two builders of build-immutable-image. `package` packs a directory deterministically and
// pushes it over the distribution API (daemonless); `docker` drives `docker buildx` through a
// CommandRunner port (the action hands in runCommand, src/core/process/run.ts) and then tags by digest.

/** Runs an external command; the action's adapter uses runCommand (src/core/process/run.ts). */
export interface CommandRunner {
  /**
   * Runs `command`; `input` goes to its stdin (how secrets are passed: never as arguments);
   * `passEnv` names variables of the runner's environment the command also sees (a build secret's `env=`).
   */
  run(command: string, args: string[], options?: { env?: Record<string, string>; passEnv?: string[]; cwd?: string; input?: Buffer }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** What the `package` builder needs. */
export interface PackageBuild {
  target: RepositoryHandle;
  directory: string;
  /** Directory inside the image the files land in (default `app`). */
  prefix?: string;
  platform: Platform;
  /** The commit time: every mtime, and the `created` time. */
  sourceDateEpoch: number;
  labels: Record<string, string>;
  created: string;
  /** A base image pinned by digest; its layers are mounted (same registry) or streamed, never unpacked. */
  base?: { handle: RepositoryHandle; digest: string };
  tags: string[];
  /** Where the layer file is written (removed afterwards). */
  workDir: string;
  /** Keep symbolic links that lead out of `directory` (default: refuse them before anything is pushed). */
  allowExternalSymlinks?: boolean;
  logger?: Logger;
}

/** Builds and pushes a packaged image; the digest is known before anything is written. */
export async function buildPackage(build: PackageBuild): Promise<PushResult> {
  const logger = build.logger ?? silentLogger;
  const base = build.base ? await readBase(build.base.handle, build.base.digest, build.platform) : undefined;
  const layerPath = join(build.workDir, `slipway-layer-${process.pid}-${Date.now()}.tar.gz`);
  try {
    const layer = await packDirectory(build.directory, layerPath, { mtime: build.sourceDateEpoch, prefix: build.prefix ?? 'app', allowExternalSymlinks: build.allowExternalSymlinks });
    logger.info(`Packed ${build.directory} into layer ${layer.digest} (${layer.size} bytes)`);
    const config = imageConfig({ base: base?.config, platform: build.platform, created: build.created, labels: build.labels, diffId: layer.diffId, comment: 'slipway package' });
    const configDescriptor: Descriptor = { mediaType: MediaTypes.ociConfig, digest: sha256Digest(config), size: config.length };
    const layerDescriptor: Descriptor = { mediaType: MediaTypes.ociLayerGzip, digest: layer.digest, size: layer.size };
    const baseLayers = (base?.layers ?? []).map((d) => ({ ...d, mediaType: ociLayerMediaType(d.mediaType) }));
    const manifest = imageManifest(configDescriptor, [...baseLayers, layerDescriptor]);
    const sameRegistry = build.base && build.base.handle.client.registry === build.target.client.registry;
    const blobs: BlobToPush[] = [
      ...baseLayers.map((descriptor) => ({
        descriptor,
        source: () => build.base!.handle.client.blobs.read(build.base!.handle.repository, descriptor.digest, descriptor.size),
        mountFrom: sameRegistry && build.base!.handle.repository !== build.target.repository ? build.base!.handle.repository : undefined,
      })),
      { descriptor: configDescriptor, source: async function* () { yield config; } },
      // 1 MiB reads: a third faster than the 64 KiB default on a 200 MB layer (bench/artifact.bench.ts).
      { descriptor: layerDescriptor, source: () => createReadStream(layer.path, { highWaterMark: 1024 * 1024 }) },
    ];
    return await pushImage(build.target, { manifest, mediaType: MediaTypes.ociManifest, blobs }, { tags: build.tags, tagsInput: 'tags', logger });
  } finally {
    await rm(layerPath, { force: true });
  }
}

/** The base image's config and layers for `platform` (an index is narrowed to that platform). */
async function readBase(handle: RepositoryHandle, digest: string, platform: Platform): Promise<{ config: ImageConfigJson; layers: Descriptor[] }> {
  const name = `${handle.client.registry}/${handle.repository}@${digest}`;
  let manifest = await handle.client.manifests.get(handle.repository, digest);
  if (!manifest) throw new InputError('base-image', name, 'an image that exists in its registry', 'check the digest (copy it from the base image\'s build or `skopeo inspect`)');
  if (isIndex(manifest.mediaType)) {
    const wanted = formatPlatform(platform);
    const child = (manifest.json.manifests ?? []).find((m) => m.platform && formatPlatform(m.platform) === wanted);
    if (!child) {
      const offered = (manifest.json.manifests ?? []).map((m) => (m.platform ? formatPlatform(m.platform) : '?')).join(', ');
      throw new InputError('platforms', wanted, `a platform the base image offers (${offered})`);
    }
    manifest = await handle.client.manifests.get(handle.repository, child.digest);
    if (!manifest) throw new SlipwayError(`The base image index ${name} names ${child.digest}, which is missing from the registry.`);
  }
  if (!manifest.json.config) throw new SlipwayError(`The base image ${name} has no config; it is not an image manifest.`);
  const config = JSON.parse((await handle.client.blobs.readAll(handle.repository, manifest.json.config.digest)).toString('utf8')) as ImageConfigJson;
  return { config, layers: manifest.json.layers ?? [] };
}

/** What the `docker` builder needs. */
export interface DockerBuild {
  runner: CommandRunner;
  target: RepositoryHandle;
  context: string;
  dockerfile?: string;
  platforms: string[];
  labels: Record<string, string>;
  sourceDateEpoch: number;
  tags: string[];
  /** What buildx gets besides (docker/build-push-action's inputs of the same names). */
  buildx?: BuildxOptions;
  /**
   * Registry credentials given as inputs: `docker login --password-stdin` runs first, `docker
   * logout` after. Credentials docker already holds (config.json) are not given here: docker reads them itself.
   */
  credentials?: Credentials;
  /** Where buildx writes its metadata (the digest comes from it). */
  metadataFile: string;
  logger?: Logger;
}

/** A build secret buildx mounts at /run/secrets/<id>: from a variable of the runner's environment, or a file. */
export type BuildSecret = { id: string; env: string } | { id: string; src: string };

/** The options the `docker` builder hands to `docker buildx build`; every one optional. */
export interface BuildxOptions {
  /** `NAME=value` each (`--build-arg`); SOURCE_DATE_EPOCH is always set by the builder. */
  buildArgs?: string[];
  /** `--secret`: only the id and where the value is go on the command line, never the value. */
  secrets?: BuildSecret[];
  /** `--target`: the Dockerfile stage to build. */
  target?: string;
  /** `--cache-from` / `--cache-to`, as buildx spells them (`type=registry,ref=…`). */
  cacheFrom?: string[];
  cacheTo?: string[];
}

/**
 * Runs `docker buildx build` pushing by digest only (no tag), reads the digest from the metadata
 * file, then checks and writes the tags through the distribution API.
 */
export async function buildDocker(build: DockerBuild): Promise<PushResult> {
  const logger = build.logger ?? silentLogger;
  const name = `${build.target.client.registry}/${build.target.repository}`;
  const before = new Map<string, string | undefined>();
  for (const tag of build.tags) before.set(tag, (await build.target.client.manifests.resolve(build.target.repository, tag))?.digest);
  const registry = build.target.client.registry;
  if (build.credentials) {
    const login = await build.runner.run('docker', ['login', '--username', build.credentials.username, '--password-stdin', '--', registry], { input: Buffer.from(build.credentials.password) });
    if (login.exitCode !== 0) throw new SlipwayError(`docker login to ${registry} failed (exit ${login.exitCode}). Fix: check \`registry-username\` and \`registry-password\`.`);
  }
  try {
    await runBuildx(build, name);
  } finally {
    // The login would otherwise stay in docker's config.json for every later step of the job (and,
    // on a self-hosted runner, for later jobs).
    if (build.credentials) {
      const logout = await build.runner.run('docker', ['logout', '--', registry]);
      if (logout.exitCode !== 0) logger.warning(`docker logout from ${registry} failed (exit ${logout.exitCode}); the login stays in docker's config.json.`);
    }
  }
  let metadata: Record<string, unknown>;
  try {
    metadata = JSON.parse(await readFile(build.metadataFile, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new SlipwayError(`docker buildx wrote no readable metadata file at ${build.metadataFile}; Slipway needs buildx 0.9 or later.`);
  }
  const digest = metadata['containerimage.digest'];
  if (typeof digest !== 'string' || !isDigest(digest)) throw new SlipwayError(`The buildx metadata file has no \`containerimage.digest\` (found ${quote(digest)}).`);
  logger.info(`buildx pushed ${name}@${digest}`);
  const manifest = await build.target.client.manifests.get(build.target.repository, digest);
  if (!manifest) throw new SlipwayError(`buildx reported ${digest} but ${name} does not have it; the push did not complete.`);
  const toTag = await planTags(build.target, build.tags, digest, 'tags');
  await writeTags(build.target, toTag, manifest.bytes, manifest.mediaType, 'tags');
  const reused = build.tags.length > 0 && build.tags.every((tag) => before.get(tag) === digest);
  return { digest, tags: build.tags, reused, stats: emptyStats() };
}

/** `docker buildx build`, pushing `name` by digest only; throws with buildx's last lines when it fails. */
async function runBuildx(build: DockerBuild, name: string): Promise<void> {
  const args = ['buildx', 'build', '--platform', build.platforms.join(','), '--metadata-file', build.metadataFile];
  if (build.dockerfile) args.push('--file', build.dockerfile);
  for (const key of Object.keys(build.labels).sort()) args.push('--label', `${key}=${build.labels[key]}`);
  const buildx = build.buildx ?? {};
  for (const arg of buildx.buildArgs ?? []) args.push('--build-arg', arg);
  args.push('--build-arg', `SOURCE_DATE_EPOCH=${build.sourceDateEpoch}`);
  for (const secret of buildx.secrets ?? []) args.push('--secret', 'env' in secret ? `id=${secret.id},env=${secret.env}` : `id=${secret.id},src=${secret.src}`);
  if (buildx.target) args.push('--target', buildx.target);
  for (const cache of buildx.cacheFrom ?? []) args.push('--cache-from', cache);
  for (const cache of buildx.cacheTo ?? []) args.push('--cache-to', cache);
  args.push('--output', `type=image,name=${name},push-by-digest=true,name-canonical=true,push=true`);
  // `--` ends the options, so a context such as `--output=type=local,dest=/` is read as a path.
  args.push('--', build.context);
  // A secret's value reaches buildx through the environment only: its variable is passed by name.
  const passEnv = (buildx.secrets ?? []).flatMap((secret) => ('env' in secret ? [secret.env] : []));
  const result = await build.runner.run('docker', args, { env: { SOURCE_DATE_EPOCH: String(build.sourceDateEpoch) }, passEnv });
  if (result.exitCode !== 0) throw new SlipwayError(`docker buildx build failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-5).join('\n')}`);
}
