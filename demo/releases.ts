import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildPackage, RegistryClient, rfc3339, sourceLabels, type RepositoryHandle } from '../src/core/artifact/index.js';
import { SlipwayError } from '../src/core/errors.js';
import type { ArtifactInfo } from '../src/core/ledger/types.js';
import type { ReleaseConfig } from './environment.js';

// A release of the demo app is a directory holding its release config, packed by Slipway's own
// `package` builder into an OCI image in the local registry. Deploying reads the config back from
// the registry by digest, so what runs is exactly the immutable artifact that was built.

/** The demo's repository in the local registry. */
export const DEMO_REPOSITORY = 'slipway-demo/shop';
/** The file the release config is stored in, under the image's `app/` directory. */
const CONFIG_FILE = 'release.json';

/** A built release: the config it carries, its artifact, and the commit it was built from. */
export interface BuiltRelease {
  config: ReleaseConfig;
  artifact: ArtifactInfo;
  /** A made-up commit sha (40 hex), one per version. */
  sha: string;
  /** The commit time, seconds since the epoch. */
  commitTime: number;
}

/** The commit a version is "built from": a stable fake sha, so reruns build the same digest. */
export function commitOf(version: string): string {
  return createHash('sha1').update(`slipway-demo ${version}`).digest('hex');
}

/** Packs `config` with the `package` builder and pushes it to `registry` (host:port) as tag `config.version`. */
export async function buildRelease(registry: string, config: ReleaseConfig, commitTime: number): Promise<BuiltRelease> {
  const target: RepositoryHandle = { client: new RegistryClient({ registry }), repository: DEMO_REPOSITORY };
  const dir = mkdtempSync(join(tmpdir(), 'slipway-demo-release-'));
  try {
    const source = join(dir, 'src');
    // The release's directory: just its config (the app code is the test bed's).
    mkdirSync(source);
    writeFileSync(join(source, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    const sha = commitOf(config.version);
    const created = rfc3339(commitTime);
    const pushed = await buildPackage({
      target,
      directory: source,
      platform: { os: 'linux', architecture: 'amd64' },
      sourceDateEpoch: commitTime,
      labels: sourceLabels({ revision: sha, created }),
      created,
      tags: [config.version],
      workDir: dir,
    });
    return { config, sha, commitTime, artifact: { ref: `${registry}/${DEMO_REPOSITORY}@${pushed.digest}`, digest: pushed.digest, tags: pushed.tags } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads the release config out of the artifact, by digest (the registry verifies every byte). */
export async function readRelease(artifact: ArtifactInfo): Promise<ReleaseConfig> {
  const at = artifact.ref.indexOf('/');
  const registry = artifact.ref.slice(0, at);
  const repository = artifact.ref.slice(at + 1, artifact.ref.indexOf('@'));
  const client = new RegistryClient({ registry });
  const manifest = await client.manifests.get(repository, artifact.digest);
  const layer = manifest?.json.layers?.at(-1);
  if (!layer) throw new SlipwayError(`${artifact.ref} has no layer to read the release config from.`);
  const tar = gunzipSync(await client.blobs.readAll(repository, layer.digest));
  const text = fileFromTar(tar, `app/${CONFIG_FILE}`);
  if (text === undefined) throw new SlipwayError(`${artifact.ref} holds no app/${CONFIG_FILE}.`);
  return JSON.parse(text) as ReleaseConfig;
}

/** The text of one regular file of a ustar archive, or undefined. */
function fileFromTar(tar: Buffer, path: string): string | undefined {
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join('/');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const body = offset + 512;
    if (name.replace(/^\.\//, '') === path) return tar.subarray(body, body + size).toString('utf8');
    offset = body + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
