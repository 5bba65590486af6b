import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSourceSettings } from '../../../../../src/core/metrics/source-settings.js';
import { dialectOf } from '../../../../../src/core/metrics/dialects/index.js';
import { createSource } from '../../../../../src/core/metrics/sources/index.js';
import { SOURCE_TYPES } from '../../../../../src/core/metrics/source-settings.js';

// The factory: settings in, a source out, its {{env.NAME}} references resolved from the context's
// environment and masked from then on.

describe('the source factory', () => {
  let server: Server;
  let url: string;
  const seen: IncomingMessage['headers'][] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.headers);
      if (request.headers.authorization !== 'Bearer glc-token-123') {
        // A proxy page that echoes what it was sent: the token must come out masked.
        response.writeHead(401, { 'content-type': 'text/plain' }).end(`denied: ${request.headers.authorization}`);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1700000000, '42'] }] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const grafanaCloud = () => parseSourceSettings({ prometheus: { url, headers: { Authorization: 'Bearer {{env.GRAFANA_CLOUD_TOKEN}}' } } }, 'analysis.source');

  test('a bearer token (Grafana Cloud) from the environment reaches the Prometheus API', async () => {
    const source = await createSource(grafanaCloud(), { env: { GRAFANA_CLOUD_TOKEN: 'glc-token-123' } });
    await expect(source.queryInstant('sum(up)')).resolves.toBe(42);
    expect(seen.at(-1)!.authorization).toBe('Bearer glc-token-123');
  });

  test('an unset variable fails at creation, naming it and the fix; nothing is sent', async () => {
    const before = seen.length;
    await expect(createSource(grafanaCloud(), { env: {} })).rejects.toThrow('source prometheus header Authorization reads the environment variable GRAFANA_CLOUD_TOKEN, which is not set. Fix: give the step `env: {GRAFANA_CLOUD_TOKEN: ${{ secrets.GRAFANA_CLOUD_TOKEN }}}`.');
    expect(seen.length).toBe(before);
  });

  test('a resolved secret is masked from then on, even when a server echoes it', async () => {
    const source = await createSource(grafanaCloud(), { env: { GRAFANA_CLOUD_TOKEN: 'glc-wrong-456' }, retries: 0 });
    const error = await source.queryInstant('sum(up)').catch((e: Error) => e);
    expect(String(error)).toContain('HTTP 401');
    expect(String(error)).not.toContain('glc-wrong-456');
  });

  test('every source type has its query language', () => {
    const languages = Object.fromEntries(SOURCE_TYPES.map((type) => [type, dialectOf(type).language]));
    expect(languages).toEqual({ prometheus: 'PromQL', web: 'URL', datadog: expect.any(String), cloudwatch: expect.any(String), newrelic: 'NRQL' });
    expect(new Set(Object.values(languages)).size).toBe(SOURCE_TYPES.length);
  });
});
