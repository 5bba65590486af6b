import { describe, expect, test } from '@jest/globals';
import { parseChallenge, repositoryScope } from '../../../../src/core/artifact/auth.js';
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

describe('tag policy', () => {
  test.each(['v1.2.3', '1.2', '2.0.0-rc.1', 'v3', 'a1b2c3d', 'sha-0123456789abcdef0123456789abcdef01234567'])('%s is a version tag (immutable)', (tag) => {
    expect(isVersionTag(tag)).toBe(true);
  });
  test.each(['latest', 'production', 'staging', 'main', 'stable'])('%s is a pointer tag (may move)', (tag) => {
    expect(isVersionTag(tag)).toBe(false);
  });
});
