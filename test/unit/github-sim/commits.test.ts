import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { call, octokitFor, repoOf, sha } from './client.js';

let sim: GitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterEach(() => expectNoContractViolations(sim));
afterAll(() => sim.close());

describe('commit statuses', () => {
  test('the combined state is failure, pending or success from each context\'s latest status', async () => {
    const octokit = octokitFor(sim);
    const commit = sha('cc1');
    const combined = async () => (await octokit.rest.repos.getCombinedStatusForRef({ ...repoOf(sim), ref: commit })).data;
    expect(await combined()).toMatchObject({ state: 'pending', total_count: 0, sha: commit });
    await octokit.rest.repos.createCommitStatus({ ...repoOf(sim), sha: commit, state: 'failure', context: 'ci/test' });
    expect((await combined()).state).toBe('failure');
    await octokit.rest.repos.createCommitStatus({ ...repoOf(sim), sha: commit, state: 'success', context: 'ci/test' });
    await octokit.rest.repos.createCommitStatus({ ...repoOf(sim), sha: commit, state: 'pending', context: 'ci/lint' });
    expect(await combined()).toMatchObject({ state: 'pending', total_count: 2 });
    await octokit.rest.repos.createCommitStatus({ ...repoOf(sim), sha: commit, state: 'success', context: 'ci/lint' });
    expect((await combined()).state).toBe('success');
    const { data: all } = await octokit.rest.repos.listCommitStatusesForRef({ ...repoOf(sim), ref: commit });
    expect(all.map((s) => `${s.context}:${s.state}`)).toEqual(['ci/lint:success', 'ci/lint:pending', 'ci/test:success', 'ci/test:failure']);
  });

  test('a branch name resolves to its head commit; an unknown ref is 404', async () => {
    sim.setBranch('release/1', sha('be1'));
    sim.addCommitStatus(sha('be1'), 'ci', 'success');
    const { data } = await octokitFor(sim).rest.repos.getCombinedStatusForRef({ ...repoOf(sim), ref: 'release/1' });
    expect(data).toMatchObject({ state: 'success', sha: sha('be1') });
    expect((await call(sim, 'GET', '/repos/{owner}/{repo}/commits/nope/status')).status).toBe(404);
  });

  test('an unknown state is 422', async () => {
    expect((await call(sim, 'POST', `/repos/{owner}/{repo}/statuses/${sha('cc2')}`, { state: 'done' })).status).toBe(422);
  });
});

describe('refs and pull requests of a commit', () => {
  test('GET git/ref/heads/<branch> gives the branch head; a missing branch is 404', async () => {
    sim.setBranch('feature/x', sha('fe'));
    const { data } = await octokitFor(sim).rest.git.getRef({ ...repoOf(sim), ref: 'heads/feature/x' });
    expect(data).toMatchObject({ ref: 'refs/heads/feature/x', object: { type: 'commit', sha: sha('fe') } });
    expect((await call(sim, 'GET', '/repos/{owner}/{repo}/git/ref/heads/none')).status).toBe(404);
  });

  test('lists the pull requests whose head is the commit', async () => {
    sim.addPullRequest(21, sha('21'));
    sim.addPullRequest(22, sha('22'));
    const { data } = await octokitFor(sim).rest.repos.listPullRequestsAssociatedWithCommit({ ...repoOf(sim), commit_sha: sha('22') });
    expect(data.map((pr) => pr.number)).toEqual([22]);
  });
});
