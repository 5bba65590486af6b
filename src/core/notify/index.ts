/**
 * Notifications (docs/notifications.md): a rollout's events — started, paused, promoted, rolled
 * back — posted to a webhook as a Slack message or Slipway's JSON. A failed post is a warning,
 * never a failed rollout.
 */
export * from './events.js';
export * from './settings.js';
export * from './payload.js';
export * from './webhook.js';
