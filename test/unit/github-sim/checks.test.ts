import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { call, octokitFor, repoOf, sha } from './client.js';

let sim: GitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterEach(() => {
  expectNoContractViolations(sim);
  sim.setPermissions({ checks: 'write' });
});
afterAll(() => sim.close());

const runs = '/repos/{owner}/{repo}/check-runs';

describe('check runs', () => {
  test('a run starts queued, moves to in_progress, and a conclusion completes it', async () => {
    const octokit = octokitFor(sim);
    const { data: created } = await octokit.rest.checks.create({ ...repoOf(sim), name: 'slipway/analysis', head_sha: sha('c1') });
    expect(created).toMatchObject({ status: 'queued', conclusion: null, head_sha: sha('c1'), app: { slug: 'github-actions' } });
    await octokit.rest.checks.update({ ...repoOf(sim), check_run_id: created.id, status: 'in_progress', output: { title: 'Canary', summary: 'step 1 of 3' } });
    const { data: done } = await octokit.rest.checks.update({ ...repoOf(sim), check_run_id: created.id, conclusion: 'failure' });
    expect(done).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: 'Canary', summary: 'step 1 of 3' }, completed_at: expect.any(String) });
    const { data: read } = await octokit.rest.checks.get({ ...repoOf(sim), check_run_id: created.id });
    expect(read.conclusion).toBe('failure');
  });

  test('completed without a conclusion is 422 and changes nothing', async () => {
    const created = await call(sim, 'POST', runs, { name: 'x', head_sha: sha('c2'), status: 'completed' });
    expect(created.status).toBe(422);
    const { data } = await octokitFor(sim).rest.checks.create({ ...repoOf(sim), name: 'x', head_sha: sha('c2'), status: 'in_progress' });
    expect((await call(sim, 'PATCH', `${runs}/${data.id}`, { status: 'completed' })).status).toBe(422);
    expect(sim.state.checkRuns.get(data.id)?.status).toBe('in_progress');
    // The update schema itself encodes the rule (the create schema does not), so that request is reported as outside it.
    expect(sim.contractViolations).toEqual([expect.stringMatching(/^checks\/update .*request body: .*must have required property 'conclusion'/)]);
    sim.contractViolations.splice(0);
  });

  test('needs checks: write', async () => {
    sim.setPermissions({ checks: 'read' });
    const refused = await call(sim, 'POST', runs, { name: 'x', head_sha: sha('c3') });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-accepted-github-permissions')).toBe('checks=write');
  });
});
