import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { toJsonSchema, validateRequest, validateResponse } from '../../../testkit/github-sim/contract.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { call, octokitFor, repoOf } from './client.js';

let sim: GitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterAll(() => sim.close());

describe('every endpoint answers within the contract', () => {
  afterEach(() => expectNoContractViolations(sim));

  test('a tour of every implemented operation records zero contract violations', async () => {
    const octokit = octokitFor(sim);
    const repo = repoOf(sim);
    sim.setEnvironment('production', { reviewers: [{ type: 'User', id: 1 }, { type: 'Team', id: 2 }], waitTimer: 5, branchPolicy: { protected_branches: true, custom_branch_policies: false } });
    const { data: deployment } = await octokit.rest.repos.createDeployment({ ...repo, ref: 'main', payload: { schema: 'slipway/v1' }, required_contexts: [], auto_merge: false, description: null as unknown as string });
    const id = (deployment as { id: number }).id;
    const { data: status } = await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: id, state: 'success', log_url: 'https://github.com/o/r/actions/runs/1', environment_url: 'https://app.example.com' });
    await octokit.rest.repos.getDeployment({ ...repo, deployment_id: id });
    await octokit.rest.repos.listDeployments({ ...repo, environment: 'production' });
    await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id });
    await octokit.rest.repos.getDeploymentStatus({ ...repo, deployment_id: id, status_id: status.id });
    const { data: env } = await octokit.rest.repos.getEnvironment({ ...repo, environment_name: 'production' });
    expect(env.protection_rules?.map((r) => r.type)).toEqual(['required_reviewers', 'wait_timer', 'branch_policy']);
    await octokit.rest.repos.getAllEnvironments(repo);
    await octokit.rest.repos.createOrUpdateEnvironment({ ...repo, environment_name: 'preview', wait_timer: 1, deployment_branch_policy: null });
    await octokit.rest.repos.deleteAnEnvironment({ ...repo, environment_name: 'preview' });
    sim.addPullRequest(12, 'e'.repeat(40));
    await octokit.rest.pulls.get({ ...repo, pull_number: 12 });
    const { data: comment } = await octokit.rest.issues.createComment({ ...repo, issue_number: 12, body: 'hello' });
    await octokit.rest.issues.updateComment({ ...repo, comment_id: comment.id, body: 'updated' });
    await octokit.rest.issues.getComment({ ...repo, comment_id: comment.id });
    await octokit.rest.issues.listComments({ ...repo, issue_number: 12 });
    await octokit.rest.issues.deleteComment({ ...repo, comment_id: comment.id });
    await octokit.rest.repos.get(repo);
    await octokit.rest.rateLimit.get();
    // Error answers are checked too (documented 404/422 schemas, GitHub's basic error otherwise).
    await expect(octokit.rest.repos.getDeployment({ ...repo, deployment_id: 1 })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.repos.deleteDeployment({ ...repo, deployment_id: id })).resolves.toMatchObject({ status: 204 });
    expect(sim.requests()).toBeGreaterThanOrEqual(20);
  });
});

describe('validation catches drift', () => {
  afterEach(() => void sim.contractViolations.splice(0));

  test('a response with a wrong type is reported, naming the operation, the status and the field', async () => {
    sim.corruptResponses('GET /repos/{owner}/{repo}/deployments/{deployment_id}', (body) => ({ ...(body as object), id: 'not-a-number' }));
    const [id] = sim.seedDeployments(1, { environment: 'drift' });
    await call(sim, 'GET', `/repos/{owner}/{repo}/deployments/${id}`);
    expect(sim.contractViolations).toEqual([expect.stringMatching(/^repos\/get-deployment \(GET \/repos\/\{owner\}\/\{repo\}\/deployments\/\{deployment_id\}\): response 200 body: \/id must be integer/)]);
    expect(() => expectNoContractViolations(sim)).toThrow(/1 contract violation/);
  });

  test('a response missing a required field or using an undocumented success status is reported', async () => {
    sim.corruptResponses('GET /repos/{owner}/{repo}', (body) => {
      const { full_name: _dropped, ...rest } = body as Record<string, unknown>;
      return rest;
    });
    await call(sim, 'GET', '/repos/{owner}/{repo}');
    expect(sim.contractViolations.join('\n')).toMatch(/repos\/get .*response 200 body: .*must have required property 'full_name'/);
    expect(validateResponse('POST', '/repos/{owner}/{repo}/deployments', 200, {})).toEqual([
      expect.stringContaining('response status 200 is not documented (documented: 201, 202, 409, 422)'),
    ]);
  });

  test('a request body outside the contract is answered 422 "Invalid request" and reported', async () => {
    const before = sim.state.deployments.size;
    const answer = await call(sim, 'POST', '/repos/{owner}/{repo}/deployments', { ref: 'main', required_contexts: 'ci', auto_merge: 'no' });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ message: expect.stringMatching(/^Invalid request\.\n\n.*required_contexts must be array/s) });
    expect(sim.state.deployments.size).toBe(before);
    expect(sim.contractViolations).toEqual([expect.stringMatching(/^repos\/create-deployment .*: request body: \/auto_merge must be boolean; \/required_contexts must be array$/)]);
  });

  test('an invalid state is a violation; path and query parameters are checked with GitHub\'s coercion', () => {
    expect(validateRequest('POST', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { params: { owner: 'o', repo: 'r', deployment_id: '12' }, query: {}, body: { state: 'done' } }))
      .toEqual([expect.stringMatching(/request body: \/state must be equal to one of the allowed values \["error","failure","inactive","in_progress","queued","pending","success"\]/)]);
    expect(validateRequest('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}', { params: { owner: 'o', repo: 'r', deployment_id: 'abc' }, query: {}, body: undefined }))
      .toEqual([expect.stringMatching(/request path parameters: \/deployment_id must be integer/)]);
    expect(validateRequest('GET', '/repos/{owner}/{repo}/deployments', { params: { owner: 'o', repo: 'r' }, query: { per_page: '100', page: '2' }, body: undefined })).toEqual([]);
  });
});

describe('without validation', () => {
  test('validate: false records nothing and leaves bodies to the routes\' own rules', async () => {
    const loose = await startGitHubSimulator({ validate: false });
    try {
      loose.corruptResponses('GET /repos/{owner}/{repo}', () => ({ id: 'wrong' }));
      await call(loose, 'GET', '/repos/{owner}/{repo}');
      const answer = await call(loose, 'POST', '/repos/{owner}/{repo}/deployments', { ref: 'main', required_contexts: [], auto_merge: 'no' });
      expect(answer.status).toBe(201);
      expect(loose.contractViolations).toEqual([]);
    } finally {
      await loose.close();
    }
  });
});

describe('OpenAPI 3.0 to JSON Schema', () => {
  test.each([
    [{ type: 'string', nullable: true }, { type: ['string', 'null'] }],
    [{ type: 'string', enum: ['a'], nullable: true }, { type: ['string', 'null'], enum: ['a', null] }],
    [{ allOf: [{ type: 'object' }], nullable: true }, { anyOf: [{ allOf: [{ type: 'object' }] }, { type: 'null' }] }],
    [{ oneOf: [{ type: 'string' }], example: 'x' }, { anyOf: [{ type: 'string' }] }],
    [{ type: 'object', properties: { example: { type: 'string', nullable: true } } }, { type: 'object', properties: { example: { type: ['string', 'null'] } } }],
  ])('converts %j', (input, expected) => {
    expect(toJsonSchema(input)).toEqual(expected);
  });

  test('treats an empty string as a valid uri, as GitHub sends for unset URLs', () => {
    const status = { id: 1, node_id: 'n', state: 'success', creator: null, description: '', deployment_url: 'https://x', target_url: '', repository_url: 'https://x', url: 'https://x', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', environment_url: '' };
    expect(validateResponse('POST', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, status)).toEqual([]);
    expect(validateResponse('POST', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, { ...status, target_url: 'not a url' })).toEqual([expect.stringContaining('/target_url must match format "uri"')]);
  });
});
