import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { buildBundle, runActionStep, type ActionRunResult } from '../../support/action-runner.js';
import { HistoryBuilder } from '../../support/ledger-history.js';
import { artifact, SHA, startRolloutBed, type RolloutBed } from '../rollout/environment.js';
import { startWebhook, type RunningWebhook } from './webhook.js';

// The notify-url and notify-format inputs of the rollout and rollback actions, run as the runner
// runs them (the bundles, INPUT_* and GITHUB_* variables) against HAProxy, the GitHub simulator and
// a real webhook server: what the webhook receives, and that its URL shows nowhere GitHub shows.
const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

let bed: RolloutBed;
let webhook: RunningWebhook;
let bundles: { rollout: string; rollback: string };
let count = 0;
const HOOK_SECRET = 'T9ZZZZ/B9YYYY/action-hook-secret-51c0';

function runEnv(runId: number): Record<string, string> {
  return {
    GITHUB_REPOSITORY: `${bed.sim.owner}/${bed.sim.repo}`,
    GITHUB_API_URL: bed.sim.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: String(runId),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'deploy',
  };
}

/** What the step showed: its log without the `::add-mask::` commands (the runner consumes those), its outputs, summary and stderr. */
function shownBy(run: ActionRunResult): string {
  const log = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
  return [...log, JSON.stringify(run.outputs), run.summary, run.stderr].join('\n');
}

/** Every deployment GitHub records for the environment, with its statuses. */
function recorded(environment: string): string {
  return JSON.stringify([...bed.sim.state.deployments.values()].filter((d) => d.environment === environment));
}

describeIf('the notify inputs of the actions', () => {
  beforeAll(async () => {
    const [started, rollout, rollback] = await Promise.all([startRolloutBed({ prometheus: false }), buildBundle('rollout'), buildBundle('rollback')]);
    [bed, bundles] = [started, { rollout, rollback }];
    webhook = await startWebhook();
  }, 300_000);
  afterAll(async () => {
    await webhook?.close();
    await bed?.stop();
  });

  test('rollout: notify-url and notify-format slack post started and promoted; the URL is masked in the log and absent from GitHub', async () => {
    const environment = `staging-${++count}`;
    new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
    webhook.posts.length = 0;
    const run = await runActionStep(bundles.rollout, {
      inputs: {
        plan: `strategy: canary\nrouter: ${bed.routerYaml}\nsteps:\n  - setWeight: 50\n  - setWeight: 100\n`,
        environment,
        'image-ref': artifact(2).ref,
        token: bed.sim.token,
        'notify-url': `${webhook.origin}/services/${HOOK_SECRET}`,
        'notify-format': 'slack',
      },
      env: runEnv(910),
    });
    await bed.router().abort();
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(run.outputs.result).toBe('promoted');
    const bodies = webhook.posts.map((p) => p.body as { text: string; blocks: { elements?: { text: string }[] }[] });
    expect(bodies.map((b) => b.text.split(' ').slice(0, 3).join(' '))).toEqual([':rocket: Rollout started', ':white_check_mark: Promoted app@sha256:222222222222…']);
    expect(bodies[1].blocks[2].elements?.[0].text).toBe(
      `<https://github.com/${bed.sim.owner}/${bed.sim.repo}/actions/runs/910|Workflow run> · <https://github.com/${bed.sim.owner}/${bed.sim.repo}/deployments/${environment}|Deployment #${run.outputs['deployment-id']}>`,
    );
    // The runner is told to mask the URL before anything could print it.
    expect(run.stdout).toContain(`::add-mask::${webhook.origin}/services/${HOOK_SECRET}`);
    expect(shownBy(run)).not.toContain(HOOK_SECRET);
    expect(recorded(environment)).not.toContain(HOOK_SECRET);
  }, 60_000);

  test('rollout: a webhook answering 500 is a warning annotation and the rollout still succeeds', async () => {
    const environment = `staging-${++count}`;
    new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
    webhook.answer(500);
    let run: ActionRunResult;
    try {
      run = await runActionStep(bundles.rollout, {
        inputs: { plan: `router: ${bed.routerYaml}\nsteps: [{setWeight: 100}]\nnotify: {events: [promoted]}\n`, environment, 'image-ref': artifact(2).ref, token: bed.sim.token, 'notify-url': `${webhook.origin}/services/${HOOK_SECRET}` },
        env: runEnv(911),
      });
    } finally {
      webhook.answer(200);
      await bed.router().abort();
    }
    expect({ exitCode: run.exitCode, result: run.outputs.result }).toEqual({ exitCode: 0, result: 'promoted' });
    expect(run.stdout).toContain(`::warning::The promoted notification was not posted: the notify webhook at ${webhook.origin.replace('http://', '')} answered HTTP 500: internal_error.`);
    expect(shownBy(run)).not.toContain(HOOK_SECRET);
  }, 60_000);

  test('rollout: a notify-url that is not a URL is refused before anything is created, without showing it', async () => {
    const environment = `staging-${++count}`;
    const run = await runActionStep(bundles.rollout, {
      inputs: { plan: `router: ${bed.routerYaml}\nsteps: [{setWeight: 100}]\n`, environment, 'image-ref': artifact(2).ref, token: bed.sim.token, 'notify-url': `hooks.example.test/${HOOK_SECRET}` },
      env: runEnv(912),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("::error::Input 'notify-url' has the value \"***\": expected an absolute http:// or https:// URL (it is a secret, so it is shown masked). Fix: write the whole URL, scheme included");
    expect(shownBy(run)).not.toContain(HOOK_SECRET);
    expect(recorded(environment)).toBe('[]');
  }, 60_000);

  test('rollback: notify-url posts rolled-back with the reason and the version restored', async () => {
    const environment = `production-${++count}`;
    const builder = new HistoryBuilder(bed.sim, environment);
    builder.add(1, { digest: artifact(1).digest });
    const [bad] = builder.add(1, { digest: artifact(2).digest });
    webhook.posts.length = 0;
    const run = await runActionStep(bundles.rollback, {
      inputs: { environment, 'deploy-command': 'true', reason: 'checkout errors after the release', token: bed.sim.token, 'notify-url': `${webhook.origin}/services/${HOOK_SECRET}` },
      env: runEnv(913),
    });
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(webhook.posts.map((p) => p.body)).toEqual([
      expect.objectContaining({
        schema: 'slipway/notify/v1',
        event: 'rolled-back',
        environment,
        artifact: artifact(2).ref,
        restored: artifact(1).ref,
        deploymentId: bad,
        reason: 'checkout errors after the release',
        runUrl: `https://github.com/${bed.sim.owner}/${bed.sim.repo}/actions/runs/913`,
      }),
    ]);
    expect(shownBy(run)).not.toContain(HOOK_SECRET);
    expect(recorded(environment)).not.toContain(HOOK_SECRET);
  }, 60_000);
});
