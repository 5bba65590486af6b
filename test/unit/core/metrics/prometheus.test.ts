import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseHeaderLines, PrometheusSource } from '../../../../src/core/metrics/prometheus.js';
import { freePort } from '../../../../testkit/bed/ports.js';

// A scripted HTTP server for the failure modes a real Prometheus does not produce on demand (5xx
// bursts, slow answers, auth); the normal answers are tested against the real Prometheus in
// test/integration/analysis.

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let url: string;
let handler: Handler;
const seen: { headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  const port = await freePort();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};
const vector = (value: string) => ({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, value] }] } });

describe('prometheus metric source', () => {
  test('retries a 503 and a 502 and then returns the answer', async () => {
    let calls = 0;
    handler = (_req, _body, res) => (++calls <= 2 ? json(res, calls === 1 ? 503 : 502, { status: 'error', errorType: 'timeout', error: 'busy' }) : json(res, 200, vector('7')));
    const source = new PrometheusSource({ url, retries: 3, retryDelayMs: 5 });
    expect(await source.queryInstant('up')).toBe(7);
    expect(calls).toBe(3);
  });

  test('gives up after the retries with the last error', async () => {
    let calls = 0;
    handler = (_req, _body, res) => {
      calls++;
      json(res, 503, { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' });
    };
    const source = new PrometheusSource({ url, retries: 2, retryDelayMs: 5 });
    await expect(source.queryInstant('up')).rejects.toThrow('Prometheus query failed (HTTP 503) for query up: timeout: query timed out in expression evaluation');
    expect(calls).toBe(3);
  });

  test('does not retry a bad query (HTTP 400) and says what Prometheus said', async () => {
    let calls = 0;
    handler = (_req, _body, res) => {
      calls++;
      json(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error: unexpected }' });
    };
    await expect(new PrometheusSource({ url, retryDelayMs: 5 }).queryInstant('up}')).rejects.toThrow('(HTTP 400) for query up}: bad_data: parse error: unexpected }');
    expect(calls).toBe(1);
  });

  test('a slow answer times out and counts as unreachable', async () => {
    handler = (_req, _body, res) => setTimeout(() => json(res, 200, vector('1')), 500);
    await expect(new PrometheusSource({ url, timeoutMs: 50, retries: 1, retryDelayMs: 5 }).queryInstant('up')).rejects.toThrow(`Prometheus at ${url} is unreachable: no answer within 50 ms`);
  });

  test('a refused connection is reported as unreachable', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    await expect(new PrometheusSource({ url: closed, retries: 0 }).queryInstant('up')).rejects.toThrow(`Prometheus at ${closed} is unreachable: ECONNREFUSED`);
  });

  test('a 401 names the prometheus-headers input and does not echo the credentials', async () => {
    handler = (_req, _body, res) => json(res, 401, { status: 'error', error: 'unauthorized' });
    const failure = new PrometheusSource({ url, bearerToken: 's3cret-token', retryDelayMs: 5 }).queryInstant('up');
    await expect(failure).rejects.toThrow('refused the request (HTTP 401): check the credentials in prometheus-headers');
    await expect(failure).rejects.not.toThrow('s3cret-token');
  });

  test('sends the bearer token, basic auth and extra headers, and the query as a form', async () => {
    handler = (_req, _body, res) => json(res, 200, vector('1'));
    seen.length = 0;
    await new PrometheusSource({ url, bearerToken: 'tok', headers: { 'X-Scope-OrgID': 'team-a' } }).queryInstant('up{a="b"}', new Date(1_700_000_000_000));
    await new PrometheusSource({ url, basicAuth: { username: 'u', password: 'p' } }).queryInstant('up');
    expect(seen[0].headers.authorization).toBe('Bearer tok');
    expect(seen[0].headers['x-scope-orgid']).toBe('team-a');
    expect(new URLSearchParams(seen[0].body).get('query')).toBe('up{a="b"}');
    expect(new URLSearchParams(seen[0].body).get('time')).toBe('1700000000');
    expect(seen[1].headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  test('keeps NaN and infinities as numbers and an empty result as NaN or [], never 0', async () => {
    handler = (_req, body, res) => {
      const query = new URLSearchParams(body).get('query');
      if (query === 'empty') return json(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } });
      if (query === 'emptyrange') return json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } });
      if (query === 'scalar') return json(res, 200, { status: 'success', data: { resultType: 'scalar', result: [1, '+Inf'] } });
      json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[10, '1.5'], [20, 'NaN']] }] } });
    };
    const source = new PrometheusSource({ url });
    expect(await source.queryInstant('empty')).toBeNaN();
    expect(await source.queryInstant('scalar')).toBe(Infinity);
    expect(await source.queryRange('emptyrange', { start: new Date(0), end: new Date(20_000), stepSeconds: 10 })).toEqual([]);
    expect(await source.queryRange('range', { start: new Date(0), end: new Date(20_000), stepSeconds: 10 })).toEqual([
      { time: 10, value: 1.5 },
      { time: 20, value: NaN },
    ]);
  });

  test('rejects a query that returns several series, asking to aggregate it', async () => {
    handler = (_req, _body, res) => json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: { a: '1' }, value: [1, '1'] }, { metric: { a: '2' }, value: [1, '2'] }] } });
    await expect(new PrometheusSource({ url }).queryInstant('up')).rejects.toThrow('Query up returned 2 series; aggregate it to one (e.g. wrap it in sum(…)).');
  });

  test('keeps a path prefix of the base URL', async () => {
    handler = (req, _body, res) => json(res, req.url === '/prom/api/v1/query' ? 200 : 404, vector('3'));
    expect(await new PrometheusSource({ url: `${url}/prom/` }).queryInstant('up')).toBe(3);
  });
});

describe('parseHeaderLines', () => {
  test('reads one "Name: value" per line', () => {
    expect(parseHeaderLines('Authorization: Bearer abc\n\nX-Scope-OrgID:team', 'prometheus-headers')).toEqual({ Authorization: 'Bearer abc', 'X-Scope-OrgID': 'team' });
  });

  test('names the bad line without printing it (it may hold a secret)', () => {
    expect(() => parseHeaderLines('Authorization: Bearer abc\nBearer s3cret', "input 'prometheus-headers'")).toThrow(
      "input 'prometheus-headers': line 2 is not a header; expected one \"Name: value\" per line",
    );
    expect(() => parseHeaderLines('Bearer s3cret', 'h')).not.toThrow(/s3cret/);
  });
});
