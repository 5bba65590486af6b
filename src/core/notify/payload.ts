import type { RolloutEvent, RolloutEventName } from './events.js';
import type { NotifyFormat } from './settings.js';

// The bodies a webhook receives, pure functions of the event: Slack's incoming-webhook message
// (`text` as the notification's fallback, `blocks` as what the channel shows) and Slipway's own
// JSON for anything else. Secrets are taken out by the sender (webhook.ts), not here.

/** The `schema` of the JSON body; a consumer checks it before reading the fields. */
export const NOTIFY_SCHEMA = 'slipway/notify/v1';

/** Slipway's JSON body: the event's fields, a one-line summary, and when it happened. */
export interface JsonNotification extends RolloutEvent {
  schema: typeof NOTIFY_SCHEMA;
  summary: string;
  /** ISO 8601. */
  at: string;
}

/** A Slack message as an incoming webhook takes it (https://api.slack.com/messaging/webhooks). */
export interface SlackNotification {
  text: string;
  blocks: SlackBlock[];
}

/** The two block kinds the message uses. */
export type SlackBlock = { type: 'section'; text: { type: 'mrkdwn'; text: string } } | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

/** A section's text is cut by Slack at 3000 characters; a long reason is cut well before. */
const REASON_LIMIT = 1500;

const HEADLINES: Record<RolloutEventName, { emoji: string; verb: string }> = {
  started: { emoji: ':rocket:', verb: 'Rollout started' },
  paused: { emoji: ':double_vertical_bar:', verb: 'Rollout paused' },
  promoted: { emoji: ':white_check_mark:', verb: 'Promoted' },
  'rolled-back': { emoji: ':rewind:', verb: 'Rolled back' },
};

/** `Promoted app@sha256:1111… in production: all 4 steps passed` */
export function summaryOf(event: RolloutEvent): string {
  const restored = event.restored ? ` (restored ${shortRef(event.restored)})` : '';
  return `${HEADLINES[event.event].verb} ${shortRef(event.artifact)} in ${event.environment}${restored}: ${event.reason}`;
}

/** The body for `format`: a Slack message or Slipway's JSON. */
export function notificationBody(format: NotifyFormat, event: RolloutEvent, at: Date): SlackNotification | JsonNotification {
  return format === 'slack' ? slackNotification(event) : jsonNotification(event, at);
}

/** Slipway's JSON body. */
export function jsonNotification(event: RolloutEvent, at: Date): JsonNotification {
  return { schema: NOTIFY_SCHEMA, ...event, summary: summaryOf(event), at: at.toISOString() };
}

/**
 * A Slack message: the headline (what, which artifact, where), the reason, and a context line of
 * links to the run, the deployment and the environment.
 */
export function slackNotification(event: RolloutEvent): SlackNotification {
  const { emoji, verb } = HEADLINES[event.event];
  const restored = event.restored ? `, restoring \`${escape(shortRef(event.restored))}\`` : '';
  const headline = `${emoji} *${verb}* \`${escape(shortRef(event.artifact))}\` in *${escape(event.environment)}*${restored}`;
  const reason = event.reason.length > REASON_LIMIT ? `${event.reason.slice(0, REASON_LIMIT)}…` : event.reason;
  const links = [
    event.runUrl && link(event.runUrl, 'Workflow run'),
    event.deploymentsUrl && link(event.deploymentsUrl, event.deploymentId === undefined ? 'Deployments' : `Deployment #${event.deploymentId}`),
    event.environmentUrl && link(event.environmentUrl, 'Environment'),
  ].filter((item): item is string => typeof item === 'string');
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: headline } },
    { type: 'section', text: { type: 'mrkdwn', text: `*Reason:* ${escape(reason)}` } },
  ];
  if (links.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] });
  return { text: `${emoji} ${summaryOf(event)}`, blocks };
}

/** `app@sha256:111111111111…`: a digest reference with its digest cut to 12 hex digits. */
function shortRef(ref: string): string {
  return ref.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, '@sha256:$1…');
}

/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function link(url: string, label: string): string {
  // A `|` or `>` in the URL would end the link early; encoded, the URL still works.
  return `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${label}>`;
}
