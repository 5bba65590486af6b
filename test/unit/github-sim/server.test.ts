import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { call, octokitFor, repoOf } from './client.js';

let sim: GitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterEach(() => {
  expectNoContractViolations(sim);
  sim.setPermissions({ deployments: 'write', issues: 'write', pull_requests: 'write', statuses: 'write', administration: 'write' });
});
afterAll(() => sim.close());

const create = '/repos/{owner}/{repo}/deployments';
const createRoute = 'POST /repos/{owner}/{repo}/deployments';

describe('authentication', () => {
  test('answers 401 "Requires authentication" without a token and "Bad credentials" with a wrong one', async () => {
    expect(await call(sim, 'GET', create, undefined, null)).toMatchObject({ status: 401, body: { message: 'Requires authentication' } });
    expect(await call(sim, 'GET', create, undefined, 'wrong')).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
  });

  test('accepts both "token" and "Bearer" authorization schemes', async () => {
    const withScheme = (scheme: string) => fetch(`${sim.url}/repos/${sim.owner}/${sim.repo}`, { headers: { authorization: `${scheme} ${sim.token}` } });
    expect((await withScheme('token')).status).toBe(200);
    expect((await withScheme('Bearer')).status).toBe(200);
  });
});

describe('permissions', () => {
  test('a write without deployments: write is 403 "Resource not accessible by integration" naming the permission, and creates nothing', async () => {
    sim.setPermissions({ deployments: 'read' });
    const before = sim.state.deployments.size;
    const answer = await call(sim, 'POST', create, { ref: 'main', required_contexts: [] });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
      status: '403',
    });
    expect(answer.headers.get('x-accepted-github-permissions')).toBe('deployments=write');
    expect(sim.state.deployments.size).toBe(before);
    // Reading still works with read access.
    expect((await call(sim, 'GET', create)).status).toBe(200);
  });

  test('no deployments permission at all forbids reading too', async () => {
    sim.setPermissions({ deployments: 'none' });
    expect((await call(sim, 'GET', create)).status).toBe(403);
  });

  test('a PR comment needs issues: write or pull-requests: write', async () => {
    sim.addPullRequest(3, 'd'.repeat(40));
    sim.setPermissions({ issues: 'read', pull_requests: 'read' });
    const refused = await call(sim, 'POST', '/repos/{owner}/{repo}/issues/3/comments', { body: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-accepted-github-permissions')).toBe('issues=write; pull_requests=write');
    sim.setPermissions({ pull_requests: 'write' });
    expect((await call(sim, 'POST', '/repos/{owner}/{repo}/issues/3/comments', { body: 'x' })).status).toBe(201);
  });
});

describe('routing', () => {
  test('an unknown route or another repository is 404 Not Found like GitHub', async () => {
    expect(await call(sim, 'GET', '/repos/{owner}/{repo}/no-such-thing')).toMatchObject({ status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
    expect((await call(sim, 'GET', '/repos/someone/else/deployments')).status).toBe(404);
  });

  test('owner and repository names are case-insensitive, and /repositories/{id} reaches the same repository', async () => {
    expect((await call(sim, 'GET', `/repos/${sim.owner.toUpperCase()}/${sim.repo}/deployments`)).status).toBe(200);
    expect((await call(sim, 'GET', `/repositories/${sim.repoId}/deployments`)).status).toBe(200);
  });

  test('a body that is not JSON is 400 "Problems parsing JSON"', async () => {
    const answer = await fetch(`${sim.url}/repos/${sim.owner}/${sim.repo}/deployments`, { method: 'POST', headers: { authorization: `token ${sim.token}` }, body: '{nope' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });
});

describe('request counting', () => {
  test('counts by route template, by method, and in total; resetCounts starts over', async () => {
    sim.resetCounts();
    const octokit = octokitFor(sim);
    const { data } = await octokit.rest.repos.createDeployment({ ...repoOf(sim), ref: 'main', environment: 'count', required_contexts: [] });
    await octokit.rest.repos.getDeployment({ ...repoOf(sim), deployment_id: (data as { id: number }).id });
    await octokit.rest.repos.listDeployments({ ...repoOf(sim), environment: 'count' });
    expect(sim.requests(createRoute)).toBe(1);
    expect(sim.requests(create, 'GET')).toBe(1);
    expect(sim.requests('/repos/{owner}/{repo}/deployments/{deployment_id}')).toBe(1);
    expect(sim.requests()).toBe(3);
    expect(sim.requestLog.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 201', 'GET 200', 'GET 200']);
    sim.resetCounts();
    expect(sim.requests()).toBe(0);
  });
});

describe('rate limit', () => {
  test('every answer carries the x-ratelimit headers and each request uses one of the 1,000 an hour', async () => {
    const first = await call(sim, 'GET', '/repos/{owner}/{repo}');
    const second = await call(sim, 'GET', '/repos/{owner}/{repo}');
    const header = (name: string) => Number(second.headers.get(`x-ratelimit-${name}`));
    expect(header('limit')).toBe(1000);
    expect(Number(first.headers.get('x-ratelimit-remaining')) - header('remaining')).toBe(1);
    expect(header('used') + header('remaining')).toBe(1000);
    expect(header('reset')).toBeGreaterThan(Date.now() / 1000);
    expect(second.headers.get('x-ratelimit-resource')).toBe('core');
  });

  test('GET /rate_limit reports the budget without using it', async () => {
    const { data } = await octokitFor(sim).rest.rateLimit.get();
    const again = await octokitFor(sim).rest.rateLimit.get();
    expect(again.data.rate.used).toBe(data.rate.used);
    expect(data.resources.core).toEqual(data.rate);
  });

  test('an exhausted budget answers 403 with x-ratelimit-remaining 0', async () => {
    const small = await startGitHubSimulator({ rateLimit: 2 });
    try {
      await call(small, 'GET', '/repos/{owner}/{repo}');
      await call(small, 'GET', '/repos/{owner}/{repo}');
      const limited = await call(small, 'GET', '/repos/{owner}/{repo}');
      expect(limited.status).toBe(403);
      expect(limited.body).toMatchObject({ message: expect.stringContaining('API rate limit exceeded') });
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expectNoContractViolations(small);
    } finally {
      await small.close();
    }
  });
});

describe('faults', () => {
  test('a status fault answers that status once, then the route works again', async () => {
    sim.injectFault({ route: createRoute, kind: 'status', status: 502 });
    const before = sim.state.deployments.size;
    expect((await call(sim, 'POST', create, { ref: 'main', required_contexts: [] })).status).toBe(502);
    expect(sim.state.deployments.size).toBe(before);
    expect((await call(sim, 'POST', create, { ref: 'main', required_contexts: [] })).status).toBe(201);
  });

  test('times, method and route narrow a fault to the requests it names', async () => {
    sim.injectFault({ method: 'GET', route: '/repos/{owner}/{repo}', kind: 'status', status: 500, times: 2 });
    expect((await call(sim, 'GET', create)).status).toBe(200);
    expect((await call(sim, 'GET', '/repos/{owner}/{repo}')).status).toBe(500);
    expect((await call(sim, 'GET', '/repos/{owner}/{repo}')).status).toBe(500);
    expect((await call(sim, 'GET', '/repos/{owner}/{repo}')).status).toBe(200);
  });

  test('afterApply applies the write, then fails: the deployment exists although the client saw a 502', async () => {
    sim.injectFault({ route: createRoute, kind: 'status', status: 502, afterApply: true });
    const before = sim.state.deployments.size;
    expect((await call(sim, 'POST', create, { ref: 'main', environment: 'after', required_contexts: [] })).status).toBe(502);
    expect(sim.state.deployments.size).toBe(before + 1);
  });

  test('403 and 429 faults are secondary rate limits with retry-after', async () => {
    sim.injectFault({ route: createRoute, kind: 'status', status: 403, retryAfter: 7 });
    sim.injectFault({ route: createRoute, kind: 'status', status: 429, retryAfter: 3 });
    for (const [status, wait] of [[403, '7'], [429, '3']] as const) {
      const answer = await call(sim, 'POST', create, { ref: 'main', required_contexts: [] });
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ message: expect.stringMatching(/^You have exceeded a secondary rate limit/) });
      expect(answer.headers.get('retry-after')).toBe(wait);
    }
  });

  test('a dropped connection fails the request with a socket error', async () => {
    sim.injectFault({ route: '/repos/{owner}/{repo}', kind: 'drop' });
    await expect(call(sim, 'GET', '/repos/{owner}/{repo}')).rejects.toThrow();
    expect(sim.requestLog.at(-1)).toMatchObject({ route: '/repos/{owner}/{repo}', status: 0 });
    expect((await call(sim, 'GET', '/repos/{owner}/{repo}')).status).toBe(200);
  });

  test('a latency fault delays the answer without changing it', async () => {
    sim.injectFault({ route: '/repos/{owner}/{repo}', kind: 'latency', ms: 300 });
    const finished: string[] = [];
    const slow = call(sim, 'GET', '/repos/{owner}/{repo}').then((answer) => (finished.push('delayed'), answer));
    const quick = call(sim, 'GET', create).then((answer) => (finished.push('undelayed'), answer));
    const [delayed] = await Promise.all([slow, quick]);
    expect(delayed.status).toBe(200);
    expect(finished).toEqual(['undelayed', 'delayed']);
  });

  test('Octokit with the retry and throttling plugins gets through 5xx and secondary limits', async () => {
    const Client = Octokit.plugin(retry, throttling);
    const octokit = new Client({
      baseUrl: sim.url, auth: sim.token, log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      retry: { retryAfterBaseValue: 1 },
      throttle: { onRateLimit: () => true, onSecondaryRateLimit: () => true },
    });
    sim.resetCounts();
    sim.injectFault({ route: '/repos/{owner}/{repo}', kind: 'status', status: 503 });
    sim.injectFault({ route: '/repos/{owner}/{repo}', kind: 'status', status: 429, retryAfter: 0 });
    const { status } = await octokit.rest.repos.get(repoOf(sim));
    expect(status).toBe(200);
    expect(sim.requestLog.map((r) => r.status)).toEqual([503, 429, 200]);
  });
});
