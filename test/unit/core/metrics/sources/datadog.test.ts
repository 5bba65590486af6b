import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlipwayError } from '../../../../../src/core/errors.js';
import { datadogDialect } from '../../../../../src/core/metrics/dialects/datadog.js';
import { bucketedQuery, createDatadogSource, DatadogSourceError } from '../../../../../src/core/metrics/sources/datadog.js';
import { parseSourceSettings, type DatadogSettings } from '../../../../../src/core/metrics/source-settings.js';
import { parseSelector, type LabelMatcher, type TemplateValues } from '../../../../../src/core/metrics/template.js';
import type { MetricSource, SourceContext } from '../../../../../src/core/metrics/types.js';
import { expectNoContractViolations, startDatadogSimulator, type DatadogSimulator } from '../../../../../testkit/datadog-sim/index.js';

// The Datadog dialect (what a template becomes), and the Datadog source through the official client
// against the Datadog simulator, which checks every request and answer against Datadog's published
// contract for GET /api/v1/query: what is asked (buckets of the analysis step), how the answer
// becomes one sample per bucket stamped at its end, and how it fails (keys, bad queries, throttling,
// outages, answers that are not Datadog's) without ever printing a key.

const where = 'metric "error-rate" field errors';
const sel = (text: string): LabelMatcher[] => parseSelector(text, 'selector');
const values = (selector: LabelMatcher[]): TemplateValues => ({ selector, canary: sel('version="v2"'), baseline: sel('version="v1"'), intervalSeconds: 60 });

/** The DatadogSourceError a query fails with. */
async function failure(promise: Promise<unknown>): Promise<DatadogSourceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DatadogSourceError);
    return error as DatadogSourceError;
  }
  throw new Error('expected the query to fail');
}

describe('the Datadog dialect', () => {
  test('a selector becomes tag filters name:value joined by commas; != becomes !name:value', () => {
    const rendered = datadogDialect.render('sum:trace.http.request.hits{service:web,{{selector}}}.as_count()', values(sel('version="v2", env!="staging"')), where);
    expect(rendered).toBe('sum:trace.http.request.hits{service:web,version:v2,!env:staging}.as_count()');
    expect(datadogDialect.render('sum:m{{{canary}}} / sum:m{{{baseline}}}', values(sel('version="v2"')), where)).toBe('sum:m{version:v2} / sum:m{version:v1}');
  });

  test('{{version}} stands bare (Datadog has no string literals) as the tag value; {{interval}} is whole seconds for .rollup', () => {
    expect(datadogDialect.render('avg:trace.http.request.duration{version:{{version}}}.rollup(avg, {{interval}})', values(sel('version="v2.1.0"')), where)).toBe(
      'avg:trace.http.request.duration{version:v2.1.0}.rollup(avg, 60)',
    );
    expect(() => datadogDialect.check('sum:m{version:"{{version}}"}', where)).toThrow(`${where}: {{version}} must stand outside any string literal`);
    expect(datadogDialect.check('sum:m{{{selector}}}.rollup(sum, {{interval}})', where)).toEqual(new Set(['selector', 'interval']));
  });

  test('a regex matcher is refused, naming the matcher, and a tag wildcard is not offered in its place', () => {
    for (const text of ['version=~"v2.*"', 'version!~"v1|v0"']) {
      let message = '';
      try {
        datadogDialect.checkSelector(sel(text), 'canarySelector');
      } catch (error) {
        expect(error).toBeInstanceOf(SlipwayError);
        message = (error as Error).message;
      }
      expect(message).toContain(`canarySelector: the matcher ${text}`);
      expect(message).toMatch(/cannot express: Datadog filters by tags \(name:value\), not by regular expressions/);
      expect(message).toMatch(/does not turn a regex into a tag wildcard \(such as version:v2\*\) either/);
      expect(message).toMatch(/Fix: select each side with = or != matchers of exact tag values/);
    }
  });

  test('a value outside Datadog\'s tag characters is refused at checkSelector, naming the matcher and the characters', () => {
    const refused: [string, RegExp][] = [
      ['version="v2},sum:other{*"', /contains "\}" "," "\{" "\*"/],
      ['version="v2 beta"', /contains " "/],
      ['version="V2"', /contains "V".*as Datadog stores it.*"v2"/],
      ['service="web*"', /A tag wildcard \(\*\) is not supported in a selector either/],
      ['version=""', /has an empty value/],
      ['Version="v2"', /names the tag "Version", which is not a Datadog tag name.*"version"/],
    ];
    for (const [text, why] of refused) {
      expect(() => datadogDialect.checkSelector(sel(text), 'baselineSelector')).toThrow(why);
      expect(() => datadogDialect.checkSelector(sel(text), 'baselineSelector')).toThrow(/^baselineSelector: the matcher /);
    }
    // Everything a tag may hold passes: letters, digits and _ - . / :
    expect(() => datadogDialect.checkSelector(sel('version="v2.1.0-rc_1", image="registry/app:sha-abc", env!="prod"'), 'canarySelector')).not.toThrow();
  });

  test('slot placeholders pass checkSelector (the rollout fills them with lower-case words) but are never written into a query', () => {
    const slotted = parseSelector('slot="{{canarySlot}}"', 'canarySelector', { slotPlaceholders: true });
    expect(() => datadogDialect.checkSelector(slotted, 'canarySelector')).not.toThrow();
    expect(() => datadogDialect.render('sum:m{{{selector}}}', values(slotted), where)).toThrow(new RegExp(`^${where}: the matcher slot="\\{\\{canarySlot\\}\\}" has a value Datadog cannot hold`));
  });

  test('rendering refuses what checkSelector would, naming where: no value ever changes the query', () => {
    expect(() => datadogDialect.render('sum:m{{{selector}}}', values(sel('version="v2},sum:x{*"')), where)).toThrow(new RegExp(`^${where}: the matcher version=`));
    expect(() => datadogDialect.render('sum:m{version:{{version}}}', values(sel('version="a,b"')), where)).toThrow(new RegExp(`^${where}: the matcher version="a,b"`));
    // A side not in the template is not checked: its matchers are not written.
    expect(datadogDialect.render('sum:m{{{canary}}}', { ...values(sel('version="v2"')), baseline: sel('version=~"v1.*"') }, where)).toBe('sum:m{version:v2}');
  });

  test('property: any value is either refused or written as exactly one tag filter that reads back as itself', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom<'=' | '!='>('=', '!='), (value, op) => {
        const matchers: LabelMatcher[] = [{ name: 'version', op, value }];
        let rendered: string;
        try {
          rendered = datadogDialect.render('sum:m{env:prod,{{selector}}}.as_count()', values(matchers), where);
        } catch (error) {
          return error instanceof SlipwayError;
        }
        const filters = /^sum:m\{([^{}]*)\}\.as_count\(\)$/.exec(rendered)?.[1].split(',');
        return filters !== undefined && filters.length === 2 && filters[1] === `${op === '!=' ? '!' : ''}version:${value}`;
      }),
    );
  });
});

describe('the rollup the source adds', () => {
  test('sum for counts, avg otherwise, on every metric query without a rollup of its own', () => {
    expect(bucketedQuery('sum:trace.http.request.hits{service:web,version:v2}.as_count()', 60)).toBe('sum:trace.http.request.hits{service:web,version:v2}.as_count().rollup(sum, 60)');
    expect(bucketedQuery('avg:trace.http.request.duration{version:v2}', 30)).toBe('avg:trace.http.request.duration{version:v2}.rollup(avg, 30)');
    expect(bucketedQuery('p95:trace.http.request{version:v2} by {host}', 10)).toBe('p95:trace.http.request{version:v2} by {host}.rollup(avg, 10)');
    expect(bucketedQuery('sum:errors{version:v2}.as_count() / sum:hits{version:v2}.as_count()', 60)).toBe('sum:errors{version:v2}.as_count().rollup(sum, 60) / sum:hits{version:v2}.as_count().rollup(sum, 60)');
    expect(bucketedQuery('max:queue.depth{version:v2}.rollup(max, 60)', 60)).toBe('max:queue.depth{version:v2}.rollup(max, 60)');
    expect(bucketedQuery('not a metric query', 60)).toBe('not a metric query');
  });
});

describe('the Datadog source against the simulator', () => {
  let sim: DatadogSimulator;
  const sleeps: number[] = [];
  /** A clock that stands still; back-offs are recorded, not waited. */
  const clock = { now: () => new Date(T0 * 1000 + 600_000), sleep: async (ms: number) => void sleeps.push(ms) };
  /** A whole multiple of 60 s, as the analysis loop aligns an interval source's grid. */
  const T0 = 1_767_225_600;
  const HITS = 'trace.http.request.hits';

  beforeAll(async () => {
    sim = await startDatadogSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.clearSeries();
    sim.clearFaults();
    sim.requestLog.splice(0);
    sim.setAppKeyScopes(['timeseries_query']);
    sleeps.splice(0);
  });
  afterEach(() => expectNoContractViolations(sim));

  const settings = (overrides: Record<string, unknown> = {}) => parseSourceSettings({ datadog: { url: sim.url, ...overrides } }, 'analysis.source') as DatadogSettings;
  const source = (overrides: Record<string, unknown> = {}, context: Partial<SourceContext> = {}): MetricSource =>
    createDatadogSource(settings(overrides), { env: { DD_API_KEY: sim.apiKey, DD_APP_KEY: sim.appKey }, clock, retryDelayMs: 1, ...context });
  const window = { start: new Date(T0 * 1000), end: new Date((T0 + 300) * 1000), stepSeconds: 60 };

  test('is an interval source speaking the Datadog dialect', () => {
    const made = source();
    expect(made).toMatchObject({ type: 'datadog', counts: 'interval', dialect: datadogDialect });
  });

  test('counts per bucket of the step, each stamped at its bucket\'s end; a bucket without data stays missing', async () => {
    sim.addSeries({
      metric: HITS,
      tags: { service: 'web', version: 'v2' },
      points: [
        [T0 - 90, 100], // before the first bucket asked for
        [T0 - 50, 1], [T0 - 10, 2], // [T0 − 60, T0) → stamped T0
        [T0, 5], // [T0, T0 + 60)
        // [T0 + 60, T0 + 120): nothing
        [T0 + 130, 4], [T0 + 170, 0], // a zero Datadog reports stays a zero
        [T0 + 200, 7],
        [T0 + 300, 9], // the bucket that starts at the end is not over: not returned
      ],
    });
    sim.addSeries({ metric: HITS, tags: { service: 'web', version: 'v1' }, points: [[T0 + 10, 50]] });
    const samples = await source().queryRange('sum:trace.http.request.hits{service:web,version:v2}.as_count()', window);
    expect(samples).toEqual([
      { time: T0, value: 3 },
      { time: T0 + 60, value: 5 },
      { time: T0 + 180, value: 4 },
      { time: T0 + 240, value: 7 },
    ]);
    // Datadog is asked for buckets of the step from one step before the start to the end.
    expect(sim.requestLog).toEqual([expect.objectContaining({ query: 'sum:trace.http.request.hits{service:web,version:v2}.as_count().rollup(sum, 60)', from: T0 - 60, to: T0 + 300, status: 200 })]);
  });

  test('a continuous metric is averaged per bucket; a query with its own rollup is sent as written', async () => {
    sim.addSeries({ metric: 'trace.http.request.duration', tags: { version: 'v2' }, points: [[T0 + 5, 0.1], [T0 + 35, 0.3], [T0 + 65, 0.2]] });
    expect(await source().queryRange('avg:trace.http.request.duration{version:v2}', window)).toEqual([
      { time: T0 + 60, value: 0.2 },
      { time: T0 + 120, value: 0.2 },
    ]);
    expect(await source().queryRange('avg:trace.http.request.duration{version:v2}.rollup(max, 60)', window)).toEqual([
      { time: T0 + 60, value: 0.3 },
      { time: T0 + 120, value: 0.2 },
    ]);
    expect(sim.requestLog.map((r) => r.query)).toEqual(['avg:trace.http.request.duration{version:v2}.rollup(avg, 60)', 'avg:trace.http.request.duration{version:v2}.rollup(max, 60)']);
  });

  test('a query that matches nothing is an empty series; an instant query is the latest point, NaN when there is none', async () => {
    expect(await source().queryRange('sum:trace.http.request.hits{version:v9}.as_count()', window)).toEqual([]);
    sim.addSeries({ metric: 'queue.depth', tags: { version: 'v2' }, points: [[T0 + 100, 4], [T0 + 500, 6]] });
    const at = new Date((T0 + 560) * 1000);
    expect(await source().queryInstant('max:queue.depth{version:v2}.rollup(max, 60)', at)).toBe(6);
    expect(await source().queryInstant('max:queue.depth{version:v9}', at)).toBeNaN();
  });

  test('several series are refused, not retried, asking to aggregate to one', async () => {
    sim.addSeries({ metric: HITS, tags: { version: 'v1' }, points: [[T0 + 10, 1]] });
    sim.addSeries({ metric: HITS, tags: { version: 'v2' }, points: [[T0 + 10, 2]] });
    const error = await failure(source().queryRange('sum:trace.http.request.hits{*} by {version}.as_count()', window));
    expect(error.message).toMatch(/^Datadog query sum:trace\.http\.request\.hits\{\*\} by \{version\}\.as_count\(\)\.rollup\(sum, 60\) returned 2 series \("version:v1", "version:v2"\); the analysis needs one per query\. Fix: aggregate it to one, e\.g\. sum:<metric>\{<tags>\} without "by \{…\}"\.$/);
    expect(error.retryable).toBe(false);
    expect(sim.requests()).toBe(1);
  });

  test('refused keys: the message names the variables and the timeseries_query scope, never the keys; not retried', async () => {
    const wrongApiKey = 'wrong-api-key-5f2c9a1b7e3d';
    const wrongAppKey = 'wrong-app-key-0b8e6c4d2a9f';
    const wrong = source({}, { env: { DD_API_KEY: wrongApiKey, DD_APP_KEY: wrongAppKey } });
    const error = await failure(wrong.queryRange('sum:trace.http.request.hits{version:v2}.as_count()', window));
    expect(error.message).toContain(`Datadog at ${sim.url} refused query sum:trace.http.request.hits{version:v2}.as_count().rollup(sum, 60) (HTTP 403: Forbidden)`);
    expect(error.message).toMatch(/DD_API_KEY \(the datadog source's apiKey, an API key\) and DD_APP_KEY \(its appKey, an application key .* the `timeseries_query` scope/);
    expect(error.message).not.toContain(wrongApiKey);
    expect(error.message).not.toContain(wrongAppKey);
    expect(error).toMatchObject({ retryable: false, status: 403 });
    expect(sim.requests()).toBe(1);

    // An application key without the scope; the variables the settings name are the ones named.
    sim.setAppKeyScopes(['dashboards_read']);
    const scoped = source({ apiKey: '{{env.ORG_DD_API}}', appKey: '{{env.ORG_DD_APP}}' }, { env: { ORG_DD_API: sim.apiKey, ORG_DD_APP: sim.appKey } });
    const refused = await failure(scoped.queryRange('sum:trace.http.request.hits{version:v2}.as_count()', window));
    expect(refused.message).toMatch(/HTTP 403: Failed permission authorization checks\)\. Fix: check that ORG_DD_API .* and ORG_DD_APP .*`timeseries_query`/);
    expect(refused.message).not.toContain(sim.apiKey);
    expect(refused.message).not.toContain(sim.appKey);
  });

  test('an unset key variable fails when the source is made, before any request', () => {
    expect(() => createDatadogSource(settings(), { env: { DD_API_KEY: sim.apiKey } })).toThrow("The datadog source's appKey reads the environment variable DD_APP_KEY, which is not set.");
    expect(sim.requests()).toBe(0);
  });

  test('a query Datadog rejects (400) fails at once with Datadog\'s errors, naming the query', async () => {
    const error = await failure(source().queryRange('sum:trace.http.request.hits{version:v2}.as_count().top(5)', window));
    expect(error.message).toMatch(/^Datadog rejected query sum:trace\.http\.request\.hits\{version:v2\}\.as_count\(\)\.top\(5\)\.rollup\(sum, 60\) \(HTTP 400\): Error parsing query: unknown function \.top\(\).*Fix: check the query's syntax/);
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(sim.requests()).toBe(1);
  });

  test('server errors and dropped connections are retried; 429 waits until Datadog\'s rate limit resets', async () => {
    sim.addSeries({ metric: HITS, tags: { version: 'v2' }, points: [[T0 + 10, 2]] });
    sim.injectFault({ kind: 'status', status: 503 });
    sim.injectFault({ kind: 'drop' });
    sim.injectFault({ kind: 'status', status: 429, rateLimitReset: 7 });
    expect(await source().queryRange('sum:trace.http.request.hits{version:v2}.as_count()', window)).toEqual([{ time: T0 + 60, value: 2 }]);
    expect(sim.requestLog.map((r) => r.status)).toEqual([503, 0, 429, 200]);
    // Doubling back-offs from 1 ms, the third stretched to the 7 s X-RateLimit-Reset.
    expect(sleeps).toEqual([1, 2, 7000]);
  });

  test('when the retries run out the last failure is reported, retryable, naming the query', async () => {
    sim.injectFault({ kind: 'status', status: 500, times: 10 });
    const error = await failure(source({}, { retries: 2 }).queryRange('sum:trace.http.request.hits{version:v2}.as_count()', window));
    expect(error.message).toBe(`Datadog at ${sim.url} failed (HTTP 500) for query sum:trace.http.request.hits{version:v2}.as_count().rollup(sum, 60): Internal Server Error`);
    expect(error.retryable).toBe(true);
    expect(sim.requests()).toBe(3);

    sim.clearFaults();
    sim.requestLog.splice(0);
    sim.injectFault({ kind: 'status', status: 429, rateLimitReset: 90, times: 10 });
    const throttled = await failure(source({}, { retries: 1 }).queryRange('sum:trace.http.request.hits{version:v2}.as_count()', window));
    expect(throttled.message).toMatch(/failed \(HTTP 429\) for query .*: Too many requests; Datadog's rate limit metrics_query resets in 90 s$/);
    // A wait longer than a minute is cut to one.
    expect(sleeps.at(-1)).toBe(60_000);
  });

  test('a 200 that is not Datadog\'s answer is refused, not retried, naming the query and what was expected', async () => {
    const query = 'sum:trace.http.request.hits{version:v2}.as_count()';
    const cases: [Parameters<DatadogSimulator['injectFault']>[0], RegExp][] = [
      [{ kind: 'body', body: '<html>Sign in</html>', contentType: 'text/html' }, /with a body that is not a JSON object \(text\/html: "<html>Sign in<\/html>"\)/],
      [{ kind: 'body', body: { status: 'ok', series: 'none' } }, /with a body the Datadog client could not read|with "series" "none"/],
      [{ kind: 'body', body: { status: 'ok', series: [{ pointlist: [['a', 1]] }] } }, /with a body the Datadog client could not read|with the point/],
      [{ kind: 'body', body: { hello: 'world' } }, /with no "series"/],
    ];
    for (const [fault, problem] of cases) {
      sim.requestLog.splice(0);
      sim.injectFault(fault);
      const error = await failure(source().queryRange(query, window));
      expect(error.message).toMatch(problem);
      expect(error.message).toContain(`Datadog at ${sim.url} answered /api/v1/query for query ${query}.rollup(sum, 60)`);
      expect(error.message).toContain('expected {"status": "ok", "series": [{"pointlist": [[<ms since the epoch>, <value or null>], …]}]}');
      expect(error.retryable).toBe(false);
      expect(sim.requests()).toBe(1);
    }
    sim.injectFault({ kind: 'body', body: { status: 'error', error: 'Rule timeout exceeded' } });
    const error = await failure(source().queryRange(query, window));
    expect(error.message).toBe(`Datadog could not run query ${query}.rollup(sum, 60): Rule timeout exceeded. Fix: check the query, e.g. ${datadogDialect.example}.`);
  });
});

describe('the Datadog source against a misbehaving server', () => {
  let server: Server;
  let url: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  const apiKey = 'api-key-3a7d1e9c5b2f8a4d';
  const appKey = 'app-key-9e4b2c7a1d5f3e8b6c0a';

  beforeAll(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const source = (context: Partial<SourceContext> = {}) =>
    createDatadogSource(parseSourceSettings({ datadog: { url } }, 'analysis.source') as DatadogSettings, { env: { DD_API_KEY: apiKey, DD_APP_KEY: appKey }, retries: 0, ...context });
  const window = { start: new Date(1_767_225_600_000), end: new Date(1_767_225_900_000), stepSeconds: 60 };

  test('an error text that echoes the keys is printed with them masked', async () => {
    handler = (req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [`bad request from ${String(req.headers['dd-api-key'])} / ${String(req.headers['dd-application-key'])}`] }));
    };
    const error = await failure(source().queryRange('sum:m{version:v2}.as_count()', window));
    expect(error.message).toContain('(HTTP 400): bad request from *** / ***');
    expect(error.message).not.toContain(apiKey);
    expect(error.message).not.toContain(appKey);
  });

  test('no answer within the timeout is a retryable failure naming the timeout', async () => {
    handler = () => undefined;
    const error = await failure(source({ timeoutMs: 300 }).queryRange('sum:m{version:v2}.as_count()', window));
    expect(error.message).toBe(`Datadog at ${url} is unreachable (query sum:m{version:v2}.as_count().rollup(sum, 60)): no answer within 300 ms`);
    expect(error.retryable).toBe(true);
  });

  test('a redirect is not followed (the keys would go with it)', async () => {
    let requests = 0;
    handler = (_req, res) => {
      requests++;
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    };
    const error = await failure(source().queryRange('sum:m{version:v2}.as_count()', window));
    expect(error.message).toMatch(/answered a redirect \(HTTP 302\) to http:\/\/127\.0\.0\.1:1\/elsewhere .*Slipway does not follow redirects/);
    expect(requests).toBe(1);
  });
});
