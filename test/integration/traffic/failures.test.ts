import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { createRouter } from '../../../src/core/traffic/registry.js';
import { measure, startStack, type TrafficStack } from './stack.js';

const roles = { stable: 'blue', canary: 'green' } as const;
const providers = (['haproxy', 'nginx'] as const).filter((p) => serverAvailable(p));

/** The canary share measured through the proxy is still 25% (±1.5 points over 1,000 requests). */
async function expectStillAt25(stack: TrafficStack): Promise<void> {
  expect(Math.abs((await measure(stack.url, 'v2', 1000)).share - 25)).toBeLessThanOrEqual(1.5);
  expect((await stack.router(roles).describe()).canaryWeight).toBe(25);
}

describe.each(providers)('%s failure paths leave traffic where it was', (provider) => {
  let stack: TrafficStack;
  beforeAll(async () => {
    stack = await startStack(provider);
    await stack.router(roles).setCanaryWeight(25);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test.each([150, -1, 2.5])('a weight of %p is refused naming the input and the range', async (weight) => {
    await expect(stack.router(roles).setCanaryWeight(weight)).rejects.toThrow(`Input 'weight' has the value ${weight}: expected a whole number from 0 to 100`);
    await expectStillAt25(stack);
  });

  if (provider === 'haproxy') {
    test('an unreachable runtime API socket is a clear error', async () => {
      const router = createRouter('haproxy', { ...stack.settings(roles), socket: '/nonexistent/haproxy.sock' });
      await expect(router.setCanaryWeight(50)).rejects.toThrow(
        'Cannot reach the HAProxy runtime API at /nonexistent/haproxy.sock (ENOENT). Fix: check that HAProxy runs and its global section has `stats socket /nonexistent/haproxy.sock level admin`; nothing was changed.',
      );
      await expectStillAt25(stack);
    });

    test('a TCP runtime API address that nobody listens on is a clear error', async () => {
      const router = createRouter('haproxy', { ...stack.settings(roles), socket: '127.0.0.1:1' });
      await expect(router.setCanaryWeight(50)).rejects.toThrow('Cannot reach the HAProxy runtime API at 127.0.0.1:1 (ECONNREFUSED)');
      await expectStillAt25(stack);
    });

    test('a server name the backend lacks is named with the servers it has', async () => {
      const router = createRouter('haproxy', { ...stack.settings(roles), canary: 'purple' });
      await expect(router.setCanaryWeight(50)).rejects.toThrow("HAProxy backend 'app' has no server 'purple' (servers: blue, green)");
      await expectStillAt25(stack);
    });

    test('an unknown backend is named', async () => {
      const router = createRouter('haproxy', { ...stack.settings(roles), backend: 'nope' });
      await expect(router.setCanaryWeight(50)).rejects.toThrow("HAProxy cannot show backend 'nope'");
      await expectStillAt25(stack);
    });
  } else {
    test('a configuration nginx -t rejects is reported with nginx’s words and the previous file restored', async () => {
      const file = String(stack.settings(roles).file);
      const before = readFileSync(file, 'utf8');
      const router = createRouter('nginx', { ...stack.settings(roles), canary: 'no-such-host.invalid:80' });
      await expect(router.setCanaryWeight(50)).rejects.toThrow(/nginx rejected the new routing \(.*nginx -t -q -c .*nginx\.conf exited 1\):\n.*host not found in upstream "no-such-host\.invalid:80"[\s\S]*The previous .* was restored; traffic was not changed\./);
      expect(readFileSync(file, 'utf8')).toBe(before);
      await expectStillAt25(stack);
    });

    test('a reload that fails is reported and the previous file restored', async () => {
      const file = String(stack.settings(roles).file);
      const before = readFileSync(file, 'utf8');
      const router = createRouter('nginx', { ...stack.settings(roles), reload: ['sh', '-c', 'echo "nginx: [error] invalid PID number" >&2; exit 1'] });
      await expect(router.setCanaryWeight(50)).rejects.toThrow('nginx did not reload (sh -c echo "nginx: [error] invalid PID number" >&2; exit 1 exited 1):\nnginx: [error] invalid PID number');
      expect(readFileSync(file, 'utf8')).toBe(before);
      await expectStillAt25(stack);
      // The next real reload must not pick up the refused change either.
      await stack.router(roles).setHeaderRoute?.({ name: 'x-canary', value: 'always' });
      await expectStillAt25(stack);
      await stack.router(roles).setHeaderRoute?.(null);
    });
  }

  test('an unknown provider is refused listing the supported ones', () => {
    expect(() => createRouter('traefik', stack.settings(roles))).toThrow(
      "Input 'provider' has the value \"traefik\": expected one of haproxy, nginx, gateway-api, istio, smi, ingress-nginx, command.",
    );
  });
});
