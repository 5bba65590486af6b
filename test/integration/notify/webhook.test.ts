import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { VirtualClock } from '../../../src/core/analysis/clock.js';
import { parseNotifySettings, postNotification, type NotifySettings, type RolloutEvent } from '../../../src/core/notify/index.js';
import { registerSecret } from '../../../src/core/secrets/index.js';
import { startWebhook, type RunningWebhook } from './webhook.js';

// postNotification against a real HTTP server on 127.0.0.1: what it sends, what it leaves out, and
// how each way a webhook can fail ends (never thrown).

let webhook: RunningWebhook;
const event: RolloutEvent = { event: 'promoted', environment: 'production', artifact: 'app@sha256:' + '2'.repeat(64), deploymentId: 7, reason: 'all 3 steps passed' };

function settings(overrides: Partial<NotifySettings> = {}): NotifySettings {
  return { ...parseNotifySettings({ url: `${webhook.origin}/hook/post-secret-8d1e` }), ...overrides };
}

describe('posting a notification', () => {
  beforeAll(async () => {
    webhook = await startWebhook();
  });
  afterAll(async () => {
    await webhook.close();
  });
  beforeEach(() => {
    webhook.posts.length = 0;
    webhook.answer(200);
  });

  test('an event left out by the settings is not posted at all', async () => {
    expect(await postNotification(settings({ events: ['rolled-back'] }), event)).toEqual({ status: 'skipped', detail: 'promoted is not in notify.events' });
    expect(webhook.posts).toEqual([]);
  });

  test('every registered secret in the event is masked in the body the webhook receives', async () => {
    registerSecret('db-password-0c9f2');
    const result = await postNotification(settings(), { ...event, reason: 'deploy failed: could not log in with db-password-0c9f2' }, { clock: new VirtualClock() });
    expect(result).toEqual({ status: 'posted' });
    expect(webhook.posts[0].body).toMatchObject({ reason: 'deploy failed: could not log in with ***' });
  });

  test('a redirect is not followed (header values go only to the URL given), and the failure says so', async () => {
    webhook.answer(302, { location: `${webhook.origin}/elsewhere` });
    const result = await postNotification(settings({ headers: { 'X-Api-Key': 'redirect-key-5a' } }), event);
    expect(result).toEqual({ status: 'failed', detail: `the notify webhook at ${webhook.origin.slice(7)} answered HTTP 302 (a redirect: give the URL it points to; redirects are not followed): internal_error` });
    expect(webhook.posts.map((p) => p.path)).toEqual(['/hook/post-secret-8d1e']);
  });

  test('a webhook that does not answer in time fails once, and is not tried again (it may have taken the post)', async () => {
    webhook.answer('silent');
    const started = Date.now();
    const result = await postNotification(settings(), event, { timeoutMs: 300 });
    expect(result).toEqual({ status: 'failed', detail: `the notify webhook at ${webhook.origin.slice(7)} could not be reached (no answer within 0.3s)` });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(webhook.posts).toHaveLength(1);
  });

  test('a 503 is tried once more, and a second try that is taken counts as posted', async () => {
    webhook.answer(503);
    // The wait before the retry is the clock's: here the webhook recovers during it.
    const clock = { now: () => new Date(), sleep: async () => webhook.answer(200) };
    expect(await postNotification(settings(), event, { clock })).toEqual({ status: 'posted' });
    expect(webhook.posts).toHaveLength(2);
  });
});
