import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createGitHubClient } from '../../../src/core/ledger/index.js';
import { githubIssueComments, renderRolloutComment, StickyComment } from '../../../src/core/pr-comment/index.js';
import type { RolloutProgress } from '../../../src/core/plan/index.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';

// The sticky pull-request comment over the issue-comments API of the GitHub simulator.

let sim: GitHubSimulator;
const progress: RolloutProgress = {
  environment: 'production',
  imageRef: `app@sha256:${'a'.repeat(64)}`,
  strategy: 'canary',
  deploymentId: 5,
  steps: [{ index: 0, label: 'setWeight 20%', state: 'running' }],
  reports: [],
};

function port() {
  return githubIssueComments(createGitHubClient({ baseUrl: sim.url, token: sim.token, writeSpacingMs: 0, retryBaseMs: 5 }), sim.owner, sim.repo);
}

describe('sticky PR comment on GitHub', () => {
  beforeAll(async () => {
    sim = await startGitHubSimulator();
    sim.addPullRequest(12, 'd'.repeat(40));
  });
  afterAll(async () => {
    expectNoContractViolations(sim);
    await sim.close();
  });

  test('one comment per environment, updated in place across steps and across runs', async () => {
    const comments = port();
    await comments.create(12, 'a reviewer says hi');
    const first = new StickyComment(comments, 12, 'production');
    await first.publish(renderRolloutComment(progress));
    sim.resetCounts();
    await first.publish(renderRolloutComment({ ...progress, steps: [{ ...progress.steps[0], state: 'done', canaryWeight: 20 }], result: 'promoted' }));
    expect(sim.requests()).toBe(1);

    await new StickyComment(port(), 12, 'production').publish(renderRolloutComment({ ...progress, result: 'rolled-back', reason: 'analysis fail' }));
    await new StickyComment(port(), 12, 'staging').publish(renderRolloutComment({ ...progress, environment: 'staging' }));
    const all = await comments.list(12);
    expect(all.map((c) => c.body.split('\n')[0])).toEqual(['a reviewer says hi', '<!-- slipway:production -->', '<!-- slipway:staging -->']);
    expect(all[1].body).toContain('↩️ rolled back');
  });

  test('a token without pull-requests permission gets a message naming it', async () => {
    sim.setPermissions({ issues: 'read', pull_requests: 'read' });
    await expect(new StickyComment(port(), 12, 'qa').publish('x')).rejects.toThrow(/add `permissions: pull-requests: write`|add `permissions: issues: write`/);
    sim.setPermissions({ issues: 'write', pull_requests: 'write' });
  });
});
