// Artifacts: push throughput of a 200 MB package next to `skopeo copy` of the same image to the same
// kind of registry (an OCI layout dir → a fresh registry, so both upload every byte), promotion
// time for 10 MB vs 500 MB images within one registry (mounts: must not grow with size), and the
// peak RSS of a cross-registry copy of the 500 MB image (streamed: must stay flat).
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildPackage } from '../src/core/artifact/build.js';
import { RegistryClient } from '../src/core/artifact/client.js';
import { rfc3339 } from '../src/core/artifact/image.js';
import { MediaTypes, references } from '../src/core/artifact/manifests.js';
import { packDirectory } from '../src/core/artifact/package.js';
import { promote } from '../src/core/artifact/promote.js';
import { copyImage, emptyStats, pushImage } from '../src/core/artifact/push.js';
import { findBinary } from '../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../testkit/bed/registry.js';
import { pushSeededImage, seededBytes } from '../test/integration/artifact/fixtures.js';
import { MemoryLedger } from '../test/integration/artifact/memory-ledger.js';
import { printTable } from './table.js';

const MB = 1024 * 1024;
const EPOCH = 1_700_000_000;

/** Seconds taken by `work`. */
async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [Number(process.hrtime.bigint() - start) / 1e9, result];
}

/** A directory of `files` seeded files totalling `size` bytes (incompressible, like built assets). */
async function seededDirectory(dir: string, size: number, files: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < files; i++) await pipeline(Readable.from(seededBytes(`file-${i}`, size / files)), createWriteStream(join(dir, `asset-${String(i).padStart(2, '0')}.bin`)));
}

/** Writes the image `digest` of a repository as an OCI layout directory (what skopeo reads). */
async function exportLayout(client: RegistryClient, repository: string, digest: string, dir: string): Promise<void> {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const manifest = (await client.manifests.get(repository, digest))!;
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), manifest.bytes);
  for (const blob of references(manifest.json).blobs) {
    await pipeline(Readable.from(client.blobs.read(repository, blob.digest, blob.size)), createWriteStream(join(dir, 'blobs', 'sha256', blob.digest.slice(7))));
  }
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: manifest.mediaType, digest, size: manifest.size, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }));
}

async function pushThroughput(work: string): Promise<void> {
  const size = 200 * MB;
  const registries: RegistryServer[] = [];
  const fresh = async () => {
    const r = await startRegistry();
    registries.push(r);
    return r;
  };
  try {
    await seededDirectory(join(work, 'site'), size, 20);
    const [packSeconds] = await timed(() => packDirectory(join(work, 'site'), join(work, 'layer.tar.gz'), { mtime: EPOCH, prefix: 'app' }));
    const first = await fresh();
    const firstClient = new RegistryClient({ registry: first.host });
    const [buildSeconds, built] = await timed(() =>
      buildPackage({ target: { client: firstClient, repository: 'bench/app' }, directory: join(work, 'site'), platform: { os: 'linux', architecture: 'amd64' }, sourceDateEpoch: EPOCH, created: rfc3339(EPOCH), labels: {}, tags: ['v1'], workDir: work }),
    );
    await exportLayout(firstClient, 'bench/app', built.digest, join(work, 'layout'));

    // The same image, from the same layout files, to a fresh registry: Slipway's push vs skopeo's.
    const ours = await fresh();
    const oursClient = new RegistryClient({ registry: ours.host });
    const manifest = (await firstClient.manifests.get('bench/app', built.digest))!;
    const { createReadStream } = await import('node:fs');
    const blobs = references(manifest.json).blobs.map((descriptor) => ({ descriptor, source: () => createReadStream(join(work, 'layout', 'blobs', 'sha256', descriptor.digest.slice(7)), { highWaterMark: MB }) }));
    const [pushSeconds] = await timed(() => pushImage({ client: oursClient, repository: 'bench/app' }, { manifest: manifest.bytes, mediaType: MediaTypes.ociManifest, blobs }, { tags: ['v1'], tagsInput: 'tags' }));

    const rows: (string | number)[][] = [
      ['slipway pack (tar + gzip, deterministic)', 'directory → layer file', packSeconds, size / MB / packSeconds],
      ['slipway build-immutable-image (pack + push)', 'directory → registry', buildSeconds, size / MB / buildSeconds],
      ['slipway push', 'OCI layout files → fresh registry', pushSeconds, size / MB / pushSeconds],
    ];
    const skopeo = findBinary('skopeo');
    if (skopeo) {
      const theirs = await fresh();
      const [skopeoSeconds] = await timed(() =>
        promisify(execFile)(skopeo, ['copy', '--quiet', '--dest-tls-verify=false', `oci:${join(work, 'layout')}:bench`, `docker://${theirs.host}/bench/app:v1`], { maxBuffer: 16 * MB }),
      );
      rows.push(['skopeo copy (1.9)', 'OCI layout files → fresh registry', skopeoSeconds, size / MB / skopeoSeconds]);
    } else {
      rows.push(['skopeo copy', 'skopeo not installed (apt-get install -y skopeo)', NaN, NaN]);
    }
    printTable('Push of a 200 MB package (20 incompressible files) to docker-registry 2.8 on loopback', ['what', 'path', 'seconds', 'MB/s'], rows);
  } finally {
    for (const r of registries) await r.stop();
  }
}

async function promotionAndMemory(): Promise<void> {
  const registry = await startRegistry();
  const other = await startRegistry();
  try {
    const client = new RegistryClient({ registry: registry.host });
    const rows: (string | number)[][] = [];
    const refs: Record<number, string> = {};
    // Rounds alternate between the sizes so that load from elsewhere on the machine hits both alike.
    const ROUNDS = 7;
    const sizes = [10, 500];
    const measured = new Map<number, { times: number[]; mounted: number; uploaded: number; layerRequests: number }>();
    for (const sizeMb of sizes) {
      refs[sizeMb] = `${registry.host}/shop/staging@${await pushSeededImage({ client, repository: 'shop/staging' }, `promote-${sizeMb}`, sizeMb * MB)}`;
      measured.set(sizeMb, { times: [], mounted: 0, uploaded: 0, layerRequests: 0 });
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const sizeMb of sizes) {
        const m = measured.get(sizeMb)!;
        const ledger = new MemoryLedger().addEnvironment('staging').addEnvironment('production', ['required_reviewers']);
        await ledger.seed('staging', refs[sizeMb], 'success');
        await registry.clearRequests();
        const [seconds, result] = await timed(() =>
          promote({ ledger, fromEnvironment: 'staging', toEnvironment: 'production', imageRef: refs[sizeMb], targetImage: { registry: registry.host, repository: `shop/production-${sizeMb}-${round}` }, targetTags: ['production'], requireProtection: true, clientFor: () => client }),
        );
        m.times.push(seconds * 1000);
        m.mounted += result.stats.mountedBlobs;
        m.uploaded += result.stats.uploadedBytes;
        m.layerRequests += (await registry.settledRequests()).filter((r) => r.method === 'PATCH' || (r.method === 'PUT' && r.uri.includes('/blobs/uploads/'))).length;
      }
    }
    for (const sizeMb of sizes) {
      const m = measured.get(sizeMb)!;
      const times = [...m.times].sort((a, b) => a - b);
      rows.push([`${sizeMb} MB`, times[Math.floor(ROUNDS / 2)], times[0], times[ROUNDS - 1], m.mounted / ROUNDS, m.uploaded, m.layerRequests]);
    }
    printTable(`Same-registry promotion, ${ROUNDS} rounds each to fresh repositories (promote-artifact core: checks, mount, manifest, tag, ledger double)`, ['image', 'median ms', 'min ms', 'max ms', 'blobs mounted per round', 'bytes uploaded', 'blob upload requests'], rows);

    const child = async (sizeMb: number | undefined, target: string): Promise<{ seconds: number; maxRssMb: number }> => {
      const output = await new Promise<string>((resolve, reject) => {
        const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
          env: { ...process.env, SLIPWAY_BENCH_COPY: sizeMb ? 'copy' : 'idle', SLIPWAY_BENCH_FROM: registry.host, SLIPWAY_BENCH_TO: other.host, SLIPWAY_BENCH_REF: refs[sizeMb ?? 10], SLIPWAY_BENCH_TARGET: target },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
        proc.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`copy child exited ${code}`))));
      });
      return JSON.parse(output.trim().split('\n').pop()!) as { seconds: number; maxRssMb: number };
    };
    refs[100] = `${registry.host}/shop/staging@${await pushSeededImage({ client, repository: 'shop/staging' }, 'copy-100', 100 * MB)}`;
    const idle = await child(undefined, 'shop/idle');
    const small = await child(10, 'shop/copy-10');
    const medium = await child(100, 'shop/copy-100');
    const large = await child(500, 'shop/copy-500');
    printTable('Cross-registry promotion copy (streamed GET → chunked PATCH, 64 MiB chunks), each in a fresh child process', ['process', 'seconds', 'peak RSS (MB)', 'MB/s'], [
      ['idle (same imports, no copy)', idle.seconds, idle.maxRssMb, ''],
      ['copy 10 MB registry A → registry B', small.seconds, small.maxRssMb, 10 / small.seconds],
      ['copy 100 MB registry A → registry B', medium.seconds, medium.maxRssMb, 100 / medium.seconds],
      ['copy 500 MB registry A → registry B', large.seconds, large.maxRssMb, 500 / large.seconds],
    ]);
  } finally {
    await registry.stop();
    await other.stop();
  }
}

/** Child mode: copy (or not) the image and print seconds and peak RSS as JSON. */
async function copyChild(mode: string): Promise<void> {
  const ref = process.env.SLIPWAY_BENCH_REF!;
  const digest = ref.split('@')[1];
  const [seconds] = await timed(async () => {
    if (mode !== 'copy') return;
    const source = { client: new RegistryClient({ registry: process.env.SLIPWAY_BENCH_FROM! }), repository: 'shop/staging' };
    const target = { client: new RegistryClient({ registry: process.env.SLIPWAY_BENCH_TO! }), repository: process.env.SLIPWAY_BENCH_TARGET! };
    await copyImage(source, target, digest, emptyStats());
  });
  console.log(JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

export default async function artifactBench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'slipway-bench-artifact-'));
  try {
    await pushThroughput(work);
    await promotionAndMemory();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.env.SLIPWAY_BENCH_COPY) await copyChild(process.env.SLIPWAY_BENCH_COPY);
