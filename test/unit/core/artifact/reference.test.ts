import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { InputError } from '../../../../src/core/errors.js';
import { formatReference, parseImageName, parseImageReference, parsePinnedReference, registryBaseUrl } from '../../../../src/core/artifact/reference.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('image references', () => {
  test.each([
    ['ghcr.io/acme/shop', { registry: 'ghcr.io', repository: 'acme/shop' }],
    ['ghcr.io/acme/shop:v1.2.3', { registry: 'ghcr.io', repository: 'acme/shop', tag: 'v1.2.3' }],
    [`127.0.0.1:5000/shop@${DIGEST}`, { registry: '127.0.0.1:5000', repository: 'shop', digest: DIGEST }],
    [`localhost/a/b/c:latest@${DIGEST}`, { registry: 'localhost', repository: 'a/b/c', tag: 'latest', digest: DIGEST }],
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['acme/shop:1.0', { registry: 'docker.io', repository: 'acme/shop', tag: '1.0' }],
  ])('%s parses into its parts', (text, expected) => {
    expect(parseImageReference('image', text)).toEqual(expected);
  });

  test.each([
    ['ghcr.io/Acme/shop', /lowercase/],
    ['ghcr.io/acme/shop@sha256:abc', /sha256:<64 lowercase hex>/],
    ['ghcr.io/acme/shop:-bad', /a tag of letters/],
    ['ghcr.io/', /repository components/],
  ])('%s is refused with a message naming the input and the expected form', (text, pattern) => {
    expect(() => parseImageReference('image', text)).toThrow(InputError);
    expect(() => parseImageReference('image', text)).toThrow(/Input 'image'/);
    expect(() => parseImageReference('image', text)).toThrow(pattern);
  });

  test('a tag where a digest is required is refused, naming the input and pointing at image-ref', () => {
    expect(() => parsePinnedReference('image-ref', 'ghcr.io/acme/shop:v1')).toThrow(
      /Input 'image-ref' has the value "ghcr.io\/acme\/shop:v1": expected a reference pinned by digest .* Fix: use the `image-ref` output of build-immutable-image/,
    );
  });

  test('an image name with a tag is refused where a bare name is expected', () => {
    expect(() => parseImageName('image', 'ghcr.io/acme/shop:v1')).toThrow(/without tag or digest/);
  });

  test('loopback registries are spoken to over http, others over https', () => {
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('localhost:5000')).toBe('http://localhost:5000');
    expect(registryBaseUrl('ghcr.io')).toBe('https://ghcr.io');
    expect(registryBaseUrl('docker.io')).toBe('https://registry-1.docker.io');
  });

  test('formatting then parsing gives back the same reference', () => {
    const component = fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+)?$/);
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 3 }), fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined }), fc.option(fc.stringMatching(/^[a-f0-9]{64}$/), { nil: undefined }), (parts, tag, hex) => {
        const ref = { registry: 'registry.example.com:5000', repository: parts.join('/'), ...(tag ? { tag } : {}), ...(hex ? { digest: `sha256:${hex}` } : {}) };
        expect(parseImageReference('image', formatReference(ref))).toEqual(ref);
      }),
    );
  });
});
