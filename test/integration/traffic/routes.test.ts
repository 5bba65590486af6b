import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { mirrorToCanary, routeHeaderToCanary } from '../../../src/core/traffic/strategies.js';
import { measure, startStack, type TrafficStack } from './stack.js';

const roles = { stable: 'blue', canary: 'green' } as const;
const providers = (['haproxy', 'nginx'] as const).filter((p) => serverAvailable(p));

describe.each(providers)('%s header routes', (provider) => {
  let stack: TrafficStack;
  beforeAll(async () => {
    stack = await startStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('x-canary: always reaches the canary at weight 0 and at 25%, other requests follow the weights', async () => {
    const router = stack.router(roles);
    const state = await routeHeaderToCanary(router, { name: 'x-canary', value: 'always' });
    expect(state.headerRoutes).toEqual([{ name: 'x-canary', value: 'always' }]);
    expect((await router.describe()).headerRoutes).toEqual([{ name: 'x-canary', value: 'always' }]);

    stack.apps.green.resetSeen();
    expect((await measure(stack.url, 'v2', 400, { 'x-canary': 'always' })).share).toBe(100);
    expect(stack.apps.green.seen.headerRouted).toBe(400);
    expect((await measure(stack.url, 'v2', 400, { 'x-canary': 'never' })).share).toBe(0);
    expect((await measure(stack.url, 'v2', 400)).share).toBe(0);

    await router.setCanaryWeight(25);
    expect((await measure(stack.url, 'v2', 400, { 'x-canary': 'always' })).share).toBe(100);
    expect(Math.abs((await measure(stack.url, 'v2', 1000)).share - 25)).toBeLessThanOrEqual(2);
  });

  test('abort removes the header route along with the weight', async () => {
    const router = stack.router(roles);
    const state = await router.abort();
    expect(state).toMatchObject({ canaryWeight: 0, headerRoutes: [] });
    expect((await measure(stack.url, 'v2', 400, { 'x-canary': 'always' })).share).toBe(0);
  });
});

describe.each(providers)('%s mirroring (dark launch)', (provider) => {
  let stack: TrafficStack;
  beforeAll(async () => {
    stack = await startStack(provider);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  if (provider === 'haproxy') {
    test('is refused as unsupported, naming the providers that mirror, and changes nothing', async () => {
      const router = stack.router(roles);
      await router.setCanaryWeight(5);
      await expect(mirrorToCanary(router, 10)).rejects.toThrow('The haproxy router cannot do mirroring (dark launch): HAProxy can only mirror through an SPOE agent');
      expect(await router.describe()).toMatchObject({ canaryWeight: 5, mirrorPercentage: 0 });
      expect(Math.abs((await measure(stack.url, 'v2', 1000)).share - 5)).toBeLessThanOrEqual(1);
    });
    return;
  }

  test('copies the mirrored share to the canary while every answer still comes from stable', async () => {
    const router = stack.router(roles);
    await mirrorToCanary(router, 100);
    stack.apps.green.resetSeen();
    const all = await measure(stack.url, 'v1', 400);
    expect(all.share).toBe(100);
    await waitFor(() => stack.apps.green.seen.mirrored === 400);
    expect(stack.apps.green.seen).toMatchObject({ requests: 400, mirrored: 400 });

    await mirrorToCanary(router, 50);
    stack.apps.green.resetSeen();
    expect((await measure(stack.url, 'v1', 1000)).share).toBe(100);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // split_clients hashes the request id: about half, not exactly half.
    expect(stack.apps.green.seen.mirrored).toBeGreaterThan(420);
    expect(stack.apps.green.seen.mirrored).toBeLessThan(580);

    await mirrorToCanary(router, 0);
    stack.apps.green.resetSeen();
    await measure(stack.url, 'v1', 400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stack.apps.green.seen.requests).toBe(0);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
