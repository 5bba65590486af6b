import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { call, octokitFor, repoOf, sha } from './client.js';

let sim: GitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterEach(() => expectNoContractViolations(sim));
afterAll(() => sim.close());

describe('test helpers', () => {
  test('seedDeployments returns ids oldest to newest, makes no requests, and reads back through the API', async () => {
    sim.resetCounts();
    const ids = sim.seedDeployments(3, { environment: 'seeded', creator: 'octocat', task: 'deploy:promote', payload: (i: number) => ({ n: i }), states: ['in_progress', 'failure'] });
    expect(sim.requests()).toBe(0);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const { data } = await octokitFor(sim).rest.repos.listDeployments({ ...repoOf(sim), environment: 'seeded' });
    expect(data.map((d) => d.id)).toEqual([...ids].reverse());
    expect(data.map((d) => d.payload)).toEqual([{ n: 2 }, { n: 1 }, { n: 0 }]);
    expect(data[0]).toMatchObject({ task: 'deploy:promote', creator: { login: 'octocat', type: 'User' } });
    expect(data.map((d) => Date.parse(d.created_at))).toEqual([...data.map((d) => Date.parse(d.created_at))].sort((a, b) => b - a));
    const statuses = await octokitFor(sim).rest.repos.listDeploymentStatuses({ ...repoOf(sim), deployment_id: ids[0] });
    expect(statuses.data.map((s) => s.state)).toEqual(['failure', 'in_progress']);
  });

  test('creation times follow creation order however seeding and API calls are mixed; createdAt sets a timeline exactly', async () => {
    const fresh = await startGitHubSimulator();
    try {
      const { data: viaApi } = await octokitFor(fresh).rest.repos.createDeployment({ ...repoOf(fresh), ref: 'main', environment: 'mixed', required_contexts: [] });
      const [seeded] = fresh.seedDeployments(1, { environment: 'mixed' });
      const created = (id: number) => Date.parse(fresh.state.deployments.get(id)?.createdAt ?? '');
      expect(created(seeded)).toBeGreaterThanOrEqual(created((viaApi as { id: number }).id));
      const days = fresh.seedDeployments(3, { environment: 'timeline', createdAt: (i) => new Date(Date.UTC(2026, 0, 1 + i, 12)) });
      expect(days.map((id) => fresh.state.deployments.get(id)?.createdAt)).toEqual(['2026-01-01T12:00:00Z', '2026-01-02T12:00:00Z', '2026-01-03T12:00:00Z']);
      expectNoContractViolations(fresh);
    } finally {
      await fresh.close();
    }
  });

  test('createJobDeployment looks like the deployment GitHub makes for a job with environment:', async () => {
    const id = sim.createJobDeployment({ environment: 'staging', sha: sha('ab'), runId: 4242 });
    const { data } = await octokitFor(sim).rest.repos.getDeployment({ ...repoOf(sim), deployment_id: id });
    expect(data).toMatchObject({ sha: sha('ab'), environment: 'staging', payload: {}, creator: { login: 'github-actions[bot]' } });
    const statuses = await octokitFor(sim).rest.repos.listDeploymentStatuses({ ...repoOf(sim), deployment_id: id });
    expect(statuses.data).toEqual([expect.objectContaining({ state: 'in_progress', log_url: expect.stringMatching(/^https:\/\/github\.com\/octo-org\/app\/actions\/runs\/4242\/job\/\d+$/) })]);
  });

  test('deleteDeploymentDirect removes even an active deployment, leaving a hole in a lineage', async () => {
    const [id] = sim.seedDeployments(1, { environment: 'holes', states: ['success'] });
    sim.deleteDeploymentDirect(id);
    expect((await call(sim, 'GET', `/repos/{owner}/{repo}/deployments/${id}`)).status).toBe(404);
  });

  test('addDeploymentStatus applies auto_inactive like the API', () => {
    const [older, newer] = sim.seedDeployments(2, { environment: 'direct' });
    sim.addDeploymentStatus(older, 'success');
    sim.addDeploymentStatus(newer, 'success', { description: 'done' });
    expect(sim.state.deployments.get(older)?.statuses.at(-1)?.state).toBe('inactive');
  });

  test('a /repositories/{id} path of another repository is 404', async () => {
    expect((await call(sim, 'GET', `/repositories/${sim.repoId + 1}/deployments`)).status).toBe(404);
  });
});

describe('pagination (property)', () => {
  test('for any history length and page size, following next links visits every deployment once, newest first', async () => {
    const pager = await startGitHubSimulator({ rateLimit: 100_000 });
    // fast-check may draw the same pair twice: each run gets an environment of its own.
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 230 }), fc.integer({ min: 1, max: 120 }), async (count, perPage) => {
          const environment = `env-${run++}-${count}-${perPage}`;
          const ids = pager.seedDeployments(count, { environment });
          const seen: number[] = [];
          let next: string | undefined = `${pager.url}/repos/${pager.owner}/${pager.repo}/deployments?environment=${environment}&per_page=${perPage}`;
          let pages = 0;
          while (next) {
            const answer = await fetch(next, { headers: { authorization: `token ${pager.token}` } });
            seen.push(...((await answer.json()) as { id: number }[]).map((d) => d.id));
            next = /<([^>]+)>; rel="next"/.exec(answer.headers.get('link') ?? '')?.[1];
            pages++;
          }
          expect(seen).toEqual([...ids].reverse());
          expect(pages).toBe(Math.max(1, Math.ceil(count / Math.min(perPage, 100))));
        }),
        { numRuns: 25 },
      );
      expectNoContractViolations(pager);
    } finally {
      await pager.close();
    }
  });
});
