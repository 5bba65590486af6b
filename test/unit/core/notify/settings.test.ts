import { describe, expect, test } from '@jest/globals';
import { loadPlan } from '../../../../src/core/plan/index.js';
import { problemsOf as planProblems } from '../plan/problems.js';
import { parseNotifyEvents, parseNotifyFormat, parseNotifyHeaders, parseNotifyUrl, ROLLOUT_EVENTS } from '../../../../src/core/notify/index.js';
import { redact } from '../../../../src/core/secrets/index.js';
import { ValueError } from '../../../../src/core/values/index.js';

const ROUTER = 'router: {provider: haproxy, socket: /run/haproxy/admin.sock, backend: app, stable: v1, canary: v2}';

/** A plan with `notify` (YAML lines under `notify:`, or a flow value) and one step. */
function planWith(notify: string): string {
  return `strategy: canary\n${ROUTER}\nsteps:\n  - setWeight: 50\nnotify:${notify}\n`;
}

/** What the plan parser refuses `text` with. */
const problemsOf = (text: string, overrides = {}) => planProblems(text, 'rollout.yml', overrides);

describe('the notify setting', () => {
  test('a plan notify block becomes settings with the defaults filled: json, every event, no headers', () => {
    const plan = loadPlan(planWith(' {url: https://hooks.example.test/services/T0/B0/first-secret}'), 'rollout.yml');
    expect(plan.notify).toEqual({ url: 'https://hooks.example.test/services/T0/B0/first-secret', format: 'json', events: [...ROLLOUT_EVENTS], headers: {} });
  });

  test('format, an events filter and headers are read as written', () => {
    const plan = loadPlan(planWith('\n  url: https://hooks.example.test/x/second-secret\n  format: slack\n  events: [rolled-back, paused]\n  headers: {X-Api-Key: key-123456}'), 'rollout.yml');
    expect(plan.notify).toEqual({ url: 'https://hooks.example.test/x/second-secret', format: 'slack', events: ['rolled-back', 'paused'], headers: { 'X-Api-Key': 'key-123456' } });
  });

  test('a plan without notify has no notify settings', () => {
    expect(loadPlan(`${ROUTER}\nsteps: [{setWeight: 10}]`, 'rollout.yml').notify).toBeUndefined();
  });

  test('the URL and the header values are secrets from the moment they are read: redacted everywhere', () => {
    loadPlan(planWith('\n  url: https://hooks.example.test/services/T1/B1/third-secret-token\n  headers: {Authorization: Bearer header-secret-42}'), 'rollout.yml');
    expect(redact('posting to https://hooks.example.test/services/T1/B1/third-secret-token')).toBe('posting to ***');
    expect(redact('sent header-secret-42')).toBe('sent ***');
  });

  test('a bad format names the field, the value, the choices and the fix, at its line', () => {
    expect(problemsOf(planWith('\n  url: https://hooks.example.test/a/b\n  format: teams'))).toBe(
      'rollout.yml line 7: notify.format: teams is not one of slack, json. Fix: slack for a Slack (or Mattermost) incoming webhook, json for anything else',
    );
  });

  test('a URL that is not http(s) is refused without showing it: it is a secret', () => {
    const message = problemsOf(planWith('\n  url: hooks.example.test/services/T2/B2/fourth-secret'));
    expect(message).toBe(
      'rollout.yml line 6: notify.url: *** is not an absolute http:// or https:// URL (it is a secret, so it is shown masked). Fix: write the whole URL, scheme included: https://hooks.slack.com/services/…',
    );
    expect(problemsOf(planWith(' {url: ftp://files.example.test/drop-secret}'))).toContain('notify.url: *** is not an absolute http:// or https:// URL (it is a secret, so it is shown masked). Fix: a webhook is posted to over HTTP; ftp: is not');
  });

  test('a missing URL, an unknown event, an unknown field and a non-string header are all reported at once', () => {
    const message = problemsOf(planWith('\n  format: slack\n  events: [started, finished]\n  channel: "#deploys"\n  headers: {X-Count: 3}'));
    expect(message.split('\n')).toEqual([
      'rollout.yml line 8: notify.channel: channel is not a field of notify (url, format, events, headers). Fix: remove it or fix its spelling',
      'rollout.yml line 5: notify.url: nothing is not an absolute http:// or https:// URL (it is a secret, so it is shown masked). Fix: set `notify: {url: …}` in the plan, or the action input notify-url (from a secret)',
      'rollout.yml line 7: notify.events: finished is not one of started, paused, promoted, rolled-back. Fix: name the events to post, e.g. `events: [paused, rolled-back]`',
      'rollout.yml line 9: notify.headers: X-Count: 3 is not a string. Fix: quote the value',
    ]);
  });

  test('notify written as a bare URL is refused with the block form, the URL masked', () => {
    expect(problemsOf(planWith(' https://hooks.example.test/services/T3/B3/fifth-secret'))).toBe(
      'rollout.yml line 5: notify: *** is not a mapping with at least `url:`. Fix: e.g. `notify: {url: https://hooks.slack.com/services/…, format: slack}`, or the input notify-url',
    );
  });

  test('the action inputs lay url and format over the plan block, and set one where the plan has none', () => {
    const over = loadPlan(planWith(' {url: https://old.example.test/hook, events: [promoted]}'), 'rollout.yml', { notify: { url: 'https://new.example.test/hook-secret', format: 'slack' } });
    expect(over.notify).toEqual({ url: 'https://new.example.test/hook-secret', format: 'slack', events: ['promoted'], headers: {} });
    const only = loadPlan(`${ROUTER}\nsteps: [{setWeight: 10}]`, 'rollout.yml', { notify: { url: 'https://new.example.test/hook-secret' } });
    expect(only.notify?.url).toBe('https://new.example.test/hook-secret');
    expect(problemsOf(`${ROUTER}\nsteps: [{setWeight: 10}]`, { notify: { format: 'slack' } })).toContain('notify.url: nothing is not an absolute http:// or https:// URL');
  });

  test.each([
    ['slack', 'slack'],
    [' json ', 'json'],
  ])('format %j reads as %s', (given, expected) => {
    expect(parseNotifyFormat(given)).toBe(expected);
  });

  test.each([[''], ['Slack'], [3], [null]])('format %j is refused', (given) => {
    expect(() => parseNotifyFormat(given)).toThrow(ValueError);
  });

  test('events are a YAML list or a comma- or line-separated text, without repeats; an empty list is refused', () => {
    expect(parseNotifyEvents(['promoted', 'promoted', 'rolled-back'])).toEqual(['promoted', 'rolled-back']);
    expect(parseNotifyEvents('started, paused\nrolled-back')).toEqual(['started', 'paused', 'rolled-back']);
    expect(() => parseNotifyEvents([])).toThrow('leave `events` out to post every event');
    expect(() => parseNotifyEvents(['rolledback'])).toThrow('"rolledback" is not one of started, paused, promoted, rolled-back');
  });

  test('URLs: http and https pass trimmed; anything else is a ValueError that never shows the value', () => {
    expect(parseNotifyUrl(' http://127.0.0.1:8080/hook ')).toBe('http://127.0.0.1:8080/hook');
    for (const bad of ['not a url at all', 'mailto:ops@example.test', '']) {
      const error = (() => {
        try {
          parseNotifyUrl(bad);
        } catch (thrown) {
          return thrown as ValueError;
        }
        throw new Error(`${bad} was accepted`);
      })();
      expect(error).toBeInstanceOf(ValueError);
      if (bad.length >= 4) expect(error.message).not.toContain(bad);
    }
  });

  test('header names must be HTTP tokens; a bearer credential is masked on its own too', () => {
    expect(() => parseNotifyHeaders({ 'X Bad': 'v' })).toThrow('"X Bad" is not an HTTP header name');
    expect(() => parseNotifyHeaders(['a'])).toThrow('is not a mapping of header names to string values');
    parseNotifyHeaders({ Authorization: 'Bearer lonely-credential-77' });
    expect(redact('token lonely-credential-77')).toBe('token ***');
  });
});
