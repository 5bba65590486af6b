import { systemClock, type Clock } from '../analysis/clock.js';
import { errorMessage } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { isRetryableStatus, isTransientNetworkError, transientNetworkCode, withRetry, type RetryPolicy } from '../retry.js';
import { redact, secrets } from '../secrets/index.js';
import type { RolloutEvent, RolloutEventLinks } from './events.js';
import { notificationBody } from './payload.js';
import type { NotifySettings } from './settings.js';

// Posting an event to the webhook. A notification is a courtesy: whatever the webhook does — answers
// 500, never answers, is not there — the rollout goes on, and the failure is a warning. The URL is
// a secret, so messages name only its host.

/** Tells the outside world what a rollout did. */
export interface Notifier {
  /** Posts `event` (when the settings want it). Never throws: a failure is returned, and logged as a warning. */
  notify(event: RolloutEvent): Promise<NotifyResult>;
}

/** What became of one notification; `detail` says why it was not posted. */
export interface NotifyResult {
  status: 'posted' | 'skipped' | 'failed';
  detail?: string;
}

/** How a webhook notifier posts. */
export interface WebhookNotifierOptions {
  /** Where a failure is warned of. Default: nowhere. */
  logger?: Logger;
  /** Filled into each event that has none of its own (the action knows the deployments page). */
  links?: RolloutEventLinks;
  /** Stamps the JSON body and paces the retry. Default: the wall clock. */
  clock?: Clock;
  /** How long one post may take. Default NOTIFY_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** A webhook answers within seconds or it is down: a rollout never waits long on one. */
export const NOTIFY_TIMEOUT_MS = 5_000;

/**
 * One more try, a second later, after a refused connection or a 5xx/429; a post that timed out is
 * not repeated (the webhook may have taken it, and a channel would show it twice).
 */
const NOTIFY_RETRY: RetryPolicy = { attempts: 2, firstDelayMs: 1_000, multiplier: 1, maxDelayMs: 1_000 };

/** A Notifier posting to `settings.url` in `settings.format`. */
export function webhookNotifier(settings: NotifySettings, options: WebhookNotifierOptions = {}): Notifier {
  const logger = options.logger ?? silentLogger;
  return {
    async notify(event) {
      const result = await postNotification(settings, { ...options.links, ...definedOnly(event) }, options);
      if (result.status === 'posted') logger.info(`Posted ${event.event} to the ${describeWebhook(settings.url)}.`);
      if (result.status === 'failed') logger.warning(`The ${event.event} notification was not posted: ${result.detail}. The rollout goes on; check notify.url (or the notify-url input).`);
      return result;
    },
  };
}

/**
 * POSTs `event` to the webhook as JSON, every secret in it masked; never throws. Skipped when the
 * settings' `events` leave it out.
 */
export async function postNotification(settings: NotifySettings, event: RolloutEvent, options: Pick<WebhookNotifierOptions, 'clock' | 'timeoutMs'> = {}): Promise<NotifyResult> {
  if (!settings.events.includes(event.event)) return { status: 'skipped', detail: `${event.event} is not in notify.events` };
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? NOTIFY_TIMEOUT_MS;
  const webhook = describeWebhook(settings.url);
  // The reason may quote a server's error text: no secret leaves for the webhook either.
  const body = JSON.stringify(secrets.redactDeep(notificationBody(settings.format, event, clock.now())));
  try {
    const response = await withRetry(
      async () =>
        fetch(settings.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'slipway', ...settings.headers },
          body,
          signal: AbortSignal.timeout(timeoutMs),
          // Header values are secrets: they go to the URL given, never where it redirects.
          redirect: 'manual',
        }),
      {
        policy: NOTIFY_RETRY,
        classify: (error) => (isTransientNetworkError(error) ? {} : undefined),
        retryResult: (response) => (isRetryableStatus(response.status) ? {} : undefined),
        onRetry: async ({ result }) => void (await result?.arrayBuffer().catch(() => undefined)),
        clock,
      },
    );
    const text = await response.text().catch(() => '');
    if (response.ok) return { status: 'posted' };
    const excerpt = redact(text).replace(/\s+/g, ' ').trim().slice(0, 200);
    const redirected = response.status >= 300 && response.status < 400 ? ' (a redirect: give the URL it points to; redirects are not followed)' : '';
    return { status: 'failed', detail: `the ${webhook} answered HTTP ${response.status}${redirected}${excerpt ? `: ${excerpt}` : ''}` };
  } catch (error) {
    const timedOut = (error as { name?: unknown }).name === 'TimeoutError';
    const cause = timedOut ? `no answer within ${timeoutMs / 1000}s` : (transientNetworkCode(error) ?? errorMessage(error));
    return { status: 'failed', detail: `the ${webhook} could not be reached (${redact(cause)})` };
  }
}

/** `notify webhook at hooks.slack.com`: the host only, since the rest of the URL is the secret. */
function describeWebhook(url: string): string {
  const host = webhookHost(url);
  return host ? `notify webhook at ${host}` : 'notify webhook';
}

/** A webhook URL's host, the one part of it that may be shown (Slack's path is the secret); undefined when it is no URL. */
export function webhookHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** `event` without its undefined fields, so they do not hide the notifier's links. */
function definedOnly(event: RolloutEvent): RolloutEvent {
  return Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined)) as unknown as RolloutEvent;
}
