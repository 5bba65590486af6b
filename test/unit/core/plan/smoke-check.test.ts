import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpSmokeCheck } from '../../../../src/core/plan/index.js';
import { blueGreenSwitch } from '../../../../src/core/traffic/strategies.js';
import { RouterDouble } from './doubles.js';

// A real loopback server answers as the path says: /ok 200, /created 201, /down 503, /slow never
// within the test's timeout, /echo 200 only with the header the check sends.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/slow') return void setTimeout(() => response.end('late'), 3_000).unref();
    if (request.url === '/echo') return void response.writeHead(request.headers['x-canary'] === 'preview' ? 200 : 404).end();
    const status = { '/ok': 200, '/created': 201, '/down': 503 }[request.url ?? ''] ?? 404;
    response.writeHead(status).end('body');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the smoke check', () => {
  test('passes when the URL answers the expected status', async () => {
    expect(await httpSmokeCheck({ url: `${base}/ok`, expectStatus: 200 })).toEqual({ ok: true, detail: `GET ${base}/ok answered 200` });
  });

  test('passes on any 2xx when no status is expected, and fails on another 2xx when one is', async () => {
    expect((await httpSmokeCheck({ url: `${base}/created` })).ok).toBe(true);
    expect(await httpSmokeCheck({ url: `${base}/created`, expectStatus: 200 })).toEqual({ ok: false, detail: `GET ${base}/created answered 201, expected 200` });
  });

  test('fails on a non-2xx answer, saying what it got', async () => {
    expect(await httpSmokeCheck({ url: `${base}/down` })).toEqual({ ok: false, detail: `GET ${base}/down answered 503, expected 2xx` });
  });

  test('fails when the URL does not answer within the timeout', async () => {
    const started = Date.now();
    expect(await httpSmokeCheck({ url: `${base}/slow`, timeoutSeconds: 1 })).toEqual({ ok: false, detail: `GET ${base}/slow did not answer within 1s` });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  test('fails when nothing listens, with the reason fetch hides in its cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise((resolve) => closed.close(resolve));
    const check = await httpSmokeCheck({ url });
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(new RegExp(`^GET ${url} failed: fetch failed \\(.*ECONNREFUSED`));
  });

  test('sends the step headers', async () => {
    expect((await httpSmokeCheck({ url: `${base}/echo`, headers: { 'x-canary': 'preview' } })).ok).toBe(true);
    expect((await httpSmokeCheck({ url: `${base}/echo` })).ok).toBe(false);
  });

  test('a blue-green switch moves nothing when the check fails, and everything when it passes', async () => {
    const router = new RouterDouble();
    await expect(blueGreenSwitch(router, () => httpSmokeCheck({ url: `${base}/down` }))).rejects.toThrow(`Smoke check failed: GET ${base}/down answered 503, expected 2xx; traffic was not switched.`);
    expect(router.calls).toEqual([]);
    expect((await blueGreenSwitch(router, () => httpSmokeCheck({ url: `${base}/ok` }))).canaryWeight).toBe(100);
  });
});
