import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { checkOwnClauses, nrqlDialect } from '../../../../../src/core/metrics/dialects/nrql.js';
import { createNewRelicSource, NERDGRAPH_URLS, NewRelicError, NewRelicSource } from '../../../../../src/core/metrics/sources/newrelic.js';
import { parseSelector, type TemplateValues } from '../../../../../src/core/metrics/template.js';
import { expectNoContractViolations, startNewRelicSimulator, type NewRelicSimulator, type NrqlEvent } from '../../../../../testkit/newrelic-sim/index.js';
import { checkRequest, executeRequest } from '../../../../../testkit/newrelic-sim/contract.js';
import { runNrql } from '../../../../../testkit/newrelic-sim/nrql.js';

// The NRQL dialect (escaping, placement, refusals) and the New Relic source against the NerdGraph
// simulator, which validates every request and answer against NerdGraph's published schema.

const WHERE = 'metric "errors" field errors';
const values = (selector: string, intervalSeconds = 60): TemplateValues => ({
  selector: parseSelector(selector, 'selector'),
  canary: parseSelector('version="v2"', 'canary'),
  baseline: parseSelector('version="v1"', 'baseline'),
  intervalSeconds,
});
const render = (template: string, selector = 'version="v2"', intervalSeconds = 60) => nrqlDialect.render(template, values(selector, intervalSeconds), WHERE);

describe('NRQL dialect', () => {
  test('a selector becomes a WHERE condition: names in backticks, every operator, regexes with RLIKE', () => {
    expect(render('SELECT count(*) FROM Transaction WHERE {{selector}}', 'version="v2", app=~"web|api", env!="dev", tier!~"b.*"')).toBe(
      "SELECT count(*) FROM Transaction WHERE `version` = 'v2' AND `app` RLIKE 'web|api' AND `env` != 'dev' AND `tier` NOT RLIKE 'b.*'",
    );
    expect(render('SELECT count(*) FROM T WHERE {{canary}} OR {{baseline}}')).toBe("SELECT count(*) FROM T WHERE `version` = 'v2' OR `version` = 'v1'");
  });

  test("quotes and backslashes in values are escaped, so a value can never end its string", () => {
    const hostile = String.raw`x' OR appName != '`;
    const query = render('SELECT count(*) FROM Transaction WHERE {{selector}}', `appName="${hostile.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
    expect(query).toBe(String.raw`SELECT count(*) FROM Transaction WHERE ` + "`appName` = " + String.raw`'x\' OR appName != \''`);
    // Run by the simulator's NRQL engine: only the event whose name is exactly the hostile text matches.
    const events: NrqlEvent[] = [
      { eventType: 'Transaction', timestamp: 1000, appName: 'web' },
      { eventType: 'Transaction', timestamp: 1000, appName: hostile },
    ];
    expect(runNrql(`${query} SINCE 0 UNTIL 60000`, events, 60000)).toEqual([{ count: 1 }]);

    const backslash = render('SELECT count(*) FROM T WHERE {{selector}}', String.raw`path="C:\\temp\\"`);
    expect(backslash).toBe(String.raw`SELECT count(*) FROM T WHERE ` + '`path` = ' + String.raw`'C:\\temp\\'`);
    const paths: NrqlEvent[] = ['C:\\temp\\', 'C:\\temp', 'C:temp'].map((path) => ({ eventType: 'T', timestamp: 5, path }));
    expect(runNrql(`${backslash} SINCE 0 UNTIL 60000`, paths, 60000)).toEqual([{ count: 1 }]);
  });

  test('a regex keeps its meaning: its backslashes are escaped for the string, and it matches whole values', () => {
    const query = render('SELECT count(*) FROM T WHERE {{selector}}', String.raw`host=~"web-\\d+\\.prod"`);
    expect(query).toBe("SELECT count(*) FROM T WHERE `host` RLIKE " + String.raw`'web-\\d+\\.prod'`);
    const events: NrqlEvent[] = ['web-12.prod', 'web-12xprod', 'web-1.prod.eu'].map((host) => ({ eventType: 'T', timestamp: 5, host }));
    expect(runNrql(`${query} SINCE 0 UNTIL 60000`, events, 60000)).toEqual([{ count: 1 }]);
  });

  test('{{version}} stands inside a single-quoted string and is escaped for it; elsewhere it is refused', () => {
    expect(render("SELECT count(*) FROM T WHERE appVersion = '{{version}}'", String.raw`version="v2'1"`)).toBe(String.raw`SELECT count(*) FROM T WHERE appVersion = 'v2\'1'`);
    expect(() => nrqlDialect.check('SELECT count(*) FROM T WHERE appVersion = {{version}}', WHERE)).toThrow(`${WHERE}: {{version}} must stand inside a single-quoted string, e.g. '{{version}}'.`);
    expect(() => nrqlDialect.check('SELECT count(*) FROM T WHERE appVersion = "{{version}}"', WHERE)).toThrow('must stand inside a single-quoted string');
    expect(() => nrqlDialect.check("SELECT count(*) FROM T WHERE x = '{{selector}}'", WHERE)).toThrow(`${WHERE}: {{selector}} must not stand inside a string literal`);
  });

  test('{{interval}} is an NRQL duration, where NRQL takes one', () => {
    expect(render('SELECT rate(count(*), {{interval}}) FROM T WHERE {{selector}}')).toBe("SELECT rate(count(*), 60 seconds) FROM T WHERE `version` = 'v2'");
    expect(render('SELECT rate(count(*), {{interval}}) FROM T', 'version="v2"', 1)).toBe('SELECT rate(count(*), 1 second) FROM T');
  });

  test('a template with its own time range, buckets or FACET is refused, naming where and the fix', () => {
    for (const [template, clause] of [
      ['SELECT count(*) FROM T WHERE {{selector}} SINCE 1 hour ago', 'SINCE'],
      ['SELECT count(*) FROM T WHERE {{selector}} until 5 minutes ago', 'UNTIL'],
      ['SELECT count(*) FROM T WHERE {{selector}} TIMESERIES 1 minute', 'TIMESERIES'],
      ['SELECT count(*) FROM T WHERE {{selector}} COMPARE  WITH 1 week ago', 'COMPARE WITH'],
      ['SELECT count(*) FROM T WHERE {{selector}} FACET appName', 'FACET'],
    ]) {
      expect(() => nrqlDialect.check(template, WHERE)).toThrow(`${WHERE}: the NRQL query has ${clause}`);
      expect(() => render(template)).toThrow(`${WHERE}: the NRQL query has ${clause}`);
    }
    expect(() => nrqlDialect.check('SELECT count(*) FROM T FACET appName', WHERE)).toThrow(/aggregate to one series/);
    expect(() => nrqlDialect.check('SELECT count(*) FROM T SINCE 1 day ago', WHERE)).toThrow(/Slipway appends SINCE <start> UNTIL <end> TIMESERIES <interval>/);
  });

  test('the same words inside strings, quoted names and subqueries are the query\'s own business', () => {
    const fine = [
      "SELECT count(*) FROM T WHERE {{selector}} AND name = 'since TIMESERIES'",
      'SELECT count(*) FROM T WHERE {{selector}} AND `facet` IS TRUE',
      'SELECT count(*) FROM T WHERE {{selector}} AND userId IN (SELECT uniques(userId) FROM U SINCE 1 day ago)',
      "SELECT filter(count(*), WHERE a = 'until') FROM T WHERE {{selector}}",
    ];
    for (const template of fine) expect(() => nrqlDialect.check(template, WHERE)).not.toThrow();
    expect(() => checkOwnClauses('SELECT count(*) FROM T WHERE x = 1', 'q')).not.toThrow();
  });

  test('checkSelector accepts every operator and refuses a value NRQL cannot hold safely', () => {
    expect(() => nrqlDialect.checkSelector(parseSelector('a="x", b!="y", c=~"z.*", d!~"w"', 's'), WHERE)).not.toThrow();
    expect(() => nrqlDialect.checkSelector([{ name: 'a', op: '=', value: 'two\nlines' }], WHERE)).toThrow(`${WHERE}: the value of a="two\\nlines" holds a control character`);
  });
});

describe('New Relic source against the NerdGraph simulator', () => {
  let sim: NewRelicSimulator;
  const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
  const KEY = 'NRAK-UNITTESTKEY1234567890ABCD';
  const env = { NEW_RELIC_API_KEY: KEY };
  /** A clock whose sleeps only record the wait: retries cost no time. */
  const sleeps: number[] = [];
  const clock = { now: () => new Date(T0 + 3_600_000), sleep: async (ms: number) => void sleeps.push(ms) };
  const source = (extra: Partial<ConstructorParameters<typeof NewRelicSource>[0]> = {}) =>
    new NewRelicSource({ url: sim.url, apiKey: KEY, apiKeySource: 'NEW_RELIC_API_KEY', accountId: sim.accountId, retries: 2, retryDelayMs: 100, clock, ...extra });
  const window = (fromMinute: number, toMinute: number) => ({ start: new Date(T0 + fromMinute * 60_000), end: new Date(T0 + toMinute * 60_000), stepSeconds: 60 });
  const at = (minute: number) => (T0 + minute * 60_000) / 1000;

  beforeAll(async () => {
    sim = await startNewRelicSimulator({ apiKey: KEY });
    // Minute m (the bucket that ends at minute m + 1) holds m + 1 requests of v2 taking 0.1·(m + 1) s,
    // and one of v1; minute 4 has none of v2 at all.
    const events: NrqlEvent[] = [];
    for (let m = 0; m < 10; m++) {
      if (m !== 4) for (let i = 0; i <= m; i++) events.push({ eventType: 'Transaction', timestamp: T0 + m * 60_000 + i * 1000, version: 'v2', duration: 0.1 * (m + 1), error: i === 0 });
      events.push({ eventType: 'Transaction', timestamp: T0 + m * 60_000 + 30_000, version: 'v1', duration: 0.2, error: false });
    }
    sim.addEvents(events);
  });
  beforeEach(() => {
    sim.requests.splice(0);
    sleeps.splice(0);
  });
  afterEach(() => expectNoContractViolations(sim));
  afterAll(() => sim.close());

  test('counts per bucket, each stamped at the end of its bucket, for every grid point from start to end', async () => {
    const samples = await source().queryRange("SELECT count(*) FROM Transaction WHERE `version` = 'v2'", window(2, 6));
    // The bucket ending at minute 2 is minute 1 (2 requests) … the one ending at 6 is minute 5 (6).
    expect(samples).toEqual([
      { time: at(2), value: 2 },
      { time: at(3), value: 3 },
      { time: at(4), value: 4 },
      // Minute 4 had no v2 requests: NRDB counts 0, and 0 is what it says.
      { time: at(5), value: 0 },
      { time: at(6), value: 6 },
    ]);
  });

  test('the NRQL and the account travel as GraphQL variables, with the key in the API-Key header', async () => {
    const query = "SELECT count(*) FROM Transaction WHERE `version` = 'v2'";
    await source().queryRange(query, window(2, 6));
    expect(sim.requests).toHaveLength(1);
    const [request] = sim.requests;
    expect(request.authorized).toBe(true);
    expect(request.query).not.toContain('Transaction');
    expect(request.variables).toEqual({ accountId: sim.accountId, nrql: `${query}\nSINCE ${T0 + 60_000} UNTIL ${T0 + 6 * 60_000} TIMESERIES 60 seconds`, timeout: 10 });
    expect(request.nrql).toBe(request.variables.nrql);
  });

  test('an aggregate over no events is left out, never a zero; a query that matched nothing is []', async () => {
    const samples = await source().queryRange("SELECT average(duration) FROM Transaction WHERE `version` = 'v2'", window(3, 6));
    expect(samples.map((s) => s.time)).toEqual([at(3), at(4), at(6)]);
    expect(samples[0].value).toBeCloseTo(0.3);
    expect(await source().queryRange("SELECT average(duration) FROM Transaction WHERE `version` = 'v9'", window(3, 6))).toEqual([]);
  });

  test('a percentile is read from its {"95": value} object', async () => {
    const samples = await source().queryRange("SELECT percentile(duration, 95) FROM Transaction WHERE `version` = 'v1'", window(1, 2));
    expect(samples).toEqual([
      { time: at(1), value: 0.2 },
      { time: at(2), value: 0.2 },
    ]);
  });

  test('a range of more than 366 buckets is asked in parts and comes back whole', async () => {
    const samples = await source().queryRange("SELECT count(*) FROM Transaction WHERE `version` = 'v1'", { start: new Date(T0 + 200_000), end: new Date(T0 + 200_000 + 399 * 10_000), stepSeconds: 10 });
    expect(sim.requests).toHaveLength(2);
    expect(samples).toHaveLength(400);
    expect(samples.map((s) => s.time)).toEqual(Array.from({ length: 400 }, (_, i) => (T0 + 200_000) / 1000 + i * 10));
    expect(samples.reduce((sum, s) => sum + s.value, 0)).toBe(7);
  });

  test('an instant query is the aggregate over the minute that ends then; NaN when nothing is there to aggregate', async () => {
    expect(await source().queryInstant("SELECT count(*) FROM Transaction WHERE `version` = 'v2'", new Date(T0 + 4 * 60_000))).toBe(4);
    expect(await source().queryInstant("SELECT average(duration) FROM Transaction WHERE `version` = 'v2'", new Date(T0 + 5 * 60_000))).toBeNaN();
  });

  test('a key New Relic refuses names the variable it came from and what it must be, never the key, and is not retried', async () => {
    const wrong = 'NRAK-WRONGKEY000000000000000000';
    const error = (await source({ apiKey: wrong }).queryRange('SELECT count(*) FROM Transaction', window(1, 2)).catch((e: unknown) => e)) as NewRelicError;
    expect(error).toBeInstanceOf(NewRelicError);
    expect(error.message).toContain('New Relic refused the API key from NEW_RELIC_API_KEY for account 1234567 (HTTP 401, BAD_API_KEY)');
    expect(error.message).toContain('It must be a USER key');
    expect(error.message).not.toContain(wrong);
    expect(sim.requests).toHaveLength(1);
  });

  test('an account the key cannot read is refused the same way', async () => {
    await expect(source({ accountId: 7 }).queryRange('SELECT count(*) FROM Transaction', window(1, 2))).rejects.toThrow(/New Relic refused the API key from NEW_RELIC_API_KEY for account 7 \(Not authorized to access account 7\.\)\. It must be a USER key .* with access to account 7/);
    expect(sim.requests).toHaveLength(1);
  });

  test('NRQL that NRDB refuses is an error naming the query, not retried', async () => {
    await expect(source().queryRange('SELECT count(*) FROM Transaction WHERE', window(1, 2))).rejects.toThrow(
      /^New Relic refused the NRQL query SELECT count\(\*\) FROM Transaction WHERE: NRQL Syntax Error: Error at line 2 position 1, .*Fix: correct the metric's query/,
    );
    expect(sim.requests).toHaveLength(1);
  });

  test('HTTP 500s, a 429 with Retry-After, a dropped connection and NerdGraph TIMEOUT errors are retried', async () => {
    sim.fault({ kind: 'status', status: 500 });
    sim.fault({ kind: 'status', status: 429, retryAfter: 7 });
    const samples = await source().queryRange("SELECT count(*) FROM Transaction WHERE `version` = 'v2'", window(2, 3));
    expect(samples).toEqual([{ time: at(2), value: 2 }, { time: at(3), value: 3 }]);
    expect(sim.requests).toHaveLength(3);
    // The back-off after the 429 is the server's 7 s, longer than the policy's 200 ms.
    expect(sleeps).toEqual([100, 7000]);

    sim.requests.splice(0);
    sim.fault({ kind: 'drop' });
    sim.fault({ kind: 'graphql-error', message: 'NRDB query timed out', extensions: { errorClass: 'TIMEOUT' } });
    expect(await source().queryRange("SELECT count(*) FROM Transaction WHERE `version` = 'v2'", window(2, 2))).toEqual([{ time: at(2), value: 2 }]);
    expect(sim.requests).toHaveLength(3);
  });

  test('gives up after its retries with what NerdGraph last said', async () => {
    sim.fault({ kind: 'status', status: 503, times: 3 });
    await expect(source().queryRange('SELECT count(*) FROM Transaction', window(1, 2))).rejects.toThrow('New Relic NerdGraph failed (HTTP 503) for query SELECT count(*) FROM Transaction: Internal Server Error');
    expect(sim.requests).toHaveLength(3);
  });

  test('a request that takes longer than the timeout is abandoned and retried', async () => {
    sim.fault({ kind: 'hang', ms: 5000 });
    expect(await source({ timeoutMs: 1000 }).queryRange("SELECT count(*) FROM Transaction WHERE `version` = 'v2'", window(2, 2))).toEqual([{ time: at(2), value: 2 }]);
    expect(sim.requests).toHaveLength(2);
  });

  test('FACET is refused before anything is sent, and an answer of several series is refused too', async () => {
    await expect(source().queryRange('SELECT count(*) FROM Transaction FACET version', window(1, 2))).rejects.toThrow(/the NRQL query has FACET.*aggregate to one series/);
    expect(sim.requests).toHaveLength(0);
    const bucket = { beginTimeSeconds: at(1), endTimeSeconds: at(2) };
    sim.fault({ kind: 'results', results: [{ ...bucket, version: 'v1', count: 1 }, { ...bucket, version: 'v2', count: 2 }], facets: ['version'] });
    await expect(source().queryRange('SELECT count(*) FROM Transaction', window(2, 2))).rejects.toThrow('New Relic query SELECT count(*) FROM Transaction is split by FACET version into several series; aggregate it to one');
    sim.fault({ kind: 'results', results: [{ ...bucket, count: 1, 'average.duration': 0.5 }] });
    await expect(source().queryRange('SELECT count(*) FROM Transaction', window(2, 2))).rejects.toThrow('returned 2 values (count, average.duration) per row; select exactly one aggregate');
  });

  test('a 200 of another shape is an error saying what was expected', async () => {
    sim.fault({ kind: 'results', results: [7] });
    await expect(source().queryRange('SELECT count(*) FROM Transaction', window(2, 2))).rejects.toThrow(/answered query SELECT count\(\*\) FROM Transaction with a result 7: expected \{data: \{actor: \{account: \{nrql: \{results:/);
    sim.fault({ kind: 'results', results: [{ beginTimeSeconds: at(1), endTimeSeconds: at(2), count: 'many' }] });
    await expect(source().queryRange('SELECT count(*) FROM Transaction', window(2, 2))).rejects.toThrow('with a value "many" for count');
  });

  test('a template with its own SINCE is refused at query time, before anything is sent', async () => {
    await expect(source().queryRange('SELECT count(*) FROM Transaction SINCE 1 hour ago', window(1, 2))).rejects.toThrow('New Relic query SELECT count(*) FROM Transaction SINCE 1 hour ago: the NRQL query has SINCE');
    expect(sim.requests).toHaveLength(0);
  });

  test('createNewRelicSource reads the key from its variable at creation: an unset one fails before any request', async () => {
    expect(() => createNewRelicSource({ type: 'newrelic', accountId: 1, apiKey: '{{env.NEW_RELIC_API_KEY}}', region: 'us' }, { env: {} })).toThrow(
      'source newrelic field apiKey reads the environment variable NEW_RELIC_API_KEY, which is not set.',
    );
    expect(sim.requests).toHaveLength(0);
    const made = createNewRelicSource({ type: 'newrelic', accountId: sim.accountId, apiKey: '{{env.NEW_RELIC_API_KEY}}', region: 'eu', url: sim.url }, { env, clock });
    expect(made).toMatchObject({ type: 'newrelic', counts: 'interval', dialect: nrqlDialect });
    expect(await made.queryRange("SELECT count(*) FROM Transaction WHERE `version` = 'v2'", window(2, 2))).toEqual([{ time: at(2), value: 2 }]);
    expect(NERDGRAPH_URLS).toEqual({ us: 'https://api.newrelic.com/graphql', eu: 'https://api.eu.newrelic.com/graphql' });
  });

  test('the simulator holds requests to the schema: a field NerdGraph does not have is a violation', async () => {
    const response = await fetch(sim.url, { method: 'POST', headers: { 'content-type': 'application/json', 'API-Key': KEY }, body: JSON.stringify({ query: '{ actor { account(id: 1234567) { nrql(query: "SELECT 1") { rows } } } }' }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0].message).toBe('Cannot query field "rows" on type "NrdbResultContainer".');
    expect(sim.violations).toEqual(['request: Cannot query field "rows" on type "NrdbResultContainer".']);
    sim.violations.splice(0);
  });

  test('and its answers too: one that does not fit the schema is a violation', async () => {
    const request = checkRequest({ query: 'query($id: Int!) { actor { account(id: $id) { nrql(query: "SELECT 1") { results metadata { facets } } } } }', variables: { id: 1 } });
    if ('problems' in request) throw new Error(request.problems.join('; '));
    // results is a list and facets a list of strings: a bare row and an object are not.
    const { problems } = await executeRequest(request, { actor: { account: { nrql: { results: { count: 1 }, metadata: { facets: [{ name: 'x' }] } } } } });
    expect(problems).toEqual(['Expected Iterable, but did not find one for field "NrdbResultContainer.results".', 'String cannot represent value: { name: "x" }']);
    expect(checkRequest({ query: '{ actor { account(id: "1") { id } } }' })).toEqual({ problems: ['Int cannot represent non-integer value: "1"', 'Cannot query field "id" on type "Account".'] });
  });
});
