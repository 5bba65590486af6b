import { describe, expect, test } from '@jest/globals';
import { jsonNotification, notificationBody, NOTIFY_SCHEMA, slackNotification, summaryOf, type RolloutEvent } from '../../../../src/core/notify/index.js';

const V2 = `registry.test/shop@sha256:${'2'.repeat(64)}`;
const V1 = `registry.test/shop@sha256:${'1'.repeat(64)}`;
const LINKS = { runUrl: 'https://github.com/acme/shop/actions/runs/42', deploymentsUrl: 'https://github.com/acme/shop/deployments/production', environmentUrl: 'https://shop.example.test' };

const rolledBack: RolloutEvent = {
  event: 'rolled-back',
  environment: 'production',
  artifact: V2,
  restored: V1,
  deploymentId: 1234,
  reason: 'analysis fail (score 3): error-rate 5.1% vs 1.0% <p < 0.001>',
  ...LINKS,
};

describe('notification bodies', () => {
  test('a Slack message: the fallback text, a headline, the reason, and the links to the run, the deployment and the environment', () => {
    expect(slackNotification(rolledBack)).toEqual({
      text: `:rewind: Rolled back registry.test/shop@sha256:222222222222… in production (restored registry.test/shop@sha256:111111111111…): ${rolledBack.reason}`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':rewind: *Rolled back* `registry.test/shop@sha256:222222222222…` in *production*, restoring `registry.test/shop@sha256:111111111111…`' } },
        // Slack reads <…> as a link: the reason's angle brackets are escaped.
        { type: 'section', text: { type: 'mrkdwn', text: '*Reason:* analysis fail (score 3): error-rate 5.1% vs 1.0% &lt;p &lt; 0.001&gt;' } },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: '<https://github.com/acme/shop/actions/runs/42|Workflow run> · <https://github.com/acme/shop/deployments/production|Deployment #1234> · <https://shop.example.test|Environment>' }],
        },
      ],
    });
  });

  test.each([
    ['started', ':rocket: *Rollout started*'],
    ['paused', ':double_vertical_bar: *Rollout paused*'],
    ['promoted', ':white_check_mark: *Promoted*'],
    ['rolled-back', ':rewind: *Rolled back*'],
  ] as const)('the Slack headline of %s starts %s', (event, headline) => {
    const block = slackNotification({ event, environment: 'staging', artifact: V2, reason: 'r' }).blocks[0];
    expect(block).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `${headline} \`registry.test/shop@sha256:222222222222…\` in *staging*` } });
  });

  test('without links there is no context block, and a very long reason is cut well under the 3000 characters of a section', () => {
    const message = slackNotification({ event: 'paused', environment: 'staging', artifact: 'app:dev', reason: 'x'.repeat(5000) });
    expect(message.blocks.map((b) => b.type)).toEqual(['section', 'section']);
    expect(JSON.stringify(message.blocks[1]).length).toBeLessThan(3000);
  });

  test('the JSON body carries every field of the event, its schema, a summary and the time', () => {
    const at = new Date('2026-03-01T12:00:00Z');
    expect(jsonNotification(rolledBack, at)).toEqual({
      schema: NOTIFY_SCHEMA,
      ...rolledBack,
      summary: summaryOf(rolledBack),
      at: '2026-03-01T12:00:00.000Z',
    });
    expect(summaryOf(rolledBack)).toBe(`Rolled back registry.test/shop@sha256:222222222222… in production (restored registry.test/shop@sha256:111111111111…): ${rolledBack.reason}`);
  });

  test('the format picks the body', () => {
    const at = new Date(0);
    expect(notificationBody('slack', rolledBack, at)).toHaveProperty('blocks');
    expect(notificationBody('json', rolledBack, at)).toHaveProperty('schema', NOTIFY_SCHEMA);
  });

  test('a link whose URL holds | or > still ends where it should', () => {
    const message = slackNotification({ event: 'promoted', environment: 'e', artifact: 'a', reason: 'r', environmentUrl: 'https://x.test/?q=a|b>c' });
    expect(message.blocks[2]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '<https://x.test/?q=a%7Cb%3Ec|Environment>' }] });
  });
});
