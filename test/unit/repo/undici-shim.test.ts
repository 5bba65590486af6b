import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { getOctokit } from '@actions/github';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch, ProxyAgent } from '../../../shims/undici/index.js';

// The toolkit's imports of undici resolve to shims/undici (package.json "overrides"), so that no
// bundle carries a second copy of it (docs/architecture.md, "Fast start"). What it imports must
// still work: @actions/github's Octokit (the attest step's) sends every request through it.

let server: Server;
let url: string;
const seen: { method?: string; url?: string; authorization?: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ full_name: 'acme/app', private: false }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the toolkit's undici, over Node's own fetch", () => {
  test("a ProxyAgent stand-in as dispatcher is left to Node's fetch: the request is made", async () => {
    const response = await fetch(`${url}/direct`, { dispatcher: new ProxyAgent({ uri: 'http://127.0.0.1:1' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ full_name: 'acme/app', private: false });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/direct' });
  });

  test("@actions/github's Octokit (the attest step's) reaches GitHub through it", async () => {
    const octokit = getOctokit('ghs_example', { baseUrl: url });
    const { data } = await octokit.rest.repos.get({ owner: 'acme', repo: 'app' });
    expect(data.full_name).toBe('acme/app');
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/repos/acme/app', authorization: 'token ghs_example' });
  });
});
