import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { commands } from '../../../src/cli/commands/index.js';
import { runCli } from '../../../src/cli/main.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../../testkit/github-sim/index.js';
import { HistoryBuilder } from '../../support/ledger-history.js';
import { artifact } from './environment.js';

// `slipway history` and `slipway dora` against the GitHub simulator, through every page.

let sim: GitHubSimulator;

async function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, commands, { out: (t) => (out += t), err: (t) => (err += t), env: { GITHUB_TOKEN: sim.token } });
  return { code, out, err };
}

describe('slipway history and dora', () => {
  beforeAll(async () => {
    sim = await startGitHubSimulator();
    const builder = new HistoryBuilder(sim, 'production');
    builder.add(150, { digest: artifact(1).digest });
    const [bad] = builder.add(1, { digest: artifact(2).digest });
    builder.add(1, { task: 'deploy:rollback', rollbackOf: bad, digest: artifact(1).digest });
    builder.add(1, { states: ['in_progress', 'failure'], digest: artifact(3).digest });
  });
  afterAll(async () => {
    expectNoContractViolations(sim);
    await sim.close();
  });

  test('history prints the newest deployments with result and rollback links', async () => {
    const { code, out, err } = await cli('history', '--environment', 'production', '--limit', '3', '--repo', `${sim.owner}/${sim.repo}`, '--api-url', sim.url);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const lines = out.split('\n');
    expect(lines[0]).toBe('Deployments to production (newest first)');
    expect(lines[2]).toMatch(/^id\s+when \(UTC\)\s+version\s+digest\s+who\s+result\s+links$/);
    expect(lines[4]).toMatch(/^#\d+\s+\S+ \S+\s+app\s+sha256:333333333333…\s+octocat\s+failure\s+-$/);
    expect(lines[5]).toMatch(/^#\d+ .* success\s+rollback of #\d+$/);
    expect(lines[6]).toMatch(/^#\d+ .* sha256:222222222222… .* rolled back by #\d+$/);
    expect(lines).toHaveLength(8);
  });

  test('dora reads every page (153 deployments) and states the four keys', async () => {
    const { code, out, err } = await cli('dora', '--environment', 'production', '--since', '30d', '--repo', `${sim.owner}/${sim.repo}`, '--api-url', sim.url, '--format', 'json');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const report = JSON.parse(out);
    expect(report.deployments).toBe(151);
    expect(report.changeFailureRate).toEqual({ failed: 2, finished: 152, rate: 2 / 152 });
    expect(report.timeToRestore.samples).toBe(2);
    expect(report.leadTime).toMatchObject({ samples: 0, missingCommitTimes: 151 });
  });

  test('missing access is explained: no token, no repository', async () => {
    let noTokenErr = '';
    const noToken = await runCli(['history', '--environment', 'production', '--repo', 'o/r'], commands, { out: () => {}, err: (t) => void (noTokenErr += t), env: {} });
    expect(noToken).toBe(1);
    expect(noTokenErr).toContain("Input 'GITHUB_TOKEN' is missing: expected a token that can read the repository's deployments.");
    const noRepo = await cli('dora', '--environment', 'production');
    expect(noRepo.code).toBe(1);
    expect(noRepo.err).toContain("Input '--repo' is missing: expected `owner/name`. Fix: pass --repo or set GITHUB_REPOSITORY");
  });
});
