import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetRegistryAccess, type PromoteInputs } from '../../src/actions/promote-artifact/inputs.js';
import { basicAuthorization, fetchToken, type Credentials } from '../../src/core/artifact/auth.js';
import { RegistryClient } from '../../src/core/artifact/client.js';
import { unexpected } from '../../src/core/artifact/http.js';
import { SlipwayError } from '../../src/core/errors.js';
import { requireBinary, serverAvailable } from '../../testkit/bed/binaries.js';
import { startRegistry, type RegistryServer } from '../../testkit/bed/registry.js';
import { startTokenServer, type TokenServer } from '../../testkit/bed/token-server.js';
import { pushSeededImage } from '../integration/artifact/fixtures.js';
import { buildBundle, runActionStep } from '../support/action-runner.js';
import { expectNoContractViolations, startGitHubSimulator, type GitHubSimulator } from '../../testkit/github-sim/index.js';

// Registry credentials go only where they belong (docs/credentials.md). Each test here fails when
// its protection is removed: the source registry's credentials never reach another registry
// unless the workflow opts in; Basic credentials reach a token realm only over https (or over http
// beside a local plain-http registry); an upload location on another origin gets no credentials;
// and a registry's error text is quoted only as a short excerpt.

const describeIf = serverAvailable('docker-registry') ? describe : describe.skip;
const SOURCE: Credentials = { username: 'ci', password: 'source-s3cret' };
const TARGET: Credentials = { username: 'deployer', password: 'target-s3cret' };
const BUILT_FROM = 'b'.repeat(40);
const CREATE = 'POST /repos/{owner}/{repo}/deployments';

/** A local HTTP(S) server that records the Authorization header of every request it gets. */
interface Recorder {
  /** host:port as it is reached (the host name it was started on). */
  host: string;
  seen: { method: string; url: string; authorization?: string }[];
  close(): Promise<void>;
}

async function listen(server: Server, hostName: string, record: Recorder['seen']): Promise<Recorder> {
  await new Promise<void>((resolve) => server.listen(0, hostName, resolve));
  return {
    host: `${hostName}:${(server.address() as AddressInfo).port}`,
    seen: record,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function startRecorder(hostName: string, answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<Recorder> {
  const seen: Recorder['seen'] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization });
    answer(request, response);
  });
  return listen(server, hostName, seen);
}

const tokenAnswer = (request: IncomingMessage, response: ServerResponse) => {
  request.resume();
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'a-token', expires_in: 300 }));
};

/** Authorization values seen that carry `credentials` (as Basic). */
const carrying = (recorder: Recorder, credentials: Credentials) => recorder.seen.filter((s) => s.authorization === basicAuthorization(credentials));

describe('promote-artifact: which credentials the target registry gets', () => {
  const inputs = (extra: Partial<PromoteInputs> = {}): PromoteInputs => ({
    fromEnvironment: 'staging',
    toEnvironment: 'production',
    targetTags: [],
    requireProtection: true,
    state: 'success',
    sourceCredentials: SOURCE,
    useSourceCredentialsForTarget: false,
    token: 't',
    ...extra,
  });

  test.each([
    ['another host', 'registry.b.example', 'registry.a.example'],
    ['the same host on another port', 'registry.a.example:5000', 'registry.a.example'],
    ['the same host name on another port (loopback)', '127.0.0.1:5001', '127.0.0.1:5000'],
  ])('a target on %s gets no credentials by default, and its 401 names the target inputs and the opt-in', (_case, target, source) => {
    const access = targetRegistryAccess(inputs(), target, source);
    expect(access.credentials).toBeUndefined();
    expect(access.credentialsFix).toMatch(/set `target-registry-username` and `target-registry-password` for .* or set `target-registry-use-source-login: true`/);
  });

  test('the very same registry (host and port; host names without case) gets the source credentials', () => {
    expect(targetRegistryAccess(inputs(), 'Registry.A.example:5000', 'registry.a.example:5000').credentials).toEqual(SOURCE);
  });

  test('with the opt-in another registry gets the source credentials; its own credentials win over both', () => {
    expect(targetRegistryAccess(inputs({ useSourceCredentialsForTarget: true }), 'registry.b.example', 'registry.a.example').credentials).toEqual(SOURCE);
    expect(targetRegistryAccess(inputs({ targetCredentials: TARGET }), 'registry.a.example', 'registry.a.example').credentials).toEqual(TARGET);
  });
});

describeIf('promote-artifact (the bundled action) from registry A to registry B on another port', () => {
  let sim: GitHubSimulator;
  let registryA: RegistryServer;
  let backendB: RegistryServer;
  let registryB: Recorder;
  let bundle: string;
  let stagingRef: string;
  beforeAll(async () => {
    bundle = await buildBundle('promote-artifact');
    [sim, registryA, backendB] = await Promise.all([startGitHubSimulator(), startRegistry({ users: { [SOURCE.username]: SOURCE.password } }), startRegistry()]);
    // Registry B: Basic auth in front of an anonymous registry, accepting the source account (the
    // same account on two hosts, for the opt-in) and its own. It records what it is sent.
    const accepted = new Set([basicAuthorization(SOURCE), basicAuthorization(TARGET)]);
    const [backendHost, backendPort] = backendB.host.split(':');
    registryB = await startRecorder('127.0.0.1', (request, response) => {
      if (!accepted.has(request.headers.authorization ?? '')) {
        request.resume();
        response.writeHead(401, { 'www-authenticate': 'Basic realm="registry-b"', 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
      // The Host header is passed on, so the upload locations the registry hands out point here.
      const upstream = httpRequest({ host: backendHost, port: Number(backendPort), method: request.method, path: request.url, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      request.pipe(upstream);
    });
    const client = new RegistryClient({ registry: registryA.host, credentials: SOURCE });
    stagingRef = `${registryA.host}/acme/shop@${await pushSeededImage({ client, repository: 'acme/shop' }, 'credential-scope', 64 * 1024, [BUILT_FROM])}`;
    sim.setEnvironment('staging');
    sim.setEnvironment('production', { reviewers: [{ type: 'User', id: 1 }] });
    const payload = {
      schema: 'slipway/v1',
      artifact: { ref: stagingRef, digest: stagingRef.split('@')[1] },
      source: { sha: BUILT_FROM, ref: 'refs/heads/main', runId: 41, runAttempt: 1, actor: 'octocat', workflow: 'deploy' },
    };
    sim.seedDeployments(1, { environment: 'staging', sha: BUILT_FROM, payload, states: ['success'] });
  });
  afterAll(async () => {
    await Promise.all([sim?.close(), registryA?.stop(), backendB?.stop(), registryB?.close()]);
  });
  beforeEach(async () => {
    sim.setPermissions({ deployments: 'write' });
    sim.resetCounts();
    registryB.seen.length = 0;
    await registryA.clearRequests();
  });
  afterEach(() => expectNoContractViolations(sim));

  const step = (inputs: Record<string, string>) =>
    runActionStep(bundle, {
      inputs: { token: sim.token, 'from-environment': 'staging', 'to-environment': 'production', 'target-tags': 'production', 'registry-username': SOURCE.username, 'registry-password': SOURCE.password, ...inputs },
      env: { GITHUB_REPOSITORY: `${sim.owner}/${sim.repo}`, GITHUB_API_URL: sim.url, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '42', GITHUB_SHA: 'c'.repeat(40), GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push' },
    });
  const digest = () => stagingRef.split('@')[1];

  test('by default registry B is accessed anonymously: it never sees the source credentials, and its 401 names the target inputs and the opt-in', async () => {
    const result = await step({ 'target-image': `${registryB.host}/acme/shop-live` });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /::error::The registry requires credentials for the pull from 127\.0\.0\.1:\d+\/acme\/shop-live \(401\)\. Fix: set `target-registry-username` and `target-registry-password` for 127\.0\.0\.1:\d+, which was accessed without credentials, or set `target-registry-use-source-login: true`/,
    );
    expect(registryB.seen.length).toBeGreaterThan(0);
    expect(registryB.seen.filter((s) => s.authorization !== undefined)).toEqual([]);
    expect(sim.requests(CREATE)).toBe(0);
  });

  test('with `target-registry-use-source-login: true` registry B gets the source credentials and the promotion completes', async () => {
    const result = await step({ 'target-image': `${registryB.host}/acme/shop-optin`, 'target-registry-use-source-login': 'true' });
    expect(result.stdout).not.toContain('::error::');
    expect(result.exitCode).toBe(0);
    expect(result.outputs['image-ref']).toBe(`${registryB.host}/acme/shop-optin@${digest()}`);
    expect(carrying(registryB, SOURCE).length).toBeGreaterThan(0);
  });

  test("with target credentials registry B gets those and never the source's", async () => {
    const result = await step({ 'target-image': `${registryB.host}/acme/shop-own`, 'target-registry-username': TARGET.username, 'target-registry-password': TARGET.password });
    expect(result.exitCode).toBe(0);
    expect(carrying(registryB, TARGET).length).toBeGreaterThan(0);
    expect(carrying(registryB, SOURCE)).toEqual([]);
  });

  test('a target in registry A itself (same host and port) gets the source credentials without any opt-in', async () => {
    const result = await step({ 'target-image': `${registryA.host}/acme/shop-prod` });
    expect(result.stdout).not.toContain('::error::');
    expect(result.exitCode).toBe(0);
    expect(result.outputs['image-ref']).toBe(`${registryA.host}/acme/shop-prod@${digest()}`);
  });

  test.each([
    [
      'the opt-in together with target credentials',
      { 'target-registry-use-source-login': 'true', 'target-registry-username': TARGET.username, 'target-registry-password': TARGET.password },
      /::error::Input 'target-registry-use-source-login' has the value "true": expected `false` while `target-registry-username` and `target-registry-password` are set.*Fix: remove `target-registry-use-source-login`/,
    ],
    [
      'the opt-in without source credentials',
      { 'target-registry-use-source-login': 'true', 'registry-username': '', 'registry-password': '' },
      /::error::Input 'target-registry-use-source-login' has the value "true": expected `registry-username` and `registry-password` to be set.*Fix: set them, or remove `target-registry-use-source-login`/,
    ],
  ])('%s is refused as an InputError before any registry or GitHub request', async (_case, inputs, message) => {
    const result = await step({ 'target-image': `${registryB.host}/acme/shop-refused`, ...inputs });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(registryB.seen).toEqual([]);
    expect(await registryA.settledRequests()).toEqual([]);
    expect(sim.requests(CREATE)).toBe(0);
  });
});

describeIf('a token realm on plain http to another host gets no credentials', () => {
  let tokens: TokenServer;
  let realm: Recorder;
  let registry: RegistryServer;
  beforeAll(async () => {
    tokens = await startTokenServer({ users: {} });
    // 127.0.0.1 and localhost stand for two hosts: the registry names a realm on the other one.
    realm = await startRecorder('localhost', tokenAnswer);
    registry = await startRegistry({ token: { ...tokens, realm: `http://${realm.host}/token` } });
  });
  afterAll(async () => {
    await registry?.stop();
    await realm?.close();
    await tokens?.stop();
  });
  beforeEach(() => {
    realm.seen.length = 0;
  });

  test('with credentials the realm is refused, naming it and why, and it is never asked', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: SOURCE });
    const error = await client.manifests.resolve('acme/shop', 'v1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as Error).message).toMatch(/named the token realm http:\/\/localhost:\d+\/token, which would receive the registry credentials over plain http to another host than the registry's \(127\.0\.0\.1\).*Fix: have the registry name an https realm/);
    expect(realm.seen).toEqual([]);
  });

  test('without credentials nothing is at stake: the realm is asked anonymously', async () => {
    const client = new RegistryClient({ registry: registry.host });
    await client.manifests.resolve('acme/shop', 'v1').catch(() => undefined);
    expect(realm.seen.length).toBeGreaterThan(0);
    expect(realm.seen.filter((s) => s.authorization !== undefined)).toEqual([]);
  });
});

describe('token realms the registry credentials may go to', () => {
  const challenge = (realmUrl: string) => ({ scheme: 'bearer' as const, params: { realm: realmUrl, service: 'registry' } });
  /** A fetch that records what it was asked and answers a token. */
  const recordingFetch = () => {
    const asked: { url: string; authorization?: string }[] = [];
    const fetchImpl = (async (url: URL, init?: RequestInit) => {
      asked.push({ url: String(url), authorization: (init?.headers as Record<string, string>).authorization });
      return new Response(JSON.stringify({ token: 'a-token' }), { status: 200 });
    }) as typeof fetch;
    return { asked, fetchImpl };
  };

  test.each([
    ['plain http while the registry is https (same host)', 'https://registry.example', 'http://registry.example/token', /plain http, while the registry itself is reached over https/],
    ['plain http to another host of a plain-http registry', 'http://127.0.0.1:5000', 'http://localhost:5001/token', /plain http to another host than the registry's \(127\.0\.0\.1\)/],
    ['another scheme', 'https://registry.example', 'ftp://registry.example/token', /which is neither https nor http/],
  ])('%s: refused, and nothing is sent', async (_case, registryUrl, realmUrl, why) => {
    const { asked, fetchImpl } = recordingFetch();
    await expect(fetchToken(challenge(realmUrl), 'repository:acme/shop:pull', SOURCE, registryUrl, fetchImpl)).rejects.toThrow(why);
    expect(asked).toEqual([]);
  });

  test('plain http on the host of a plain-http registry, on another port (a local token service), gets the credentials', async () => {
    const { asked, fetchImpl } = recordingFetch();
    await fetchToken(challenge('http://127.0.0.1:5001/token'), 'repository:acme/shop:pull', SOURCE, 'http://127.0.0.1:5000', fetchImpl);
    expect(asked.map((a) => a.authorization)).toEqual([basicAuthorization(SOURCE)]);
  });

  describe('an https realm on another host (as auth.docker.io is for registry-1.docker.io)', () => {
    let dir: string;
    let ca: Buffer;
    let realm: Recorder;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'slipway-realm-tls-'));
      const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
      execFileSync(requireBinary('openssl'), ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-sha256'], { stdio: 'ignore' });
      ca = readFileSync(cert);
      const seen: Recorder['seen'] = [];
      const server = createHttpsServer({ key: readFileSync(key), cert: ca }, (request, response) => {
        seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization });
        tokenAnswer(request, response);
      });
      realm = await listen(server as unknown as Server, 'localhost', seen);
    });
    afterAll(async () => {
      await realm?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** A fetch over node:https that trusts the test's own certificate (the global fetch trusts only the system's). */
    const trustingFetch = (async (url: URL, init?: RequestInit) =>
      new Promise<Response>((resolve, reject) => {
        const request = httpsRequest(url, { method: 'GET', headers: init?.headers as Record<string, string>, ca }, (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: answer.statusCode })));
        });
        request.on('error', reject);
        request.end();
      })) as typeof fetch;

    test.each([
      ['a plain-http registry', 'http://127.0.0.1:5000'],
      ['an https registry', 'https://registry-1.docker.example'],
    ])('from %s it gets the Basic credentials and answers a token', async (_case, registryUrl) => {
      realm.seen.length = 0;
      const token = await fetchToken(challenge(`https://${realm.host}/token`), 'repository:acme/shop:pull', SOURCE, registryUrl, trustingFetch);
      expect(token.token).toBe('a-token');
      expect(realm.seen.map((s) => s.authorization)).toEqual([basicAuthorization(SOURCE)]);
    });
  });
});

describe('an upload location on another origin gets no credentials', () => {
  let registry: Recorder;
  let elsewhere: Recorder;
  beforeAll(async () => {
    // A registry with Basic auth that hands out upload locations; `elsewhere` is another origin.
    registry = await startRecorder('127.0.0.1', (request, response) => {
      request.resume();
      if (request.headers.authorization !== basicAuthorization(SOURCE)) response.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      else response.writeHead(201).end();
    });
    elsewhere = await startRecorder('localhost', (request, response) => {
      request.resume();
      response.writeHead(201).end();
    });
  });
  afterAll(async () => {
    await registry?.close();
    await elsewhere?.close();
  });

  test('the registry itself gets the credentials after its challenge; a location on another host or port gets none', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: SOURCE });
    await client.http.send({ method: 'PUT', repository: 'acme/shop', path: `http://${registry.host}/upload/1?_state=x`, body: Buffer.from('x') });
    expect(carrying(registry, SOURCE).length).toBe(1);
    const response = await client.http.send({ method: 'PUT', repository: 'acme/shop', path: `http://${elsewhere.host}/upload/1?_state=x`, body: Buffer.from('x') });
    expect(response.status).toBe(201);
    expect(elsewhere.seen.map((s) => s.authorization)).toEqual([undefined]);
  });
});

describe("a registry's error text is quoted only as a short excerpt", () => {
  test('a long error message is cut to 200 characters; what follows never reaches the message', async () => {
    const body = JSON.stringify({ errors: [{ code: 'DENIED', message: `${'x'.repeat(400)} echoed: Authorization: ${basicAuthorization(SOURCE)}` }] });
    const error = await unexpected(new Response(body, { status: 500 }), 'Reading manifest acme/shop:v1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlipwayError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Reading manifest acme\/shop:v1 failed: the registry answered 500 \(DENIED: x+…\)\.$/);
    expect(message.length).toBeLessThan('Reading manifest acme/shop:v1 failed: the registry answered 500 ().'.length + 201);
    expect(message).not.toContain(basicAuthorization(SOURCE));
  });
});
