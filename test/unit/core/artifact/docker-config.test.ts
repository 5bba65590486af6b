import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerConfigCredentials } from '../../../../src/core/artifact/docker-config.js';
import { redact } from '../../../../src/core/secrets/index.js';

// docker's config.json as `docker login` and docker/login-action write it, read from real files;
// credential helpers are real executables in a directory of the test's own (a `docker-credential-*`
// script that answers as the helper protocol says and records what it was asked).

let root: string;
let helpers: string;
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A config dir holding `config` as config.json. */
function configDir(config: unknown): string {
  const dir = mkdtempSync(join(root, 'config-'));
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

/** Installs `docker-credential-<name>`: records its argv and stdin, then prints `answer` and exits with `code`. */
function installHelper(name: string, answer: string, code = 0): string {
  const record = join(root, `${name}.asked`);
  const file = join(helpers, `docker-credential-${name}`);
  writeFileSync(file, `#!/bin/sh\necho "$@" > '${record}'\ncat >> '${record}'\nprintf '%s' '${answer}'\nexit ${code}\n`);
  chmodSync(file, 0o755);
  return record;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'slipway-docker-config-'));
  helpers = join(root, 'bin');
  mkdirSync(helpers);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("registry credentials from docker's config.json", () => {
  test('an `auths` entry as docker login writes it (base64 user:password) gives that user and password, masked from then on', async () => {
    const dir = configDir({ auths: { 'ghcr.io': { auth: base64('octocat:ghp_fromLoginAction1') } } });
    const found = await dockerConfigCredentials('ghcr.io', { configDir: dir, searchPath: helpers });
    expect(found).toEqual({ credentials: { username: 'octocat', password: 'ghp_fromLoginAction1' }, source: `the auths entry for ghcr.io in ${join(dir, 'config.json')}` });
    expect(redact('x ghp_fromLoginAction1 x')).not.toContain('ghp_fromLoginAction1');
  });

  test('a password holding colons is kept whole (split at the first colon only)', async () => {
    const dir = configDir({ auths: { 'registry.example.com:5000': { auth: base64('ci:pa:ss:word') } } });
    expect((await dockerConfigCredentials('registry.example.com:5000', { configDir: dir, searchPath: helpers }))?.credentials).toEqual({ username: 'ci', password: 'pa:ss:word' });
  });

  test('`username` and `password` fields, and a key written as a URL, are read like docker reads them', async () => {
    const dir = configDir({ auths: { 'https://registry.example.com/v2/': { username: 'ci', password: 'field-password' } } });
    expect((await dockerConfigCredentials('registry.example.com', { configDir: dir, searchPath: helpers }))?.credentials).toEqual({ username: 'ci', password: 'field-password' });
  });

  test("Docker Hub's entry is docker's `https://index.docker.io/v1/` key", async () => {
    const dir = configDir({ auths: { 'https://index.docker.io/v1/': { auth: base64('acme:hub-token') } } });
    expect((await dockerConfigCredentials('docker.io', { configDir: dir, searchPath: helpers }))?.credentials).toEqual({ username: 'acme', password: 'hub-token' });
  });

  test('an `identitytoken` becomes an identity token (the OAuth refresh token), masked', async () => {
    const dir = configDir({ auths: { 'myregistry.azurecr.io': { auth: base64('00000000-0000-0000-0000-000000000000:'), identitytoken: 'refresh-token-xyz' } } });
    expect((await dockerConfigCredentials('myregistry.azurecr.io', { configDir: dir, searchPath: helpers }))?.credentials).toEqual({
      username: '00000000-0000-0000-0000-000000000000',
      password: '',
      identityToken: 'refresh-token-xyz',
    });
    expect(redact('refresh-token-xyz')).not.toContain('refresh-token-xyz');
  });

  test("another registry's entry is never used, and no config.json means no credentials", async () => {
    const dir = configDir({ auths: { 'ghcr.io': { auth: base64('octocat:secret') } } });
    expect(await dockerConfigCredentials('registry.example.com', { configDir: dir, searchPath: helpers })).toBeUndefined();
    expect(await dockerConfigCredentials('ghcr.io', { configDir: join(root, 'nowhere'), searchPath: helpers })).toBeUndefined();
  });

  test('`credHelpers` names the helper for its registry: asked with `get` and the server on stdin; its answer is masked', async () => {
    const asked = installHelper('ecr-test', '{"ServerURL":"123.dkr.ecr.eu-west-1.amazonaws.com","Username":"AWS","Secret":"ecr-password-123"}');
    const dir = configDir({ auths: { '123.dkr.ecr.eu-west-1.amazonaws.com': { auth: base64('stale:stale') } }, credHelpers: { '123.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-test' } });
    const found = await dockerConfigCredentials('123.dkr.ecr.eu-west-1.amazonaws.com', { configDir: dir, searchPath: helpers });
    expect(found).toEqual({ credentials: { username: 'AWS', password: 'ecr-password-123' }, source: 'docker-credential-ecr-test' });
    expect(readFileSync(asked, 'utf8')).toBe('get\n123.dkr.ecr.eu-west-1.amazonaws.com');
    expect(redact('ecr-password-123')).not.toContain('ecr-password-123');
  });

  test('`credsStore` serves every registry; a helper answering `<token>` gives an identity token; "not found" means anonymous', async () => {
    installHelper('store-token', '{"ServerURL":"ghcr.io","Username":"<token>","Secret":"store-refresh-token"}');
    const dir = configDir({ auths: { 'ghcr.io': {} }, credsStore: 'store-token' });
    expect((await dockerConfigCredentials('ghcr.io', { configDir: dir, searchPath: helpers }))?.credentials).toEqual({ username: '<token>', password: '', identityToken: 'store-refresh-token' });
    installHelper('store-empty', 'credentials not found in native keychain', 1);
    expect(await dockerConfigCredentials('ghcr.io', { configDir: configDir({ credsStore: 'store-empty' }), searchPath: helpers })).toBeUndefined();
  });

  test('a helper that fails otherwise fails the lookup with its message and a fix', async () => {
    installHelper('broken', 'gpg: decryption failed: No secret key', 2);
    await expect(dockerConfigCredentials('ghcr.io', { configDir: configDir({ credsStore: 'broken' }), searchPath: helpers })).rejects.toThrow(
      /The credential helper docker-credential-broken failed for ghcr\.io \(exit 2\): gpg: decryption failed: No secret key\. Fix: log in again/,
    );
  });

  test('a helper that is not installed is named, with the fix', async () => {
    const dir = configDir({ credHelpers: { 'ghcr.io': 'desktop' } });
    await expect(dockerConfigCredentials('ghcr.io', { configDir: dir, searchPath: helpers })).rejects.toThrow(
      "docker's config.json asks the credential helper docker-credential-desktop for the credentials of ghcr.io, but docker-credential-desktop is not installed (not on PATH). Fix: install the helper on the runner, or give `registry-username` and `registry-password`",
    );
  });

  test('a config.json that is not JSON is named', async () => {
    const dir = configDir('{"auths": ');
    await expect(dockerConfigCredentials('ghcr.io', { configDir: dir, searchPath: helpers })).rejects.toThrow(`docker's ${join(dir, 'config.json')} is not JSON`);
  });
});
