import { describe, expect, test } from '@jest/globals';
import { routerKey } from '../../../../src/actions/canary-step/state.js';

// A post step finds "the same router" by this key: reordered settings must not make it revert a
// rollout a later step promoted.

describe("canary-step's router identity", () => {
  test('settings written in another key order, at any depth, are the same router', () => {
    const written = { socket: '/run/haproxy.sock', backend: 'app', stable: 'blue', canary: 'green', env: ['A', 'B'], extra: { x: 1, y: { p: 1, q: 2 } } };
    const reordered = { extra: { y: { q: 2, p: 1 }, x: 1 }, env: ['A', 'B'], canary: 'green', stable: 'blue', backend: 'app', socket: '/run/haproxy.sock' };
    expect(routerKey('haproxy', reordered)).toBe(routerKey('haproxy', written));
  });

  test('other settings, another list order or another provider are another router', () => {
    const settings = { backend: 'app', stable: 'blue', canary: 'green' };
    expect(routerKey('haproxy', { ...settings, canary: 'blue', stable: 'green' })).not.toBe(routerKey('haproxy', settings));
    expect(routerKey('nginx', settings)).not.toBe(routerKey('haproxy', settings));
    expect(routerKey('command', { run: ['b', 'a'] })).not.toBe(routerKey('command', { run: ['a', 'b'] }));
  });
});
