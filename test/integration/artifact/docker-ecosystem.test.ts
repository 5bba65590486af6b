import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RegistryClient } from '../../../src/core/artifact/client.js';
import { dockerConfigCredentials } from '../../../src/core/artifact/docker-config.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../../testkit/bed/registry.js';
import { startTokenServer, type TokenServer } from '../../../testkit/bed/token-server.js';
import { buildBundle, runActionStep } from '../../support/action-runner.js';
import { pushSeededImage, writeTree } from './fixtures.js';

// build-immutable-image beside docker/login-action, docker/metadata-action and buildx
// (docs/artifacts.md, "Next to docker/build-push-action"), against the real registry: credentials
// from a docker config.json the test writes (htpasswd Basic auth, and an identity token exchanged
// at a real token service), metadata-action's outputs as inputs, and the buildx inputs as the
// stand-in docker (test/support/fake-docker; there is no Docker engine here) receives them.

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const SHA = '9c1e4f2a'.repeat(5);
const FAKE_DOCKER_DIR = resolve('test/support/fake-docker');
const base64 = (text: string) => Buffer.from(text).toString('base64');

interface DockerCall {
  args: string[];
  env?: Record<string, string>;
  secrets?: Record<string, string>;
  inputs: string[];
}

describeIf("build-immutable-image with docker's credentials, metadata-action's outputs and buildx inputs", () => {
  let secured: RegistryServer;
  let tokens: TokenServer;
  let tokenRegistry: RegistryServer;
  let bundle: string;
  let root: string;

  beforeAll(async () => {
    bundle = await buildBundle('build-immutable-image');
    tokens = await startTokenServer({ users: { writer: { password: 'w-pass', access: { '*': ['pull', 'push'] } } }, refreshTokens: { 'identity-token-of-writer': 'writer' } });
    [secured, tokenRegistry] = await Promise.all([startRegistry({ users: { ci: 'login-action-password' } }), startRegistry({ token: tokens })]);
    root = mkdtempSync(join(tmpdir(), 'slipway-docker-ecosystem-'));
    writeTree(join(root, 'site'), { 'index.html': 'v1' }, { mtime: 1_000 });
    writeTree(join(root, 'ctx'), { Dockerfile: 'FROM scratch AS runtime\nCOPY . /app\n' }, { mtime: 1_000 });
    writeFileSync(join(root, 'npmrc'), 'file-secret-content\n');
  });
  afterAll(async () => {
    await Promise.all([secured?.stop(), tokenRegistry?.stop()]);
    await tokens?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** A DOCKER_CONFIG directory holding `config` as config.json (and the stand-in docker's settings). */
  function dockerConfig(config: unknown, fake: { log?: string } = {}): string {
    const dir = mkdtempSync(join(root, 'docker-config-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'fake-docker.json'), JSON.stringify(fake));
    return dir;
  }
  const env = (extra: Record<string, string>) => ({ GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', SOURCE_DATE_EPOCH: '1700000000', ...extra });
  const run = (inputs: Record<string, string>, extra: Record<string, string>) => runActionStep(bundle, { inputs, env: env(extra), cwd: root });
  const withFakeDocker = (configDir: string, extra: Record<string, string> = {}) => ({ PATH: `${FAKE_DOCKER_DIR}:${process.env.PATH}`, DOCKER_CONFIG: configDir, ...extra });
  const calls = (logFile: string) => readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DockerCall);
  const printed = (stdout: string) => stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
  const adminOf = (registry: RegistryServer) => new RegistryClient({ registry: registry.host, credentials: { username: 'ci', password: 'login-action-password' } });

  test("the registry client logs in with config.json's auths entry (htpasswd Basic auth); a stale one is a 401 saying where it came from", async () => {
    const found = await dockerConfigCredentials(secured.host, { configDir: dockerConfig({ auths: { [secured.host]: { auth: base64('ci:login-action-password') } } }) });
    const client = new RegistryClient({ registry: secured.host, credentials: found!.credentials });
    const digest = await pushSeededImage({ client, repository: 'config/basic' }, 'config-basic', 1024, ['v1']);
    expect((await adminOf(secured).manifests.resolve('config/basic', 'v1'))?.digest).toBe(digest);

    const stale = await dockerConfigCredentials(secured.host, { configDir: dockerConfig({ auths: { [secured.host]: { auth: base64('ci:expired') } } }) });
    const denied = new RegistryClient({ registry: secured.host, credentials: stale!.credentials, hints: { credentials: `log in again (${stale!.source})` } });
    await expect(denied.manifests.resolve('config/basic', 'v1')).rejects.toThrow(/rejected the credentials .*\(401\)\. Fix: log in again \(the auths entry for 127\.0\.0\.1:\d+ in .*config\.json\)/);
  });

  test("an identity token from config.json is exchanged at the realm (the refresh-token grant) for a token that pushes; a wrong one is a 401", async () => {
    const found = await dockerConfigCredentials(tokenRegistry.host, { configDir: dockerConfig({ auths: { [tokenRegistry.host]: { identitytoken: 'identity-token-of-writer' } } }) });
    expect(found?.credentials).toEqual({ username: '', password: '', identityToken: 'identity-token-of-writer' });
    const client = new RegistryClient({ registry: tokenRegistry.host, credentials: found!.credentials });
    const digest = await pushSeededImage({ client, repository: 'config/identity' }, 'config-identity', 1024, ['v1']);
    expect((await client.manifests.resolve('config/identity', 'v1'))?.digest).toBe(digest);

    const wrong = new RegistryClient({ registry: tokenRegistry.host, credentials: { username: '', password: '', identityToken: 'revoked' } });
    await expect(wrong.manifests.resolve('config/identity', 'v1')).rejects.toThrow(/rejected the credentials .*\(401; the token service .* rejected the credentials\)/);
  });

  test('package builder: without credential inputs the login docker/login-action left in config.json is used, never printed', async () => {
    const configDir = dockerConfig({ auths: { [secured.host]: { auth: base64('ci:login-action-password') } } });
    const result = await run({ image: `${secured.host}/acme/from-config`, builder: 'package', path: 'site', tags: 'v1.0.0', labels: 'team=payments' }, { DOCKER_CONFIG: configDir });
    expect(result.stdout + result.stderr).not.toContain('::error::');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Registry credentials for ${secured.host}: the auths entry for ${secured.host} in ${join(configDir, 'config.json')}.`);
    expect(printed(result.stdout)).not.toMatch(/login-action-password|Y2k6bG9naW4tYWN0aW9uLXBhc3N3b3Jk/);
    const admin = adminOf(secured);
    expect((await admin.manifests.resolve('acme/from-config', 'v1.0.0'))?.digest).toBe(result.outputs.digest);
    // The `labels` input lands in the image config next to the source labels.
    const manifest = await admin.manifests.get('acme/from-config', result.outputs.digest);
    const config = JSON.parse((await admin.blobs.readAll('acme/from-config', manifest!.json.config!.digest)).toString('utf8')) as { config: { Labels: Record<string, string> } };
    expect(config.config.Labels).toMatchObject({ team: 'payments', 'org.opencontainers.image.revision': SHA });
  });

  test('package builder: the credential inputs take precedence over a stale login in config.json', async () => {
    const configDir = dockerConfig({ auths: { [secured.host]: { auth: base64('ci:stale-password') } } });
    const result = await run(
      { image: `${secured.host}/acme/inputs-first`, builder: 'package', path: 'site', 'registry-username': 'ci', 'registry-password': 'login-action-password' },
      { DOCKER_CONFIG: configDir },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('Registry credentials for');
  });

  test('a credential helper config.json names that is not installed fails the step naming it, before anything is pushed', async () => {
    await secured.clearRequests();
    const result = await run({ image: `${secured.host}/acme/helper`, builder: 'package', path: 'site' }, { DOCKER_CONFIG: dockerConfig({ credsStore: 'slipway-absent' }) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::docker's config.json asks the credential helper docker-credential-slipway-absent for the credentials of");
    expect((await secured.settledRequests()).filter((r) => !['GET', 'HEAD'].includes(r.method))).toEqual([]);
  });

  test("docker builder: with docker/login-action's login in config.json, docker is neither logged in nor out, and buildx pushes with it", async () => {
    const logFile = join(root, 'docker-config-login.log');
    const configDir = dockerConfig({ auths: { [secured.host]: { auth: base64('ci:login-action-password') } } }, { log: logFile });
    const result = await run({ image: `${secured.host}/acme/docker-config`, builder: 'docker', context: 'ctx', tags: `${secured.host}/acme/docker-config:2.0.0` }, withFakeDocker(configDir));
    expect(result.stdout + result.stderr).not.toContain('fake docker:');
    expect(result.exitCode).toBe(0);
    expect(calls(logFile).map((c) => c.args[0])).toEqual(['buildx']);
    // The login docker/login-action made is still there for the job's later steps.
    expect(JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'))).toEqual({ auths: { [secured.host]: { auth: base64('ci:login-action-password') } } });
    expect((await adminOf(secured).manifests.resolve('acme/docker-config', '2.0.0'))?.digest).toBe(result.outputs.digest);
  });

  test("docker builder: metadata-action's tags and labels as is, build-args, secrets, target and caches reach buildx; secret values only through the environment", async () => {
    const logFile = join(root, 'docker-buildx.log');
    const configDir = dockerConfig({ auths: { [secured.host]: { auth: base64('ci:login-action-password') } } }, { log: logFile });
    const image = `${secured.host}/acme/metadata`;
    const result = await run(
      {
        image,
        builder: 'docker',
        context: 'ctx',
        tags: `${image}:1.2.3\n${image}:1.2\n${image}:latest`,
        labels: 'org.opencontainers.image.title=shop\norg.opencontainers.image.description=A shop, with carts\norg.opencontainers.image.created=2031-01-01T00:00:00Z',
        'build-args': 'NODE_VERSION=20\nFEATURES=a,b',
        secrets: `id=npm_token,env=NPM_TOKEN\nid=npmrc,src=npmrc`,
        target: 'runtime',
        'cache-from': `type=registry,ref=${image}:buildcache`,
        'cache-to': `type=registry,ref=${image}:buildcache,mode=max`,
      },
      withFakeDocker(configDir, { NPM_TOKEN: 'npm-secret-value-42' }),
    );
    expect(result.stdout + result.stderr).not.toContain('fake docker:');
    expect(result.exitCode).toBe(0);
    const [build] = calls(logFile);
    const flagged = (flag: string) => build.args.flatMap((a, i) => (a === flag ? [build.args[i + 1]] : []));
    expect(flagged('--build-arg')).toEqual(['NODE_VERSION=20', 'FEATURES=a,b', 'SOURCE_DATE_EPOCH=1700000000']);
    expect(flagged('--secret')).toEqual(['id=npm_token,env=NPM_TOKEN', 'id=npmrc,src=npmrc']);
    expect(flagged('--target')).toEqual(['runtime']);
    expect(flagged('--cache-from')).toEqual([`type=registry,ref=${image}:buildcache`]);
    expect(flagged('--cache-to')).toEqual([`type=registry,ref=${image}:buildcache,mode=max`]);
    expect(flagged('--label')).toEqual(expect.arrayContaining(['org.opencontainers.image.title=shop', 'org.opencontainers.image.description=A shop, with carts', 'org.opencontainers.image.created=2023-11-14T22:13:20Z']));
    // docker got each secret's value (the stand-in records its hash), from the environment and the file.
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(build.secrets).toEqual({ npm_token: sha256('npm-secret-value-42'), npmrc: sha256('file-secret-content\n') });
    expect(readFileSync(logFile, 'utf8') + printed(result.stdout)).not.toContain('npm-secret-value-42');
    expect(result.stdout).toContain('::warning::Label org.opencontainers.image.created=2031-01-01T00:00:00Z from `labels` was replaced by org.opencontainers.image.created=2023-11-14T22:13:20Z');
    expect(result.outputs.tags).toBe('1.2.3,1.2,latest');
    const admin = adminOf(secured);
    for (const tag of ['1.2.3', '1.2', 'latest']) expect((await admin.manifests.resolve('acme/metadata', tag))?.digest).toBe(result.outputs.digest);
  });

  test("a metadata-action reference to another repository fails the step naming it, before docker runs", async () => {
    const logFile = join(root, 'docker-foreign.log');
    const configDir = dockerConfig({ auths: { [secured.host]: { auth: base64('ci:login-action-password') } } }, { log: logFile });
    const result = await run({ image: `${secured.host}/acme/shop`, builder: 'docker', context: 'ctx', tags: `${secured.host}/acme/shop:1.0\ndocker.io/acme/shop:1.0` }, withFakeDocker(configDir));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`::error::Input 'tags' has the value "docker.io/acme/shop:1.0": expected a tag of ${secured.host}/acme/shop, the image this step builds; this reference names docker.io/acme/shop.`);
    expect(() => readFileSync(logFile)).toThrow();
  });
});
