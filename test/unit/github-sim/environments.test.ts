import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { call, octokitFor, repoOf } from './client.js';

let sim: GitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterEach(() => {
  expectNoContractViolations(sim);
  sim.setPermissions({ administration: 'write' });
});
afterAll(() => sim.close());

const env = (name: string) => `/repos/{owner}/{repo}/environments/${name}`;

describe('environments', () => {
  test('GET shows the protection rules set up for the environment', async () => {
    sim.setEnvironment('production', { reviewers: [{ type: 'Team', id: 42 }], waitTimer: 30, branchPolicy: { protected_branches: false, custom_branch_policies: true }, preventSelfReview: true });
    const { data } = await octokitFor(sim).rest.repos.getEnvironment({ ...repoOf(sim), environment_name: 'production' });
    expect(data.protection_rules).toEqual([
      expect.objectContaining({ type: 'required_reviewers', prevent_self_review: true, reviewers: [expect.objectContaining({ type: 'Team', reviewer: expect.objectContaining({ id: 42 }) })] }),
      expect.objectContaining({ type: 'wait_timer', wait_timer: 30 }),
      expect.objectContaining({ type: 'branch_policy' }),
    ]);
    expect(data.deployment_branch_policy).toEqual({ protected_branches: false, custom_branch_policies: true });
  });

  test('an environment without rules has an empty protection_rules list and a null branch policy', async () => {
    sim.setEnvironment('plain');
    const { data } = await octokitFor(sim).rest.repos.getEnvironment({ ...repoOf(sim), environment_name: 'plain' });
    expect(data).toMatchObject({ name: 'plain', protection_rules: [], deployment_branch_policy: null });
  });

  test('a missing environment is 404', async () => {
    expect((await call(sim, 'GET', env('nowhere'))).status).toBe(404);
  });

  test('PUT creates or updates an environment and validates GitHub\'s limits', async () => {
    expect((await call(sim, 'PUT', env('gated'), { wait_timer: 43_201 })).status).toBe(422);
    expect((await call(sim, 'PUT', env('gated'), { reviewers: Array.from({ length: 7 }, (_, id) => ({ type: 'User', id })) })).status).toBe(422);
    expect((await call(sim, 'PUT', env('gated'), { deployment_branch_policy: { protected_branches: true, custom_branch_policies: true } })).status).toBe(422);
    expect(sim.state.environments.has('gated')).toBe(false);
    const ok = await call(sim, 'PUT', env('gated'), { wait_timer: 10, reviewers: [{ type: 'User', id: 7 }] });
    expect(ok.status).toBe(200);
    expect((ok.body as { protection_rules: { type: string }[] }).protection_rules.map((r) => r.type)).toEqual(['required_reviewers', 'wait_timer']);
  });

  test('creating or deleting an environment needs Administration: write, which GITHUB_TOKEN lacks', async () => {
    sim.setPermissions({ administration: 'none' });
    const refused = await call(sim, 'DELETE', env('plain'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-accepted-github-permissions')).toBe('administration=write');
    expect(sim.state.environments.has('plain')).toBe(true);
  });

  test('lists every environment with total_count, paginated', async () => {
    const { data } = await octokitFor(sim).rest.repos.getAllEnvironments({ ...repoOf(sim), per_page: 1 });
    expect(data.total_count).toBe(sim.state.environments.size);
    expect(data.environments).toHaveLength(1);
  });
});

describe('pull requests and comments', () => {
  test('a seeded pull request reads back with its head sha and branch; others are 404', async () => {
    sim.addPullRequest(7, 'f'.repeat(40), 'feature/login');
    const { data } = await octokitFor(sim).rest.pulls.get({ ...repoOf(sim), pull_number: 7 });
    expect(data).toMatchObject({ number: 7, state: 'open', head: { sha: 'f'.repeat(40), ref: 'feature/login' }, base: { ref: 'main' } });
    expect((await call(sim, 'GET', '/repos/{owner}/{repo}/pulls/8')).status).toBe(404);
  });

  test('the PR head branch can be deployed by name', async () => {
    const { data } = await octokitFor(sim).rest.repos.createDeployment({ ...repoOf(sim), ref: 'feature/login', environment: 'pr-7', required_contexts: [] });
    expect((data as { sha: string }).sha).toBe('f'.repeat(40));
  });

  test('a sticky comment: create, find again in the list, update in place, delete', async () => {
    const octokit = octokitFor(sim);
    const repo = repoOf(sim);
    await octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: 'unrelated' });
    const { data: created } = await octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: '<!-- slipway -->\nstep 1' });
    const listed = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: 7, per_page: 1 });
    expect(listed.map((c) => c.body)).toEqual(['unrelated', '<!-- slipway -->\nstep 1']);
    const { data: updated } = await octokit.rest.issues.updateComment({ ...repo, comment_id: created.id, body: '<!-- slipway -->\nstep 2' });
    expect(updated).toMatchObject({ id: created.id, body: '<!-- slipway -->\nstep 2', user: { login: 'github-actions[bot]' } });
    await octokit.rest.issues.deleteComment({ ...repo, comment_id: created.id });
    expect((await call(sim, 'GET', `/repos/{owner}/{repo}/issues/comments/${created.id}`)).status).toBe(404);
  });

  test('commenting on an issue that does not exist is 404', async () => {
    expect((await call(sim, 'POST', '/repos/{owner}/{repo}/issues/99/comments', { body: 'x' })).status).toBe(404);
  });
});
