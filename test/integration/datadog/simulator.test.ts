import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { datadogContract, QUERY_TEMPLATE } from '../../../testkit/datadog-sim/contract.js';
import { expectNoContractViolations, startDatadogSimulator, type DatadogSimulator } from '../../../testkit/datadog-sim/index.js';

// The Datadog simulator keeps to Datadog's own description of GET /api/v1/query
// (contracts/datadog-metrics-query.json): its answers, good and bad, validate; requests and
// answers outside the contract are caught, naming the operation and the field.

let sim: DatadogSimulator;
beforeAll(async () => {
  sim = await startDatadogSimulator();
});
afterAll(() => sim.close());

const T0 = 1_767_225_600;
const get = async (parameters: Record<string, string>, headers: Record<string, string> = { 'DD-API-KEY': sim.apiKey, 'DD-APPLICATION-KEY': sim.appKey }) => {
  const response = await fetch(`${sim.url}/api/v1/query?${new URLSearchParams(parameters).toString()}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
};

describe('every answer keeps to the contract', () => {
  afterEach(() => expectNoContractViolations(sim));

  test('a tour: series, groups, fills, an empty answer, a parse error, a refused key, a throttled and a failing request', async () => {
    sim.addSeries({ metric: 'trace.http.request.hits', tags: { service: 'web', version: 'v1' }, points: [[T0 + 5, 2], [T0 + 65, 3]] });
    sim.addSeries({ metric: 'trace.http.request.hits', tags: ['service:web', 'version:v2'], points: [[T0 + 5, 1]] });
    const range = { from: String(T0), to: String(T0 + 180) };

    const one = await get({ ...range, query: 'sum:trace.http.request.hits{service:web,!version:v2}.as_count().rollup(sum, 60)' });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ status: 'ok', res_type: 'time_series', from_date: T0 * 1000, to_date: (T0 + 180) * 1000 });
    expect(one.body.series).toEqual([
      expect.objectContaining({ metric: 'trace.http.request.hits', aggr: 'sum', scope: 'service:web,!version:v2', interval: 60, length: 2, pointlist: [[T0 * 1000, 2], [(T0 + 60) * 1000, 3]] }),
    ]);

    const grouped = await get({ ...range, query: 'sum:trace.http.request.hits{service:web} by {version}.as_count().fill(zero).rollup(sum, 60)' });
    expect((grouped.body.series as { scope: string; tag_set: string[]; pointlist: unknown[] }[]).map((s) => [s.scope, s.tag_set, s.pointlist.length])).toEqual([
      ['service:web,version:v1', ['version:v1'], 4],
      ['service:web,version:v2', ['version:v2'], 4],
    ]);

    expect((await get({ ...range, query: 'avg:no.such.metric{*}' })).body).toMatchObject({ status: 'ok', series: [] });
    expect(await get({ ...range, query: 'sum:trace.http.request.hits{service:web' })).toMatchObject({ status: 400, body: { errors: [expect.stringMatching(/^Error parsing query/)] } });
    expect(await get({ ...range, query: 'avg:m{*}' }, { 'DD-API-KEY': sim.apiKey })).toMatchObject({ status: 403, body: { errors: ['Forbidden'] } });

    sim.injectFault({ kind: 'status', status: 429, rateLimitReset: 11 });
    const throttled = await get({ ...range, query: 'avg:m{*}' });
    expect(throttled).toMatchObject({ status: 429, body: { errors: ['Too many requests'] } });
    expect(throttled.headers.get('x-ratelimit-reset')).toBe('11');
    sim.injectFault({ kind: 'status', status: 502 });
    expect(await get({ ...range, query: 'avg:m{*}' })).toMatchObject({ status: 502, body: { errors: ['Bad Gateway'] } });
    expect(sim.requests()).toBe(7);
  });

  test('the answer of the contract\'s own example validates', () => {
    const example = { query: 'avg:system.cpu.idle{*}', res_type: 'time_series', series: [{ aggr: 'avg', display_name: 'system.cpu.idle', expression: 'avg:system.cpu.idle{*}', metric: 'system.cpu.idle', pointlist: [[1681683300000.0, 77.62145685254418]], scope: '*' }], status: 'ok' };
    expect(datadogContract.validateResponse('GET', QUERY_TEMPLATE, 200, example)).toEqual([]);
  });
});

describe('validation catches drift', () => {
  afterEach(() => void sim.contractViolations.splice(0));

  test('a request without `to` or with a fractional `from` is answered 400 and recorded as a violation', async () => {
    const missing = await get({ from: String(T0), query: 'avg:m{*}' });
    expect(missing).toMatchObject({ status: 400, body: { errors: [expect.stringContaining("must have required property 'to'")] } });
    await get({ from: `${T0}.5`, to: String(T0 + 60), query: 'avg:m{*}' });
    expect(sim.contractViolations).toEqual([
      "QueryMetrics (GET /api/v1/query): request query parameters: (root) must have required property 'to'",
      'QueryMetrics (GET /api/v1/query): request query parameters: /from must be integer',
    ]);
  });

  test('answers of the wrong shape are violations naming the operation, the status and the field', () => {
    const validate = (status: number, body: unknown) => datadogContract.validateResponse('GET', QUERY_TEMPLATE, status, body);
    expect(validate(200, { status: 'ok', series: [{ pointlist: [[1, 2, 3]] }] })).toEqual([expect.stringMatching(/^QueryMetrics \(GET \/api\/v1\/query\): response 200 body: \/series\/0\/pointlist\/0 must NOT have more than 2 items/)]);
    expect(validate(200, { status: 'ok', series: [{ pointlist: [['a', 2]] }] })).toEqual([expect.stringContaining('/series/0/pointlist/0/0 must be number')]);
    expect(validate(200, { series: 'none' })).toEqual([expect.stringContaining('/series must be array')]);
    expect(validate(403, { message: 'Forbidden' })).toEqual([expect.stringContaining("response 403 body: (root) must have required property 'errors'")]);
    // The 429 answer is a $ref to a shared response: resolved, it is checked like the others.
    expect(validate(429, { errors: 'slow down' })).toEqual([expect.stringContaining('response 429 body: /errors must be array')]);
    expect(validate(503, '<html>')).toEqual(['QueryMetrics (GET /api/v1/query): response 503: an error body needs "errors", a list of strings (APIErrorResponse)']);
    expect(validate(201, {})).toEqual(['QueryMetrics (GET /api/v1/query): response status 201 is not documented (documented: 200, 400, 403, 429)']);
  });
});
