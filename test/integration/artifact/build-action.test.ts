import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';
import { buildBundle, runActionStep } from '../../support/action-runner.js';
import { writeTree } from './fixtures.js';

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const SHA = '4f2a9c1e'.repeat(5);
const FAKE_DOCKER_DIR = resolve('test/support/fake-docker');

/** The environment that puts the stand-in docker first on PATH, with its settings in a DOCKER_CONFIG of its own. */
function fakeDocker(settings: { log?: string; password?: string }): Record<string, string> {
  const config = mkdtempSync(join(tmpdir(), 'slipway-docker-config-'));
  writeFileSync(join(config, 'fake-docker.json'), JSON.stringify(settings));
  return { PATH: `${FAKE_DOCKER_DIR}:${process.env.PATH}`, DOCKER_CONFIG: config };
}

describeIf('build-immutable-image (the bundled action) against the real registry', () => {
  let registry: RegistryServer;
  let secured: RegistryServer;
  let bundle: string;
  let root: string;
  let client: RegistryClient;
  beforeAll(async () => {
    // The bundle first: if it fails to build, no server has been started that afterAll would miss.
    bundle = await buildBundle('build-immutable-image');
    [registry, secured] = await Promise.all([startRegistry(), startRegistry({ users: { ci: 'right-password' } })]);
    client = new RegistryClient({ registry: registry.host });
    root = mkdtempSync(join(tmpdir(), 'slipway-build-action-'));
    writeTree(join(root, 'site'), { 'index.html': 'v1', 'run.sh': '#!/bin/sh\n' }, { mtime: 1_000, execs: ['run.sh'] });
    writeTree(join(root, 'site-v2'), { 'index.html': 'v2', 'run.sh': '#!/bin/sh\n' }, { mtime: 1_000, execs: ['run.sh'] });
    writeTree(join(root, 'ctx'), { Dockerfile: 'FROM scratch\nCOPY . /app\n' }, { mtime: 1_000 });
    writeTree(join(root, 'linked-site'), { 'index.html': 'v1' }, { mtime: 1_000 });
    symlinkSync('/etc', join(root, 'linked-site', 'etc'));
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), secured?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({ GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', SOURCE_DATE_EPOCH: '1700000000', ...extra });
  const run = (inputs: Record<string, string>, extra: Record<string, string> = {}) => runActionStep(bundle, { inputs, env: env(extra), cwd: root });

  test('package builder: pushes by digest, tags with the commit sha by default, and a rebuild is reused', async () => {
    const inputs = { image: `${registry.host}/acme/shop`, builder: 'package', path: join(root, 'site') };
    const first = await run(inputs);
    expect(first.exitCode).toBe(0);
    expect(first.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(first.outputs['image-ref']).toBe(`${registry.host}/acme/shop@${first.outputs.digest}`);
    expect(first.outputs).toMatchObject({ tags: SHA, reused: 'false' });
    expect((await client.manifests.resolve('acme/shop', SHA))?.digest).toBe(first.outputs.digest);
    expect(first.summary).toContain(first.outputs['image-ref']);
    const again = await run(inputs);
    expect(again.outputs).toMatchObject({ digest: first.outputs.digest, reused: 'true' });
  });

  test('package builder: a version tag already naming another digest fails the step, naming that digest; the tag stays', async () => {
    const v1 = await run({ image: `${registry.host}/acme/tagged`, builder: 'package', path: join(root, 'site'), tags: 'v1.0.0' });
    expect(v1.exitCode).toBe(0);
    const v2 = await run({ image: `${registry.host}/acme/tagged`, builder: 'package', path: join(root, 'site-v2'), tags: 'v1.0.0' });
    expect(v2.exitCode).toBe(1);
    expect(v2.stdout).toContain(`::error::Tag 'v1.0.0' of ${registry.host}/acme/tagged already names ${v1.outputs.digest}`);
    expect((await client.manifests.resolve('acme/tagged', 'v1.0.0'))?.digest).toBe(v1.outputs.digest);
  });

  test('package builder: with allow-external-symlinks: true a link out of `path` is packed as a link', async () => {
    const result = await run({ image: `${registry.host}/acme/linked`, builder: 'package', path: 'linked-site', 'allow-external-symlinks': 'true' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['image-ref']).toMatch(/@sha256:/);
  });

  test('docker builder: runs buildx (a stand-in docker on PATH) with labels, SOURCE_DATE_EPOCH and push-by-digest, then tags', async () => {
    const logFile = join(root, 'docker.log');
    const result = await run(
      { image: `${registry.host}/acme/docker`, builder: 'docker', context: join(root, 'ctx'), platforms: 'linux/amd64,linux/arm64', tags: 'v2.0.0,latest' },
      fakeDocker({ log: logFile }),
    );
    expect(result.stderr + result.stdout).not.toContain('fake docker:');
    expect(result.exitCode).toBe(0);
    const calls = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { args: string[]; env: Record<string, string>; inputs: string[] });
    // docker runs with an allow-listed environment: none of the action's inputs.
    expect(calls.flatMap((c) => c.inputs)).toEqual([]);
    const build = calls.find((c) => c.args[0] === 'buildx')!;
    expect(build.args).toEqual(expect.arrayContaining(['--platform', 'linux/amd64,linux/arm64', '--label', `org.opencontainers.image.revision=${SHA}`, '--label', 'org.opencontainers.image.source=https://github.com/acme/shop', '--label', 'org.opencontainers.image.created=2023-11-14T22:13:20Z']));
    expect(build.env.SOURCE_DATE_EPOCH).toBe('1700000000');
    expect(build.args.slice(-2)).toEqual(['--', join(root, 'ctx')]);
    expect(result.outputs['image-ref']).toBe(`${registry.host}/acme/docker@${result.outputs.digest}`);
    expect((await client.manifests.resolve('acme/docker', 'v2.0.0'))?.digest).toBe(result.outputs.digest);
    expect((await client.manifests.resolve('acme/docker', 'latest'))?.digest).toBe(result.outputs.digest);
  });

  test('docker builder: credentials go to docker login on stdin, never on the command line or in the log', async () => {
    const logFile = join(root, 'docker-login.log');
    const result = await run(
      { image: `${registry.host}/acme/login`, builder: 'docker', context: join(root, 'ctx'), 'registry-username': 'ci', 'registry-password': 'pw-on-stdin-only' },
      fakeDocker({ log: logFile, password: 'pw-on-stdin-only' }),
    );
    expect(result.exitCode).toBe(0);
    expect(readFileSync(logFile, 'utf8')).toContain('--password-stdin');
    expect(readFileSync(logFile, 'utf8')).toContain('"logout"');
    const printed = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    expect(readFileSync(logFile, 'utf8') + printed).not.toContain('pw-on-stdin-only');
  });

  test('wrong registry credentials fail with a 401 naming the inputs, the password masked, nothing pushed', async () => {
    const result = await run({ image: `${secured.host}/acme/shop`, builder: 'package', path: join(root, 'site'), 'registry-username': 'ci', 'registry-password': 'wrong-password' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::The registry rejected the credentials .*\(401\)\. Fix: check `registry-username` and `registry-password`/);
    // The runner consumes `::add-mask::` itself; no other line may carry the password.
    expect(result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain('wrong-password');
    expect((await secured.settledRequests()).filter((r) => r.status < 300 && !['GET', 'HEAD'].includes(r.method))).toEqual([]);
  });

  test.each([
    [{ 'base-image': 'registry.example.com/base:1.0' }, /Input 'base-image' has the value "registry.example.com\/base:1.0": expected a reference pinned by digest/],
    [{ path: 'does-not-exist' }, /Input 'path' has the value "does-not-exist": expected an existing directory/],
    [{ tags: 'v1,-bad' }, /Input 'tags' has the value "-bad"/],
    [{ platforms: 'linux/amd64,linux/arm64' }, /Input 'platforms' .* expected one platform with `builder: package`/],
    [{ attest: 'true' }, /Input 'attest' has the value "true": expected a job that can request an OIDC token .* Fix: give the job `permissions: id-token: write`/],
    [{ 'target-dir': '../../etc' }, /Input 'target-dir' has the value "\.\.\/\.\.\/etc": expected a directory inside the image, .* Fix: name the directory the files go in/],
    [{ path: '..' }, /Input 'path' has the value "\.\.": expected a directory inside the workspace \S+ and outside any `\.git`\. Fix: build the files into the checkout/],
    [{ path: 'linked-site' }, /A symbolic link leads out of \S+linked-site: \S+linked-site\/etc -> \/etc\. Fix: .*set `allow-external-symlinks: true`/],
  ])('bad input %j fails before anything is pushed', async (bad, message) => {
    await registry.clearRequests();
    const result = await run({ image: `${registry.host}/acme/bad`, builder: 'package', path: join(root, 'site'), ...bad });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(message);
    expect((await registry.settledRequests()).filter((r) => !['GET', 'HEAD'].includes(r.method))).toEqual([]);
  });

  test('attest: true calls @actions/attest after the push; when the OIDC token cannot be had the step fails saying which permissions', async () => {
    const result = await run(
      { image: `${registry.host}/acme/attested`, builder: 'package', path: join(root, 'site'), attest: 'true', token: 'gh-token' },
      { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-token' },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/::error::Attesting 127\.0\.0\.1:\d+\/acme\/attested@sha256:[a-f0-9]{64} failed: .*Fix: give the job `permissions: id-token: write` and `attestations: write`/);
    expect(result.outputs['image-ref']).toMatch(/@sha256:/);
  });

  test('a missing Dockerfile fails with buildx\'s message', async () => {
    writeFileSync(join(root, 'empty.txt'), '');
    const result = await run({ image: `${registry.host}/acme/nodockerfile`, builder: 'docker', context: root }, fakeDocker({}));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/docker buildx build failed \(exit 1\).*no Dockerfile/s);
  });
});
