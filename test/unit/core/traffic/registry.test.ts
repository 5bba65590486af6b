import { describe, expect, test } from '@jest/globals';
import { createRouter, TRAFFIC_PROVIDERS } from '../../../../src/core/traffic/registry.js';

describe('the traffic registry', () => {
  test('knows every provider docs/traffic.md documents', () => {
    expect(TRAFFIC_PROVIDERS).toEqual(['haproxy', 'nginx', 'gateway-api', 'istio', 'smi', 'ingress-nginx', 'command']);
  });

  test('makes a router of the named type, also when the settings carry the provider (plan form)', () => {
    const settings = { socket: '/run/haproxy/admin.sock', backend: 'app', stable: 'blue', canary: 'green' };
    expect(createRouter('haproxy', settings).type).toBe('haproxy');
    expect(createRouter(undefined, { provider: 'haproxy', ...settings }).type).toBe('haproxy');
  });

  test.each([
    ['traefik', {}, "Input 'provider' has the value \"traefik\": expected one of haproxy, nginx, gateway-api, istio, smi, ingress-nginx, command."],
    [undefined, {}, "Input 'provider' is missing: expected one of haproxy, nginx, gateway-api, istio, smi, ingress-nginx, command."],
    ['haproxy', { provider: 'nginx' }, "Input 'router.provider' has the value \"nginx\": expected the same provider as the input `provider` (haproxy). Fix: drop one of the two"],
    ['haproxy', ['a'], "Input 'router' has the value [\"a\"]: expected the provider settings as a YAML mapping"],
    ['haproxy', { socket: 's', backend: 'app', stable: 'blue' }, "Input 'router.canary' is missing: expected a non-empty string. Fix: add `canary:` to the haproxy router settings"],
    ['haproxy', { socket: 's', backend: 'app', stable: 'blue', canary: 'blue' }, "router.stable and router.canary both name the server 'blue'"],
    ['haproxy', { socket: 's', backend: 'app', stable: 'a', canary: 'b', timeoutMs: 5 }, "Input 'router.timeoutMs' has the value 5: expected a whole number from 100 to 120000."],
    ['command', {}, 'router.run is missing: expected the command to run'],
    ['gateway-api', { name: 'r', stableService: 'a', canaryService: 'b' }, "Input 'router.gateway' is missing"],
    ['istio', { name: 'r', stableHost: 'a', canaryHost: 'b', weight: 3 }, "Input 'router.weight' has the value 3: expected one of the istio settings"],
  ])('rejects provider %p with settings %p before anything is touched', (provider, settings, message) => {
    expect(() => createRouter(provider, settings)).toThrow(message);
  });
});
