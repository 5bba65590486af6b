import { describe, expect, test } from '@jest/globals';
import { parseChallenge, realmUrl, repositoryScope } from '../../../../src/core/artifact/auth.js';
import { isVersionTag } from '../../../../src/core/artifact/tags.js';

describe('registry auth challenges', () => {
  test('a bearer challenge yields realm, service and scope', () => {
    expect(parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/shop:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/shop:pull' },
    });
  });

  test('a basic challenge is recognised whatever its case', () => {
    expect(parseChallenge('basic realm="registry"')?.scheme).toBe('basic');
  });

  test('unknown schemes and missing headers give no challenge', () => {
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });

  test('push scopes ask for pull and push', () => {
    expect(repositoryScope('acme/shop', true)).toBe('repository:acme/shop:pull,push');
    expect(repositoryScope('acme/shop', false)).toBe('repository:acme/shop:pull');
  });
});

describe('which token realms may receive registry credentials', () => {
  test.each([
    ['https on another host (Docker Hub: auth.docker.io for registry-1.docker.io)', 'https://registry-1.docker.io', 'https://auth.docker.io/token'],
    ['https on the same host (ghcr.io)', 'https://ghcr.io', 'https://ghcr.io/token'],
    ['https from a plain-http local registry', 'http://127.0.0.1:5000', 'https://auth.example.com/token'],
    ['plain http on the host of a plain-http registry, another port', 'http://127.0.0.1:5000', 'http://127.0.0.1:5001/token'],
  ])('%s: allowed', (_case, registry, realm) => {
    expect(realmUrl(realm, registry, true).href).toBe(realm);
  });

  test.each([
    ['plain http while the registry is https', 'https://registry.example.com', 'http://registry.example.com/token', /over plain http, while the registry itself is reached over https/],
    ['plain http to another host', 'http://127.0.0.1:5000', 'http://localhost:5000/token', /over plain http to another host than the registry's \(127\.0\.0\.1\)/],
  ])('%s: refused with credentials, allowed without', (_case, registry, realm, why) => {
    expect(() => realmUrl(realm, registry, true)).toThrow(why);
    expect(() => realmUrl(realm, registry, true)).toThrow(`named the token realm ${realm}`);
    expect(realmUrl(realm, registry, false).href).toBe(realm);
  });

  test('a realm that is not http(s), or not a URL, is refused even without credentials', () => {
    expect(() => realmUrl('ftp://registry.example.com/token', 'https://registry.example.com', false)).toThrow(/token realm ftp:\/\/registry\.example\.com\/token, which is neither https nor http/);
    expect(() => realmUrl('token', 'https://registry.example.com', false)).toThrow(/token realm "token", which is not a URL/);
  });

  test('the realm is named without its query, and one with user info is refused without showing it', () => {
    expect(() => realmUrl('http://localhost:5000/token?account=ci', 'http://127.0.0.1:5000', true)).toThrow(/realm http:\/\/localhost:5000\/token, which/);
    expect(() => realmUrl('https://user:pw@auth.example.com/token', 'https://registry.example.com', false)).toThrow(/realm https:\/\/auth\.example\.com\/token with user info in its URL/);
  });
});

describe('tag policy', () => {
  test.each(['v1.2.3', '1.2', '2.0.0-rc.1', 'v3', 'a1b2c3d', 'sha-0123456789abcdef0123456789abcdef01234567'])('%s is a version tag (immutable)', (tag) => {
    expect(isVersionTag(tag)).toBe(true);
  });
  test.each(['latest', 'production', 'staging', 'main', 'stable'])('%s is a pointer tag (may move)', (tag) => {
    expect(isVersionTag(tag)).toBe(false);
  });
});
