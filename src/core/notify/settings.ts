import { registerSecret } from '../secrets/index.js';
import { ValueError } from '../values/index.js';
import { ROLLOUT_EVENTS, type RolloutEventName } from './events.js';

// The one parser of a notify setting, shared by the plan's `notify:` block and the `notify-url` /
// `notify-format` inputs of the rollout and rollback actions. The webhook URL is a secret (a Slack
// incoming-webhook URL is its own credential) and so are header values: both are registered with
// the secret registry as they are read, before any message could quote them.

/** The body a webhook gets: Slack-compatible (`text` + `blocks`) or Slipway's own JSON. */
export type NotifyFormat = 'slack' | 'json';

/** The formats, as the settings name them. */
export const NOTIFY_FORMATS: readonly NotifyFormat[] = ['slack', 'json'];

/** Where and how a rollout's events are posted. */
export interface NotifySettings {
  /** The webhook (a secret). */
  url: string;
  /** Default 'json'. */
  format: NotifyFormat;
  /** The events posted; default all of ROLLOUT_EVENTS. */
  events: RolloutEventName[];
  /** Extra request headers (values are secrets); default none. */
  headers: Record<string, string>;
}

/** The fields of a `notify:` block. */
export const NOTIFY_KEYS = ['url', 'format', 'events', 'headers'] as const;

const URL_EXPECTED = 'an absolute http:// or https:// URL (it is a secret, so it is shown masked)';

/** A webhook URL: registered as a secret first, then checked to be http(s). */
export function parseNotifyUrl(value: unknown): string {
  if (typeof value === 'string') registerSecret(value.trim());
  if (typeof value !== 'string' || value.trim() === '') throw new ValueError(value, URL_EXPECTED, 'give the webhook URL, best from a secret: `notify-url: ${{ secrets.SLACK_WEBHOOK_URL }}`');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ValueError(value, URL_EXPECTED, 'write the whole URL, scheme included: https://hooks.slack.com/services/…');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValueError(value, URL_EXPECTED, `a webhook is posted to over HTTP; ${url.protocol} is not`);
  return value.trim();
}

/** `slack` or `json`. */
export function parseNotifyFormat(value: unknown): NotifyFormat {
  if (typeof value === 'string' && (NOTIFY_FORMATS as readonly string[]).includes(value.trim())) return value.trim() as NotifyFormat;
  throw new ValueError(value, `one of ${NOTIFY_FORMATS.join(', ')}`, 'slack for a Slack (or Mattermost) incoming webhook, json for anything else');
}

/** A list of event names (a YAML list, or one name a line or comma-separated); none is refused. */
export function parseNotifyEvents(value: unknown): RolloutEventName[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== '') : undefined;
  const expected = `a list of events from ${ROLLOUT_EVENTS.join(', ')}`;
  if (!items || items.length === 0) throw new ValueError(value, expected, 'leave `events` out to post every event');
  for (const item of items) {
    if (typeof item !== 'string' || !(ROLLOUT_EVENTS as readonly string[]).includes(item)) throw new ValueError(item, `one of ${ROLLOUT_EVENTS.join(', ')}`, 'name the events to post, e.g. `events: [paused, rolled-back]`');
  }
  return [...new Set(items as RolloutEventName[])];
}

/** A mapping of header names to string values; every value registered as a secret. */
export function parseNotifyHeaders(value: unknown): Record<string, string> {
  const expected = 'a mapping of header names to string values';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValueError(value, expected, 'e.g. `headers: {Authorization: Bearer …}`');
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(value)) {
    // The credential after a scheme (`Bearer <token>`) is masked on its own too, as secretHeadersInput does.
    if (typeof header === 'string') for (const secret of [header, ...header.trim().split(/\s+/).slice(1)]) registerSecret(secret);
    if (typeof header !== 'string') throw new ValueError(header, 'a string', 'quote the value', `${name}:`);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ValueError(name, 'an HTTP header name', 'letters, digits and - only, e.g. X-Api-Key');
    headers[name] = header;
  }
  return headers;
}

/**
 * A `notify:` block ({url, format, events, headers}) read whole: each problem goes to `report`
 * with the field at fault (undefined: the block itself), and undefined is returned when there was one.
 */
export function readNotifySettings(value: unknown, report: (field: string | undefined, problem: ValueError) => void): NotifySettings | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    // `notify: https://hooks.slack.com/…` is a URL where the block was expected: masked before it is quoted.
    if (typeof value === 'string') registerSecret(value.trim());
    report(undefined, new ValueError(value, 'a mapping with at least `url:`', 'e.g. `notify: {url: https://hooks.slack.com/services/…, format: slack}`, or the input notify-url'));
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  let failed = false;
  const field = <T>(key: string, parse: (value: unknown) => T, fallback: T): T => {
    if (raw[key] === undefined) return fallback;
    try {
      return parse(raw[key]);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      failed = true;
      report(key, error);
      return fallback;
    }
  };
  for (const key of Object.keys(raw)) {
    if (!(NOTIFY_KEYS as readonly string[]).includes(key)) {
      failed = true;
      report(key, new ValueError(key, `a field of notify (${NOTIFY_KEYS.join(', ')})`, 'remove it or fix its spelling'));
    }
  }
  // The URL first: registered before any other problem's message is formed.
  const url = raw.url === undefined ? undefined : field('url', parseNotifyUrl, undefined);
  if (raw.url === undefined) {
    failed = true;
    report('url', new ValueError(undefined, URL_EXPECTED, 'set `notify: {url: …}` in the plan, or the action input notify-url (from a secret)'));
  }
  const settings = {
    url: url ?? '',
    format: field('format', parseNotifyFormat, 'json' as NotifyFormat),
    events: field('events', parseNotifyEvents, [...ROLLOUT_EVENTS]),
    headers: field('headers', parseNotifyHeaders, {}),
  };
  return failed ? undefined : settings;
}

/** readNotifySettings that throws the first problem (a ValueError, with `field` set) instead of collecting. */
export function parseNotifySettings(value: unknown): NotifySettings {
  let first: ValueError | undefined;
  const settings = readNotifySettings(value, (field, problem) => {
    first ??= field && !problem.field ? new ValueError(problem.value, problem.expected, problem.fix, `${field}:`) : problem;
  });
  if (!settings) throw first!;
  return settings;
}
