import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { call, octokitFor, repoOf } from './client.js';

let sim: GitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterEach(() => expectNoContractViolations(sim));
afterAll(() => sim.close());

const latestState = (id: number): string | undefined => sim.state.deployments.get(id)?.statuses.at(-1)?.state;
const statuses = (id: number) => `/repos/{owner}/{repo}/deployments/${id}/statuses`;

describe('auto_inactive', () => {
  test('a new success marks earlier successful deployments of the same non-production environment inactive', async () => {
    const [first, second] = sim.seedDeployments(2, { environment: 'staging', states: ['success'] });
    // Seeding applies the rule too: the second success already retired the first.
    expect(latestState(first)).toBe('inactive');
    const [third] = sim.seedDeployments(1, { environment: 'staging', states: ['in_progress'] });
    expect(latestState(second)).toBe('success');
    const { data } = await octokitFor(sim).rest.repos.createDeploymentStatus({ ...repoOf(sim), deployment_id: third, state: 'success' });
    expect(data.state).toBe('success');
    expect(latestState(second)).toBe('inactive');
    const added = sim.state.deployments.get(second)?.statuses.at(-1);
    expect(added).toMatchObject({ state: 'inactive', environment: 'staging' });
  });

  test('leaves production, transient, failed and other-environment deployments alone', async () => {
    const [production] = sim.seedDeployments(1, { environment: 'prod-eu', productionEnvironment: true, states: ['success'] });
    const [transient] = sim.seedDeployments(1, { environment: 'prod-eu', transientEnvironment: true, states: ['success'] });
    const [failed] = sim.seedDeployments(1, { environment: 'prod-eu', states: ['success', 'failure'] });
    const [elsewhere] = sim.seedDeployments(1, { environment: 'other', states: ['success'] });
    const [next] = sim.seedDeployments(1, { environment: 'prod-eu' });
    await octokitFor(sim).rest.repos.createDeploymentStatus({ ...repoOf(sim), deployment_id: next, state: 'success' });
    expect([production, transient, failed, elsewhere].map(latestState)).toEqual(['success', 'success', 'failure', 'success']);
  });

  test('auto_inactive: false keeps the earlier deployment active', async () => {
    const [earlier, later] = sim.seedDeployments(2, { environment: 'keep', states: ['in_progress'] });
    await octokitFor(sim).rest.repos.createDeploymentStatus({ ...repoOf(sim), deployment_id: earlier, state: 'success' });
    await octokitFor(sim).rest.repos.createDeploymentStatus({ ...repoOf(sim), deployment_id: later, state: 'success', auto_inactive: false });
    expect(latestState(earlier)).toBe('success');
  });

  test('a later success never retires a newer deployment (only earlier ones)', async () => {
    const [older, newer] = sim.seedDeployments(2, { environment: 'order', states: ['in_progress'] });
    await octokitFor(sim).rest.repos.createDeploymentStatus({ ...repoOf(sim), deployment_id: newer, state: 'success' });
    await octokitFor(sim).rest.repos.createDeploymentStatus({ ...repoOf(sim), deployment_id: older, state: 'success' });
    expect([latestState(older), latestState(newer)]).toEqual(['success', 'success']);
  });
});

describe('creating a status', () => {
  test('log_url sets target_url too; environment_url defaults to ""', async () => {
    const [id] = sim.seedDeployments(1, { environment: 'urls' });
    const { data } = await octokitFor(sim).rest.repos.createDeploymentStatus({ ...repoOf(sim), deployment_id: id, state: 'in_progress', log_url: 'https://github.com/octo-org/app/actions/runs/1' });
    expect(data).toMatchObject({ log_url: 'https://github.com/octo-org/app/actions/runs/1', target_url: 'https://github.com/octo-org/app/actions/runs/1', environment_url: '', environment: 'urls' });
  });

  test('rejects a description over 140 characters with 422 and records nothing', async () => {
    const [id] = sim.seedDeployments(1, { environment: 'long' });
    const answer = await call(sim, 'POST', statuses(id), { state: 'success', description: 'x'.repeat(141) });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ message: 'Validation Failed', errors: [{ field: 'description', message: 'description is too long (maximum is 140 characters)' }] });
    expect(sim.state.deployments.get(id)?.statuses).toHaveLength(0);
    expect((await call(sim, 'POST', statuses(id), { state: 'success', description: 'x'.repeat(140) })).status).toBe(201);
  });

  test('an environment on the status moves the deployment to that environment', async () => {
    const [id] = sim.seedDeployments(1, { environment: 'from' });
    await octokitFor(sim).rest.repos.createDeploymentStatus({ ...repoOf(sim), deployment_id: id, state: 'success', environment: 'to' });
    const { data } = await octokitFor(sim).rest.repos.getDeployment({ ...repoOf(sim), deployment_id: id });
    expect(data).toMatchObject({ environment: 'to', original_environment: 'from' });
  });

  test('a status for a missing deployment is 404', async () => {
    expect((await call(sim, 'POST', statuses(999), { state: 'success' })).status).toBe(404);
  });
});

describe('reading statuses', () => {
  test('lists newest first with pagination, and gets one by id', async () => {
    const [id] = sim.seedDeployments(1, { environment: 'many', states: ['queued', 'in_progress', 'failure'] });
    const { data } = await octokitFor(sim).rest.repos.listDeploymentStatuses({ ...repoOf(sim), deployment_id: id, per_page: 2 });
    expect(data.map((s) => s.state)).toEqual(['failure', 'in_progress']);
    const all = await octokitFor(sim).paginate(octokitFor(sim).rest.repos.listDeploymentStatuses, { ...repoOf(sim), deployment_id: id, per_page: 2 });
    expect(all.map((s) => s.state)).toEqual(['failure', 'in_progress', 'queued']);
    const one = await octokitFor(sim).rest.repos.getDeploymentStatus({ ...repoOf(sim), deployment_id: id, status_id: all[2].id });
    expect(one.data.state).toBe('queued');
    expect((await call(sim, 'GET', `${statuses(id)}/1`)).status).toBe(404);
  });
});
