import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webDialect } from '../../../../../src/core/metrics/dialects/web.js';
import { createWebSource, WebSourceError } from '../../../../../src/core/metrics/sources/web.js';
import { parseSourceSettings, type WebSettings } from '../../../../../src/core/metrics/source-settings.js';
import type { LabelMatcher, TemplateValues } from '../../../../../src/core/metrics/template.js';
import type { MetricSource, SourceContext } from '../../../../../src/core/metrics/types.js';

// The web source against a scripted HTTP server on a loopback port: what it sends (URL, headers),
// how it picks the value, how it fails, and how its readings build a series across the analysis
// loop's calls (a fake clock stands for the loop's).

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base: string;
let handler: Handler;
let seen: { url: string; headers: IncomingMessage['headers'] }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
});

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

/** A clock that stands where the test puts it; back-offs do not wait. */
function fakeClock(at: string) {
  let now = new Date(at).getTime();
  return {
    clock: { now: () => new Date(now), sleep: async () => undefined },
    set: (time: string) => (now = new Date(time).getTime()),
  };
}

function settings(overrides: Record<string, unknown> = {}): WebSettings {
  return parseSourceSettings({ web: { url: `${base}/api/`, ...overrides } }, 'analysis.source') as WebSettings;
}

function source(overrides: Record<string, unknown> = {}, context: Partial<SourceContext> = {}): MetricSource {
  return createWebSource(settings(overrides), { env: {}, retryDelayMs: 1, ...context });
}

const matchers = (text: Record<string, string>): LabelMatcher[] => Object.entries(text).map(([name, value]) => ({ name, op: '=', value }));
const values = (selector: LabelMatcher[]): TemplateValues => ({ selector, canary: matchers({ version: 'v2' }), baseline: matchers({ version: 'v1' }), intervalSeconds: 60 });

describe('the web dialect', () => {
  test('renders selectors as percent-encoded query parameters, so no value can add a parameter or leave the path', () => {
    const selector = matchers({ version: 'v2&admin=1#x', app: 'a b/c?' });
    expect(webDialect.render('/stats?{{selector}}', values(selector), 'metric "m"')).toBe('/stats?version=v2%26admin%3D1%23x&app=a%20b%2Fc%3F');
    expect(webDialect.render('/stats?{{canary}}&other={{baseline}}', values([]), 'metric "m"')).toBe('/stats?version=v2&other=version=v1');
  });

  test('{{version}} stands bare in the URL, percent-encoded; {{interval}} is whole seconds', () => {
    const rendered = webDialect.render('/versions/{{version}}/errors?window={{interval}}', values(matchers({ version: '../admin' })), 'metric "m"');
    expect(rendered).toBe('/versions/..%2Fadmin/errors?window=60');
    expect(() => webDialect.check('/versions/"{{version}}"', 'metric "m" field query')).toThrow('metric "m" field query: {{version}} must stand outside any string literal');
  });

  test('keeps the JSONPath after # and refuses placeholders in it', () => {
    expect(webDialect.render('/stats?{{selector}}#$.counts[?(@.kind=="5xx")].n', values(matchers({ version: 'v#2' })), 'm')).toBe('/stats?version=v%232#$.counts[?(@.kind=="5xx")].n');
    expect(() => webDialect.check('/stats#$.versions["{{version}}"]', 'metric "errors" field errors')).toThrow(/^metric "errors" field errors: a placeholder in the JSONPath after # .*placeholders may only stand in the URL before #/);
    expect(() => webDialect.check('/stats#requests', 'metric "m" field requests')).toThrow('must be a JSONPath expression starting with $');
    expect([...webDialect.check('/stats?{{canary}}#$.requests', 'm')]).toEqual(['canary']);
  });

  test('refuses the matchers a URL cannot express, naming the matcher', () => {
    for (const op of ['!=', '=~', '!~'] as const) {
      expect(() => webDialect.checkSelector([{ name: 'version', op: '=', value: 'v2' }, { name: 'app', op, value: 'web' }], 'canarySelector')).toThrow(`canarySelector: the matcher app${op}"web" uses ${op}, which a web source cannot express`);
    }
    expect(() => webDialect.checkSelector(matchers({ version: 'v2' }), 'canarySelector')).not.toThrow();
  });
});

describe('the web metric source', () => {
  test('picks the value with the settings\' JSONPath (default $) or the query\'s own after #, which is never sent', async () => {
    handler = (req, res) => (req.url === '/api/plain' ? json(res, 200, 41.5) : json(res, 200, { data: { value: '12.5', other: 3 } }));
    expect(await source().queryInstant('plain')).toBe(41.5);
    expect(await source({ jsonPath: '$.data.value' }).queryInstant('stats?version=v2')).toBe(12.5);
    expect(await source({ jsonPath: '$.data.value' }).queryInstant('stats?version=v2#$.data.other')).toBe(3);
    expect(seen.map((s) => s.url)).toEqual(['/api/plain', '/api/stats?version=v2', '/api/stats?version=v2']);
  });

  test('a relative query resolves beneath the url (slash or not); an absolute one on the same origin is allowed, another origin refused', async () => {
    handler = (_req, res) => json(res, 200, 1);
    await createWebSource(settings({ url: `${base}/api` }), { env: {} }).queryInstant('stats');
    await source().queryInstant('/root');
    await source().queryInstant(`${base}/elsewhere/stats`);
    // Only a JSONPath: the url itself.
    await source({ url: `${base}/api/all?window=60` }).queryInstant('#$');
    expect(seen.map((s) => s.url)).toEqual(['/api/stats', '/root', '/elsewhere/stats', '/api/all?window=60']);
    for (const query of ['http://127.0.0.2:1/stats', '//evil.example/stats', 'https://127.0.0.1/stats']) {
      await expect(source().queryInstant(query)).rejects.toThrow(/not at the web source's origin http:\/\/127\.0\.0\.1:\d+: the source's headers \(its credentials\) are sent only there/);
    }
    expect(seen).toHaveLength(4);
  });

  test('sends the headers with their {{env.NAME}} secrets resolved, and no message ever repeats them', async () => {
    const secret = 'tok-6d1f0a9b-web-secret';
    const env = { METRICS_TOKEN: secret };
    const headers = { Authorization: 'Bearer {{env.METRICS_TOKEN}}', 'X-Tenant': 'team-a' };
    // An error page that echoes the request's Authorization header.
    handler = (req, res) => (req.url === '/api/ok' ? json(res, 200, { n: 2 }) : (res.writeHead(400, { 'content-type': 'text/plain' }), res.end(`bad request from ${req.headers.authorization}`)));
    const web = source({ headers, jsonPath: '$.n' }, { env });
    expect(await web.queryInstant('ok')).toBe(2);
    expect(seen[0].headers.authorization).toBe(`Bearer ${secret}`);
    expect(seen[0].headers['x-tenant']).toBe('team-a');
    const failure = await web.queryInstant('echo').catch((error: Error) => error);
    expect(failure).toBeInstanceOf(WebSourceError);
    expect((failure as Error).message).toContain('failed (HTTP 400) for query echo: bad request from Bearer ***');
    expect((failure as Error).message).not.toContain(secret);
    // An unset variable fails at creation, before any request.
    expect(() => source({ headers }, { env: {} })).toThrow("The web source's header Authorization reads the environment variable METRICS_TOKEN, which is not set");
  });

  test('a 401 or 403 names the headers setting', async () => {
    handler = (_req, res) => json(res, 403, { error: 'forbidden' });
    await expect(source({ headers: { 'X-Api-Key': '{{env.KEY}}' } }, { env: { KEY: 'k-0f3a77e1c2' } }).queryInstant('stats')).rejects.toThrow(/refused the request \(HTTP 403\) for query stats: check the web source's headers setting/);
    expect(seen).toHaveLength(1);
  });

  test('refuses to follow a redirect, so the headers never go elsewhere', async () => {
    handler = (_req, res) => (res.writeHead(302, { location: 'http://127.0.0.2:9/steal' }), res.end());
    await expect(source({ headers: { 'X-Api-Key': '{{env.KEY}}' } }, { env: { KEY: 'k-81c0d9ab44' } }).queryInstant('stats')).rejects.toThrow(/answered a redirect \(HTTP 302\) to http:\/\/127\.0\.0\.2:9\/steal for query stats; Slipway does not follow redirects/);
    expect(seen).toHaveLength(1);
  });

  test('an answer of the wrong shape is a clear, non-retried error naming the URL, the query, the JSONPath and what it found', async () => {
    handler = (req, res) => {
      if (req.url === '/api/login') return (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html><body>Please sign in</body></html>'));
      if (req.url === '/api/many') return json(res, 200, { versions: [{ errors: 1 }, { errors: 2 }] });
      return json(res, 200, { errors: 'lots' });
    };
    const web = source({}, { retries: 3 });
    const failureOf = (query: string): Promise<WebSourceError> => web.queryInstant(query).then(
      (value) => {
        throw new Error(`expected an error, got ${value}`);
      },
      (error: WebSourceError) => error,
    );
    const html = await failureOf('login');
    expect(html.message).toBe(`The web source at ${base}/api/login answered query login with a body that is not JSON (text/html: "<html><body>Please sign in</body></html>"): expected a JSON document holding the value. Check that the URL is the metrics endpoint and not a login or proxy page.`);
    const many = await failureOf('many#$.versions[*].errors');
    expect(many.message).toBe(`The web source at ${base}/api/many answered query many#$.versions[*].errors with JSON in which the JSONPath $.versions[*].errors matched 2 values ([1,2]): expected exactly one number (or numeric string). Fix: make the path pick one value, e.g. with an index ([0]) or a filter ([?(@.version=="v2")]), or have the endpoint add them up.`);
    const text = await failureOf('word#$.errors');
    expect(text.message).toContain('the JSONPath $.errors found "lots": expected exactly one number');
    expect([html, many, text].every((e) => e instanceof WebSourceError && !e.retryable)).toBe(true);
    expect(seen).toHaveLength(3);
  });

  test('retries a 503 (and a 429) and then returns the value', async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls === 1) return json(res, 503, { error: 'warming up' });
      if (calls === 2) return json(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
      json(res, 200, { requests: 1200 });
    };
    const sleeps: number[] = [];
    const clock = { now: () => new Date(), sleep: async (ms: number) => void sleeps.push(ms) };
    expect(await source({ jsonPath: '$.requests' }, { clock, retries: 3, retryDelayMs: 10 }).queryInstant('stats')).toBe(1200);
    expect(calls).toBe(3);
    // The second wait is the server's Retry-After (1 s), longer than the back-off's 20 ms.
    expect(sleeps).toEqual([10, 1000]);
  });

  test('gives up after the retries with the last answer', async () => {
    handler = (_req, res) => json(res, 502, { error: 'bad gateway' });
    await expect(source({}, { retries: 2 }).queryInstant('stats')).rejects.toThrow(`The web source at ${base}/api/stats failed (HTTP 502) for query stats: {"error":"bad gateway"}`);
    expect(seen).toHaveLength(3);
  });

  test('a slow answer times out after the timeout setting and counts as unreachable', async () => {
    handler = (_req, res) => void setTimeout(() => json(res, 200, 1), 3000).unref();
    await expect(source({ timeout: '1s' }, { retries: 0 }).queryInstant('slow')).rejects.toThrow(`The web source at ${base}/api/slow is unreachable (query slow): no answer within 1000 ms`);
  });

  test('a missing value is NaN, never 0: nothing matched, null, an empty string', async () => {
    handler = (_req, res) => json(res, 200, { nothing: null, blank: '' });
    const web = source();
    expect(await web.queryInstant('stats#$.absent')).toBeNaN();
    expect(await web.queryInstant('stats#$.nothing')).toBeNaN();
    await expect(web.queryInstant('stats#$.blank')).rejects.toThrow('the JSONPath $.blank found "": expected exactly one number');
  });

  test('readings accumulate across the analysis loop\'s range queries, one per grid point; a past window reads nothing', async () => {
    let requests = 100;
    handler = (_req, res) => json(res, 200, { requests });
    const time = fakeClock('2026-03-01T12:00:00Z');
    const web = source({ jsonPath: '$.requests' }, { clock: time.clock });
    const t = (iso: string) => new Date(iso);
    const at = (iso: string) => t(iso).getTime() / 1000;
    const step = 60;
    // The baseline history before the start: its window ends at the start, which is now.
    expect(await web.queryRange('stats?version=v1', { start: t('2026-03-01T11:30:00Z'), end: t('2026-03-01T12:00:00Z'), stepSeconds: step })).toEqual([{ time: at('2026-03-01T12:00:00Z'), value: 100 }]);
    // Interval 1, read a little late (the loop's sleep ends and the queries follow).
    time.set('2026-03-01T12:01:02Z');
    requests = 160;
    expect(await web.queryRange('stats?version=v1', { start: t('2026-03-01T12:00:00Z'), end: t('2026-03-01T12:01:00Z'), stepSeconds: step })).toEqual([
      { time: at('2026-03-01T12:00:00Z'), value: 100 },
      { time: at('2026-03-01T12:01:00Z'), value: 160 },
    ]);
    // Interval 2 starts where the last read ended; the earlier reading comes back with the new one.
    time.set('2026-03-01T12:02:00Z');
    requests = 230;
    expect(await web.queryRange('stats?version=v1', { start: t('2026-03-01T12:01:00Z'), end: t('2026-03-01T12:02:00Z'), stepSeconds: step })).toEqual([
      { time: at('2026-03-01T12:01:00Z'), value: 160 },
      { time: at('2026-03-01T12:02:00Z'), value: 230 },
    ]);
    expect(seen).toHaveLength(3);
    // A window wholly in the past gets what was kept, and nothing is read for it.
    expect(await web.queryRange('stats?version=v1', { start: t('2026-03-01T11:00:00Z'), end: t('2026-03-01T12:01:00Z'), stepSeconds: step })).toEqual([
      { time: at('2026-03-01T12:00:00Z'), value: 100 },
      { time: at('2026-03-01T12:01:00Z'), value: 160 },
    ]);
    // Another query has its own readings: none in the past.
    expect(await web.queryRange('stats?version=v2', { start: t('2026-03-01T11:30:00Z'), end: t('2026-03-01T12:00:00Z'), stepSeconds: step })).toEqual([]);
    expect(seen).toHaveLength(3);
  });

  test('a range read whose value is missing keeps no point (never a 0), and a failed read keeps the earlier ones', async () => {
    handler = (_req, res) => json(res, 200, { requests: 5 });
    const time = fakeClock('2026-03-01T12:00:00Z');
    const web = source({ jsonPath: '$.requests' }, { clock: time.clock, retries: 0 });
    const window = (from: string, to: string) => ({ start: new Date(from), end: new Date(to), stepSeconds: 60 });
    await web.queryRange('stats', window('2026-03-01T11:59:00Z', '2026-03-01T12:00:00Z'));
    time.set('2026-03-01T12:01:00Z');
    handler = (_req, res) => json(res, 200, { other: 1 });
    expect(await web.queryRange('stats', window('2026-03-01T12:00:00Z', '2026-03-01T12:01:00Z'))).toEqual([{ time: new Date('2026-03-01T12:00:00Z').getTime() / 1000, value: 5 }]);
    time.set('2026-03-01T12:02:00Z');
    handler = (_req, res) => json(res, 500, { error: 'down' });
    await expect(web.queryRange('stats', window('2026-03-01T12:00:00Z', '2026-03-01T12:02:00Z'))).rejects.toThrow('failed (HTTP 500)');
    time.set('2026-03-01T12:03:00Z');
    handler = (_req, res) => json(res, 200, { requests: 9 });
    expect((await web.queryRange('stats', window('2026-03-01T12:00:00Z', '2026-03-01T12:03:00Z'))).map((s) => s.value)).toEqual([5, 9]);
  });

  test('declares cumulative counts, the web dialect and no server clock', () => {
    const web = source();
    expect(web.type).toBe('web');
    expect(web.counts).toBe('cumulative');
    expect(web.dialect).toBe(webDialect);
    expect(web.serverTime).toBeUndefined();
  });
});
