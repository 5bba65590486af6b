import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { call, octokitFor, repoOf, sha } from './client.js';

let sim: GitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterEach(() => expectNoContractViolations(sim));
afterAll(() => sim.close());

const deployments = '/repos/{owner}/{repo}/deployments';

describe('creating a deployment', () => {
  test('applies GitHub defaults: task deploy, environment production (a production environment), empty description, payload {}', async () => {
    const { data, status } = await octokitFor(sim).rest.repos.createDeployment({ ...repoOf(sim), ref: 'main', required_contexts: [], auto_merge: false });
    expect(status).toBe(201);
    expect(data).toMatchObject({ task: 'deploy', environment: 'production', original_environment: 'production', production_environment: true, transient_environment: false, description: '', payload: {} });
    expect(data).toMatchObject({ ref: 'main', sha: sim.state.branches.get('main'), creator: { login: 'github-actions[bot]', type: 'Bot' } });
  });

  test('a non-production environment is not a production environment unless asked, and is created on first use', async () => {
    const octokit = octokitFor(sim);
    await expect(octokit.rest.repos.getEnvironment({ ...repoOf(sim), environment_name: 'qa-1' })).rejects.toMatchObject({ status: 404 });
    const { data } = await octokit.rest.repos.createDeployment({ ...repoOf(sim), ref: sha('a1'), environment: 'qa-1', required_contexts: [] });
    expect(data).toMatchObject({ environment: 'qa-1', production_environment: false, sha: sha('a1'), ref: sha('a1') });
    const env = await octokit.rest.repos.getEnvironment({ ...repoOf(sim), environment_name: 'qa-1' });
    expect(env.data).toMatchObject({ name: 'qa-1', protection_rules: [] });
    const forced = await octokit.rest.repos.createDeployment({ ...repoOf(sim), ref: sha('a1'), environment: 'qa-1', production_environment: true, transient_environment: true, required_contexts: [] });
    expect(forced.data).toMatchObject({ production_environment: true, transient_environment: true });
  });

  test('a JSON string payload is stored as the object it encodes', async () => {
    const { data } = await octokitFor(sim).rest.repos.createDeployment({ ...repoOf(sim), ref: 'main', environment: 'qa-2', payload: '{"schema":"slipway/v1","n":1}', required_contexts: [] });
    expect((data as { payload: unknown }).payload).toEqual({ schema: 'slipway/v1', n: 1 });
  });

  test('an unknown branch is rejected with 422 "No ref found" and nothing is created', async () => {
    const before = sim.state.deployments.size;
    const answer = await call(sim, 'POST', deployments, { ref: 'no-such-branch', required_contexts: [] });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ message: 'No ref found for: no-such-branch' });
    expect(sim.state.deployments.size).toBe(before);
  });

  test('answers 409 naming the failing contexts when required status checks did not succeed', async () => {
    const commit = sha('c409');
    sim.addCommitStatus(commit, 'ci/test', 'failure');
    sim.addCommitStatus(commit, 'ci/lint', 'success');
    const before = sim.state.deployments.size;
    const named = await call(sim, 'POST', deployments, { ref: commit, required_contexts: ['ci/test', 'ci/build'] });
    expect(named.status).toBe(409);
    expect(named.body).toMatchObject({
      message: `Conflict: Commit status checks failed for ${commit}.`,
      errors: [{ field: 'required_contexts', contexts: [{ context: 'ci/test', state: 'failure' }, { context: 'ci/build', state: 'missing' }] }],
    });
    // Omitted required_contexts means every context on the commit.
    expect((await call(sim, 'POST', deployments, { ref: commit })).status).toBe(409);
    expect(sim.state.deployments.size).toBe(before);
    // An empty list skips the check; passing contexts pass.
    expect((await call(sim, 'POST', deployments, { ref: commit, required_contexts: [] })).status).toBe(201);
    expect((await call(sim, 'POST', deployments, { ref: commit, required_contexts: ['ci/lint'] })).status).toBe(201);
  });

  test('commit statuses posted through the API feed the required-contexts check', async () => {
    const commit = sha('c5');
    const posted = await call(sim, 'POST', `/repos/{owner}/{repo}/statuses/${commit}`, { state: 'pending', context: 'ci/e2e' });
    expect(posted.status).toBe(201);
    expect((await call(sim, 'POST', deployments, { ref: commit, environment: 'qa-3' })).status).toBe(409);
    await call(sim, 'POST', `/repos/{owner}/{repo}/statuses/${commit}`, { state: 'success', context: 'ci/e2e' });
    expect((await call(sim, 'POST', deployments, { ref: commit, environment: 'qa-3' })).status).toBe(201);
  });

  test('with auto_merge on a branch behind the default branch, answers 202 "merged" and creates no deployment', async () => {
    sim.setBranch('topic', sha('70'));
    sim.setBranchBehind('topic');
    const before = sim.state.deployments.size;
    const merged = await call(sim, 'POST', deployments, { ref: 'topic', required_contexts: [] });
    expect(merged).toMatchObject({ status: 202, body: { message: 'Auto-merged main into topic on deployment.' } });
    expect(sim.state.deployments.size).toBe(before);
    sim.setBranchBehind('topic');
    expect((await call(sim, 'POST', deployments, { ref: 'topic', required_contexts: [], auto_merge: false })).status).toBe(201);
  });
});

describe('listing deployments', () => {
  let list: GitHubSimulator;
  beforeAll(async () => {
    list = await startGitHubSimulator();
    list.seedDeployments(250, { environment: 'production', states: ['success'] });
    list.seedDeployments(3, { environment: 'staging', sha: sha('5ee'), task: 'deploy:promote' });
  });
  afterEach(() => expectNoContractViolations(list));
  afterAll(() => list.close());
  const link = (page: number) => `<${list.url}/repositories/${list.repoId}/deployments?environment=production&per_page=100&page=${page}>`;

  test('returns newest first, 30 per page by default', async () => {
    const { body, headers } = await call(list, 'GET', `${deployments}?environment=production`);
    const ids = (body as { id: number }[]).map((d) => d.id);
    expect(ids).toHaveLength(30);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(headers.get('link')).toContain('rel="next"');
  });

  test('caps per_page at 100 and formats the link header as GitHub does (prev, next, last, first)', async () => {
    const page = (n: number) => call(list, 'GET', `${deployments}?environment=production&per_page=100&page=${n}`);
    const [first, middle, last] = await Promise.all([page(1), page(2), page(3)]);
    expect(first.headers.get('link')).toBe(`${link(2)}; rel="next", ${link(3)}; rel="last"`);
    expect(middle.headers.get('link')).toBe(`${link(1)}; rel="prev", ${link(3)}; rel="next", ${link(3)}; rel="last", ${link(1)}; rel="first"`);
    expect(last.headers.get('link')).toBe(`${link(2)}; rel="prev", ${link(1)}; rel="first"`);
    expect([first, middle, last].map((p) => (p.body as unknown[]).length)).toEqual([100, 100, 50]);
    const capped = await call(list, 'GET', `${deployments}?environment=production&per_page=500`);
    expect((capped.body as unknown[]).length).toBe(100);
  });

  test('following the link header visits every deployment past the first 100 exactly once', async () => {
    list.resetCounts();
    const all = await octokitFor(list).paginate(octokitFor(list).rest.repos.listDeployments, { ...repoOf(list), environment: 'production', per_page: 100 });
    expect(all).toHaveLength(250);
    expect(new Set(all.map((d) => d.id)).size).toBe(250);
    expect(list.requests('GET /repos/{owner}/{repo}/deployments')).toBe(3);
  });

  test('filters by environment, sha and task; a single page has no link header', async () => {
    const { data, headers } = await octokitFor(list).rest.repos.listDeployments({ ...repoOf(list), sha: sha('5ee'), task: 'deploy:promote', environment: 'staging' });
    expect(data).toHaveLength(3);
    expect(headers.link).toBeUndefined();
    const none = await octokitFor(list).rest.repos.listDeployments({ ...repoOf(list), environment: 'staging', task: 'deploy' });
    expect(none.data).toEqual([]);
  });
});

describe('deleting a deployment', () => {
  test('refuses an active deployment with 422, deletes an inactive one with 204', async () => {
    const [older, newer] = sim.seedDeployments(2, { environment: 'review', states: ['success'] });
    const refused = await call(sim, 'DELETE', `${deployments}/${newer}`);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ message: 'We cannot delete an active deployment unless it is the only deployment in a given environment.' });
    expect(sim.state.deployments.has(newer)).toBe(true);
    // auto_inactive made the older one inactive when the newer succeeded.
    expect((await call(sim, 'DELETE', `${deployments}/${older}`)).status).toBe(204);
    expect((await call(sim, 'GET', `${deployments}/${older}`)).status).toBe(404);
  });

  test('deletes the repository\'s only deployment whatever its state', async () => {
    const alone = await startGitHubSimulator();
    try {
      const [only] = alone.seedDeployments(1, { environment: 'production', states: ['success'] });
      expect((await call(alone, 'DELETE', `${deployments}/${only}`)).status).toBe(204);
      expectNoContractViolations(alone);
    } finally {
      await alone.close();
    }
  });
});
