import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RecordingLogger } from '../../../src/core/log.js';
import { loadPlan, planDigest, runRollout, type RolloutOutcome } from '../../../src/core/plan/index.js';
import { serverAvailable } from '../../../testkit/bed/binaries.js';
import { freePort } from '../../../testkit/bed/ports.js';
import { HistoryBuilder } from '../../support/ledger-history.js';
import { artifact, SHA, useRolloutBed, type RolloutBed } from '../rollout/environment.js';
import { startWebhook, type ReceivedPost, type RunningWebhook } from './webhook.js';

// A plan's `notify:` during real rollouts: HAProxy moves the traffic, the GitHub simulator is the
// ledger, and a real HTTP server on 127.0.0.1 is the webhook. What it receives, what a failing
// webhook costs the rollout (a warning), and that its URL and header never reach GitHub or the log.
const describeIf = serverAvailable('haproxy') ? describe : describe.skip;

let bed: RolloutBed;
let webhook: RunningWebhook;
let environmentCount = 0;
const RUN_ID = 77;
/** The secret part of a Slack webhook URL, and a header credential: neither may be shown anywhere. */
const HOOK_SECRET = 'T0AAAA/B0BBBB/hook-secret-3f9a1c';
const HEADER_SECRET = 'header-secret-77e2d';

function runUrl(): string {
  return `https://github.com/${bed.sim.owner}/${bed.sim.repo}/actions/runs/${RUN_ID}`;
}

/** A canary plan of `steps` that notifies with `notify` (flow YAML, `{{url}}` replaced by the webhook's). */
function plan(steps: string, notify: string, url = `${webhook.origin}/services/${HOOK_SECRET}`): string {
  return `strategy: canary\nrouter: ${bed.routerYaml}\nsteps:\n${steps}\nnotify: ${notify.replace('{{url}}', url)}\n`;
}

/** An environment whose active version is artifact(1), deployed and good. */
function environmentWithV1(): string {
  const environment = `production-${++environmentCount}`;
  new HistoryBuilder(bed.sim, environment).add(1, { digest: artifact(1).digest });
  return environment;
}

async function rollout(text: string, environment: string, logger: RecordingLogger): Promise<RolloutOutcome> {
  return runRollout(
    { plan: loadPlan(text, 'rollout.yml'), planDigest: planDigest(text), environment, artifact: artifact(2), ref: SHA },
    { ledger: bed.ledger(logger), router: bed.router(), logger, runUrl: runUrl(), runId: RUN_ID },
  );
}

/** Everything GitHub shows of the environment (deployments, payloads, statuses) and every log line, as one text. */
function shown(environment: string, logger: RecordingLogger): string {
  const deployments = [...bed.sim.state.deployments.values()].filter((d) => d.environment === environment);
  return JSON.stringify(deployments) + logger.lines.map((l) => l.message).join('\n');
}

function event(post: ReceivedPost): unknown {
  return (post.body as { event?: unknown }).event;
}

describeIf('rollout notifications to a webhook', () => {
  useRolloutBed({ prometheus: false }, (started) => {
    bed = started;
  });
  beforeAll(async () => {
    webhook = await startWebhook();
  });
  afterAll(async () => {
    await webhook?.close();
  });

  test('a promoted rollout posts started then promoted as Slack messages, with the header, the reason and the links', async () => {
    const environment = environmentWithV1();
    const logger = new RecordingLogger();
    webhook.posts.length = 0;
    const outcome = await rollout(plan('  - setWeight: 50\n  - setWeight: 100', `{url: '{{url}}', format: slack, headers: {Authorization: 'Bearer ${HEADER_SECRET}'}}`), environment, logger);

    expect(outcome.result).toBe('promoted');
    expect(webhook.posts.map((p) => [p.method, p.path, p.headers.authorization, p.headers['content-type']])).toEqual([
      ['POST', `/services/${HOOK_SECRET}`, `Bearer ${HEADER_SECRET}`, 'application/json'],
      ['POST', `/services/${HOOK_SECRET}`, `Bearer ${HEADER_SECRET}`, 'application/json'],
    ]);
    const [started, promoted] = webhook.posts.map((p) => p.body as { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] });
    expect(started.text).toBe(`:rocket: Rollout started app@sha256:222222222222… in ${environment}: canary rollout, 2 steps`);
    expect(promoted.text).toBe(`:white_check_mark: Promoted app@sha256:222222222222… in ${environment}: all 2 steps passed`);
    expect(promoted.blocks[1].text?.text).toBe('*Reason:* all 2 steps passed');
    expect(promoted.blocks[2].elements?.[0].text).toBe(`<${runUrl()}|Workflow run>`);
    expect(logger.at('warning')).toEqual([]);

    const text = shown(environment, logger);
    expect(text).toContain('promoted · canary · 2/2 steps');
    for (const secret of [HOOK_SECRET, HEADER_SECRET]) expect(text).not.toContain(secret);
  });

  test('a rollout that rolls back posts rolled-back with the reason and the version restored; the events filter leaves the rest out', async () => {
    const environment = environmentWithV1();
    const logger = new RecordingLogger();
    const dead = await freePort();
    webhook.posts.length = 0;
    const steps = `  - setWeight: 20\n  - smokeCheck: {url: 'http://127.0.0.1:${dead}/health', timeout: 2s}\n  - setWeight: 100`;
    const outcome = await rollout(plan(steps, `{url: '{{url}}', events: [rolled-back]}`), environment, logger);

    expect(outcome.result).toBe('rolled-back');
    expect(webhook.posts).toHaveLength(1);
    expect(webhook.posts[0].body).toEqual({
      schema: 'slipway/notify/v1',
      event: 'rolled-back',
      environment,
      artifact: artifact(2).ref,
      restored: artifact(1).ref,
      deploymentId: outcome.deploymentId,
      reason: outcome.reason,
      runUrl: runUrl(),
      summary: `Rolled back app@sha256:222222222222… in ${environment} (restored app@sha256:111111111111…): ${outcome.reason}`,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(outcome.reason).toMatch(new RegExp(`^smoke check failed: GET http://127.0.0.1:${dead}/health failed`));
    expect(shown(environment, logger)).not.toContain(HOOK_SECRET);
  });

  test('an open-ended pause posts paused, with the way to go on', async () => {
    const environment = environmentWithV1();
    webhook.posts.length = 0;
    const outcome = await rollout(plan('  - setWeight: 10\n  - pause: {}\n  - setWeight: 100', `{url: '{{url}}'}`), environment, new RecordingLogger());
    expect(outcome.result).toBe('paused');
    expect(webhook.posts.map(event)).toEqual(['started', 'paused']);
    expect(webhook.posts[1].body).toMatchObject({ event: 'paused', reason: 'open-ended pause at step 2/3; run the rollout again to continue' });
  });

  test('a webhook answering 500 costs a warning per event (each tried twice); the rollout is promoted all the same', async () => {
    const environment = environmentWithV1();
    const logger = new RecordingLogger();
    webhook.posts.length = 0;
    webhook.answer(500);
    try {
      const outcome = await rollout(plan('  - setWeight: 50\n  - setWeight: 100', `{url: '{{url}}', format: slack}`), environment, logger);
      expect(outcome.result).toBe('promoted');
    } finally {
      webhook.answer(200);
    }
    expect(webhook.posts).toHaveLength(4);
    const host = webhook.origin.replace('http://', '');
    expect(logger.at('warning')).toEqual([
      `The started notification was not posted: the notify webhook at ${host} answered HTTP 500: internal_error. The rollout goes on; check notify.url (or the notify-url input).`,
      `The promoted notification was not posted: the notify webhook at ${host} answered HTTP 500: internal_error. The rollout goes on; check notify.url (or the notify-url input).`,
    ]);
    expect(bed.sim.state.deployments.get(Math.max(...[...bed.sim.state.deployments.values()].filter((d) => d.environment === environment).map((d) => d.id)))?.statuses.at(-1)?.state).toBe('success');
    expect(shown(environment, logger)).not.toContain(HOOK_SECRET);
  });

  test('a webhook nobody listens on costs a warning; the rollout is promoted all the same', async () => {
    const environment = environmentWithV1();
    const logger = new RecordingLogger();
    const dead = await freePort();
    const outcome = await rollout(plan('  - setWeight: 100', `{url: '{{url}}'}`, `http://127.0.0.1:${dead}/hooks/${HOOK_SECRET}`), environment, logger);
    expect(outcome.result).toBe('promoted');
    expect(logger.at('warning')).toEqual([
      `The started notification was not posted: the notify webhook at 127.0.0.1:${dead} could not be reached (ECONNREFUSED). The rollout goes on; check notify.url (or the notify-url input).`,
      `The promoted notification was not posted: the notify webhook at 127.0.0.1:${dead} could not be reached (ECONNREFUSED). The rollout goes on; check notify.url (or the notify-url input).`,
    ]);
    expect(shown(environment, logger)).not.toContain(HOOK_SECRET);
  });
});
