import { afterAll, describe, expect, test } from '@jest/globals';
import { GitHubLedger, createGitHubClient } from '../../../src/core/ledger/index.js';

// The ledger against real GitHub, to check the simulator's assumptions (docs/ledger.md "Testing against real GitHub":
// the points only real GitHub can confirm). Runs only with SLIPWAY_GITHUB_TOKEN (deployments: write, contents: read) and
// SLIPWAY_GITHUB_REPO (owner/repo); it makes one transient deployment and deletes it again.

const token = process.env.SLIPWAY_GITHUB_TOKEN;
const repository = process.env.SLIPWAY_GITHUB_REPO;

if (!token || !repository) {
  test.skip('real GitHub: skipped — set SLIPWAY_GITHUB_TOKEN and SLIPWAY_GITHUB_REPO (owner/repo) to run it', () => {});
} else {
  const [owner, repo] = repository.split('/');
  const client = createGitHubClient({ baseUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com', token });
  const runUrl = `https://github.com/${owner}/${repo}/actions/runs/0`;
  const environment = 'slipway-ledger-test';
  let created: number | undefined;

  describe('the ledger against real GitHub', () => {
    afterAll(async () => {
      if (created === undefined) return;
      // Only inactive deployments may be deleted: make sure, then delete.
      await client.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: created, state: 'inactive' }).catch(() => undefined);
      await client.rest.repos.deleteDeployment({ owner, repo, deployment_id: created }).catch(() => undefined);
    });

    test('creates a transient deployment, sets statuses, reads it back, marks it inactive and deletes it', async () => {
      const { data: info } = await client.rest.repos.get({ owner, repo });
      const { data: branch } = await client.rest.repos.getBranch({ owner, repo, branch: info.default_branch });
      const sha = branch.commit.sha;
      const ledger = new GitHubLedger({ client, owner, repo, runUrl, source: { sha, ref: `refs/heads/${info.default_branch}`, runId: 0, runAttempt: 1, actor: 'slipway-test', workflow: 'real-github.test' } });

      const deployment = await ledger.createDeployment({ environment, ref: sha, transientEnvironment: true, description: 'Slipway ledger test' });
      created = deployment.id;
      expect(deployment.payload?.schema).toBe('slipway/v1');
      await ledger.setStatus(deployment.id, { state: 'in_progress', description: 'x'.repeat(200) });
      await ledger.setStatus(deployment.id, { state: 'success', environmentUrl: 'https://example.com' });

      const read = await ledger.getDeployment(deployment.id);
      expect(read).toMatchObject({ id: deployment.id, sha, environment, transientEnvironment: true, latestStatus: { state: 'success', logUrl: runUrl } });
      expect((await ledger.lastGood(environment))?.id).toBe(deployment.id);

      await ledger.setStatus(deployment.id, { state: 'inactive' });
      await client.rest.repos.deleteDeployment({ owner, repo, deployment_id: deployment.id });
      created = undefined;
      expect(await ledger.getDeployment(deployment.id)).toBeNull();
    });
  });
}
