import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SECONDARY_LIMITS, SecondaryLimiter } from '../../../testkit/github-sim/limits.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { call, sha } from './client.js';

describe('secondary limits (pure)', () => {
  test('refuses the 81st content-creating request within a minute, with the wait until the oldest leaves the window', () => {
    let now = 1_000_000;
    const limiter = new SecondaryLimiter(() => now);
    for (let i = 0; i < SECONDARY_LIMITS.createsPerMinute; i++) {
      expect(limiter.admit('POST')).toBeUndefined();
      now += 100;
    }
    expect(limiter.admit('POST')).toEqual({ retryAfter: 52 });
    expect(limiter.admit('GET')).toBeUndefined();
    now += 52_000;
    expect(limiter.admit('POST')).toBeUndefined();
  });

  test('refuses past 500 content-creating requests an hour even when spread out', () => {
    let now = 0;
    const limiter = new SecondaryLimiter(() => now);
    for (let i = 0; i < SECONDARY_LIMITS.createsPerHour; i++) {
      expect(limiter.admit('POST')).toBeUndefined();
      now += 1_000;
    }
    expect(limiter.admit('POST')).toEqual({ retryAfter: 3_100 });
  });

  test('refuses any request while more than 100 are in flight', () => {
    const limiter = new SecondaryLimiter();
    for (let i = 0; i <= SECONDARY_LIMITS.concurrent; i++) limiter.enter();
    expect(limiter.admit('GET')).toEqual({ retryAfter: 1 });
    limiter.leave();
    expect(limiter.admit('GET')).toBeUndefined();
  });
});

describe('a simulator with secondaryLimits', () => {
  let sim: GitHubSimulator;
  beforeAll(async () => {
    sim = await startGitHubSimulator({ secondaryLimits: true });
  });
  afterAll(() => sim.close());

  test('answers the 81st POST of the minute with a secondary-rate-limit 403 and retry-after, and applies nothing', async () => {
    for (let i = 0; i < SECONDARY_LIMITS.createsPerMinute; i++) {
      expect((await call(sim, 'POST', `/repos/{owner}/{repo}/statuses/${sha('5a')}`, { state: 'success', context: `c${i}` })).status).toBe(201);
    }
    const refused = await call(sim, 'POST', '/repos/{owner}/{repo}/deployments', { ref: 'main', required_contexts: [] });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ message: expect.stringMatching(/^You have exceeded a secondary rate limit/) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sim.state.deployments.size).toBe(0);
    expect((await call(sim, 'GET', '/repos/{owner}/{repo}/deployments')).status).toBe(200);
    expectNoContractViolations(sim);
  });
});
